"""URLs of a PAO's site (อบจ.): only the apps a PAO schema has."""
from django.urls import include, path

from localservice.urls_lao import common_urlpatterns

urlpatterns = common_urlpatterns + [
    path("ordinances/", include("tenant_apps.ordinances.urls")),
    path("", include("tenant_apps.pao_filing.urls")),
]
