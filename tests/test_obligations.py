"""The obligation's balance by the rules: corrections and assessments against what was paid, the surcharge
that keeps running on unpaid tax, credits refunded or set off, reversals, files of another LAO, the fiscal
year of a receipt, and amounts a slip can carry. Each figure is worked by hand in its comment."""
import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.ledger.models import RevenueDaily
from shared_apps.payment_formats.statement import StatementError, build_statement
from tenant_apps.billing import services
from tenant_apps.billing.models import (InvoiceStatus, LedgerEntry, Obligation, Payment, PaymentSettings, Receipt,
                                        Refund)
from tenant_apps.billing.reconciliation import statement_reconcile
from tenant_apps.billing.selectors import obligation_for
from tenant_apps.pao_filing.services import return_file, return_file_additional, return_review
from tests.pao import officer, ordinance_settings, registered_business

pytestmark = pytest.mark.django_db
MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
ON_TIME = datetime.date(2026, 4, 5)  # March's deadline is 10 April 2026
TAX_ID, ACCOUNT = "0994000165501", "1234567890"
TZ = datetime.timezone(datetime.timedelta(hours=7))


def at(day: datetime.date, hour=10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=TZ)


@pytest.fixture
def pao_world(pao):
    with schema_context(pao.schema_name):
        ordinance_settings()  # room rent 2 %, surcharge 1.5 % a month, no penalty
        PaymentSettings.objects.update_or_create(pk=1, defaults={
            "tax_id": TAX_ID, "biller_suffix": "00", "company_account": ACCOUNT, "hmac_secret": "s" * 40})
        business, owner = registered_business("hotel")
        yield {"pao": pao, "business": business, "owner": owner, "approver": officer(pao, "approver"),
               "finance": officer(pao, "finance")}


def file_march(world, rent="10000", today=ON_TIME):
    return return_file(business=world["business"], period=MARCH, actor=world["owner"], today=today,
                       data={"room_rent_total": rent, "nights_total": "10"})


def month_obligation(ret) -> Obligation:
    return obligation_for(source="hotel_fee.return", source_id=(ret.original_id or ret.pk))


def pay(obligation, *, on: datetime.date, reference: str, channel="counter"):
    invoice = services.open_invoice(obligation)
    return services.payment_post(invoice=invoice, amount=None if channel == "counter" else
                                 services.payable_on(obligation, on), channel=channel,
                                 method="cash" if channel == "counter" else "bill_payment", reference=reference,
                                 received_at=at(on))[0]


def test_a_paid_return_assessed_higher_asks_only_for_the_difference(pao_world):
    ret = file_march(pao_world)  # 2 % of 10,000.00 = 200.00, on time
    pay(month_obligation(ret), on=ON_TIME, reference="counter:M1")
    return_review(ret=ret, decision="assess", actor=pao_world["approver"], reason="ตรวจพบรายได้เพิ่ม",
                  tax_amount="300.00", today=datetime.date(2026, 4, 8))
    obligation = month_obligation(ret)
    assert (obligation.charged, obligation.paid, obligation.balance) == (Decimal("300.00"), Decimal("200.00"),
                                                                        Decimal("100.00"))
    assert services.open_invoice(obligation).amount == Decimal("100.00")  # not 300.00 again


def test_a_paid_return_assessed_lower_leaves_a_credit_that_is_refunded(pao_world, django_capture_on_commit_callbacks):
    ret = file_march(pao_world)
    pay(month_obligation(ret), on=ON_TIME, reference="counter:M2")
    return_review(ret=ret, decision="assess", actor=pao_world["approver"], reason="ลดหย่อน", tax_amount="150.00",
                  today=datetime.date(2026, 4, 8))
    obligation = month_obligation(ret)
    assert obligation.credit == Decimal("50.00") and services.open_invoice(obligation) is None
    (refund,) = services.credit_refund(obligation=obligation, reason="ประเมินลดลง", actor=pao_world["finance"])
    assert refund.amount == Decimal("50.00")
    obligation.refresh_from_db()
    assert obligation.balance == 0
    with pytest.raises(ValidationError):  # nothing more to give back
        services.credit_refund(obligation=obligation, reason="อีกครั้ง", actor=pao_world["finance"])
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_set_status(refund=refund, status="submitted", actor=pao_world["finance"])
        services.refund_set_status(refund=refund, status="error", actor=pao_world["finance"])
    obligation.refresh_from_db()
    assert obligation.credit == Decimal("50.00")  # the transfer failed: the credit is the payer's again


