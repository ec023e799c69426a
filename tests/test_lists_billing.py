"""The money lists (issue 12): invoices at the counter, receipts, statement files, payment exceptions and
refunds — filters, sorting, pages, exports of exactly the filtered rows, finance officers only, one LAO's."""
import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.accounts.models import StaffRole
from tenant_apps.billing import lists, services
from tenant_apps.billing.models import Payment, Receipt
from tests.factories import UserFactory
from tests.pao import officer
from tests.test_lists_pao import as_dopa, csv_rows, xlsx_rows
from tests.test_payments import configure

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def bill(lao, source_id, amount, payer, days=7):
    with schema_context(lao.schema_name):
        return services.invoice_issue(source="test.obligation", source_id=source_id, amount=amount,
                                      due_date=TODAY + datetime.timedelta(days=days), description=f"ค่าธรรมเนียม {source_id}",
                                      payer_name=payer, service="advertising")


@pytest.fixture
def money(sao):
    """Three invoices; the second paid at the counter (its receipt voided and reissued), the third paid by the
    bank with more than was due, then lowered after payment: a credit, refunded."""
    configure(sao)
    finance = officer(sao, "finance")
    first, second, third = (bill(sao, 1, "100.00", "นายหนึ่ง ผู้ชำระ", days=3),
                            bill(sao, 2, "200.00", "นางสอง ผู้ชำระ", days=5),
                            bill(sao, 3, "300.00", "นายสาม ผู้ชำระ", days=9))
    with schema_context(sao.schema_name):
        paid, _ = services.payment_post(invoice=second, amount="200.00", channel="counter", method="cash",
                                        reference="counter:2")
        services.receipt_void(receipt=Receipt.objects.get(payment=paid), reason="ชื่อผู้ชำระผิด", actor=finance)
        bank, _ = services.payment_post(invoice=third, amount="300.00", channel="bank", method="bill_payment",
                                        reference="bank:3")
        Payment.objects.filter(pk=bank.pk).update(exception="overpaid", due_amount="250.00")
        bill(sao, 3, "250.00", "นายสาม ผู้ชำระ")  # lowered after payment: 50.00 is a credit
        services.refund_create(payment=bank, amount="50.00", reason="ชำระเกิน", actor=finance)
    return {"finance": finance, "first": first, "second": second, "third": third, "bank": bank}


def rows_of(client, lao, path, **params):
    response = client.get(path, params, HTTP_HOST=lao.host)
    assert response.status_code == 200, response.status_code
    return list(response.context["listing"].page)


def test_the_counter_lists_open_invoices_by_due_date_and_finds_them(client, sao, money):
    as_dopa(client, money["finance"])
    page = client.get("/billing/invoices/", HTTP_HOST=sao.host)
    assert [i.pk for i in page.context["listing"].page] == [money["first"].pk]  # open only: 2 paid, 3 paid
    assert page.context["breadcrumbs"][-1][1] is None
    every = rows_of(client, sao, "/billing/invoices/", status="all", sort="-amount")
    assert [i.amount for i in every][:2] == sorted((i.amount for i in every), reverse=True)[:2]
    assert [i.payer_name for i in rows_of(client, sao, "/billing/invoices/", status="paid", q="สอง")] == [
        "นางสอง ผู้ชำระ"]
    ref1 = money["first"].ref1
    assert [i.pk for i in rows_of(client, sao, "/billing/invoices/", q=ref1)] == [money["first"].pk]
    be = lambda d: f"{d.day:02d}/{d.month:02d}/{d.year + 543}"  # noqa: E731
    soon = rows_of(client, sao, "/billing/invoices/", status="all", **{"to": be(TODAY + datetime.timedelta(days=5))})
    assert {i.payer_name for i in soon} == {"นายหนึ่ง ผู้ชำระ", "นางสอง ผู้ชำระ"}
    rows = csv_rows(client.get("/billing/invoices/?status=all&sort=due&export=csv", HTTP_HOST=sao.host))
    assert rows[0][:3] == ["หมายเลขอ้างอิง 1 (Ref1)", "รายการ", "ผู้ชำระเงิน"]
    assert [r[2] for r in rows[1:]][:2] == ["นายหนึ่ง ผู้ชำระ", "นางสอง ผู้ชำระ"]
    assert rows[1][rows[0].index("จำนวนเงิน")] == "100.00"
    assert rows[1][rows[0].index("ยอดที่ต้องชำระวันนี้")] == "100.00"


