"""Money in and receipts out: invoices, slips, bank notifications, statement files, the counter, receipts,
refunds and the ledger — and a payment for one LAO never landing in another."""
import datetime
import hashlib
import hmac
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.ledger.models import RevenueDaily
from shared_apps.payment_formats.statement import StatementError, build_statement
from shared_apps.payment_formats.thai_qr import parse_payload, qr_png
from tenant_apps.billing import services
from tenant_apps.billing.models import (BankCall, Invoice, InvoiceStatus, LedgerEntry, Payment, PaymentSettings,
                                        Receipt, Refund, StatementFile)
from tenant_apps.billing.reconciliation import statement_reconcile
from tests.pao import officer

pytestmark = pytest.mark.django_db
SECRET = "s" * 40
TAX_ID = "0994000165501"


def configure(lao, **extra):
    with schema_context(lao.schema_name):
        PaymentSettings.objects.update_or_create(pk=1, defaults={
            "tax_id": TAX_ID, "biller_suffix": "00", "company_code": "12345", "company_account": "1234567890",
            "hmac_secret": SECRET, **extra})


def invoice(lao, amount="200.00", source_id=1, **extra) -> Invoice:
    with schema_context(lao.schema_name):
        return services.invoice_issue(source="test.obligation", source_id=source_id, amount=amount,
                                      due_date=timezone.localdate() + datetime.timedelta(days=7),
                                      description="ค่าธรรมเนียมทดสอบ", payer_name="นายผู้ชำระ", **extra)


def notify(client, lao, command, body, secret=SECRET, adapter="json", address="127.0.0.1"):
    raw = json.dumps({"command": command, **body}).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return client.post(f"/api/bank/{adapter}/{command}/", raw, content_type="application/json", HTTP_HOST=lao.host,
                       HTTP_X_SIGNATURE=signature, REMOTE_ADDR=address)


def as_officer(client, user):
    client.force_login(user)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()


# --- invoices and slips -------------------------------------------------------------------------------

def test_invoices_carry_ref1_with_check_digit_and_ref2_as_due_date(sao):
    configure(sao)
    bill = invoice(sao)
    from stdnum import luhn

    assert len(bill.ref1) == 12 and luhn.is_valid(bill.ref1)
    due = bill.due_date
    assert bill.ref2 == f"{(due.year + 543) % 100:02d}{due:%m%d}"


def test_one_open_invoice_per_obligation_replaced_when_it_changes(sao):
    first = invoice(sao, "200.00")
    same = invoice(sao, "200.00")
    changed = invoice(sao, "400.00")
    with schema_context(sao.schema_name):
        first.refresh_from_db()
        assert same.pk == first.pk and first.status == InvoiceStatus.CANCELLED and first.replaced_by_id == changed.pk
        assert Invoice.objects.filter(source="test.obligation", status=InvoiceStatus.OPEN).count() == 1


def test_slip_shows_a_thai_qr_that_decodes_to_its_payload(client, sao):
    import zxingcpp
    from PIL import Image

    configure(sao)
    bill = invoice(sao, "1250.50")
    with schema_context(sao.schema_name):
        from tenant_apps.billing.views import slip_url

        url = slip_url(bill)
    page = client.get(url, HTTP_HOST=sao.host)
    assert page.status_code == 200
    payload = page.context["qr_payload"]
    parsed = parse_payload(payload)
    assert parsed["30"]["01"] == TAX_ID + "00" and parsed["30"]["02"] == bill.ref1 and parsed["54"] == "1250.50"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(payload))))
    assert decoded[0].text == payload
    assert "หนึ่งพันสองร้อยห้าสิบบาทห้าสิบสตางค์" in page.content.decode()
    barcode = page.context["barcode_data"]
    assert barcode == f"|{TAX_ID}00\r{bill.ref1}\r{bill.ref2}\r125050"
    pdf = client.get(url + "slip.pdf", HTTP_HOST=sao.host)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_slip_link_of_one_lao_does_not_open_at_another(client, sao, town):
    bill = invoice(sao)
    with schema_context(sao.schema_name):
        from tenant_apps.billing.views import slip_url

        url = slip_url(bill)
    invoice(town)  # an invoice with the same id exists there
    assert client.get(url, HTTP_HOST=town.host).status_code == 404