def test_a_credit_is_set_off_against_the_same_businesss_next_return(pao_world, django_capture_on_commit_callbacks):
    PaymentSettings.objects.filter(pk=1).update(credit_policy="set_off")
    ret = file_march(pao_world)
    pay(month_obligation(ret), on=ON_TIME, reference="counter:M3")
    with django_capture_on_commit_callbacks(execute=True):
        return_review(ret=ret, decision="assess", actor=pao_world["approver"], reason="ลดหย่อน",
                      tax_amount="150.00", today=datetime.date(2026, 4, 8))
    with django_capture_on_commit_callbacks(execute=True):  # April: 2 % of 10,000.00 = 200.00, less the 50.00
        april = return_file(business=pao_world["business"], period=APRIL, actor=pao_world["owner"],
                            today=datetime.date(2026, 5, 5), data={"room_rent_total": "10000", "nights_total": "9"})
    march, april_obligation = month_obligation(ret), month_obligation(april)
    assert march.balance == 0 and april_obligation.balance == Decimal("150.00")
    assert services.open_invoice(april_obligation).amount == Decimal("150.00")
    kinds = list(april_obligation.entries.values_list("kind", "amount"))
    assert ("set_off_in", Decimal("-50.00")) in kinds
    moves = LedgerEntry.objects.filter(note__startswith="set-off").values_list("amount", flat=True)
    assert sorted(moves) == [Decimal("-50.00"), Decimal("50.00")]


def test_lowered_before_payment_cancels_the_old_invoice_and_nothing_keeps_growing(pao_world):
    ret = file_march(pao_world, rent="100000")  # 2,000.00
    first = services.open_invoice(month_obligation(ret))
    return_review(ret=ret, decision="assess", actor=pao_world["approver"], reason="แก้ไข", tax_amount="1500.00",
                  today=datetime.date(2026, 4, 8))
    obligation = month_obligation(ret)
    first.refresh_from_db()
    replacement = services.open_invoice(obligation)
    assert first.status == InvoiceStatus.CANCELLED and first.replaced_by_id == replacement.pk
    assert replacement.amount == Decimal("1500.00")
    # The old 2,000.00 stops growing: left unpaid to 1 December 2026 (8 months or parts late since 10 April),
    # the surcharge is 1.5 % × 8 = 12 % of the 1,500.00 now owed = 180.00, so 1,680.00 (not 2,240.00).
    assert services.payable_on(obligation, datetime.date(2026, 12, 1)) == Decimal("1680.00")
    assert services.amount_payable(first, datetime.date(2026, 12, 1)) == 0  # a cancelled invoice asks nothing


def test_additional_returns_after_payment_charge_or_credit_only_the_difference(pao_world):
    ret = file_march(pao_world)  # 200.00, paid
    pay(month_obligation(ret), on=ON_TIME, reference="counter:M4")
    more = return_file_additional(original=ret, actor=pao_world["owner"], today=datetime.date(2026, 4, 8),
                                  data={"room_rent_total": "15000", "nights_total": "10"})  # 300.00: +100.00
    obligation = month_obligation(more)
    assert obligation.balance == Decimal("100.00") and services.open_invoice(obligation).amount == Decimal("100.00")
    return_file_additional(original=ret, actor=pao_world["owner"], today=datetime.date(2026, 4, 9),
                           data={"room_rent_total": "7500", "nights_total": "10"})  # 150.00: −150.00
    obligation.refresh_from_db()
    assert obligation.charged == Decimal("150.00") and obligation.credit == Decimal("50.00")
    assert services.open_invoice(obligation) is None


