"""Issue 14: reminders from the published items — the right people on the right days (a deadline moved by a
holiday), once a day, none after settlement, none when turned off, in Thai or English, none at night; the
daily command run twice the same day sends nothing new."""
import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.calendar.models import PublicHoliday
from shared_apps.notifications.models import Notification, NotificationPreference
from shared_apps.notifications.services import notifications_send_due
from shared_apps.person_items.models import ItemKind, PersonItem
from shared_apps.person_items.reminders import lao_reminders_send
from tenant_apps.billing import services as billing
from tenant_apps.billing.models import PaymentSettings
from tenant_apps.billing.selectors import obligation_for
from tenant_apps.businesses.services import business_decide, business_register, filer_add
from tenant_apps.pao_filing.services import return_file
from tenant_apps.published import person_items
from tests.pao import citizen, officer, ordinance_settings

pytestmark = pytest.mark.django_db
BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
OCTOBER = datetime.date(2026, 10, 1)
TODAY = datetime.date(2026, 11, 2)  # October's return is due on 10 November 2026, moved by a holiday to the 11th
HOLIDAY = datetime.date(2026, 11, 10)


def morning(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BANGKOK)


def verified(user, *, language="th", email=None, muted=()):
    return NotificationPreference.objects.create(
        user=user, language=language, email=email or f"{user.username}@example.invalid",
        email_verified_at=timezone.now(), channels=["email"], muted_kinds=list(muted))


_capture = None


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    global _capture
    _capture = django_capture_on_commit_callbacks
    yield
    _capture = None


def run(pao, day: datetime.date, hour: int = 9) -> int:
    """The LAO's part of the daily run on `day` (what the command's per-LAO task does), committed."""
    with _capture(execute=True):
        with schema_context(pao.schema_name):
            person_items.refresh(today=day)
        return lao_reminders_send(lao_id=pao.pk, day=day, now=morning(day, hour))


@pytest.fixture(autouse=True)
def _quiet_hours(settings):
    settings.NOTIFICATION_QUIET_HOURS = (21, 7)  # as in production (the test settings have none)


@pytest.fixture
def world(pao, django_capture_on_commit_callbacks):
    PublicHoliday.objects.get_or_create(date=HOLIDAY, defaults={"name_th": "วันหยุดทดสอบ"})
    with schema_context(pao.schema_name):
        ordinance_settings()
        PaymentSettings.objects.update_or_create(pk=1, defaults={
            "tax_id": "0994000165501", "biller_suffix": "00", "company_account": "1234567890",
            "hmac_secret": "s" * 40})
        owner, filer = citizen(), citizen()
        with django_capture_on_commit_callbacks(execute=True):
            business = business_register(
                actor=owner, kind="hotel", name="โรงแรมสองแคว", address="1 ถนนเจริญเมือง แพร่", owner_type="person",
                owner_id_number=owner.national_id, owner_name="นายเจ้าของ", licence_number="L-1",
                operating_since=OCTOBER, rooms=20)
            business_decide(business=business, approve=True, note="", actor=officer(pao, "clerk"))
            filer_add(business=business, national_id=filer.national_id, actor=owner)
        # published as of 2 November (October has ended): the tests move through the days from there
        person_items.publish(schema=pao.schema_name, sources={"business": {business.pk}}, today=TODAY)
    verified(owner, language="th")
    verified(filer, language="en")
    mail.outbox.clear()
    return {"pao": pao, "business": business, "owner": owner, "filer": filer}


def test_a_return_due_reminds_both_filers_on_the_moved_days_once_each(world):
    pao = world["pao"]
    item = PersonItem.objects.get(user=world["owner"], kind=ItemKind.RETURN_DUE)
    assert item.due_on == datetime.date(2026, 11, 11)  # the 10th is a holiday
    assert run(pao, datetime.date(2026, 11, 5)) == 0  # 5 days before the 10th: not the deadline any more
    assert run(pao, datetime.date(2026, 11, 6)) == 2  # 5 days before the 11th
    assert run(pao, datetime.date(2026, 11, 6)) == 0  # once a day
    assert sorted(m.to[0].split("@")[0] for m in mail.outbox) == sorted([world["owner"].username,
                                                                        world["filer"].username])
    thai = next(m for m in mail.outbox if m.to[0].startswith(world["owner"].username))
    english = next(m for m in mail.outbox if m.to[0].startswith(world["filer"].username))
    assert "ตุลาคม 2569" in thai.subject and "11 พฤศจิกายน 2569" in thai.subject
    assert english.subject == "File the return for October 2569 BE by 11 November 2569 BE"
    assert "/accounts/me/go/?lao=" in english.body and "period%3D2026-10" in english.body
    assert "โรงแรมสองแคว" in english.body
    assert run(pao, datetime.date(2026, 11, 10)) == 2  # the day before the 11th
    assert Notification.objects.filter(user=world["owner"]).count() == 2