def test_a_late_invoice_shows_the_surcharge_grown_without_writing_anything(client, sao):
    configure(sao)
    deadline = timezone.localdate() - datetime.timedelta(days=40)
    with schema_context(sao.schema_name):
        obligation = services.obligation_charge(
            source="test.obligation", source_id=1, part="return", amount="1015.00", tax="1000.00",
            due_date=deadline + datetime.timedelta(days=1), description="ค่าธรรมเนียมทดสอบ", payer_name="นายผู้ชำระ",
            surcharge={"percent": Decimal("1.5"), "cap": None, "from": deadline, "months": 1},
            today=deadline + datetime.timedelta(days=1))
        bill = services.open_invoice(obligation)
        today = timezone.localdate()
        assert services.amount_payable(bill, today) == Decimal("1030.00")  # two months: 1,000 × 1.5 % × 2
        from tenant_apps.billing.views import slip_url

        url = slip_url(bill)
        before = (Invoice.objects.count(), list(Invoice.objects.values_list("status", flat=True)))
    page = client.get(url, HTTP_HOST=sao.host)
    assert page.status_code == 200 and page.context["amount"] == Decimal("1030.00")
    assert parse_payload(page.context["qr_payload"])["54"] == "1030.00"
    with schema_context(sao.schema_name):  # a GET never writes: the same invoice, still open, nothing new
        assert (Invoice.objects.count(), list(Invoice.objects.values_list("status", flat=True))) == before
        obligation.refresh_from_db()
        assert obligation.charged == Decimal("1015.00") and obligation.surcharge_months == 1


# --- bank notifications --------------------------------------------------------------------------------

def test_verify_then_confirm_and_duplicate_confirms(client, sao):
    configure(sao)
    bill = invoice(sao)
    body = {"transaction_id": "KTB-0001", "ref1": bill.ref1, "ref2": bill.ref2, "amount": "200.00"}

    verify = notify(client, sao, "verify", body)
    confirm = notify(client, sao, "confirm", body)
    repeat = notify(client, sao, "confirm", body)
    other_txn = notify(client, sao, "confirm", {**body, "transaction_id": "KTB-0002"})

    assert verify.json()["code"] == "0000" and verify.json()["amount"] == "200.00"
    assert confirm.json()["code"] == "0000" and confirm.json()["receipt"]
    assert repeat.json()["code"] == "2001" and repeat.json()["receipt"] == confirm.json()["receipt"]
    # Money the bank took again for a settled bill is recorded as a credit, never refused after it moved
    assert other_txn.json()["code"] == "0000" and other_txn.json()["exception"] == "already_settled"
    assert notify(client, sao, "verify", {**body, "transaction_id": "KTB-0003"}).json()["code"] == "1003"
    with schema_context(sao.schema_name):
        assert Payment.objects.filter(invoice=bill).count() == 2
        assert Receipt.objects.filter(payment__invoice=bill).count() == 2
        obligation = bill.obligation
        obligation.refresh_from_db()
        assert obligation.paid == Decimal("400.00") and obligation.credit == Decimal("200.00")
        assert BankCall.objects.count() == 5


@pytest.mark.parametrize("command, change, code", [
    ("confirm", {"ref1": "999999999999"}, "1001"), ("verify", {"amount": "199.99"}, "1002"),
    ("confirm", {"amount": "200.001"}, "1004"), ("confirm", {"ref2": "000000"}, "1001"),
    ("confirm", {"amount": "NaN"}, "1004"), ("confirm", {"amount": "1e20"}, "1004"),
    ("confirm", {"amount": 200.0}, "1004"), ("confirm", {"transaction_id": "T\x00-1"}, "1004")])
