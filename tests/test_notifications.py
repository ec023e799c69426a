"""Issue 14: the one notification interface — once per item per day (also under concurrency), muted kinds but
never legal notices, only verified addresses, quiet hours, the person's language — and the settings page,
its verification by link or code, and its API."""
import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from shared_apps.notifications import services
from shared_apps.notifications.models import AddressVerification, Notification, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
CENTRAL = settings.BASE_DOMAIN


def at(hour: int, day: datetime.date = datetime.date(2026, 11, 6)) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BANGKOK)


def compose():
    from django.utils.translation import gettext as _

    return _("My account"), _("Saved.")


def verified(user, **extra):
    return NotificationPreference.objects.create(user=user, email=f"{user.username}@example.invalid",
                                                 email_verified_at=timezone.now(), **extra)


@pytest.fixture(autouse=True)
def _quiet_hours(settings):
    settings.NOTIFICATION_QUIET_HOURS = (21, 7)


def status(row) -> str:
    return Notification.objects.get(pk=row.pk).status  # delivered after commit, on the row


def send(user, *, kind="return_due", key="lao_1:return:1:2026-10", now=None, capture=None):
    with capture(execute=True):
        return services.notify(user=user, kind=kind, key=key, compose=compose, link="https://example.invalid/x",
                               now=now or at(9))


def test_once_per_item_per_day_in_the_persons_language(django_capture_on_commit_callbacks):
    thai, english = UserFactory(), UserFactory()
    verified(thai, language="th")
    verified(english, language="en")
    first = send(thai, capture=django_capture_on_commit_callbacks)
    assert status(first) == "sent" and send(thai, capture=django_capture_on_commit_callbacks) is None
    assert send(thai, now=at(9, datetime.date(2026, 11, 7)), capture=django_capture_on_commit_callbacks)  # next day
    assert status(send(english, capture=django_capture_on_commit_callbacks)) == "sent"
    subjects = {m.to[0].split("@")[0]: m.subject for m in mail.outbox}
    assert subjects == {thai.username: "บัญชีของฉัน", english.username: "My account"} or \
        len(mail.outbox) == 3 and {m.subject for m in mail.outbox} == {"บัญชีของฉัน", "My account"}
    assert mail.outbox[0].body.endswith("https://example.invalid/x")


def test_muted_kinds_are_skipped_but_legal_notices_are_sent(django_capture_on_commit_callbacks):
    user = UserFactory()
    verified(user, muted_kinds=["return_due"])
    assert send(user, capture=django_capture_on_commit_callbacks).status == "skipped_muted"
    legal = send(user, kind="removal_notice", key="lao_1:permit:3", capture=django_capture_on_commit_callbacks)
    assert status(legal) == "sent" and legal.legal and len(mail.outbox) == 1


def test_no_verified_address_sends_nothing(django_capture_on_commit_callbacks):
    user = UserFactory(email="dopa-gave-this@example.invalid")  # DOPA's e-mail is a suggestion, never used as is
    assert send(user, capture=django_capture_on_commit_callbacks).status == "skipped_no_address"
    NotificationPreference.objects.create(user=user, email="unverified@example.invalid")
    assert send(user, key="other", capture=django_capture_on_commit_callbacks).status == "skipped_no_address"
    assert mail.outbox == []


def test_quiet_hours_hold_until_the_morning(django_capture_on_commit_callbacks):
    user = UserFactory()
    verified(user)
    held = send(user, now=at(23), capture=django_capture_on_commit_callbacks)
    assert held.status == "queued" and timezone.localtime(held.send_after) == at(7, datetime.date(2026, 11, 7))
    early = send(user, key="early", now=at(5), capture=django_capture_on_commit_callbacks)
    assert timezone.localtime(early.send_after) == at(7)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notifications_send_due(now=at(6, datetime.date(2026, 11, 7))) == 0  # still quiet
        assert services.notifications_send_due(now=at(7, datetime.date(2026, 11, 7))) == 2
        assert services.notifications_send_due(now=at(8, datetime.date(2026, 11, 7))) == 0
    assert len(mail.outbox) == 2


