"""URLs of a municipality's, SAO's or Pattaya City's site: only the apps their schemas have."""
from django.urls import include, path

from localservice.urls_lao import common_urlpatterns

urlpatterns = common_urlpatterns + [
    path("", include("tenant_apps.advertising.urls")),
]