def test_notifications_with_bad_references_or_amounts(client, sao, command, change, code):
    configure(sao)
    bill = invoice(sao)
    body = {"transaction_id": "T-1", "ref1": bill.ref1, "ref2": bill.ref2, "amount": "200.00", **change}
    assert notify(client, sao, command, body).json()["code"] == code
    with schema_context(sao.schema_name):
        assert not Payment.objects.exists() and BankCall.objects.get().result_code == code


def test_a_confirm_for_another_amount_is_recorded_and_the_difference_stays_owed(client, sao):
    configure(sao)
    bill = invoice(sao)
    body = {"transaction_id": "T-S", "ref1": bill.ref1, "ref2": bill.ref2, "amount": "150.00"}
    answer = notify(client, sao, "confirm", body).json()
    assert answer["code"] == "0000" and answer["exception"] == "underpaid" and answer["receipt"]
    with schema_context(sao.schema_name):
        obligation = bill.obligation
        obligation.refresh_from_db()
        assert obligation.balance == Decimal("50.00")
        rest = services.open_invoice(obligation)
        assert rest.amount == Decimal("50.00") and rest.pk != bill.pk
        assert Payment.objects.get().exception == "underpaid"


def test_bad_signature_and_unknown_address_are_refused_and_logged(client, sao):
    configure(sao, allowed_sources="10.20.0.0/16\n192.0.2.7")
    bill = invoice(sao)
    body = {"transaction_id": "T-1", "ref1": bill.ref1, "amount": "200.00"}
    assert notify(client, sao, "confirm", body, secret="x" * 40, address="10.20.1.1").status_code == 401
    assert notify(client, sao, "confirm", body, address="203.0.113.9").status_code == 403
    assert notify(client, sao, "confirm", body, address="192.0.2.7").json()["code"] == "0000"
    with schema_context(sao.schema_name):
        assert list(BankCall.objects.order_by("id").values_list("result_code", flat=True)) == ["9001", "9002", "0000"]


def test_a_rotated_secret_is_accepted_during_rotation(client, sao):
    configure(sao, hmac_secret="n" * 40, hmac_secret_previous=SECRET)
    bill = invoice(sao)
    body = {"transaction_id": "T-9", "ref1": bill.ref1, "amount": "200.00"}
    assert notify(client, sao, "verify", body, secret=SECRET).json()["code"] == "0000"
    assert notify(client, sao, "verify", body, secret="n" * 40).json()["code"] == "0000"


def test_ktb_adapter_behind_the_same_interface(client, sao):
    configure(sao, ktb_user="ktb", ktb_password="secret-password")
    bill = invoice(sao)
    fields = {"user": "ktb", "password": "secret-password", "comcode": "12345", "prodcode": "1", "command": "confirm",
              "bankref": "B1", "tranxid": "KTBX-77", "amount": "200.00", "ref1": bill.ref1, "ref2": bill.ref2}
    paid = client.post("/api/bank/ktb/notify/", fields, HTTP_HOST=sao.host)
    wrong = client.post("/api/bank/ktb/notify/", {**fields, "password": "guess"}, HTTP_HOST=sao.host)
    assert paid.json()["respcode"] == "0000" and wrong.json()["respcode"] == "9001"
    with schema_context(sao.schema_name):
        assert "secret-password" not in "".join(BankCall.objects.values_list("body", flat=True))


# --- statement files ---------------------------------------------------------------------------------

