"""The money pages (issue 12): money at a glance, the daily summary and its sign-off, the receipt register, the
receivables, the e-LAAS export and the revenue codes — figures against sums worked by hand, the exports' rows,
the roles, one LAO never seeing another's money, and a bounded number of queries whatever the rows.

The books (a PAO, "today" fixed at Monday 16 March 2026, fiscal year 2569 from 1 October 2025):

  received          service  channel    baht   afterwards
  16/03/2569 10:00  hotel    counter   1000.00
  16/03/2569 11:00  hotel    bank       400.00  its receipt spoiled: voided and issued again
  02/03/2569        tobacco  statement  250.00
  16/03/2569 09:00  tobacco  bank       600.00  reversed by the bank today (its receipt voided)
  10/11/2568        hotel    bank       350.00  300.00 due: 50.00 credit, refunded today
  16/03/2568        hotel    counter    700.00  (last year, the same day)
  20/03/2568        hotel    counter    100.00  (last year, after the same day: outside every comparison)

  Collections, net: today 1000 + 400 + (600 − 600) − 50 = 1350.00; this month + 250 = 1600.00; the fiscal year
  + 350 = 1950.00; last year: 700.00 for each period. By channel today: counter 1000.00, bank 350.00.
  Owed: not yet due 200 + the reversed 600 (due 31/03/2569) = 800.00; 0–30 days 300.00; 31–90 days 150.00;
  over 90 days 80.00; 1330.00 on 5 bills.
"""
import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.billing import services
from tenant_apps.billing.models import DailySummarySignOff, Invoice, Payment, Receipt, RevenueCode

pytestmark = pytest.mark.django_db
BANGKOK = datetime.timezone(datetime.timedelta(hours=7))
TODAY = datetime.date(2026, 3, 16)
NOW = datetime.datetime(2026, 3, 16, 15, 0, tzinfo=BANGKOK)
D = Decimal


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BANGKOK)


@pytest.fixture
def frozen(monkeypatch):
    """Now is 15:00 on 16 March 2026 in Bangkok, for the services and the pages alike."""
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(datetime.timezone.utc))
    return TODAY


def as_officer(client, user):
    client.force_login(user)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()


_ids = iter(range(1, 10_000))


def bill(*, service, amount, payer, due=datetime.date(2026, 3, 31)) -> Invoice:
    return services.invoice_issue(source="test.money", source_id=next(_ids), amount=amount, due_date=due,
                                  description=f"{service} {payer}", payer_name=payer, service=service)


def pay(invoice, *, amount, channel, method, when, reference):
    payment, _created = services.payment_post(invoice=invoice, amount=amount, channel=channel, method=method,
                                              reference=reference, received_at=when)
    return payment


@pytest.fixture
def books(pao, frozen):
    """The books above, in the PAO's schema; returns its finance officer."""
    from tests.pao import officer

    finance = officer(pao, "finance")
    with schema_context(pao.schema_name):
        pay(bill(service="hotel_fee", amount="1000.00", payer="โรงแรม หนึ่ง"), amount="1000.00", channel="counter",
            method="cash", when=at(TODAY, 10), reference="counter:H1")
        h2 = pay(bill(service="hotel_fee", amount="400.00", payer="โรงแรม สอง"), amount="400.00", channel="bank",
                 method="bill_payment", when=at(TODAY, 11), reference="bank:H2")
        services.receipt_void(receipt=h2.receipts.get(), reason="พิมพ์ชื่อผู้ชำระผิด", actor=finance)
        pay(bill(service="tobacco_tax", amount="250.00", payer="ร้าน ยาสูบ"), amount="250.00", channel="statement",
            method="bill_payment", when=at(datetime.date(2026, 3, 2)), reference="stmt:T1")
        t2 = pay(bill(service="tobacco_tax", amount="600.00", payer="ร้าน ค"), amount="600.00", channel="bank",
                 method="bill_payment", when=at(TODAY, 9), reference="bank:T2")
        services.reverse_payments([services.ReversalItem(payment=t2, reference="rev:T2", day=TODAY,
                                                         reason="ธนาคารเรียกเงินคืน")])
        h3 = pay(bill(service="hotel_fee", amount="300.00", payer="โรงแรม สาม"), amount="350.00", channel="bank",
                 method="bill_payment", when=at(datetime.date(2025, 11, 10)), reference="bank:H3")
        refund = services.refund_create(payment=h3, amount="50.00", reason="ชำระเกิน", actor=finance)
        services.refund_set_status(refund=refund, status="submitted", actor=finance)
        services.refund_set_status(refund=refund, status="refunded", actor=finance)
        for amount, day, ref in (("700.00", datetime.date(2025, 3, 16), "counter:H4"),
                                 ("100.00", datetime.date(2025, 3, 20), "counter:H5")):
            pay(bill(service="hotel_fee", amount=amount, payer="โรงแรม เก่า", due=day), amount=amount,
                channel="counter", method="cash", when=at(day), reference=ref)
        # Still owed, by age on 16 March 2026.
        bill(service="hotel_fee", amount="200.00", payer="บริษัท ก", due=datetime.date(2026, 3, 20))
        bill(service="hotel_fee", amount="300.00", payer="บริษัท ก", due=datetime.date(2026, 3, 1))
        bill(service="tobacco_tax", amount="150.00", payer="นาย ข", due=datetime.date(2026, 1, 10))
        bill(service="tobacco_tax", amount="80.00", payer="นาย ข", due=datetime.date(2025, 10, 1))
    return finance


