"""Background work of the LAO registry, always in the public schema (the registry lives there).

Sent from DLA's console or a command; with a broker (CELERY_BROKER_URL) they run on a Celery worker, without one
in the caller. Whatever schema they were sent from, they work in the public schema.
"""
import io
import logging

from celery import shared_task
from django.core.management import call_command
from django_tenants.utils import get_public_schema_name, schema_context

logger = logging.getLogger(__name__)

# The daily jobs Celery beat may start (platform/celery.py): each fans out over the LAOs itself.
DAILY_COMMANDS = frozenset({"send_reminders", "advertising_reminders", "reconcile_inbox"})


@shared_task
def onboard_laos_task(*, dla_codes: list[str], actor_id: int | None = None, workers: int = 2) -> dict:
    """Onboard the LAOs with these DLA codes in parallel workers (resumable: active ones are skipped).

    Returns how many were asked for, how many of them are active afterwards, and the codes that are not
    (failed, suspended or not in the registry): the service's own report stays in the worker's log.
    """
    from django.contrib.auth import get_user_model

    from tenants.models import LAO, LAOStatus
    from tenants.services import onboard_laos

    with schema_context(get_public_schema_name()):
        actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
        laos = LAO.objects.filter(dla_code__in=dla_codes)
        report = onboard_laos(laos=laos, actor=actor, workers=workers)
        active = set(LAO.objects.filter(dla_code__in=dla_codes, status=LAOStatus.ACTIVE)
                     .values_list("dla_code", flat=True))
    logger.info("Bulk onboarding: %s of %s LAOs active; %s", len(active), len(dla_codes), report)
    return {"requested": len(dla_codes), "active": len(active),
            "not_active": sorted(set(dla_codes) - active)}


@shared_task
def daily_command(*, name: str) -> str:
    """Run one of the daily management commands (Celery beat's schedule), in the public schema."""
    if name not in DAILY_COMMANDS:
        raise ValueError(f"not a daily command: {name}")
    out = io.StringIO()
    with schema_context(get_public_schema_name()):
        call_command(name, stdout=out)
    logger.info("%s: %s", name, out.getvalue().strip())
    return out.getvalue()


@shared_task
def lao_daily_items(*, schema_name: str, day_iso: str, now_iso: str | None = None) -> int:
    """One LAO's part of the daily reminder run, in its schema: republish what changed with time alone (a month's
    return opens, a surcharge month starts, a permit ends), then send the reminders due today from the published
    rows. Idempotent for a day: a second run sends nothing new. Returns the messages sent or queued."""
    import datetime

    from shared_apps.person_items.reminders import lao_reminders_send
    from tenant_apps.published.person_items import refresh
    from tenants.models import LAO

    day = datetime.date.fromisoformat(day_iso)
    now = datetime.datetime.fromisoformat(now_iso) if now_iso else None
    lao_id = LAO.objects.filter(schema_name=schema_name).values_list("pk", flat=True).first()
    if lao_id is None:
        return 0
    with schema_context(schema_name):
        refresh(today=day)
        return lao_reminders_send(lao_id=lao_id, day=day, now=now)