def statement_for(invoices, *, extra_lines=(), day=None):
    day = day or timezone.localdate()
    lines = [{"sequence": i + 2, "payment_date": day, "payment_time": datetime.time(10, i % 60, i % 60),
              "customer_name": "ผู้ชำระ", "ref1": inv.ref1, "ref2": inv.ref2, "ref3": "", "branch": "0001",
              "teller": "0001", "kind": "C", "transaction_code": "001", "cheque_no": "", "amount": inv.amount,
              "cheque_bank_code": "", "biller_id": TAX_ID + "00", "payer_bank_code": "006"}
             for i, inv in enumerate(invoices)]
    for line in extra_lines:
        lines.append({**lines[0], "sequence": len(lines) + 2, **line})
    return build_statement(bank_code="006", company_account="1234567890", company_name="อบต.กาญจนา",
                           effective_date=day, lines=lines)


def bulk_invoices(count: int, source: str = "test.bulk") -> list[Invoice]:
    """Many obligations and their open invoices at once, with the references invoice_issue() would give them."""
    from tenant_apps.billing.models import Obligation

    due = timezone.localdate() + datetime.timedelta(days=5)
    obligations = Obligation.objects.bulk_create([
        Obligation(source=source, source_id=i, charged=Decimal("200.00") + i % 7, due_date=due, service="test",
                   description=f"ค่าธรรมเนียม {i}", payer_name="ผู้ชำระ") for i in range(count)])
    bills = Invoice.objects.bulk_create([
        Invoice(obligation=o, source=o.source, source_id=o.source_id, amount=o.charged, due_date=due, service="test",
                description=o.description, payer_name="ผู้ชำระ") for o in obligations])
    settings = services.payment_settings()
    for bill in bills:
        bill.ref1, bill.ref2 = services._ref1(bill.pk, settings), services._ref2(due, settings)
    Invoice.objects.bulk_update(bills, ["ref1", "ref2"], batch_size=2000)
    return bills


def test_a_10000_line_statement_is_reconciled_with_its_report_and_the_same_file_twice_changes_nothing(sao, django_capture_on_commit_callbacks):
    configure(sao)
    finance = officer(sao, "finance")
    with schema_context(sao.schema_name):
        bills = bulk_invoices(9_995)
        odd = services.invoice_issue(source="test.other", source_id=1, amount=Decimal("300.00"),
                                     due_date=timezone.localdate() + datetime.timedelta(days=5),
                                     description="อื่น", payer_name="ผู้ชำระ")
        paid_by_counter = bills[0]
        with django_capture_on_commit_callbacks(execute=True):
            services.payment_post(invoice=paid_by_counter, amount=paid_by_counter.amount, channel="counter",
                                  method="cash", reference="counter:A1")
        data = statement_for(bills, extra_lines=[
            {"ref1": "777777777777", "amount": Decimal("50.00")},  # nobody's
            {"ref1": odd.ref1, "ref2": odd.ref2, "amount": Decimal("1.00"), "payment_time": datetime.time(23, 0, 0)},
            {"ref1": bills[2].ref1, "amount": bills[2].amount, "payment_time": datetime.time(23, 1, 0)},
            {"ref1": "999999999999", "amount": Decimal("5.00")},
            {"ref1": "888888888888", "amount": Decimal("5.00")}])
        with django_capture_on_commit_callbacks(execute=True):
            record = statement_reconcile(data=data, name="ktb-20261129.txt", actor=finance)
        totals = record.report["totals"]
        assert record.line_count == 10_000
        assert totals["posted"] == 9_994  # all but the one paid at the counter
        # bills[0] paid at the counter, bills[2] twice in the file: the bank took the money, so it is kept
        # as a credit to refund (never lost), and reported
        assert totals["duplicates"] == 2
        assert totals["amount_mismatch"] == 1 and totals["unmatched"] == 3  # 1.00 of 300.00: 299.00 still owed
        assert Payment.objects.filter(invoice__source="test.bulk").count() == 9_997
        assert Receipt.objects.filter(payment__invoice__source="test.bulk").count() == 9_997
        assert Payment.objects.filter(exception="already_settled").count() == 2
        odd.obligation.refresh_from_db()
        assert odd.obligation.balance == Decimal("299.00") and services.open_invoice(odd.obligation).amount == \
            Decimal("299.00")
        ledger_total = sum(LedgerEntry.objects.values_list("amount", flat=True))

        again = statement_reconcile(data=data, name="same-file-again.txt", actor=finance)
        assert again.pk == record.pk and StatementFile.objects.count() == 1
        assert Payment.objects.count() == 9_998 and sum(LedgerEntry.objects.values_list("amount", flat=True)) == ledger_total
    national = RevenueDaily.objects.get(lao=sao, service="test", day=timezone.localdate())
    assert national.amount == ledger_total and national.payments == 9_998



