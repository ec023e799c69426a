"""Background sending of the messages held over the quiet hours (public schema: notifications live there)."""
import datetime

from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context


@shared_task
def notifications_send(*, now_iso: str | None = None) -> int:
    """Send the held messages due by `now_iso` (default: now). Returns how many were sent; two workers running it
    at once never send one twice (each row is locked while sent)."""
    from shared_apps.notifications.services import notifications_send_due

    now = datetime.datetime.fromisoformat(now_iso) if now_iso else None
    with schema_context(get_public_schema_name()):
        return notifications_send_due(now=now)
