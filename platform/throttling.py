"""Throttles: DRF's, on the default cache (Redis through CACHE_URL in production, local memory in
development), with the rates in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (settings, from the environment).

Two kinds:
- counting every call (a business key's calls, statement uploads, sign-ins): `allow_request`, DRF's way;
- counting failures only (refused API keys, refused bank calls), per LAO and source address: `blocked()`
  is asked before anything is done or stored, `failed()` after a refusal — so a bank or a business that
  authenticates is never slowed down by its own traffic.

Both answer 429 with `Retry-After`: DRF's `Throttled` for the API, `too_many_requests()` (a Thai/English
page saying when to retry) for pages.
"""
import datetime
import functools
import ipaddress
import math

from django.db import connection
from django.shortcuts import render
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


def _source(request) -> str:
    """The caller's address; an IPv6 caller by its /64, which one subscriber usually holds whole."""
    from shared_apps.audit.services import client_address

    address = client_address(request)
    if address is None:
        return "unknown"
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return address


class RateThrottle(SimpleRateThrottle):
    """Rates read when the throttle is made, so a changed setting applies at once."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def key_for(self, ident: str) -> str:
        # Per LAO: one LAO's traffic never uses up another's allowance.
        return self.cache_format % {"scope": self.scope, "ident": f"{connection.schema_name}:{ident}"}

    def retry_after(self) -> int:
        return max(1, math.ceil(self.wait() or self.duration or 1))


class ApiKeyThrottle(RateThrottle):
    """Every call made with a business's API key, per key."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        from tenant_apps.businesses.authentication import BusinessApiKeyAuthentication

        if not isinstance(getattr(request, "successful_authenticator", None), BusinessApiKeyAuthentication):
            return None  # sessions and tokens are not this throttle's
        return self.key_for(f"key-{request.auth.pk}")


class StatementUploadThrottle(RateThrottle):
    """Statement files, per officer: the page and the API share one allowance."""

    scope = "statement_upload"

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        return self.key_for(f"user-{user.pk}" if user is not None and user.is_authenticated else _source(request))


class SignInThrottle(RateThrottle):
    """Officers' password sign-ins, per source address (axes locks an account/address pair besides)."""

    scope = "sign_in"

    def get_cache_key(self, request, view):
        return self.key_for(_source(request))


class DopaCallbackThrottle(SignInThrottle):
    """Returns from DOPA Digital ID, per source address: each one costs a call to DOPA's token endpoint."""

    scope = "dopa_callback"


class FailureThrottle(RateThrottle):
    """Counts refused calls only, per LAO and source address."""

    def get_cache_key(self, request, view=None):
        return self.key_for(_source(request))

    def _load(self, request) -> bool:
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return True

    def blocked(self, request) -> bool:
        """Too many refusals from here lately: answer 429 without looking any further."""
        return self._load(request) and len(self.history) >= self.num_requests

    def failed(self, request) -> None:
        if self._load(request):
            self.history.insert(0, self.now)
            self.cache.set(self.key, self.history, self.duration)


class ApiKeyFailureThrottle(FailureThrottle):
    scope = "api_key_failures"


class BankFailureThrottle(FailureThrottle):
    scope = "bank_failures"


def too_many_requests(request, retry_after: int):
    """429 page: how long to wait and until when, with Retry-After."""
    until = timezone.localtime() + datetime.timedelta(seconds=retry_after)
    response = render(request, "throttled.html", {"minutes": max(1, math.ceil(retry_after / 60)), "until": until},
                      status=429)
    response["Retry-After"] = str(retry_after)
    return response


def throttled_page(throttle_class, *, methods=("POST",)):
    """A page's attempts (those with one of `methods`, every one when None) counted by `throttle_class`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if methods is None or request.method in methods:
                throttle = throttle_class()
                if not throttle.allow_request(request, None):
                    return too_many_requests(request, throttle.retry_after())
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
