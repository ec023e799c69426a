"""URLs of a municipality's, SAO's or Pattaya City's site: only the apps their schemas have."""
from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView

from localservice.api_docs import redoc_view
from localservice.urls_lao import common_urlpatterns

urlpatterns = common_urlpatterns + [
    path("", include("tenant_apps.advertising.urls")),
    # The OpenAPI schema of this LAO type's API (the public one covers the registry only).
    path("api/schema/", SpectacularAPIView.as_view(urlconf="localservice.urls_municipal"), name="api-schema"),
    path("api/docs/", redoc_view("api-schema"), name="api-docs"),  # Redoc under the CSP
]
handler404 = "localservice.errors.not_found"  # JSON under /api/
