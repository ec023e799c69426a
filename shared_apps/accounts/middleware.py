"""A session belongs to the host it was signed in on.

Browsers send a cookie back only to the host that set it, so one LAO's site never
sees another's session; but a session id copied by hand (or stolen) and presented
on another host would otherwise be signed in there too. The host is written into
the session at sign-in (every `login()`, through the `user_logged_in` signal); a
session presented on any other host is ended — flushed, so the stolen copy dies
everywhere — recorded in that host's audit trail, and the request goes on
anonymous. Signing in on a LAO's host from the central site is not affected: it
goes through a one-time ticket and starts a session of its own on the LAO's host.
"""
import logging

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port

logger = logging.getLogger(__name__)
SESSION_HOST = "_session_host"


def session_host(request) -> str | None:
    """The host as sessions are bound to it: lower case, no trailing dot, with the port; None if unknown."""
    try:
        domain, port = split_domain_port(request.get_host())
    except (KeyError, DisallowedHost):  # a request made up in code (the test client's force_login) has none
        return None
    if not domain:
        return None
    return f"{domain}:{port}" if port else domain


def bind_session_to_host(request) -> None:
    """At sign-in: this session is good on this host only."""
    session = getattr(request, "session", None)
    host = session_host(request) if request is not None else None
    if session is not None and host:
        session[SESSION_HOST] = host


class SessionHostMiddleware:
    """After AuthenticationMiddleware (and before anything that reads request.user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None:
            bound = session.get(SESSION_HOST)
            host = session_host(request)
            if bound and bound != host:
                self.end_session(request, bound=bound, host=host)
        return self.get_response(request)

    @staticmethod
    def end_session(request, *, bound: str, host: str | None) -> None:
        from shared_apps.audit.models import AuditEvent
        from shared_apps.audit.services import audit_record

        user_id = request.session.get(SESSION_KEY)
        request.session.flush()
        request.user = AnonymousUser()

        async def anonymous():
            return request.user

        request.auser = anonymous
        logger.warning("A session signed in on %s was presented on %s: ended.", bound, host)
        username = (get_user_model().objects.filter(pk=user_id).values_list("username", flat=True).first()
                    if user_id else None)
        audit_record(action=AuditEvent.Action.SIGN_IN_FAILED, request=request, actor=None,
                     target=username or "", reason="session_other_host", signed_in_on=bound)