def test_the_surcharge_keeps_running_on_unpaid_tax_until_it_is_paid(pao_world):
    # 2 % of 100,000.00 = 2,000.00 for March, due 10 April. Filed 15 May: 2 months (or parts) late,
    # 1.5 % × 2 = 3 % → 60.00; amount due 2,060.00. Paid 20 July: 4 months late, 6 % → 120.00: 2,120.00.
    ret = file_march(pao_world, rent="100000", today=datetime.date(2026, 5, 15))
    assert ret.amount_due == Decimal("2060.00")
    obligation = month_obligation(ret)
    assert services.payable_on(obligation, datetime.date(2026, 6, 10)) == Decimal("2060.00")  # still 2 months
    assert services.payable_on(obligation, datetime.date(2026, 6, 11)) == Decimal("2090.00")  # 3 months
    payment = pay(obligation, on=datetime.date(2026, 7, 20), reference="counter:M5")
    assert payment.amount == Decimal("2120.00")
    obligation.refresh_from_db()
    assert obligation.balance == 0 and obligation.surcharge_months == 4
    assert services.payable_on(obligation, datetime.date(2027, 1, 1)) == 0  # paid: nothing runs any more


def test_an_assessment_made_months_later_owes_the_surcharge_on_the_increase_from_the_deadline(pao_world):
    # 200.00 filed and paid on time; assessed on 20 July at 300.00. The extra 100.00 was due on 10 April:
    # 4 months (or parts) late by 20 July, 1.5 % × 4 = 6 % of 100.00 = 6.00. To pay: 106.00.
    ret = file_march(pao_world)
    pay(month_obligation(ret), on=ON_TIME, reference="counter:M6")
    return_review(ret=ret, decision="assess", actor=pao_world["approver"], reason="ตรวจย้อนหลัง",
                  tax_amount="300.00", today=datetime.date(2026, 7, 20))
    obligation = month_obligation(ret)
    assert obligation.balance == Decimal("106.00")


def test_a_short_bank_payment_leaves_the_rest_owed_and_the_surcharge_runs_on_the_tax_left(pao_world):
    # 2,000.00 due 10 April; the bank confirms 1,500.00 on 5 April. 500.00 of tax stays unpaid; paid on
    # 15 May (2 months late): 1.5 % × 2 = 3 % of 500.00 = 15.00 → 515.00.
    ret = file_march(pao_world, rent="100000")
    obligation = month_obligation(ret)
    invoice = services.open_invoice(obligation)
    payment, _created = services.payment_post(invoice=invoice, amount="1500.00", channel="bank",
                                              method="bill_payment", reference="bank:SHORT", received_at=at(ON_TIME))
    assert payment.exception == "underpaid"
    obligation.refresh_from_db()
    assert obligation.balance == Decimal("500.00") and services.open_invoice(obligation).amount == Decimal("500.00")
    assert services.payable_on(obligation, datetime.date(2026, 5, 15)) == Decimal("515.00")


def statement(lines, *, account=ACCOUNT, biller=TAX_ID + "00", day=ON_TIME):
    rows = [{"sequence": i + 2, "payment_date": line.get("day", day), "payment_time": line.get(
        "time", datetime.time(10, 0, i)), "customer_name": "ผู้ชำระ", "ref1": line["invoice"].ref1,
        "ref2": line["invoice"].ref2, "ref3": "", "branch": "0001", "teller": "0001", "kind": line.get("kind", "C"),
        "transaction_code": "001", "cheque_no": "", "amount": Decimal(line["amount"]), "cheque_bank_code": "",
        "biller_id": biller, "payer_bank_code": "006"} for i, line in enumerate(lines)]
    return build_statement(bank_code="006", company_account=account, company_name="อบจ.แพร่", effective_date=day,
                           lines=rows)