# --- the figures -------------------------------------------------------------------------------------------------

def test_collections_are_net_of_reversals_and_refunds_against_the_same_periods_last_year(pao, books):
    from tenant_apps.billing import finance_selectors as money

    with schema_context(pao.schema_name):
        collected = money.collections(today=TODAY)
    assert collected.fiscal_year == 2569
    total = collected.total
    assert (total["today"], total["month"], total["year"]) == (D("1350.00"), D("1600.00"), D("1950.00"))
    assert (total["today_last"], total["month_last"], total["year_last"]) == (D("700.00"),) * 3
    by_service = {f["key"]: f for f in collected.by_service}
    assert (by_service["hotel_fee"]["today"], by_service["hotel_fee"]["year"]) == (D("1350.00"), D("1700.00"))
    assert (by_service["tobacco_tax"]["today"], by_service["tobacco_tax"]["month"]) == (D("0.00"), D("250.00"))
    by_channel = {f["key"]: f for f in collected.by_channel}
    assert by_channel["counter"]["today"] == D("1000.00") and by_channel["bank"]["today"] == D("350.00")
    assert by_channel["statement"]["month"] == D("250.00") and by_channel["bank"]["year"] == D("700.00")
    assert total["year_change"] == (D("1950.00") - D("700.00")) * 100 / D("700.00")


def test_collections_by_month_cover_the_fiscal_year_october_to_september(pao, books):
    from tenant_apps.billing import finance_selectors as money

    with schema_context(pao.schema_name):
        months = money.collections_by_month(year_be=2569)
    assert [m["month"] for m in months][:2] == [datetime.date(2025, 10, 1), datetime.date(2025, 11, 1)]
    assert months[-1]["month"] == datetime.date(2026, 9, 1)
    figures = {m["month"]: (m["total"], m["last_year"]) for m in months}
    assert figures[datetime.date(2025, 11, 1)] == (D("350.00"), D("0.00"))
    assert figures[datetime.date(2026, 3, 1)] == (D("1600.00"), D("800.00"))
    assert sum(m["total"] for m in months) == D("1950.00")


def test_outstanding_balances_are_aged_from_their_due_dates(pao, books):
    from tenant_apps.billing import finance_selectors as money

    with schema_context(pao.schema_name):
        aged = money.aged_balances(today=TODAY)
    assert (aged["not_due"], aged["days_0_30"], aged["days_31_90"], aged["days_over_90"]) == (
        D("800.00"), D("300.00"), D("150.00"), D("80.00"))
    assert (aged["total"], aged["count"], aged["not_due_count"]) == (D("1330.00"), 5, 2)


def test_receivables_group_what_each_payer_owes_largest_first(pao, books):
    from tenant_apps.billing import finance_selectors as money

    with schema_context(pao.schema_name):
        rows = list(money.receivables(today=TODAY))
        totals = money.receivables_total(today=TODAY)
    assert [(r["payer"], r["count"], r["total"]) for r in rows] == [
        ("ร้าน ค", 1, D("600.00")), ("บริษัท ก", 2, D("500.00")), ("นาย ข", 2, D("230.00"))]
    assert rows[2]["oldest_due"] == datetime.date(2025, 10, 1) and rows[2]["days_over_90"] == D("80.00")
    assert (totals["payers"], totals["count"], totals["total"]) == (3, 5, D("1330.00"))


