"""An advertising permit, walked end to end in the browser on an SAO and on a special area (Pattaya-like):
the citizen applies with a wrong file first, types Buddhist-era dates and submits from the form; an officer
asks for more information, the citizen gives it and resubmits; the opinion, the approver's order, the fee
at the counter (confirmed, with its receipt), the permit PDF and its public verification page; revocation
(confirmed), after which the verification page says so."""
import datetime
import io
import re
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from tests.browser.conftest import CITIZEN, OFFICER_1, OFFICER_2, menu_click
from tests.browser.conftest import fetch_pdf as _pdf
from tests.browser.conftest import in_schema as _in_schema
from tests.browser.conftest import key_page as _key_page

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200  # a program, named .png
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _png(colour=(29, 78, 216)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 90), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _be(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def _applications(lao) -> list:
    from tenant_apps.advertising.models import Application

    return _in_schema(lao, lambda: list(Application.objects.values("pk", "status", "start_date", "end_date")))


def _arrange_conditions(lao):
    """The LAO's advertising conditions (arranged, not walked): a fee per permit, and applications may start
    today, so the permit is in force when the journey checks it."""
    from tenant_apps.advertising.services import advertising_policy_update

    _in_schema(lao, lambda: advertising_policy_update(actor=None, fee_basis="per_permit", fee_amount=Decimal("150"),
                                                      apply_days_ahead=0, max_days=30))


def _submit(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state("load")


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages).split())


@pytest.fixture(scope="module")
def advertising_laos(journey_laos, django_db_blocker):
    with django_db_blocker.unblock():
        for key in ("sao", "special"):
            _arrange_conditions(journey_laos[key])
    return journey_laos


@pytest.mark.parametrize("key, citizen_on_phone", [("sao", False), ("special", True)],
                         ids=["sao-desktop", "special-area-phone"])
