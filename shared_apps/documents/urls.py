from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("documents/verify/", views.verify_page, name="verify"),
    path("api/documents/verify/", views.DocumentVerifyApi.as_view(), name="api-verify"),
]
