"""Recording audit events: one function every feature calls."""
import ipaddress

from django.conf import settings
from django.db import connection

from .models import AuditEvent


def _address(value) -> str | None:
    try:
        return str(ipaddress.ip_address(str(value or "").strip()))
    except ValueError:
        return None


def _from_trusted_proxy(address: str | None) -> bool:
    if not settings.TRUSTED_PROXIES:
        return True
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    for entry in settings.TRUSTED_PROXIES:
        try:
            if ip in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except ValueError:  # a mistyped entry trusts nothing
            continue
    return False


def client_address(request) -> str | None:
    """The client's address: the one function the audit trail, django-axes, throttles and the bank
    allow-list ask (AXES_CLIENT_IP_CALLABLE).

    With PROXY_COUNT proxies in front, django-ipware reads X-Forwarded-For from the right: each proxy
    appended the address it was called from, the nearest one is REMOTE_ADDR itself. A request that did
    not come through them (too few addresses, or from outside TRUSTED_PROXIES) is known by its socket
    address, which it cannot choose.
    """
    if request is None:
        return None
    meta = getattr(request, "META", None) or {}
    peer = _address(meta.get("REMOTE_ADDR"))
    proxies = settings.PROXY_COUNT
    if not proxies or not _from_trusted_proxy(peer):
        return peer
    from ipware import get_client_ip

    try:
        # strict=False: addresses the client put in front of the real ones are skipped, not a reason to
        # distrust the whole header.
        address, _routable = get_client_ip(request, proxy_order="left-most", proxy_count=proxies - 1,
                                           request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False)
    except ValueError:  # an unreadable header never stops the request or its recording
        address = None
    return _address(address) or peer


def current_lao_code() -> str:
    from tenants.selectors import current_lao

    if connection.schema_name == "public":
        return ""
    lao = current_lao()
    return lao.dla_code if lao else ""


def audit_record(*, action: str, request=None, actor=None, target: str = "", **detail) -> AuditEvent:
    """Append an event to the trail of the schema in use (the LAO's, or the central one).

    Call it inside the transaction of the change it records.
    """
    if actor is None and request is not None and getattr(request, "user", None) and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "display_name", "") or str(actor or ""))[:200] if actor else "",
        lao_code=current_lao_code(),
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        target=str(target)[:200],
        detail=detail,
    )