def test_a_failing_channel_is_recorded(django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATION_CHANNELS = {"email": "tests.test_notifications.BrokenChannel"}
    user = UserFactory()
    verified(user)
    row = send(user, capture=django_capture_on_commit_callbacks)
    row.refresh_from_db()
    assert row.status == "failed" and "down" in row.error


class BrokenChannel:
    name = "email"

    def send(self, **message):
        raise ConnectionError("the mail server is down")


# --- concurrency: two runners at once, each on its own committed connection --------------------------------------

@pytest.fixture(scope="module")
def committed_user(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        user = UserFactory(username="notify-concurrency")
        verified(user)
    yield user
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table in (Notification, NotificationPreference):
            cursor.execute(f"DELETE FROM {table._meta.db_table} WHERE user_id = %s", [user.pk])
        cursor.execute(f"DELETE FROM {user._meta.db_table} WHERE id = %s", [user.pk])


def test_two_runners_at_once_send_one_message(committed_user):
    gate = threading.Event()

    def runner():
        gate.wait()
        try:
            return services.notify(user=committed_user, kind="invoice_due", key="lao_1:obligation:9", compose=compose,
                                   now=at(9))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(runner) for _ in range(8)]
        gate.set()
        results = [f.result() for f in futures]
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r is not None for r in results) == 1
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=committed_user, status="sent").count() == 1


# --- the settings page, verification and the API ------------------------------------------------------------------

def signed_in(client, user):
    client.force_login(user)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()
    return client


def test_the_page_needs_a_sign_in_and_lives_on_the_central_site(client, pao):
    assert client.get("/accounts/me/notifications/", HTTP_HOST=CENTRAL).status_code == 302
    user = UserFactory()
    signed_in(client, user)
    on_lao = client.get("/accounts/me/notifications/", HTTP_HOST=pao.host)
    assert on_lao.status_code == 302 and on_lao["Location"].startswith(f"http://{CENTRAL}")
    page = client.get("/accounts/me/notifications/", HTTP_HOST=CENTRAL)
    assert page.status_code == 200 and "การแจ้งเตือน" in page.content.decode()
    assert "disabled" in page.content.decode()  # legal notices shown always on


def test_verify_by_code_and_by_link(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="from-dopa@example.invalid")
    signed_in(client, user)
    page = client.get("/accounts/me/notifications/", HTTP_HOST=CENTRAL)
    assert 'value="from-dopa@example.invalid"' in page.content.decode()  # a suggestion, not verified
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/accounts/me/notifications/", {"action": "send_code", "email": "me@example.invalid"},
                           HTTP_HOST=CENTRAL)
    assert sent.status_code == 302 and mail.outbox[0].to == ["me@example.invalid"]
    code = mail.outbox[0].subject.split()[-1]
    client.cookies["django_language"] = "en"
    wrong = client.post("/accounts/me/notifications/", {"action": "confirm_code", "code": "000000" if code != "000000"
                                                         else "111111"}, HTTP_HOST=CENTRAL)
    assert wrong.status_code == 400 and "That code is wrong." in wrong.content.decode()
    assert AddressVerification.objects.get(user=user).attempts == 1
    assert NotificationPreference.objects.get(user=user).email_verified_at is None
    ok = client.post("/accounts/me/notifications/", {"action": "confirm_code", "code": code}, HTTP_HOST=CENTRAL)
    assert ok.status_code == 302
    preference = NotificationPreference.objects.get(user=user)
    assert preference.email == "me@example.invalid" and preference.email_verified_at is not None

    # a new address by the link: GET only asks, POST verifies
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/me/notifications/", {"action": "send_code", "email": "new@example.invalid"},
                    HTTP_HOST=CENTRAL)
    link = mail.outbox[-1].body.split()[-1]
    path = link.split(CENTRAL, 1)[1].lstrip(":0123456789")
    assert client.get(path, HTTP_HOST=CENTRAL).status_code == 200
    assert NotificationPreference.objects.get(user=user).email_verified_at is None  # a GET never writes
    assert client.post(path, HTTP_HOST=CENTRAL).status_code == 302
    assert NotificationPreference.objects.get(user=user).email == "new@example.invalid"
    assert client.post(path, HTTP_HOST=CENTRAL).status_code == 400  # used


