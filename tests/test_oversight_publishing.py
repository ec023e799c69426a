"""Figures published on commit equal the LAO's own ledger and records — after payments (three channels), a voided
receipt, a refund and a reversal; a rolled-back payment publishes nothing; the rebuild reproduces what was
published, and repairs what was lost."""
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django_tenants.utils import schema_context

from shared_apps.ledger.models import RevenueDaily
from shared_apps.oversight.models import (BusinessCount, FilingMonth, PermitMonth, RevenueAreaMonth, RevenueChannelDay,
                                         RevenueLaoYear, RevenueMonth)
from shared_apps.oversight.services import revenue_add_rows
from tenant_apps.billing import services
from tenant_apps.billing.models import LedgerEntry, Receipt
from tenant_apps.published import figures
from tests.pao import officer
from tests.test_payments import configure, invoice

pytestmark = pytest.mark.django_db
D = Decimal


def published(lao) -> dict:
    """Everything published for a LAO, as comparable values."""
    return {
        "channel_days": sorted(RevenueChannelDay.objects.filter(lao=lao).values_list(
            "service", "channel", "day", "amount", "payments")),
        "months": sorted(RevenueMonth.objects.filter(lao=lao).values_list(
            "service", "channel", "month", "fiscal_year", "amount", "payments")),
        "daily": sorted(RevenueDaily.objects.filter(lao=lao).values_list("service", "day", "amount", "payments")),
        "years": sorted(RevenueLaoYear.objects.filter(lao=lao).values_list("service", "fiscal_year", "amount",
                                                                           "payments")),
        "area": sorted(RevenueAreaMonth.objects.filter(province=lao.province_id, lao_type=lao.lao_type).values_list(
            "service", "channel", "month", "fiscal_year", "amount", "payments")),  # the test's LAO is its only one
        "filing": sorted(FilingMonth.objects.filter(lao=lao).values_list(
            "service", "period", "deadline", "should_file", "filed", "on_time", "late")),
        "permits": sorted(PermitMonth.objects.filter(lao=lao).values_list(
            "month", "received", "approved", "refused", "decided_in_time", "decided_late", "issued")),
        "businesses": sorted(BusinessCount.objects.filter(lao=lao).values_list(
            "service", "registered", "pending", "closed")),
    }


def ledger_by_day(lao) -> list:
    with schema_context(lao.schema_name):
        return sorted((r["service"], r["day"], r["total"]) for r in
                      LedgerEntry.objects.values("service", "day").annotate(total=Sum("amount")).order_by())


def test_published_money_equals_the_ledger_after_payments_void_refund_and_reversal(sao,
                                                                                   django_capture_on_commit_callbacks):
    RevenueAreaMonth.objects.all().delete()  # only this test's LAO in the national roll-up (rolled back after)
    configure(sao)
    finance = officer(sao, "finance")
    with django_capture_on_commit_callbacks(execute=True):
        counter, bank, statement = (invoice(sao, "200.00", source_id=n) for n in (1, 2, 3))
        with schema_context(sao.schema_name):
            paid_counter, _ = services.payment_post(invoice=counter, amount="200.00", channel="counter",
                                                    method="cash", reference="counter:1")
            paid_bank, _ = services.payment_post(invoice=bank, amount="200.00", channel="bank",
                                                 method="bill_payment", reference="bank:1")
            services.payment_post(invoice=statement, amount="200.00", channel="statement", method="bill_payment",
                                  reference="statement:1")
            services.receipt_void(receipt=Receipt.objects.get(payment=paid_counter), reason="พิมพ์ชื่อผิด",
                                  actor=finance)  # a void changes no money
        assert invoice(sao, "50.00", source_id=1) is None  # the fee lowered: 150.00 is the payer's credit
        with schema_context(sao.schema_name):
            refund = services.refund_create(payment=paid_counter, amount="150.00", reason="ชำระเกิน", actor=finance)
            for status in ("submitted", "refunded"):
                services.refund_set_status(refund=refund, status=status, actor=finance)
            services.reverse_payments([services.ReversalItem(payment=paid_bank, reference="REV-1",
                                                             day=datetime.date.today(), reason="เช็คคืน")])
    figures_now = published(sao)
    channels = {(service, channel): (amount, payments) for service, channel, _day, amount, payments
                in figures_now["channel_days"]}
    assert channels == {("test", "counter"): (D("50.00"), 1), ("test", "bank"): (D("0.00"), 0),
                        ("test", "statement"): (D("200.00"), 1)}
    assert sum(row[3] for row in figures_now["channel_days"]) == sum(row[2] for row in ledger_by_day(sao)) == D("250.00")
    assert [(s, d, a) for s, d, a, _p in figures_now["daily"]] == ledger_by_day(sao)  # RevenueDaily as before
    assert sum(row[4] for row in figures_now["months"]) == D("250.00")
    assert sum(row[2] for row in figures_now["years"]) == sum(row[4] for row in figures_now["area"]) == D("250.00")
    with schema_context(sao.schema_name):
        assert sorted((s, c, d, a, p) for s, c, d, a, p in figures.revenue_rows()) == figures_now["channel_days"]

    figures.rebuild(sao)
    assert published(sao) == figures_now  # the rebuild reproduces what was published

    lost = next(row for row in figures_now["channel_days"] if row[3])  # a publication lost (the process died after commit): every table short
    revenue_add_rows(lao_id=sao.pk, rows=[(lost[0], lost[1], lost[2], -lost[3], -lost[4])])
    assert published(sao) != figures_now
    call_command("rebuild_published_figures", "--lao", sao.dla_code, verbosity=0)
    assert published(sao) == figures_now  # and repairs what was lost


