"""Background work of the advertising app; each task carries the LAO's schema it works in."""
from celery import shared_task
from django_tenants.utils import schema_context


@shared_task
def send_permit_reminders(schema_name: str, today_iso: str | None = None) -> int:
    import datetime

    from .services import permit_reminders_send

    with schema_context(schema_name):
        return permit_reminders_send(today=datetime.date.fromisoformat(today_iso) if today_iso else None)