def test_an_advertising_permit_from_application_to_revocation(site, advertising_laos, key, citizen_on_phone):
    lao = site.laos[key]
    home = site.lao(key) + "/"
    today = timezone.localdate()
    start, end = today, today + datetime.timedelta(days=14)
    before = {a["pk"] for a in _applications(lao)}

    # --- the citizen applies -------------------------------------------------------------------------
    citizen = site.person(phone=citizen_on_phone)
    site.sign_in(citizen, CITIZEN, at=home)
    citizen.get_by_role("link", name=re.compile("ยื่นคำขอและคำขอของฉัน|Apply, and my applications")).click()
    citizen.wait_for_url(re.compile(r"/advertising/applications/$"))
    site.check(citizen, "advertising-my-applications")
    citizen.get_by_role("link", name=re.compile("ยื่นคำขอใหม่|New application")).click()
    citizen.wait_for_url(re.compile(r"/advertising/applications/new/$"))
    _key_page(site, citizen, "advertising-form")

    citizen.locator("#id_method").select_option("posting")
    citizen.locator("#id_message_gist").fill("เปิดร้านกาแฟใหม่ ลดราคา 50% ตลอดสัปดาห์แรก")
    citizen.locator("#id_width_m").fill("0.60")
    citizen.locator("#id_height_m").fill("0.90")
    citizen.locator("#id_notice_count").fill("20")
    citizen.locator("#id_start_date").fill(_be(start))  # typed in the Buddhist era, e.g. 02/12/2569
    citizen.locator("#id_end_date").fill(_be(end))
    citizen.locator("#id_location").fill("ถนนสายหลัก หน้าตลาดสด")
    citizen.locator("#id_undertakes_removal").check()
    # A wrong file first: a program renamed .png.
    citizen.locator("#id_sample").set_input_files(files=[{"name": "poster.png", "mimeType": "image/png",
                                                          "buffer": EXE}])
    _submit(citizen, re.compile("^(ยื่นคำขอ|Submit the application)$"))
    assert urlparse(citizen.url).path == "/advertising/applications/new/"  # still the new form: no draft made
    error = citizen.locator("#id_sample_error")
    assert "poster.png" in error.inner_text()
    assert citizen.locator("#id_sample").get_attribute("aria-invalid") == "true"
    assert citizen.locator("#id_message_gist").input_value().startswith("เปิดร้านกาแฟใหม่")  # kept
    assert citizen.locator("#id_start_date").input_value() == _be(start)
    assert {a["pk"] for a in _applications(lao)} == before, "a refused file must leave no draft behind"
    _key_page(site, citizen, "advertising-form-refused-file")

    citizen.locator("#id_sample").set_input_files(files=[
        {"name": "poster.png", "mimeType": "image/png", "buffer": _png()},
        {"name": "poster-night.png", "mimeType": "image/png", "buffer": _png((184, 134, 11))}])
    citizen.locator("#id_consent").set_input_files(files=[{"name": "consent.pdf", "mimeType": "application/pdf",
                                                           "buffer": PDF}])
    _submit(citizen, re.compile("^(ยื่นคำขอ|Submit the application)$"))
    citizen.wait_for_url(re.compile(r"/advertising/applications/\d+/$"))
    pk = int(re.search(r"/applications/(\d+)/$", citizen.url).group(1))
    created = [a for a in _applications(lao) if a["pk"] not in before]
    assert [a["pk"] for a in created] == [pk], "one application, submitted once"
    assert created[0]["status"] == "submitted"
    assert (created[0]["start_date"], created[0]["end_date"]) == (start, end)  # stored in the Christian era
    main = citizen.locator("main").inner_text()
    assert "ยื่นคำขอแล้ว" in main  # the status, and the message with the decision date
    assert str(start.year + 543) in main and str(start.year) not in main.replace(str(start.year + 543), "")
    history = citizen.locator(".history").inner_text()
    assert not re.search(r"\b(draft|submitted|more_info|opinion_given)\b", history), history
    assert str(today.year + 543) in history
    _key_page(site, citizen, "advertising-application-submitted")

    # --- an officer asks for more information ----------------------------------------------------------
    officer = site.person()
    site.sign_in(officer, OFFICER_1, at=home)
    menu_click(officer, re.compile("คำขออนุญาตโฆษณา|Advertising applications"))
    officer.wait_for_url(re.compile(r"/advertising/officers/$"))
    site.check(officer, "advertising-queue")
    officer.get_by_role("link", name=f"#{pk}", exact=True).click()
    officer.wait_for_url(re.compile(rf"/advertising/applications/{pk}/$"))
    site.check(officer, "advertising-officer-review")
    _submit(officer, re.compile("ขอเอกสารหรือข้อมูลเพิ่มเติม|Ask for more information"))  # no note yet
    assert officer.locator("#action-error").is_visible()
    assert officer.locator("#note").get_attribute("aria-invalid") == "true"
    site.check(officer, "advertising-officer-review-error")
    officer.locator("#note").fill("โปรดแนบภาพถ่ายจุดที่จะติดแผ่นประกาศ")
    _submit(officer, re.compile("ขอเอกสารหรือข้อมูลเพิ่มเติม|Ask for more information"))
    assert _in_schema(lao, lambda: _status(pk)) == "more_info"

    # --- the citizen gives it and resubmits ----------------------------------------------------------
    citizen.reload()
    assert "โปรดแนบภาพถ่ายจุดที่จะติดแผ่นประกาศ" in citizen.locator("main").inner_text()
    citizen.locator(f"a[href$='/advertising/applications/{pk}/edit/']").click()
    citizen.wait_for_url(re.compile(rf"/applications/{pk}/edit/$"))
    assert citizen.locator("#id_start_date").input_value() == _be(start)  # shown in the Buddhist era
    assert citizen.locator("#id_end_date").input_value() == _be(end)
    site.check(citizen, "advertising-form-more-info")
    citizen.locator("#id_id_document").set_input_files(files=[{"name": "site-photo.png", "mimeType": "image/png",
                                                               "buffer": _png((22, 101, 52))}])
    _submit(citizen, re.compile("^(ยื่นคำขอ|Submit the application)$"))
    citizen.wait_for_url(re.compile(rf"/advertising/applications/{pk}/$"))
    assert _in_schema(lao, lambda: _status(pk)) == "submitted"
    assert len([a for a in _applications(lao) if a["pk"] not in before]) == 1

    # --- the opinion, then the approver's order ------------------------------------------------------
    officer.reload()
    officer.locator("#recommends").select_option("approve")
    officer.locator("#note").fill("ตรวจสอบแล้ว ขนาดและสถานที่เป็นไปตามเงื่อนไข เห็นควรอนุญาต")
    _submit(officer, re.compile("^(ให้ความเห็น|Give the opinion)$"))
    assert _in_schema(lao, lambda: _status(pk)) == "opinion_given"
    site.check(officer, "advertising-opinion-given")

    approver = site.person()
    site.sign_in(approver, OFFICER_2, at=home)
    approver.goto(f"{site.lao(key)}/advertising/officers/")
    approver.get_by_role("link", name=f"#{pk}", exact=True).click()
    approver.wait_for_url(re.compile(rf"/advertising/applications/{pk}/$"))
    title = approver.locator("#signer_title").input_value()
    assert title.startswith("นายก") and "/" not in title, title  # one title, the signer's, not every possible one
    site.check(approver, "advertising-order")
    approver.locator("#note").fill("ติดได้เฉพาะบอร์ดประชาสัมพันธ์หน้าตลาด ห้ามติดบนเสาไฟฟ้า")
    _submit(approver, re.compile("มีคำสั่ง: อนุญาต|Order: approve"))
    assert _in_schema(lao, lambda: _status(pk)) == "approved"

    # --- the fee at the counter ------------------------------------------------------------------------
    menu_click(approver, re.compile("คำขออนุญาตโฆษณา|Advertising applications"))
    approver.get_by_role("link", name=re.compile("รับชำระเงินที่เคาน์เตอร์|Payments at the counter")).first.click()
    approver.wait_for_url(re.compile(r"/billing/invoices/$"))
    _key_page(site, approver, "counter")  # its table becomes cards on a phone
    row = approver.locator("tbody tr", has_text=re.compile(rf"(คำขอเลขที่ |application #){pk}\b"))
    row.locator("select[name=method]").select_option("cash")
    row.locator("input[name=reference]").fill(f"R{pk}-{key}")
    row.get_by_role("button", name=re.compile("^(ชำระแล้ว|Paid)$")).click()
    approver.wait_for_load_state("load")
    assert _in_schema(lao, lambda: _status(pk)) == "approved", "'Paid' must ask before recording"
    assert "150.00" in approver.locator("main").inner_text()
    site.check(approver, "counter-confirm")
    approver.locator("main form button[type=submit]").first.click()
    approver.wait_for_url(re.compile(r"/billing/invoices/\?paid=\d+$"))
    assert _in_schema(lao, lambda: _status(pk)) == "issued"
    site.check(approver, "counter-paid")
    receipt = approver.locator("a[href$='/receipt.pdf']").first
    _pdf(approver, receipt.get_attribute("href"))
    approver.locator("main p").first.get_by_role("link", name=re.compile("^(ใบเสร็จรับเงิน|Receipts)$")).click()
    approver.wait_for_url(re.compile(r"/billing/receipts/$"))
    _key_page(site, approver, "receipts")

    # --- the citizen's permit, its PDF and its public page --------------------------------------------
    citizen.reload()
    _key_page(site, citizen, "advertising-permit-issued")
    permit_pdf = _pdf(citizen, citizen.locator(f"a[href$='/applications/{pk}/permit.pdf']").get_attribute("href"))
    text = _pdf_text(permit_pdf)
    assert "มาลี" in text or "ทะเลงาม" in text, "the signer's own name"  # OFFICER_2: นางสาวมาลี ทะเลงาม
    assert "นายกเทศมนตรี" not in text or key != "sao", "not every possible title"
    citizen.locator("a[href*='/permits/']").click()
    citizen.wait_for_url(re.compile(r"/permits/\d+/\d+/$"))
    verify_url = citizen.url
    assert re.search("ใช้ได้|Valid", citizen.locator("main").inner_text())
    _key_page(site, citizen, "permit-verify-valid")

    # --- revocation, confirmed ------------------------------------------------------------------------
    officer.reload()
    officer.locator("#note").fill("ติดแผ่นประกาศบนเสาไฟฟ้าซึ่งขัดกับเงื่อนไข")
    _submit(officer, re.compile("^(เพิกถอนใบอนุญาต|Revoke the permit)$"))
    assert _in_schema(lao, lambda: _status(pk)) == "issued", "'Revoke' must ask before revoking"
    site.check(officer, "revoke-confirm")
    assert officer.locator("#note").input_value() == "ติดแผ่นประกาศบนเสาไฟฟ้าซึ่งขัดกับเงื่อนไข"
    officer.locator("main form button[type=submit]").first.click()
    officer.wait_for_url(re.compile(rf"/advertising/applications/{pk}/$"))
    assert _in_schema(lao, lambda: _status(pk)) == "revoked"
    site.check(officer, "advertising-revoked")

    visitor = site.person(phone=True)  # anyone scanning the notice's QR code
    visitor.goto(verify_url)
    assert re.search("ถูกเพิกถอน|Revoked", visitor.locator("main").inner_text())
    site.check(visitor, "permit-verify-revoked")
    visitor.goto(verify_url)
    visitor.keyboard.press("Tab")  # the first stop is the skip link, and it moves the focus, not just the view
    assert visitor.evaluate("document.activeElement.className") == "skip-link"
    visitor.keyboard.press("Enter")
    assert visitor.evaluate("document.activeElement.id") == "main"


def _status(pk: int) -> str:
    from tenant_apps.advertising.models import Application

    return Application.objects.get(pk=pk).status
