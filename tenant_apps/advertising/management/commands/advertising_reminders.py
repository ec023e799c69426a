"""Daily (cron or Celery beat): reminders before and after permits end, for every LAO that issues them.

A batch job, not a request: it visits each municipal LAO's schema in turn, queued
on Celery when a broker is configured, run here when not.
"""
from django.conf import settings
from django.core.management.base import BaseCommand

from tenant_apps.advertising.tasks import send_permit_reminders
from tenants.models import LAO, LAOStatus


class Command(BaseCommand):
    help = "Send advertising-permit reminders in every LAO with the advertising app."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="as if today were YYYY-MM-DD")

    def handle(self, *args, date=None, **options):
        types = [t for t, conf in settings.TENANT_TYPES.items() if "tenant_apps.advertising" in conf["APPS"]]
        total = 0
        for schema in LAO.objects.filter(status=LAOStatus.ACTIVE, lao_type__in=types).values_list("schema_name",
                                                                                                 flat=True):
            result = send_permit_reminders.delay(schema, date)
            # Eager (no broker): already run here, also when this command itself runs in a task (beat).
            total += result.get(disable_sync_subtasks=False) if settings.CELERY_TASK_ALWAYS_EAGER else 0
        self.stdout.write(f"Reminders {'sent' if settings.CELERY_TASK_ALWAYS_EAGER else 'queued'}: {total}")
