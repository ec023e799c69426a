"""The development stand-in for DOPA Digital ID, on its own host (DEV_IDP_HOST)."""
from django.urls import include, path

from shared_apps.dev_idp.views import DevAuthorizationView, DevDopaLoginView

urlpatterns = [
    path("dev-idp/login/", DevDopaLoginView.as_view(), name="dev-idp-login"),
    path("dev-idp/authorize/", DevAuthorizationView.as_view(), name="dev-idp-authorize"),
    path("dev-idp/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("i18n/", include("django.conf.urls.i18n")),
]