def test_a_reversal_line_reverses_the_payment_it_takes_back(pao_world, django_capture_on_commit_callbacks):
    ret = file_march(pao_world)
    obligation = month_obligation(ret)
    invoice = services.open_invoice(obligation)
    with django_capture_on_commit_callbacks(execute=True):
        paid = statement_reconcile(data=statement([{"invoice": invoice, "amount": "200.00"}]), name="c.txt",
                                   actor=pao_world["finance"])
    assert paid.report["totals"]["posted"] == 1
    payment = Payment.objects.get(obligation=obligation)
    national = RevenueDaily.objects.get(lao=pao_world["pao"], service="hotel_fee", day=ON_TIME)
    assert national.amount == Decimal("200.00")
    with django_capture_on_commit_callbacks(execute=True):
        reversed_ = statement_reconcile(
            data=statement([{"invoice": invoice, "amount": "200.00", "kind": "D", "time": datetime.time(15, 0)}]),
            name="d.txt", actor=pao_world["finance"])
    assert reversed_.report["totals"]["reversed"] == 1 and reversed_.report["totals"]["posted"] == 0
    payment.refresh_from_db()
    obligation.refresh_from_db()
    assert payment.reversed_at and "d.txt" in payment.reversal_reason
    assert Receipt.objects.get(payment=payment).voided_at is not None
    assert obligation.balance == Decimal("200.00") and services.open_invoice(obligation).amount == Decimal("200.00")
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == 0
    national.refresh_from_db()
    assert national.amount == 0 and national.payments == 0


def test_a_reversal_of_an_open_invoice_posts_nothing(pao_world):
    ret = file_march(pao_world)
    invoice = services.open_invoice(month_obligation(ret))
    record = statement_reconcile(data=statement([{"invoice": invoice, "amount": "200.00", "kind": "D"}]),
                                 name="d-only.txt", actor=pao_world["finance"])
    assert record.report["totals"]["reversal_unmatched"] == 1
    assert not Payment.objects.exists() and not LedgerEntry.objects.exists()
    assert month_obligation(ret).balance == Decimal("200.00")


@pytest.mark.parametrize("change, named", [({"account": "9999999999"}, "9999999999"),
                                           ({"biller": "099400016550199"}, "099400016550199")])
def test_a_file_for_another_account_or_biller_is_rejected_whole(pao_world, change, named):
    ret = file_march(pao_world)
    invoice = services.open_invoice(month_obligation(ret))
    with pytest.raises(StatementError) as caught:
        statement_reconcile(data=statement([{"invoice": invoice, "amount": "200.00"}], **change), name="x.txt",
                            actor=pao_world["finance"])
    assert any(named in error and re.match(r"(line|บรรทัด) \d+:", error) for error in caught.value.errors), \
        caught.value.errors
    assert not Payment.objects.exists()


def test_money_received_on_30_september_belongs_to_that_fiscal_year_when_reconciled_on_1_october(
        pao_world, monkeypatch):
    ret = file_march(pao_world)
    invoice = services.open_invoice(month_obligation(ret))
    reconciled_at = datetime.datetime(2026, 10, 1, 9, 0, tzinfo=TZ)
    monkeypatch.setattr(services.timezone, "now", lambda: reconciled_at)
    record = statement_reconcile(
        data=statement([{"invoice": invoice, "amount": "200.00", "day": datetime.date(2026, 9, 30),
                         "time": datetime.time(14, 0)}], day=datetime.date(2026, 9, 30)),
        name="sep30.txt", actor=pao_world["finance"])
    payment = Payment.objects.get()
    assert record.report["totals"]["amount_mismatch"] == 1  # 5 months late by then: the surcharge was due too
    receipt = payment.receipts.get()
    ledger = LedgerEntry.objects.get(payment=payment)
    assert receipt.fiscal_year == 2569 and ledger.day == datetime.date(2026, 9, 30)  # not 2570
    replacement = services.receipt_void(receipt=receipt, reason="พิมพ์ผิด", actor=pao_world["finance"])
    assert replacement.fiscal_year == 2569