def test_a_malformed_or_wrongly_encoded_file_is_rejected_whole(sao):
    configure(sao)
    finance = officer(sao, "finance")
    bill = invoice(sao)
    good = statement_for([bill])
    records = good.split(b"\r\n")
    broken_trailer = b"\r\n".join(records[:-2] + [records[-2][:33] + b"000001" + records[-2][39:]] + records[-1:])
    utf8 = good.replace("ผู้ชำระ".encode("cp874"), "ผู้ชำระ".encode("utf-8")[:len("ผู้ชำระ".encode("cp874"))])
    short = b"\r\n".join([records[0], records[1][:200], *records[2:]])
    for data in (broken_trailer, short, utf8):
        with schema_context(sao.schema_name), pytest.raises(StatementError) as caught:
            statement_reconcile(data=data, name="bad.txt", actor=finance)
        assert any(message.startswith("line ") for message in caught.value.errors), caught.value.errors
    with schema_context(sao.schema_name):
        assert not Payment.objects.exists() and not StatementFile.objects.exists()


# --- the counter, receipts, refunds ---------------------------------------------------------------------

def test_receipt_numbering_restarts_on_1_october_and_void_never_reuses_a_number(sao, monkeypatch):
    finance = officer(sao, "finance")
    moments = [datetime.datetime(2026, 9, 30, 16, 0, tzinfo=datetime.timezone.utc),  # 23:00 on 30 Sep in Bangkok
               datetime.datetime(2026, 9, 30, 16, 30, tzinfo=datetime.timezone.utc),
               datetime.datetime(2026, 9, 30, 17, 0, 1, tzinfo=datetime.timezone.utc)]  # 00:00 on 1 Oct
    receipts = []
    for index, moment in enumerate(moments):
        monkeypatch.setattr(services.timezone, "now", lambda m=moment: m)
        bill = invoice(sao, source_id=100 + index)
        with schema_context(sao.schema_name):
            payment, _created = services.payment_post(invoice=bill, amount="200.00", channel="counter",
                                                      method="cash", reference=f"counter:{index}", received_at=moment)
            receipts.append(payment.receipts.get())
    assert [(r.fiscal_year, r.sequence, r.book, r.number_in_book) for r in receipts] == [
        (2569, 1, 1, 1), (2569, 2, 1, 2), (2570, 1, 1, 1)]
    with schema_context(sao.schema_name):
        with pytest.raises(ValidationError):
            services.receipt_void(receipt=receipts[2], reason=" ", actor=finance)
        replacement = services.receipt_void(receipt=receipts[2], reason="พิมพ์ชื่อผู้ชำระผิด", actor=finance)
        receipts[2].refresh_from_db()
        assert receipts[2].voided_at and replacement.sequence == 2 and replacement.payment_id == receipts[2].payment_id
        assert Receipt.objects.filter(fiscal_year=2570).count() == 2  # the voided one stays


