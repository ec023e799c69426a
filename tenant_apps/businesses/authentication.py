"""Businesses' own software files returns with a key the business issued: `Authorization: Api-Key lsk_…`."""
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .services import api_key_lookup


def _businesses_here() -> bool:
    """Keys live in PAO schemas only; elsewhere there is nothing to look up."""
    from django.conf import settings
    from django.db import connection

    tenant_type = getattr(getattr(connection, "tenant", None), "lao_type", None)
    return bool(tenant_type) and "tenant_apps.businesses" in settings.TENANT_TYPES.get(tenant_type, {}).get("APPS", [])


class BusinessApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        from localservice.throttling import ApiKeyFailureThrottle

        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(self.keyword + " "):
            return None
        failures = ApiKeyFailureThrottle()  # refused keys per source address: 429 before any look-up
        if failures.blocked(request):
            raise exceptions.Throttled(wait=failures.retry_after())
        key = api_key_lookup(header[len(self.keyword) + 1:].strip()) if _businesses_here() else None
        if key is None:  # unknown here, revoked, or another LAO's
            failures.failed(request)
            raise exceptions.AuthenticationFailed(_("This API key is not valid here, or has been revoked."))
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return self.keyword


class BusinessApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = BusinessApiKeyAuthentication
    name = "BusinessApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Api-Key lsk_…`, issued by the business on its page"}