def test_a_rolled_back_payment_publishes_nothing(sao, django_capture_on_commit_callbacks):
    configure(sao)
    bill = invoice(sao, "200.00", source_id=7)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic(), schema_context(sao.schema_name):
            services.payment_post(invoice=bill, amount="200.00", channel="counter", method="cash",
                                  reference="counter:rolled-back")
            raise RuntimeError("the request failed after posting")
    with schema_context(sao.schema_name):
        assert not LedgerEntry.objects.exists()
    assert published(sao)["channel_days"] == [] and published(sao)["daily"] == [] and published(sao)["months"] == []


def test_permits_published_on_commit_equal_the_applications(sao, django_capture_on_commit_callbacks):
    from tenant_apps.advertising import services as advertising
    from tests.test_advertising import approved_and_issued, draft
    from tests.pao import citizen

    people = {"applicant": citizen(email="applicant@example.invalid"), "clerk": officer(sao, "clerk"),
              "approver": officer(sao, "approver")}
    with django_capture_on_commit_callbacks(execute=True):
        approved_and_issued(sao, people)
        with schema_context(sao.schema_name):
            refused = draft(people["applicant"])
            advertising.application_submit(application=refused, actor=people["applicant"])
            advertising.application_give_opinion(application=refused, actor=people["clerk"], opinion="ไม่เหมาะ",
                                                 recommends="refuse")
            advertising.application_order(application=refused, actor=people["approver"], approve=False,
                                          reasons="ที่ห้ามติดตั้ง")
            advertising.application_submit(application=draft(people["applicant"]), actor=people["applicant"])
    (row,) = published(sao)["permits"]
    month, received, approved, refused_count, in_time, late, issued = row
    assert (received, approved, refused_count, in_time, late, issued) == (3, 1, 1, 2, 0, 1)
    figures_now = published(sao)
    figures.rebuild(sao)
    assert published(sao) == figures_now


def test_filing_and_businesses_published_on_commit_equal_the_records(pao, django_capture_on_commit_callbacks):
    from tenant_apps.pao_filing.services import return_file
    from tests.pao import ordinance_settings, registered_business

    with django_capture_on_commit_callbacks(execute=True):
        with schema_context(pao.schema_name):
            ordinance_settings()
            hotel, owner = registered_business("hotel", operating_since=datetime.date(2026, 1, 1))
            registered_business("hotel", operating_since=datetime.date(2026, 1, 1))
            return_file(business=hotel, period=datetime.date(2026, 2, 1), actor=owner,
                        today=datetime.date(2026, 3, 5), data={"room_rent_total": "1000", "nights_total": "3"})
            return_file(business=hotel, period=datetime.date(2026, 3, 1), actor=owner,
                        today=datetime.date(2026, 4, 25), data={"room_rent_total": "1000", "nights_total": "3"})
    filing = {(service, period): rest for service, period, *rest in published(pao)["filing"]}
    _deadline, should, filed, on_time, late = filing[("hotel_fee", datetime.date(2026, 2, 1))]
    assert (should, filed, on_time, late) == (2, 1, 1, 0)
    assert tuple(filing[("hotel_fee", datetime.date(2026, 3, 1))][1:]) == (2, 1, 0, 1)
    assert ("hotel_fee", 2, 0, 0) in published(pao)["businesses"]
    figures_now = published(pao)
    figures.rebuild(pao)
    assert published(pao) == figures_now