def test_receipts_filter_valid_and_void_and_export_them(client, sao, money):
    as_dopa(client, money["finance"])
    void = rows_of(client, sao, "/billing/receipts/", status="void")
    assert [(r.payer_name, r.void_reason) for r in void] == [("นางสอง ผู้ชำระ", "ชื่อผู้ชำระผิด")]
    valid = rows_of(client, sao, "/billing/receipts/", status="valid")
    assert {r.payer_name for r in valid} == {"นางสอง ผู้ชำระ", "นายสาม ผู้ชำระ"}  # the reissue and the bank's
    assert [r.payer_name for r in rows_of(client, sao, "/billing/receipts/", q="สาม")] == ["นายสาม ผู้ชำระ"]
    newest_first = rows_of(client, sao, "/billing/receipts/")
    assert [r.sequence for r in newest_first] == sorted((r.sequence for r in newest_first), reverse=True)
    sheet = xlsx_rows(client.get("/billing/receipts/?status=void&export=xlsx", HTTP_HOST=sao.host))
    assert sheet[0][:3] == ["เล่มที่/เลขที่", "วันที่", "ผู้ชำระเงิน"]
    (row,) = sheet[1:]
    assert row[2] == "นางสอง ผู้ชำระ" and row[sheet[0].index("จำนวนเงิน")] == 200
    assert row[1] == f"{TODAY.day:02d}/{TODAY.month:02d}/{TODAY.year + 543}"
    assert row[sheet[0].index("เหตุผลที่ยกเลิก")] == "ชื่อผู้ชำระผิด"


def test_exceptions_and_refunds_are_lists_of_their_own(client, sao, money):
    as_dopa(client, money["finance"])
    page = client.get("/billing/exceptions/", HTTP_HOST=sao.host)
    assert [p.pk for p in page.context["listing"].page] == [money["bank"].pk]
    assert rows_of(client, sao, "/billing/exceptions/", status="underpaid") == []
    assert [p.pk for p in rows_of(client, sao, "/billing/exceptions/", status="overpaid")] == [money["bank"].pk]
    rows = csv_rows(client.get("/billing/exceptions/?export=csv", HTTP_HOST=sao.host))
    assert rows[1][rows[0].index("ชำระแล้ว")] == "300.00" and rows[1][rows[0].index("ยอดที่ต้องชำระขณะนั้น")] == "250.00"
    refunds = client.get("/billing/refunds/", HTTP_HOST=sao.host)
    assert refunds.status_code == 200 and refunds.context["breadcrumbs"][-1] == ("การคืนเงิน", None)
    assert [(r.amount, r.status) for r in refunds.context["listing"].page] == [(50, "created")]
    assert rows_of(client, sao, "/billing/refunds/", status="refunded") == []
    sheet = xlsx_rows(client.get("/billing/refunds/?export=xlsx", HTTP_HOST=sao.host))
    assert sheet[1][sheet[0].index("จำนวนเงิน")] == 50 and sheet[1][sheet[0].index("สถานะ")] == "บันทึกรายการแล้ว"


def test_statement_files_are_listed_and_exported(client, sao, money):
    from tests.test_payments import statement_for

    with schema_context(sao.schema_name):
        from tenant_apps.billing.reconciliation import statement_reconcile

        statement_reconcile(data=statement_for([money["first"]]), name="KTB-20261202.txt", actor=money["finance"])
    as_dopa(client, money["finance"])
    files = rows_of(client, sao, "/billing/statements/")
    assert [f.name for f in files] == ["KTB-20261202.txt"]
    assert rows_of(client, sao, "/billing/statements/", q="SCB") == []
    rows = csv_rows(client.get("/billing/statements/?export=csv", HTTP_HOST=sao.host))
    from django.utils import translation

    with translation.override("th"):
        posted = translation.gettext("Payments posted")
    assert rows[1][1] == "KTB-20261202.txt" and rows[1][rows[0].index(posted)] == "1"


def test_money_lists_are_for_finance_officers_and_stay_in_their_lao(client, sao, town, money):
    clerk = officer(sao, "clerk")
    as_dopa(client, clerk)
    for path in ("/billing/invoices/", "/billing/receipts/", "/billing/exceptions/", "/billing/refunds/",
                 "/billing/statements/"):
        assert client.get(path, HTTP_HOST=sao.host).status_code == 403, path
        assert client.get(path + "?export=csv", HTTP_HOST=sao.host).status_code == 403, path
    observer = UserFactory()
    StaffRole.objects.create(user=observer, kind=StaffRole.Kind.PROVINCIAL_OFFICE, province_id="54")
    client.logout()
    as_dopa(client, observer)
    assert client.get("/billing/receipts/?export=xlsx", HTTP_HOST=sao.host).status_code == 403  # not theirs to read
    client.logout()
    as_dopa(client, officer(town, "finance"))
    for path in ("/billing/invoices/?status=all", "/billing/receipts/", "/billing/exceptions/", "/billing/refunds/"):
        page = client.get(path, HTTP_HOST=town.host)
        assert page.status_code == 200 and not list(page.context["listing"].page), path
        assert "นายหนึ่ง" not in page.content.decode() and "นายสาม" not in page.content.decode(), path


@pytest.mark.parametrize("path", ["/billing/invoices/", "/billing/receipts/", "/billing/exceptions/",
                                  "/billing/refunds/", "/billing/statements/"])
@pytest.mark.parametrize("query", ["status=bogus", "page=-3", "sort=obligation", "from=1/1/1", "to=abc",
                                   "service=hotel%00", "export=json"])
def test_a_malformed_money_filter_is_a_message_not_a_server_error(client, sao, money, path, query):
    as_dopa(client, money["finance"])
    response = client.get(f"{path}?{query}", HTTP_HOST=sao.host)
    if path == "/billing/statements/" and query.startswith(("status", "service")):
        assert response.status_code == 200  # a filter this list has not is not read
        return
    assert response.status_code == 400 and response.context["listing"].errors, (path, query)
