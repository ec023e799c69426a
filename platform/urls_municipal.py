"""URLs of a municipality's, SAO's or Pattaya City's site: only the apps their schemas have."""
from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from localservice.urls_lao import common_urlpatterns

urlpatterns = common_urlpatterns + [
    path("", include("tenant_apps.advertising.urls")),
    # The OpenAPI schema of this LAO type's API (the public one covers the registry only).
    path("api/schema/", SpectacularAPIView.as_view(urlconf="localservice.urls_municipal"), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
]
