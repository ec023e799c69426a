"""Pick the LAO (and so the schema and URL conf) from the request's host.

- BASE_DOMAIN (and www.) is the public landing site: no query at all.
- <hostname>.BASE_DOMAIN of an onboarded LAO: its schema, its type's URL conf;
  found in the process's map of every host, no query (tenants.host_map).
- a registered LAO not onboarded yet, a suspended LAO, or an unknown host get
  a clear page of their own instead of a bare 404.
"""
from django.conf import settings
from django.db import connection
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import set_urlconf
from django_tenants.middleware.main import TenantMainMiddleware

from .models import LAOStatus
from .selectors import lao_for_host, registered_lao_for_host


class LAOTenantMiddleware(TenantMainMiddleware):
    def process_request(self, request):
        connection.set_schema_to_public()
        try:
            # A fully qualified name ("pao-phrae.localhost.") is the same host: DNS treats them alike.
            host = self.hostname_from_request(request).lower().rstrip(".")
        except DisallowedHost:
            return HttpResponseBadRequest("Unknown host")
        if host in (settings.BASE_DOMAIN, f"www.{settings.BASE_DOMAIN}"):
            self.setup_url_routing(request, force_public=True)
            return None
        if settings.DEV_IDENTITY_PROVIDER and host == settings.DEV_IDP_HOST:
            request.urlconf = "localservice.urls_dev_idp"  # the D.DOPA stand-in: public schema, own host
            set_urlconf(request.urlconf)
            return None
        lao = lao_for_host(host)
        if lao is None:
            return self.no_lao_here(request, host)
        if lao.status == LAOStatus.SUSPENDED:
            self.setup_url_routing(request, force_public=True)
            return render(request, "tenants/lao_suspended.html", {"lao": lao}, status=503)
        request.tenant = lao
        lao.domain_url = host
        connection.set_tenant(lao)
        self.setup_url_routing(request)
        return None

    def no_lao_here(self, request, host):
        self.setup_url_routing(request, force_public=True)
        lao = registered_lao_for_host(host)
        if lao is not None:
            return render(request, "tenants/lao_not_onboarded.html", {"lao": lao}, status=404)
        return render(request, "tenants/unknown_host.html", {"host": host}, status=404)