def test_the_daily_summary_totals_equal_the_valid_receipts_of_the_day(pao, books):
    from tenant_apps.billing import finance_selectors as money

    with schema_context(pao.schema_name):
        summary = money.daily_summary(TODAY)
        receipts = list(money.receipts_received_on(TODAY))
        valid = [r for r in receipts if not r.voided_at]
    assert len(receipts) == 4 and len(valid) == 2  # H1, H2 voided and again, T2 voided by the reversal
    assert summary["state"]["total"] == sum(r.amount for r in valid) == D("1400.00")
    assert summary["state"]["valid_count"] == 2 and summary["state"]["void_count"] == 2
    assert [(row["count"], row["total"]) for row in summary["by_service"]] == [(2, D("1400.00"))]
    assert {row["label"]: row["total"] for row in summary["by_channel"]} == {
        "แจ้งผลการชำระเงินจากธนาคาร": D("400.00"), "เคาน์เตอร์ (ชำระ ณ ที่ทำการ)": D("1000.00")}
    assert sum(row["total"] for row in summary["totals"]) == D("1400.00")
    assert {(row["service"], row["channel"], row["method"]): row["total"] for row in summary["totals"]} == {
        ("hotel_fee", "bank", "bill_payment"): D("400.00"), ("hotel_fee", "counter", "cash"): D("1000.00")}
    ledger = summary["ledger"]
    assert (ledger["received"], ledger["reversed"], ledger["refunded"], ledger["net"]) == (
        D("2000.00"), D("-600.00"), D("-50.00"), D("1350.00"))
    assert not summary["latest"]


def test_filing_compliance_counts_businesses_that_should_have_filed_and_did(pao, frozen):
    from tenant_apps.pao_filing.selectors import filing_compliance
    from tests.pao import ordinance_settings, registered_business

    with schema_context(pao.schema_name):
        ordinance_settings()
        registered_business("hotel", operating_since=datetime.date(2025, 1, 1))
        registered_business("hotel", operating_since=datetime.date(2026, 2, 1))  # from February only
        rows = filing_compliance(periods=[datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)], today=TODAY)
    hotel = next(r for r in rows if r["business_kind"] == "hotel")
    assert [(m["should"], m["filed"]) for m in hotel["months"]] == [(1, 0), (2, 0)]
    assert hotel["months"][0]["deadline"] == datetime.date(2026, 2, 10) and hotel["months"][1]["due_passed"]


# --- sign-off -------------------------------------------------------------------------------------------------------

def test_signing_off_records_who_when_and_the_totals_and_a_later_void_supersedes_it(pao, books):
    from shared_apps.audit.models import AuditEvent
    from tenant_apps.billing import finance_selectors as money
    from tenant_apps.billing.finance_services import AlreadySigned, daily_summary_sign

    with schema_context(pao.schema_name):
        sign_off = daily_summary_sign(day=TODAY, actor=books)
        assert (sign_off.receipt_count, sign_off.total_amount) == (2, D("1400.00"))
        assert sign_off.totals == {"hotel_fee": {"bank": "400.00", "counter": "1000.00"}}
        assert sign_off.signed_by_id == books.pk
        event = AuditEvent.objects.get(action="daily_summary_signed")
        assert event.detail["total"] == "1400.00" and event.target == "16/03/2569"
        assert event.get_action_display() == "รับรองรายงานสรุปการรับเงินประจำวัน"
        with pytest.raises(AlreadySigned):
            daily_summary_sign(day=TODAY, actor=books)
        assert money.daily_summary(TODAY)["current"]
        services.receipt_void(receipt=Receipt.objects.get(payment__reference="counter:H1", voided_at__isnull=True),
                              reason="ผิด", actor=books, reissue=False)
        state = money.daily_summary(TODAY)
        assert state["superseded"] and not state["current"]
        again = daily_summary_sign(day=TODAY, actor=books)
        assert (again.receipt_count, again.total_amount) == (1, D("400.00"))
        assert DailySummarySignOff.objects.filter(day=TODAY).count() == 2
        assert AuditEvent.objects.get(action="daily_summary_signed", detail__total="400.00").detail["superseded"] \
            == sign_off.pk


def test_signing_needs_the_finance_role_and_a_day_that_has_come(pao, books):
    from django.core.exceptions import PermissionDenied, ValidationError

    from tenant_apps.billing.finance_services import daily_summary_sign
    from tests.pao import officer

    admin = officer(pao, "lao_admin")
    with schema_context(pao.schema_name):
        with pytest.raises(PermissionDenied):
            daily_summary_sign(day=TODAY, actor=admin)
        with pytest.raises(ValidationError):
            daily_summary_sign(day=TODAY + datetime.timedelta(days=1), actor=books)
        assert not DailySummarySignOff.objects.exists()


