"""Issue 14: the messages held over the quiet hours go out on their own — the `notifications_send` command and its
Celery task, once each even with two senders at once — and the settings' audit records read as words."""
import datetime
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone, translation

from shared_apps.audit.models import AuditEvent
from shared_apps.notifications import services
from shared_apps.notifications.models import Notification, NotificationPreference
from shared_apps.notifications.tasks import notifications_send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
NIGHT, MORNING = datetime.date(2026, 11, 6), datetime.date(2026, 11, 7)


@pytest.fixture(autouse=True)
def _quiet_hours(settings):
    settings.NOTIFICATION_QUIET_HOURS = (21, 7)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BANGKOK)


def compose():
    return "A return is due", "File the October return by 10 November."


def verified(user, language="en"):
    return NotificationPreference.objects.create(user=user, email=f"{user.username}@example.invalid",
                                                 email_verified_at=timezone.now(), language=language)


def hold(user, key: str) -> Notification:
    """A reminder made at 23:00: held until 07:00."""
    row = services.notify(user=user, kind="return_due", key=key, compose=compose, link="https://example.invalid/r",
                          now=at(NIGHT, 23))
    assert row.status == "queued"
    return row


def run(*args) -> str:
    out = io.StringIO()
    call_command("notifications_send", *args, stdout=out)
    return out.getvalue()


def test_the_command_sends_what_was_held_once_in_the_morning():
    user = UserFactory()
    verified(user)
    first, second = hold(user, "lao_1:return:1"), hold(user, "lao_1:return:2")
    assert run("--now", "2026-11-07T06:59") == "0 held notification(s) sent\n"  # still the quiet hours
    assert mail.outbox == []
    assert run("--now", "2026-11-07T07:00") == "2 held notification(s) sent\n"
    assert run("--now", "2026-11-07T07:30") == "0 held notification(s) sent\n"  # run again: nothing new
    assert [m.to[0] for m in mail.outbox] == [f"{user.username}@example.invalid"] * 2
    assert all(m.body.endswith("https://example.invalid/r") for m in mail.outbox)
    for row in (first, second):
        row.refresh_from_db()
        assert row.status == "sent" and row.sent_at is not None


def test_the_command_refuses_a_time_it_cannot_read():
    with pytest.raises(CommandError, match="not a date and time"):
        run("--now", "tomorrow morning")


def test_the_task_sends_what_is_due():
    user = UserFactory()
    verified(user)
    hold(user, "lao_1:obligation:4")
    assert notifications_send.delay(now_iso=at(NIGHT, 23, 30).isoformat()).get() == 0
    assert notifications_send.delay(now_iso=at(MORNING, 8).isoformat()).get() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "A return is due"


# --- two senders at once, each on its own committed connection ----------------------------------------------------

@pytest.fixture(scope="module")
def committed_held(django_db_setup, django_db_blocker):
    """Five held messages, committed before the test's transaction begins, so that threads with their own
    connections see and lock them."""
    with django_db_blocker.unblock(), override_settings(NOTIFICATION_QUIET_HOURS=(21, 7)):
        user = UserFactory(username="notifications-send-concurrency")
        verified(user)
        rows = [hold(user, f"lao_1:return:{n}") for n in range(5)]
    yield user, rows
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table in (Notification, NotificationPreference):
            cursor.execute(f"DELETE FROM {table._meta.db_table} WHERE user_id = %s", [user.pk])
        cursor.execute(f"DELETE FROM {user._meta.db_table} WHERE id = %s", [user.pk])


def test_two_senders_at_once_send_each_message_once(committed_held):
    user, rows = committed_held
    gate = threading.Event()

    def sender():
        gate.wait()
        try:
            return services.notifications_send_due(now=at(MORNING, 7, 5))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(sender) for _ in range(4)]
        gate.set()
        sent = [f.result() for f in futures]
    assert sum(sent) == 5
    assert len(mail.outbox) == 5
    assert sorted(m.to[0] for m in mail.outbox) == [f"{user.username}@example.invalid"] * 5
    assert Notification.objects.filter(user=user, status="sent").count() == 5


def test_the_settings_audit_records_are_named():
    user = UserFactory()
    services.preference_update(user=user, language="th", channels=["email"], muted_kinds=["return_due"],
                               email="me@example.invalid")
    event = AuditEvent.objects.get(actor=user, action=AuditEvent.Action.NOTIFICATION_PREFERENCE_CHANGED)
    with translation.override("th"):
        assert event.get_action_display() == "เปลี่ยนการตั้งค่าการแจ้งเตือน"
    with translation.override("en"):
        assert event.get_action_display() == "Notification settings changed"
