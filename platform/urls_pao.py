"""URLs of a PAO's site (อบจ.): only the apps a PAO schema has."""
from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from localservice.urls_lao import common_urlpatterns

urlpatterns = common_urlpatterns + [
    path("ordinances/", include("tenant_apps.ordinances.urls")),
    path("", include("tenant_apps.pao_filing.urls")),
    # The OpenAPI schema of this LAO type's API (the public one covers the registry only).
    path("api/schema/", SpectacularAPIView.as_view(urlconf="localservice.urls_pao"), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
]