def test_receipt_pdf_and_public_verification(client, sao):
    from pypdf import PdfReader

    bill = invoice(sao, "1250.50")
    with schema_context(sao.schema_name):
        payment, _created = services.payment_post(invoice=bill, amount="1250.50", channel="counter", method="cash",
                                                  reference="counter:PDF")
        receipt = payment.receipts.get()
    pdf = client.get(f"/receipts/{receipt.token}/receipt.pdf", HTTP_HOST=sao.host)
    text = "".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "หนึ่งพันสองร้อยห้าสิบบาทห้าสิบสตางค์" in text and "1,250.50" in text
    page = client.get(f"/receipts/{receipt.token}/", HTTP_HOST=sao.host)
    assert page.status_code == 200 and "นายผู้ชำระ" not in page.content.decode()
    assert client.get("/receipts/not-a-token/", HTTP_HOST=sao.host).status_code == 404


def test_refunds_never_exceed_what_was_paid(client, sao, django_capture_on_commit_callbacks):
    finance = officer(sao, "finance")
    bill = invoice(sao, "200.00")
    with schema_context(sao.schema_name):
        payment, _created = services.payment_post(invoice=bill, amount="200.00", channel="counter", method="cash",
                                                  reference="counter:R")
    as_officer(client, finance)
    nothing_owed_back = client.post(f"/api/billing/payments/{payment.pk}/refunds/", {"amount": "1.00", "reason": "x"},
                                    content_type="application/json", HTTP_HOST=sao.host)
    assert nothing_owed_back.status_code == 400  # what was paid was owed: no credit, no refund
    assert invoice(sao, "50.00") is None  # the fee lowered to 50.00 after payment: 150.00 is the payer's credit
    first = client.post(f"/api/billing/payments/{payment.pk}/refunds/", {"amount": "150.00", "reason": "ชำระเกิน"},
                        content_type="application/json", HTTP_HOST=sao.host)
    too_much = client.post(f"/api/billing/payments/{payment.pk}/refunds/", {"amount": "50.01", "reason": "อีก"},
                           content_type="application/json", HTTP_HOST=sao.host)
    decimals = client.post(f"/api/billing/payments/{payment.pk}/refunds/", {"amount": "1.001", "reason": "x"},
                           content_type="application/json", HTTP_HOST=sao.host)
    assert first.status_code == 201 and too_much.status_code == 400 and decimals.status_code == 400
    refund_id = first.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        for status in ("submitted", "refunded"):
            assert client.post(f"/api/billing/refunds/{refund_id}/status/", {"status": status},
                               content_type="application/json", HTTP_HOST=sao.host).status_code == 200
    with schema_context(sao.schema_name):
        payment.refresh_from_db()
        assert payment.amount == Decimal("200.00")  # the payment is never rewritten
        assert list(LedgerEntry.objects.order_by("id").values_list("amount", flat=True)) == [Decimal("200.00"),
                                                                                              Decimal("-150.00")]
        assert Refund.objects.get().status == "refunded"


def test_payment_settings_are_validated_when_saved(sao):
    admin = officer(sao, "lao_admin")
    with schema_context(sao.schema_name):
        with pytest.raises(ValidationError) as caught:
            services.payment_settings_update(actor=admin, tax_id="0994000165502", biller_suffix="0",
                                             hmac_secret="short", allowed_sources="not-an-ip")
        assert len(caught.value.messages) == 4
        saved = services.payment_settings_update(actor=admin, tax_id=TAX_ID, biller_suffix="01",
                                                 hmac_secret="k" * 40)
        assert saved.biller_id == TAX_ID + "01"


# --- one LAO's money stays there ----------------------------------------------------------------------

