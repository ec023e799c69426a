"""URLs every LAO site has, whatever its type."""
from django.urls import include, path

common_urlpatterns = [
    path("", include("tenant_apps.lao_profile.urls")),
    path("", include("shared_apps.accounts.urls")),
    path("", include("shared_apps.notifications.urls")),  # redirects to the central site, where settings live
    path("", include("tenant_apps.officers.urls")),
    path("", include("tenant_apps.billing.urls")),
    path("", include("shared_apps.documents.urls")),  # checking an uploaded signed document
    path("i18n/", include("django.conf.urls.i18n")),
]