def test_the_daily_summary_page_signs_off_with_a_post_and_shows_it(client, pao, books):
    as_officer(client, books)
    page = client.get("/billing/daily-summary/?day=16/03/2569", HTTP_HOST=pao.host)
    assert page.status_code == 200
    text = page.content.decode()
    assert "1,400.00" in text and "16 มีนาคม 2569" in text and "ยังไม่ได้รับรอง" in text
    answer = client.post("/billing/daily-summary/", {"day": "16/03/2569"}, HTTP_HOST=pao.host)
    assert answer.status_code == 302 and answer["Location"].endswith("?day=16/03/2569")
    with schema_context(pao.schema_name):
        assert DailySummarySignOff.objects.get().total_amount == D("1400.00")
    signed = client.get(answer["Location"], HTTP_HOST=pao.host).content.decode()
    assert "รับรองโดย" in signed and "รับรองรายงานนี้" not in signed  # no second sign-off offered
    twice = client.post("/billing/daily-summary/", {"day": "16/03/2569"}, HTTP_HOST=pao.host, follow=True)
    assert "รับรองแล้วตามที่เป็นอยู่" in twice.content.decode()
    with schema_context(pao.schema_name):
        assert DailySummarySignOff.objects.count() == 1
    assert [label for label, _url in page.context["breadcrumbs"]] == [
        "หน้าหลัก", "ภาพรวมการเงิน", "รายงานสรุปการรับเงินประจำวัน"]
    assert page.context["breadcrumbs"][-1][1] is None


# --- registers and exports -----------------------------------------------------------------------------------------

def test_the_receipt_register_lists_the_fiscal_year_with_voided_receipts_and_their_reason(client, pao, books):
    as_officer(client, books)
    page = client.get("/billing/receipt-register/?year=2569", HTTP_HOST=pao.host)
    assert page.status_code == 200
    assert page.context["totals"] == {"count": 6, "valid_count": 4, "void_count": 2, "total": D("2000.00")}
    text = page.content.decode()
    assert "พิมพ์ชื่อผู้ชำระผิด" in text and "ธนาคารเรียกเงินคืน" in text
    last_year = client.get("/billing/receipt-register/?year=2568", HTTP_HOST=pao.host)
    assert last_year.context["totals"]["total"] == D("800.00")


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_register_exports_hold_exactly_its_rows_with_thai_headers(client, pao, books):
    from openpyxl import load_workbook

    as_officer(client, books)
    rows = _csv_rows(client.get("/billing/receipt-register/?year=2569&export=csv", HTTP_HOST=pao.host))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["ปีงบประมาณ", "เล่มที่", "เลขที่"] and "จำนวนเงิน (บาท)" in header
    assert len(body) == 6
    amount, status = header.index("จำนวนเงิน (บาท)"), header.index("สถานะ")
    assert sum(D(r[amount]) for r in body if r[status] == "ใช้ได้") == D("2000.00")
    assert sorted(r[status] for r in body if r[status] != "ใช้ได้") == [
        "ยกเลิก: ธนาคารเรียกเงินคืน", "ยกเลิก: พิมพ์ชื่อผู้ชำระผิด"]
    (h3,) = [r for r in body if r[header.index("ผู้ชำระเงิน")] == "โรงแรม สาม"]
    assert h3[header.index("วันที่รับเงิน")] == "10/11/2568" and h3[amount] == "350.00"
    assert [int(r[2]) for r in body] == sorted(int(r[2]) for r in body)  # in number order
    response = client.get("/billing/receipt-register/?year=2569&export=xlsx", HTTP_HOST=pao.host)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert list(values[0]) == header and len(values) == 7


def test_daily_summary_and_receivables_export_their_rows(client, pao, books):
    as_officer(client, books)
    rows = _csv_rows(client.get("/billing/daily-summary/?day=16/03/2569&export=csv", HTTP_HOST=pao.host))
    assert len(rows) == 5
    rows = _csv_rows(client.get("/billing/receivables/?export=csv", HTTP_HOST=pao.host))
    assert rows[0][0] == "ผู้ชำระเงิน" and [r[0] for r in rows[1:]] == ["ร้าน ค", "บริษัท ก", "นาย ข"]
    assert [r[-1] for r in rows[1:]] == ["600.00", "500.00", "230.00"]