def test_amounts_stop_at_what_a_slip_can_carry(sao, client):
    with schema_context(sao.schema_name):
        PaymentSettings.objects.update_or_create(pk=1, defaults={"tax_id": TAX_ID, "biller_suffix": "00"})
        with pytest.raises(ValidationError) as caught:
            services.invoice_issue(source="test.big", source_id=1, amount="10000000000.00", description="ใหญ่",
                                   due_date=timezone.localdate(), payer_name="x")
        assert "9,999,999,999.99" in caught.value.messages[0]
        for bad in ("NaN", "Infinity", "1e400", "-5", "1.001"):
            with pytest.raises(ValidationError):
                services.invoice_issue(source="test.big", source_id=2, amount=bad, description="x",
                                       due_date=timezone.localdate(), payer_name="x")
        biggest = services.invoice_issue(source="test.big", source_id=3, amount="9999999999.99", description="ใหญ่",
                                         due_date=timezone.localdate(), payer_name="x")
        from tenant_apps.billing.views import slip_url

        url = slip_url(biggest)
    page = client.get(url, HTTP_HOST=sao.host)
    assert page.status_code == 200 and "54139999999999.99" in page.context["qr_payload"]


def test_an_application_fee_paid_then_withdrawn_is_a_credit_not_lost(sao):
    with schema_context(sao.schema_name):
        services.invoice_issue(source="advertising.application", source_id=9999, amount="200.00",
                               description="ค่าธรรมเนียม", due_date=timezone.localdate(), payer_name="x")
        obligation = obligation_for(source="advertising.application", source_id=9999)
        pay(obligation, on=timezone.localdate(), reference="counter:W")
        services.obligation_charge(source="advertising.application", source_id=9999, part="charge", amount=0,
                                   description="ค่าธรรมเนียม", due_date=timezone.localdate())
        obligation.refresh_from_db()
        assert obligation.credit == Decimal("200.00")
        assert Refund.objects.count() == 0  # refunded by a finance officer, from the exceptions page


def test_the_bulk_copy_writes_every_column_of_its_tables():
    """post_payments() writes payments, journal entries, receipts and ledger lines by COPY: a column added to
    one of those models must be added to its list too (or the COPY would leave it to a default it has not)."""
    from tenant_apps.billing.models import LedgerEntry, ObligationEntry

    for model, columns, generated in [(Payment, services.PAYMENT_COLUMNS, set()),
                                      (Receipt, services.RECEIPT_COLUMNS, set()),
                                      (ObligationEntry, services.ENTRY_COLUMNS, {"id"}),
                                      (LedgerEntry, services.LEDGER_COLUMNS, {"id"})]:
        assert set(columns) | generated == {field.column for field in model._meta.concrete_fields}, model


def test_the_filers_page_of_an_additional_return_shows_what_is_left_to_pay(pao_world, client):
    ret = file_march(pao_world)
    pay(month_obligation(ret), on=ON_TIME, reference="counter:P1")
    more = return_file_additional(original=ret, actor=pao_world["owner"], today=datetime.date(2026, 4, 8),
                                  data={"room_rent_total": "15000", "nights_total": "10"})
    client.force_login(pao_world["owner"])
    session = client.session
    session["auth_method"] = "dopa"
    session.save()
    business = pao_world["business"]
    page = client.get(f"/businesses/{business.pk}/returns/{more.pk}/", HTTP_HOST=pao_world["pao"].host)
    assert page.status_code == 200
    pay_box = page.context["pay"]
    assert pay_box["paid"] == Decimal("200.00") and pay_box["slip_url"] and pay_box["receipts"]
    assert pay_box["payable"] >= Decimal("100.00")  # the difference (and the surcharge run since 10 April)
    html = page.content.decode()
    assert pay_box["slip_url"] in html and "200.00" in html


def test_a_review_reason_or_a_decision_note_with_a_nul_is_refused_not_a_server_error(pao_world):
    from tenant_apps.businesses.services import business_decide

    ret = file_march(pao_world)
    with pytest.raises(ValidationError):
        return_review(ret=ret, decision="send_back", actor=officer(pao_world["pao"], "clerk"), reason="ผิด\x00พลาด")
    business, _owner = registered_business("hotel")
    with pytest.raises(ValidationError):
        business_decide(business=business, approve=False, note="x\x00", actor=officer(pao_world["pao"], "clerk"))
