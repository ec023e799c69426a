"""Recording audit events: one function every feature calls."""
from django.db import connection

from .models import AuditEvent


def client_address(request) -> str | None:
    """The client's address as django-axes sees it (honours the configured proxy count)."""
    if request is None:
        return None
    try:
        from axes.helpers import get_client_ip_address

        return get_client_ip_address(request) or None
    except Exception:  # an unparsable header must never stop the recording
        return request.META.get("REMOTE_ADDR") or None


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