def test_the_elaas_export_carries_this_laos_revenue_codes(client, pao, books):
    as_officer(client, books)
    response = client.get("/billing/e-laas/?start=01/03/2569&end=16/03/2569", HTTP_HOST=pao.host)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:5] == ["วันที่รับเงิน", "ปีงบประมาณ", "เล่มที่", "เลขที่", "รหัสรายรับ"]
    assert len(body) == 5
    code, status, amount = header.index("รหัสรายรับ"), header.index("สถานะ"), header.index("จำนวนเงิน")
    assert {r[code] for r in body} == {"41210026", "41100006"}
    assert sum(D(r[amount]) for r in body if r[status] == "ปกติ") == D("1650.00")  # 250 + 1000 + 400
    assert [r[status] for r in body].count("ยกเลิก") == 2
    with schema_context(pao.schema_name):
        from tenant_apps.billing.finance_services import revenue_code_update

        revenue_code_update(service="tobacco_tax", code="41100099", name="ภาษียาสูบ", actor=books)
    body = _csv_rows(client.get("/billing/e-laas/?start=01/03/2569&end=16/03/2569", HTTP_HOST=pao.host))[1:]
    assert {r[code] for r in body} == {"41210026", "41100099"}
    refused = client.get("/billing/e-laas/?start=16/03/2569&end=01/03/2569", HTTP_HOST=pao.host)
    assert refused.status_code == 400


def test_revenue_codes_are_seeded_and_changed_with_an_audit_record(client, pao, sao, frozen):
    from shared_apps.audit.models import AuditEvent
    from tests.pao import officer

    with schema_context(pao.schema_name):
        assert RevenueCode.objects.get(service="petroleum_tax").code == "41100007"
    admin = officer(pao, "lao_admin")
    as_officer(client, admin)
    page = client.get("/billing/revenue-codes/", HTTP_HOST=pao.host)
    assert page.status_code == 200
    assert [r["service"] for r in page.context["rows"]] == ["hotel_fee", "petroleum_tax", "tobacco_tax"]
    bad = client.post("/billing/revenue-codes/", {"service": "hotel_fee", "code": "41 21", "name": "x"},
                      HTTP_HOST=pao.host)
    assert bad.status_code == 400
    wrong_type = client.post("/billing/revenue-codes/", {"service": "advertising", "code": "1", "name": "x"},
                             HTTP_HOST=pao.host)
    assert wrong_type.status_code == 400
    done = client.post("/billing/revenue-codes/", {"service": "hotel_fee", "code": "41210099",
                                                   "name": "ค่าธรรมเนียมโรงแรม"}, HTTP_HOST=pao.host)
    assert done.status_code == 302
    with schema_context(pao.schema_name):
        assert RevenueCode.objects.get(service="hotel_fee").code == "41210099"
        event = AuditEvent.objects.get(action="revenue_code_changed")
        assert event.detail["before"]["code"] == "41210026" and event.detail["after"]["code"] == "41210099"
    sao_admin = officer(sao, "lao_admin")
    as_officer(client, sao_admin)
    page = client.get("/billing/revenue-codes/", HTTP_HOST=sao.host)
    assert [r["service"] for r in page.context["rows"]] == ["advertising"]


def test_pdfs_open_and_carry_their_thai_title(client, pao, books):
    from pypdf import PdfReader

    as_officer(client, books)
    for url, title in (("/billing/daily-summary/?day=16/03/2569&export=pdf", "รายงานสรุปการรับเงินประจำวัน"),
                       ("/billing/receipt-register/?year=2569&export=pdf", "ทะเบียนใบเสร็จรับเงิน"),
                       ("/billing/receivables/?export=pdf", "ทะเบียนลูกหนี้")):
        response = client.get(url, HTTP_HOST=pao.host)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", url
        reader = PdfReader(io.BytesIO(response.content))
        text = "".join(page.extract_text() for page in reader.pages)
        assert _bare(title) in _bare(text), (url, text[:200])
        assert "16 มีนาคม 2569" in text or _bare("มีนาคม 2569") in _bare(text), url


