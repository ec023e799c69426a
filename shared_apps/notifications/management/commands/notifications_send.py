"""Send the messages held over the quiet hours whose time has come (cron, or by hand without a broker).

The daily `send_reminders` run does this first too; this command (and the Celery task
`shared_apps.notifications.tasks.notifications_send`) lets the held messages go out on their own, e.g. right after
07:00. Safe to run twice or on two machines at once: each message is locked while it is sent, and only once.
"""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Send the notifications held over the quiet hours that are due now."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="as if it were this local time, YYYY-MM-DDTHH:MM (for a rerun or a test)")

    def handle(self, *args, now=None, **options):
        from shared_apps.notifications.services import notifications_send_due

        when = None
        if now:
            try:
                when = datetime.datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now: “{now}” is not a date and time (YYYY-MM-DDTHH:MM).") from None
            if timezone.is_naive(when):
                when = timezone.make_aware(when)  # the local time (Asia/Bangkok)
        sent = notifications_send_due(now=when)
        self.stdout.write(f"{sent} held notification(s) sent")
