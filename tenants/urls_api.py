from django.urls import path

from . import api

urlpatterns = [
    path("laos/", api.LAOListApi.as_view(), name="api-lao-list"),
    path("laos/<str:dla_code>/", api.LAODetailApi.as_view(), name="api-lao-detail"),
    path("laos/<str:dla_code>/onboard/", api.LAOOnboardApi.as_view(), name="api-lao-onboard"),
]