def test_too_many_wrong_codes_refuse_even_the_right_one(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    signed_in(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/me/notifications/", {"action": "send_code", "email": "me@example.invalid"},
                    HTTP_HOST=CENTRAL)
    code = mail.outbox[0].subject.split()[-1]
    for attempt in range(5):
        client.post("/accounts/me/notifications/", {"action": "confirm_code", "code": "abc"}, HTTP_HOST=CENTRAL)
    refused = client.post("/accounts/me/notifications/", {"action": "confirm_code", "code": code}, HTTP_HOST=CENTRAL)
    assert refused.status_code == 400 and NotificationPreference.objects.get(user=user).email_verified_at is None


@pytest.mark.parametrize("form", [
    {"action": "send_code", "email": "not an address"},
    {"action": "send_code", "email": "a@" + "b" * 300 + ".com"},
    {"action": "save", "language": "fr", "channels": ["email"]},
    {"action": "save", "language": "th", "channels": ["pigeon"]},
    {"action": "save", "language": "th", "channels": ["email"], "kinds": ["not-a-kind"]},
    {"action": "explode"},
])
def test_bad_input_is_refused_and_changes_nothing(client, form):
    client.cookies["django_language"] = "en"
    user = UserFactory()
    verified(user, language="th")
    signed_in(client, user)
    page = client.post("/accounts/me/notifications/", form, HTTP_HOST=CENTRAL)
    assert page.status_code == 400 and 'role="alert"' in page.content.decode()
    preference = NotificationPreference.objects.get(user=user)
    assert preference.language == "th" and preference.channels == ["email"] and preference.email_verified_at


def test_turning_kinds_off_and_the_language(client):
    user = UserFactory()
    verified(user)
    signed_in(client, user)
    saved = client.post("/accounts/me/notifications/", {
        "action": "save", "language": "en", "channels": ["email"], "email": f"{user.username}@example.invalid",
        "kinds": ["invoice_due", "info_requested", "permit_ending"]}, HTTP_HOST=CENTRAL)
    assert saved.status_code == 302
    preference = NotificationPreference.objects.get(user=user)
    assert preference.language == "en" and sorted(preference.muted_kinds) == ["return_due"]  # legal ones: never
    assert preference.email_verified_at is not None  # the same address stays verified


def test_the_api(client):
    user = UserFactory()
    assert client.get("/api/me/notification-preferences/", HTTP_HOST=CENTRAL).status_code in (401, 403)
    verified(user)
    signed_in(client, user)
    shown = client.get("/api/me/notification-preferences/", HTTP_HOST=CENTRAL).json()
    assert shown["email_verified"] is True and {k["value"] for k in shown["kinds"] if k["legal"]} == {
        "removal_notice", "decision"}
    put = client.put("/api/me/notification-preferences/", {"language": "en", "channels": ["email"],
                                                           "muted_kinds": ["decision"]},
                     content_type="application/json", HTTP_HOST=CENTRAL)
    assert put.status_code == 400 and "muted_kinds" in put.json()
    put = client.put("/api/me/notification-preferences/", {"language": "en", "channels": ["email"],
                                                           "muted_kinds": ["credit_xx"]},
                     content_type="application/json", HTTP_HOST=CENTRAL)
    assert put.status_code == 400
    put = client.put("/api/me/notification-preferences/", {"language": "en", "channels": ["email"],
                                                           "muted_kinds": ["permit_ending"],
                                                           "email": f"{user.username}@example.invalid"},
                     content_type="application/json", HTTP_HOST=CENTRAL)
    assert put.status_code == 200 and put.json()["muted_kinds"] == ["permit_ending"] and put.json()["email_verified"]