def test_a_payment_for_one_laos_invoice_never_lands_in_another(client, sao, town):
    configure(sao)
    configure(town, hmac_secret="t" * 40)
    bill = invoice(sao)
    body = {"transaction_id": "X-1", "ref1": bill.ref1, "ref2": bill.ref2, "amount": "200.00"}

    # by notification: Kanchana's reference sent to Phrae town, signed with either LAO's secret
    assert notify(client, town, "confirm", body, secret="t" * 40).json()["code"] == "1001"
    assert notify(client, town, "confirm", body, secret=SECRET).status_code == 401
    # by file: Kanchana's payment in a file uploaded at Phrae town
    with schema_context(town.schema_name):
        record = statement_reconcile(data=statement_for([bill]), name="wrong-lao.txt", actor=officer(town, "finance"))
        assert record.report["totals"]["unmatched"] == 1 and not Payment.objects.exists()
    # at the counter: Phrae town's finance officer cannot reach Kanchana's invoice
    as_officer(client, officer(town, "finance"))
    counter = client.post(f"/api/billing/invoices/{bill.pk}/counter-payment/", {"method": "cash", "reference": "1"},
                          content_type="application/json", HTTP_HOST=town.host)
    assert counter.status_code == 404 or counter.json().get("invoice") != bill.pk
    with schema_context(town.schema_name):
        assert not Payment.objects.filter(amount=Decimal("200.00"), reference="counter:1").exists() or \
            Invoice.objects.filter(pk=bill.pk).first() is None
    with schema_context(sao.schema_name):
        assert Invoice.objects.get(pk=bill.pk).status == InvoiceStatus.OPEN and not Payment.objects.exists()


# --- obligations from the services ----------------------------------------------------------------------

def test_a_filed_pao_return_raises_its_invoice_and_an_assessment_replaces_it(pao):
    from tenant_apps.hotel_fee.models import HotelReturn
    from tenant_apps.pao_filing.services import return_file, return_review
    from tests.pao import ordinance_settings, registered_business

    with schema_context(pao.schema_name):
        ordinance_settings()
        business, owner = registered_business("hotel")
        ret = return_file(business=business, period=datetime.date(2026, 3, 1), actor=owner,
                          today=datetime.date(2026, 4, 5), data={"room_rent_total": "125000", "nights_total": "300"})
        bill = Invoice.objects.get(source="hotel_fee.return", source_id=ret.pk)
        assert bill.amount == Decimal("2500.00") and bill.service == "hotel_fee" and bill.due_date == ret.deadline
        assessed = return_review(ret=ret, decision="assess", actor=officer(pao, "approver"), reason="ตรวจสอบ",
                                 tax_amount="3000.00", today=datetime.date(2026, 4, 6))
        new = Invoice.objects.get(source="hotel_fee.return", source_id=ret.pk, status=InvoiceStatus.OPEN)
        assert new.amount == assessed.amount_due == Decimal("3000.00")
        assert Invoice.objects.get(pk=bill.pk).status == InvoiceStatus.CANCELLED
        assert HotelReturn.objects.count() == 1


def test_files_dropped_in_the_inbox_are_reconciled(sao, settings, tmp_path, capsys):
    from django.core.management import call_command

    configure(sao)
    bill = invoice(sao)
    settings.STATEMENT_INBOX = tmp_path
    folder = tmp_path / sao.schema_name
    folder.mkdir()
    (folder / "good.txt").write_bytes(statement_for([bill]))
    (folder / "bad.txt").write_bytes(b"H not a statement\r\n")
    call_command("reconcile_inbox")
    assert (folder / "done" / "good.txt").exists() and (folder / "rejected" / "bad.txt.errors.txt").exists()
    with schema_context(sao.schema_name):
        assert Invoice.objects.get(pk=bill.pk).status == InvoiceStatus.PAID


@pytest.mark.parametrize("adapter, command", [("json", "confirm"), ("ktb", "notify")])
def test_a_body_nested_too_deep_is_malformed_not_a_server_error(client, sao, adapter, command):
    configure(sao, ktb_user="ktb", ktb_password="secret-password")
    raw = b"[" * 200_000 + b"]" * 200_000
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    response = client.post(f"/api/bank/{adapter}/{command}/", raw, content_type="application/json",
                           HTTP_HOST=sao.host, HTTP_X_SIGNATURE=signature)
    answer = response.json()
    assert response.status_code < 500 and (answer.get("code") or answer.get("respcode")) in ("1004", "9001")
    with schema_context(sao.schema_name):
        assert not Payment.objects.exists()
