from django.urls import path

from shared_apps.person_items.api import ObligationsApi

from . import views

urlpatterns = [
    path("", views.landing, name="landing"),
    # central only (the portal is not on a LAO's host): the person's items at every LAO
    path("api/me/obligations/", ObligationsApi.as_view(), name="api-me-obligations"),
]