def test_none_after_the_return_is_filed_and_the_invoice_reminds_with_its_surcharge(world, django_capture_on_commit_callbacks):
    pao = world["pao"]
    with schema_context(pao.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            ret = return_file(business=world["business"], period=OCTOBER, actor=world["owner"],
                              today=datetime.date(2026, 11, 3), data={"room_rent_total": "10000", "nights_total": "10"})
        obligation = obligation_for(source="hotel_fee.return", source_id=ret.pk)
        # as published on the day it was filed (the on-commit publisher used the real today)
        person_items.publish(schema=pao.schema_name, sources={"obligation": {obligation.pk}},
                             today=datetime.date(2026, 11, 3))
    assert not PersonItem.objects.filter(kind=ItemKind.RETURN_DUE, period=OCTOBER).exists()
    assert run(pao, datetime.date(2026, 11, 6)) == 0  # filed: the return's reminder is not sent
    due = obligation.due_date
    assert due == datetime.date(2026, 11, 11)
    assert run(pao, due - datetime.timedelta(days=3)) == 2
    english = next(m for m in mail.outbox if m.to[0].startswith(world["filer"].username))
    assert english.subject == "200.00 baht to pay by 11 November 2569 BE"
    assert "After that day it will be 203.00 baht with the surcharge." in english.body
    assert "/accounts/me/go/?lao=" in english.body and "%2Fpay%2F" in english.body
    mail.outbox.clear()
    overdue_day = due + datetime.timedelta(days=1)
    assert run(pao, overdue_day) == 2
    overdue = next(m for m in mail.outbox if m.to[0].startswith(world["filer"].username))
    assert overdue.subject == "Overdue: 203.00 baht to pay"
    # paid: nothing more, even on a reminder day
    with schema_context(pao.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            billing.payment_post(invoice=billing.open_invoice(obligation), amount=None, channel="counter",
                                 method="cash", reference="r-1", received_at=morning(overdue_day, 10),
                                 actor=officer(pao, "finance"))
    mail.outbox.clear()
    assert run(pao, due + datetime.timedelta(days=7)) == 0 and mail.outbox == []


def test_a_muted_kind_is_not_sent_and_no_verified_address_sends_nothing(world):
    pao = world["pao"]
    NotificationPreference.objects.filter(user=world["filer"]).update(muted_kinds=["return_due"])
    NotificationPreference.objects.filter(user=world["owner"]).update(email_verified_at=None)
    assert run(pao, datetime.date(2026, 11, 6)) == 0
    assert mail.outbox == []
    assert set(Notification.objects.values_list("status", flat=True)) == {"skipped_muted", "skipped_no_address"}


def test_none_at_night_the_morning_sends_what_was_held(world):
    pao = world["pao"]
    assert run(pao, datetime.date(2026, 11, 6), hour=22) == 2  # queued, not sent
    assert mail.outbox == []
    assert notifications_send_due(now=morning(datetime.date(2026, 11, 6), 23)) == 0  # still night
    assert notifications_send_due(now=morning(datetime.date(2026, 11, 7), 7)) == 2
    assert len(mail.outbox) == 2
    assert notifications_send_due(now=morning(datetime.date(2026, 11, 7), 8)) == 0  # sent once


def test_the_daily_command_twice_the_same_day_sends_nothing_new(world, capsys, monkeypatch):
    import shared_apps.notifications.services as notifications

    monkeypatch.setattr(notifications, "_now", lambda: morning(datetime.date(2026, 11, 6)))
    with _capture(execute=True):
        call_command("send_reminders", "--date", "2026-11-06")
    first = len(mail.outbox)
    assert "reminders sent or queued for 1 LAO(s): 2" in capsys.readouterr().out and first == 2
    with _capture(execute=True):
        call_command("send_reminders", "--date", "2026-11-06")
    assert len(mail.outbox) == first
    assert Notification.objects.filter(day=datetime.date(2026, 11, 6)).count() == 2


def test_a_new_month_opens_with_the_roll_over(world):
    """On 1 December the business's November return is due: the daily refresh publishes it."""
    pao = world["pao"]
    with schema_context(pao.schema_name):
        person_items.refresh(today=datetime.date(2026, 12, 1))
    months = set(PersonItem.objects.filter(user=world["owner"], kind=ItemKind.RETURN_DUE)
                 .values_list("period", flat=True))
    assert months == {OCTOBER, datetime.date(2026, 11, 1)}
    assert Decimal("0") == Decimal(PersonItem.objects.filter(kind=ItemKind.RETURN_DUE, amount__isnull=False).count())


def test_with_a_broker_the_command_queues_one_task_per_lao_with_work(world, sao, settings, monkeypatch, capsys):
    """Only LAOs with something today are visited: here the PAO (a return due on the 6th), not the SAO."""
    from tenants import tasks

    queued = []
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(tasks.lao_daily_items, "delay", lambda **kwargs: queued.append(kwargs))
    call_command("send_reminders", "--date", "2026-11-06")
    assert queued == [{"schema_name": world["pao"].schema_name, "day_iso": "2026-11-06"}]
    assert "handed to the workers for 1 LAO(s)" in capsys.readouterr().out
    queued.clear()
    call_command("send_reminders", "--date", "2026-11-07")  # nothing due that day anywhere
    assert queued == []
    with pytest.raises(Exception, match="not a date"):
        call_command("send_reminders", "--date", "7/11/2569")
