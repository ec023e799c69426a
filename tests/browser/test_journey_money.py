"""A finance officer's money pages: money at a glance → the day's summary → signing it off → the receipt register
→ its PDF; a receipt voided afterwards shows the sign-off as superseded. Every page checked with axe, on a desktop
and at 390 px."""
import io
import re
import secrets

import pytest

from tests.browser.conftest import OFFICER_1, fetch_pdf, in_schema, key_page

pytestmark = pytest.mark.django_db


def _books(lao, run: str):
    """Two payments received today in the journey PAO (committed, so the live server sees them)."""
    import datetime

    from django.utils import timezone

    from tenant_apps.billing import services

    def work():
        for index, (service, amount, channel, method) in enumerate(
                [("hotel_fee", "1250.50", "counter", "cash"), ("tobacco_tax", "300.00", "bank", "bill_payment")]):
            invoice = services.invoice_issue(source="journey.money", source_id=int(run, 16) * 10 + index,
                                             amount=amount, due_date=timezone.localdate() + datetime.timedelta(days=7),
                                             description=f"ค่าธรรมเนียม {run}-{index}", payer_name=f"ผู้ชำระ {run}",
                                             service=service)
            services.payment_post(invoice=invoice, amount=amount, channel=channel, method=method,
                                  reference=f"journey:{run}:{index}")

    in_schema(lao, work)


def test_a_finance_officer_reads_the_money_signs_off_the_day_and_prints_the_register(site):
    from pypdf import PdfReader

    run = secrets.token_hex(3)
    lao = site.laos["pao"]
    _books(lao, run)
    officer = site.sign_in(site.person(), OFFICER_1, at=site.lao("pao"))

    officer.goto(site.lao("pao") + "/billing/overview/")
    key_page(site, officer, "money-overview")
    main = officer.locator("main")
    assert officer.locator("svg[role=img]").count() == 2
    assert "1,550.50" in main.inner_text()  # today's collections, in the table beside the chart
    assert officer.locator("nav.breadcrumbs").get_by_role("link", name=re.compile("หน้าหลัก")).count() == 1

    officer.get_by_role("link", name="รายงานสรุปการรับเงินประจำวัน").first.click()
    officer.wait_for_url(re.compile(r"/billing/daily-summary/"))
    key_page(site, officer, "daily-summary")
    assert "ยังไม่ได้รับรอง" in officer.locator("main").inner_text()
    officer.get_by_role("button", name=re.compile("รับรองรายงานนี้")).click()
    officer.wait_for_load_state("load")
    site.check(officer, "daily-summary-signed")
    assert "รับรองแล้ว" in officer.locator(".messages").inner_text()
    assert officer.get_by_role("button", name=re.compile("รับรองรายงานนี้")).count() == 0
    pdf = fetch_pdf(officer, officer.get_by_role("link", name=re.compile("PDF")).first.get_attribute("href"))
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1

    officer.get_by_role("link", name="ทะเบียนใบเสร็จรับเงิน").first.click()
    officer.wait_for_url(re.compile(r"/billing/receipt-register/"))
    key_page(site, officer, "receipt-register")
    assert f"ผู้ชำระ {run}" in officer.locator("main").inner_text()
    href = officer.get_by_role("link", name=re.compile("PDF")).first.get_attribute("href")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(fetch_pdf(officer, href))).pages)
    assert run in text  # the PDF holds the register's rows (its Thai title is checked in test_money_pages)

    # A receipt of the day voided afterwards: the sign-off no longer matches.
    officer.goto(site.lao("pao") + "/billing/receipts/")
    row = officer.locator("tr", has_text=f"ผู้ชำระ {run}").first
    row.get_by_label(re.compile("เหตุผล|Reason")).fill("พิมพ์ผิด")
    row.get_by_role("button", name=re.compile("ยกเลิก|Void")).click()
    officer.wait_for_load_state("load")
    officer.goto(site.lao("pao") + "/billing/daily-summary/")
    assert "ถูกแทนที่" in officer.locator("main").inner_text()
    site.check(officer, "daily-summary-superseded")

    officer.goto(site.lao("pao") + "/billing/receivables/")
    key_page(site, officer, "receivables")
    officer.goto(site.lao("pao") + "/billing/e-laas/")
    key_page(site, officer, "elaas-export")
    officer.goto(site.lao("pao") + "/billing/revenue-codes/")
    key_page(site, officer, "revenue-codes")