def _bare(text: str) -> str:
    """Without spaces and combining marks: text extraction may reorder the marks of Thai."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not c.isspace() and unicodedata.category(c) != "Mn")


# --- the overview page -----------------------------------------------------------------------------------------------

def test_the_overview_shows_the_figures_a_chart_and_its_table(client, pao, books):
    as_officer(client, books)
    page = client.get("/billing/overview/", HTTP_HOST=pao.host)
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('role="img"') == 2 and "<title id=\"chart-months-t\">" in text
    assert "1,950.00" in text and "1,330.00" in text
    assert "style=" not in text.split("<main", 1)[1]  # the strict CSP: no inline style
    assert page.context["compliance"]  # a PAO: filing compliance by revenue
    assert [label for label, _url in page.context["breadcrumbs"]] == ["หน้าหลัก", "ภาพรวมการเงิน"]
    assert page.context["breadcrumbs"][0][1] == "/officer/" and page.context["breadcrumbs"][-1][1] is None


# --- roles and isolation ----------------------------------------------------------------------------------------------

PAGES = ["/billing/overview/", "/billing/daily-summary/", "/billing/receipt-register/", "/billing/receivables/",
         "/billing/e-laas/", "/billing/revenue-codes/"]


@pytest.mark.parametrize("role, allowed", [
    ("clerk", set()),
    ("approver", {"/billing/overview/"}),
    ("finance", set(PAGES)),
    ("lao_admin", set(PAGES) - {"/billing/e-laas/"}),
])
def test_each_page_is_refused_to_roles_without_its_action(client, sao, frozen, role, allowed):
    from tests.pao import officer

    as_officer(client, officer(sao, role))
    for url in PAGES:
        assert client.get(url, HTTP_HOST=sao.host).status_code == (200 if url in allowed else 403), (role, url)


def test_a_provincial_observer_reads_the_registers_and_cannot_sign(client, sao, frozen):
    from shared_apps.accounts.models import StaffRole
    from tests.factories import UserFactory

    observer = UserFactory()
    StaffRole.objects.create(user=observer, kind="provincial_office", province_id=sao.province_id)
    as_officer(client, observer)
    for url in PAGES[:4]:
        assert client.get(url, HTTP_HOST=sao.host).status_code == 200, url
    page = client.get("/billing/daily-summary/", HTTP_HOST=sao.host)
    assert not page.context["can_sign"] and "<form method=\"post\">" not in page.content.decode()
    assert client.post("/billing/daily-summary/", {"day": "16/03/2569"}, HTTP_HOST=sao.host).status_code == 403
    assert client.get("/billing/e-laas/", HTTP_HOST=sao.host).status_code == 403
    assert client.get("/billing/revenue-codes/", HTTP_HOST=sao.host).status_code == 403
    with schema_context(sao.schema_name):
        assert not DailySummarySignOff.objects.exists()


def test_one_lao_never_sees_anothers_money(client, pao, sao, books):
    from tests.pao import officer

    as_officer(client, officer(sao, "finance"))
    page = client.get("/billing/overview/", HTTP_HOST=sao.host)
    assert page.context["collected"].total["year"] == 0 and page.context["aged"]["total"] == 0
    register = client.get("/billing/receipt-register/?year=2569", HTTP_HOST=sao.host)
    assert register.context["totals"]["count"] == 0
    assert client.get("/billing/receivables/", HTTP_HOST=sao.host).context["totals"]["total"] == 0
    rows = _csv_rows(client.get("/billing/e-laas/?start=01/03/2569&end=16/03/2569", HTTP_HOST=sao.host))
    assert rows[1:] == []
    assert not page.context["compliance"]  # an SAO files no PAO returns


# --- bounded queries -------------------------------------------------------------------------------------------------

def _more_payments(lao, count: int):
    with schema_context(lao.schema_name):
        for index in range(count):
            pay(bill(service="hotel_fee", amount="10.00", payer=f"ผู้ชำระ {index}"), amount="10.00",
                channel="counter", method="cash", when=at(TODAY, 8), reference=f"counter:more-{index}")
            bill(service="tobacco_tax", amount="5.00", payer=f"ลูกหนี้ {index}", due=datetime.date(2026, 1, 1))


@pytest.mark.parametrize("url", ["/billing/overview/", "/billing/daily-summary/?day=16/03/2569",
                                 "/billing/receipt-register/?year=2569", "/billing/receivables/"])
def test_queries_do_not_grow_with_the_rows(client, pao, books, url, django_assert_max_num_queries):
    as_officer(client, books)
    client.get(url, HTTP_HOST=pao.host)  # warm: sessions, the LAO look-up
    with django_assert_max_num_queries(30) as few:
        assert client.get(url, HTTP_HOST=pao.host).status_code == 200
    _more_payments(pao, 25)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(url, HTTP_HOST=pao.host).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries), url
    with schema_context(pao.schema_name):
        assert Payment.objects.count() > 25
