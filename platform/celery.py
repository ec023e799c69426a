"""The Celery app, aware of the LAO schemas (tenant-schemas-celery).

A task sent while a LAO's schema is in use (a request on the LAO's host, `schema_context(...)`) carries that
schema's name in a message header, and the worker runs it in that schema; one sent from the public schema runs in
the public schema. With no CELERY_BROKER_URL, tasks run eagerly in the caller (development, tests), through the
same schema switch.

Worker:  celery -A localservice.celery worker
Beat:    celery -A localservice.celery beat   (the daily jobs below, in the public schema; each fans out per LAO)
"""
import os

from celery.schedules import crontab
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localservice.settings")

app = CeleryApp("localservice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Daily jobs (Asia/Bangkok, CELERY_TIMEZONE). Each runs in the public schema and queues or does per-LAO work;
# the schedule is in code, so `celery beat` with the default scheduler needs no tables.
app.conf.beat_schedule = {
    # Every reminder (returns due, invoices, information asked, permits ending, notices to remove) after the
    # quiet hours: one task per LAO with something to do today, carrying its schema.
    "reminders": {
        "task": "tenants.tasks.daily_command",
        "schedule": crontab(hour=8, minute=0),
        "kwargs": {"name": "send_reminders"},
    },
    "reconcile-bank-inbox": {
        "task": "tenants.tasks.daily_command",
        "schedule": crontab(hour=6, minute=30),
        "kwargs": {"name": "reconcile_inbox"},
    },
}
