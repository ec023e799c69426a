"""Daily (Celery beat at 08:00, or cron): reminders to people about what is due at every LAO.

First the messages held back overnight (quiet hours) are sent; then every active LAO with something to do
today — a reminder due on one of its published items, or an item whose figures change today — gets one task
carrying its schema (queued on Celery with a broker; run here, in turn, without one). LAOs with nothing today
are not visited. Run twice on a day, the second run sends nothing new.
"""
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Send the day's reminders (returns due, invoices, information requested, permits ending) at every LAO."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="as if today were YYYY-MM-DD")

    def handle(self, *args, date=None, **options):
        from shared_apps.notifications.services import notifications_send_due
        from shared_apps.person_items.selectors import laos_with_work
        from tenants.models import LAO, LAOStatus
        from tenants.tasks import lao_daily_items

        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date: “{date}” is not a date (YYYY-MM-DD).") from None
        held = notifications_send_due()
        schemas = list(LAO.objects.filter(pk__in=laos_with_work(day=day), status=LAOStatus.ACTIVE)
                       .order_by("schema_name").values_list("schema_name", flat=True))
        eager = settings.CELERY_TASK_ALWAYS_EAGER
        total = 0
        for schema in schemas:
            result = lao_daily_items.delay(schema_name=schema, day_iso=day.isoformat())
            # Eager (no broker): already run here, also when this command itself runs in a task (beat).
            total += result.get(disable_sync_subtasks=False) if eager else 0
        verb = "sent or queued for" if eager else "handed to the workers for"
        self.stdout.write(f"{day.isoformat()}: {held} held message(s) sent; reminders {verb} {len(schemas)} LAO(s)"
                          + (f": {total}" if eager else ""))
