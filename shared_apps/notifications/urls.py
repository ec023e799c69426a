from django.urls import path

from . import api, views

app_name = "notifications"
urlpatterns = [
    path("accounts/me/notifications/", views.preferences_page, name="preferences"),
    path("accounts/me/notifications/verify/<str:token>/", views.verify_page, name="verify"),
    path("api/me/notification-preferences/", api.PreferenceApi.as_view(), name="api-preferences"),
]
