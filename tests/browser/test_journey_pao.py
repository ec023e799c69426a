"""The PAO's three revenues walked end to end in the browser: a citizen registers a hotel, a fuel station and a
tobacco trader, an officer approves them, the citizen files by totals and by guest list (a broken file first),
the stock statement (a wrong balance first), previews and submits, opens the pay-in slip and its PDF, is paid
through the bank endpoint and finds the receipt, its PDF and its public page; an additional return after the
payment asks only for the difference, and the approver's assessment is seen on both sides."""
import datetime
import hashlib
import hmac
import io
import json
import re
import secrets
from decimal import Decimal

import pytest
import requests
from django.utils import timezone

from tests.browser.conftest import CITIZEN, OFFICER_1, OFFICER_2, PHONE, menu_click
from tests.browser.conftest import fetch_pdf as _pdf
from tests.browser.conftest import in_schema as _in_schema
from tests.browser.conftest import key_page as _key_page

pytestmark = pytest.mark.django_db

BANK_SECRET = "j" * 40  # the journey PAO's payment settings (conftest)
# The bank's transaction ids: unique across the journeys that import _bank_pays (each import may count anew).
_transactions = iter(range(1, 10_000))


# --- helpers --------------------------------------------------------------------------------------------


def _returns(lao, kind: str) -> list[dict]:
    from tenant_apps.pao_filing.services import SPECS

    return _in_schema(lao, lambda: list(SPECS[kind].model.objects.order_by("pk").values(
        "pk", "period", "kind", "status", "tax_amount", "amount_due", "assessed_tax_amount", "business__name")))


def _business_status(lao, name: str) -> str:
    from tenant_apps.businesses.models import Business

    return _in_schema(lao, lambda: Business.objects.get(name=name).status)


def _click(page, name, *, role="button"):
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state("load")


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _months_back(count: int) -> datetime.date:
    month = timezone.localdate().replace(day=1)
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def _thai_month(month: datetime.date) -> str:
    from shared_apps.portal.templatetags.thai_dates import thai_month

    return thai_month(month)


def _no_raw_codes(page, *codes):
    """Nothing a person reads is a code or a Christian-era month."""
    text = page.locator("main").inner_text() + " " + page.title()
    for code in codes:
        assert code not in text, (page.url, code)
    assert not re.search(r"\b20\d\d-\d\d\b", text), (page.url, re.search(r".{30}\b20\d\d-\d\d\b.{10}", text))


def _fact(page, label: str) -> str:
    """The value beside a label in the page's facts (dl.facts: dt, dd)."""
    term = page.locator("dl.facts dt").filter(has_text=re.compile(f"^({label})$"))
    return term.first.locator("xpath=following-sibling::dd[1]").inner_text().strip()


def _decoded_barcode(page) -> str:
    """What a cashier's scanner reads off the slip's barcode as the screen shows it."""
    import zxingcpp
    from PIL import Image

    shot = Image.open(io.BytesIO(page.locator(".barcode-symbol").screenshot()))
    found = zxingcpp.read_barcodes(shot)
    assert found, "the barcode on the screen does not scan"
    return found[0].text


def _bank_pays(site, slip_page) -> dict:
    """The bank: the payer scanned the slip (its Ref1, Ref2 and amount); the bank confirms the payment to the
    PAO's JSON endpoint, signed with the PAO's secret. This is the bank's call, not the person's."""
    ref1, ref2 = _fact(slip_page, "Ref1"), _fact(slip_page, "Ref2")
    amount = re.search(r"([\d,]+\.\d\d)", _fact(slip_page, "จำนวนเงิน|Amount")).group(1).replace(",", "")
    body = json.dumps({"command": "confirm", "transaction_id": f"JRN-{next(_transactions):06d}-{secrets.token_hex(3)}", "ref1": ref1,
                       "ref2": ref2, "amount": amount}).encode()
    signature = "sha256=" + hmac.new(BANK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    answer = requests.post(f"{site.lao('pao')}/api/bank/json/confirm/", data=body, timeout=30,
                           headers={"Content-Type": "application/json", "X-Signature": signature})
    assert answer.status_code == 200, answer.text
    assert answer.json()["code"] == "0000", answer.json()
    return {**answer.json(), "amount": Decimal(amount)}


# --- the journeys' steps ------------------------------------------------------------------------------

def _register(site, page, *, kind: str, name: str, fill) -> int:
    """From the PAO's home page: My businesses → Register a business → the form."""
    page.goto(site.lao("pao") + "/")
    _click(page, re.compile("สถานประกอบการและการยื่นแบบของฉัน|My businesses and returns"), role="link")
    page.wait_for_url(re.compile(r"/businesses/$"))
    site.check(page, "my-businesses")
    _click(page, re.compile("^(ขึ้นทะเบียนสถานประกอบการ|Register a business)$"), role="link")
    page.wait_for_url(re.compile(r"/businesses/register/$"))
    site.check(page, f"register-{kind}")
    page.locator("#id_kind").select_option(kind)
    page.locator("#id_name").fill(name)
    page.locator("#id_address").fill("99 ถนนเจริญเมือง ตำบลในเวียง อำเภอเมือง")
    page.locator("#id_operating_since").fill("31/02/2568")  # no such day: refused beside the field
    page.locator("#id_licence_number").fill(f"L-{kind}-1")
    fill(page)
    _click(page, re.compile("^(ขึ้นทะเบียน|Register)$"))
    assert page.url.endswith("/businesses/register/")
    date = page.locator("#id_operating_since")
    assert date.get_attribute("aria-invalid") == "true"
    assert page.locator("#id_operating_since_error").is_visible()
    assert page.locator("#id_name").input_value() == name  # what was typed is kept
    site.check(page, f"register-{kind}-error")
    date.fill(_operating_since())
    _click(page, re.compile("^(ขึ้นทะเบียน|Register)$"))
    page.screenshot(path="/tmp/pao-debug.png", full_page=True)
    page.wait_for_url(re.compile(r"/businesses/\d+/$"))
    site.check(page, f"registered-{kind}")
    assert re.search("รอการอนุมัติ|Waiting for approval", page.locator("main").inner_text())
    return int(re.search(r"/businesses/(\d+)/$", page.url).group(1))


def _operating_since() -> str:
    """Typed as Thai people write dates: day/month/Buddhist-era year, a year and a half ago."""
    day = _months_back(18)
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def _officer_approves(site, officer, name: str):
    officer.goto(site.lao("pao") + "/")
    menu_click(officer, re.compile("แบบที่รอตรวจสอบ|Returns to review"))
    officer.wait_for_url(re.compile(r"/pao/returns/$"))
    site.check(officer, "officer-returns-queue")
    _click(officer, re.compile("คำขอขึ้นทะเบียนที่รอพิจารณา|Registrations to decide"), role="link")
    officer.wait_for_url(re.compile(r"/pao/registrations/$"))
    site.check(officer, "officer-registrations")
    card = officer.locator("section.card", has_text=name)
    card.get_by_label(re.compile("หมายเหตุ|Note")).fill("ตรวจใบอนุญาตและที่ตั้งแล้ว")
    card.get_by_label(re.compile("หมายเหตุ|Note")).press("Enter")  # Enter decides nothing
    officer.wait_for_timeout(500)
    assert card.get_by_label(re.compile("หมายเหตุ|Note")).input_value() == "ตรวจใบอนุญาตและที่ตั้งแล้ว", "not sent"
    assert _business_status(site.laos["pao"], name) == "pending"
    card.get_by_role("button", name=re.compile("^(อนุมัติ|Approve)$")).click()
    officer.wait_for_url(re.compile(r"/pao/registrations/$"))
    assert name not in officer.locator("main").inner_text()
    assert _business_status(site.laos["pao"], name) == "approved"
    site.check(officer, "officer-registration-approved")


def _open_business(site, page, business_id: int, name: str):
    page.goto(site.lao("pao") + "/businesses/")
    _click(page, name, role="link")
    page.wait_for_url(re.compile(rf"/businesses/{business_id}/$"))
    assert re.search("ขึ้นทะเบียนแล้ว|Registered", page.locator("main .lead").inner_text())


def _file_from_business_page(site, page, business_id: int, month: datetime.date, *, business: str, label: str):
    """The business page's month table: 'File' on the month's row."""
    _open_business(site, page, business_id, business)
    _no_raw_codes(page, "approved", "hotel", "fuel", "tobacco")
    _key_page(site, page, f"business-{label}")
    row = page.locator("#months tr, #months li", has_text=_thai_month(month)).first
    row.get_by_role("link", name=re.compile("^(ยื่นแบบ|File)")).click()
    page.wait_for_url(re.compile(rf"/businesses/{business_id}/file/\?period="))
    assert page.locator("#period option:checked").inner_text() == _thai_month(month)


def _preview(page):
    _click(page, re.compile("คำนวณยอดที่ต้องชำระ|Work out the amount due"))


def _submit_return(page):
    _click(page, re.compile("^(ยืนยันการยื่นแบบ|Submit the return)$"))
    page.wait_for_url(re.compile(r"/returns/\d+/$"))


def _slip_on_a_phone_under_the_csp(site, url: str) -> str:
    """The slip on a 390 px phone at its real pixel density (3×), the site's Content-Security-Policy enforced
    (it drops inline styles, which would blacken the barcode's background): nothing refused, the barcode inside
    its card, and what a counter's scanner reads off the screen."""
    context = site.chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3,
                                        locale="th-TH")
    site.contexts.append(context)
    page = context.new_page()
    page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                         "e => window.__csp.push(e.violatedDirective + ' ' + (e.sample || e.blockedURI)));")
    page.goto(url)
    assert page.evaluate("window.__csp") == []
    card = page.locator(".barcode").locator("xpath=ancestor::section[1]").bounding_box()
    symbol = page.locator(".barcode-symbol svg").bounding_box()
    assert card["x"] <= symbol["x"] and symbol["x"] + symbol["width"] <= card["x"] + card["width"], (card, symbol)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    return _decoded_barcode(page)  # a counter cashier scans the phone's screen


def _pay_and_see_receipt(site, page, *, name: str) -> dict:
    """From the return page: the slip, its PDF, the bank's confirm, the receipt link, its PDF and its page."""
    page.get_by_role("link", name=re.compile("ชำระเงิน|Pay: Thai QR")).click()
    page.wait_for_url(re.compile(r"/pay/[^/]+/$"))
    _key_page(site, page, f"slip-{name}")
    _no_raw_codes(page)
    slip_pdf = _pdf(page, page.get_by_role("link", name=re.compile("ใบแจ้งชำระเงินแบบ PDF|Slip as PDF"))
                    .get_attribute("href"))
    text = _pdf_text(slip_pdf)
    readable = page.locator(".barcode-text").inner_text().strip()
    assert readable.startswith("|") and _fact(page, "Ref1") in readable, readable
    assert readable in text, "the slip PDF prints the barcode's human-readable line"
    scanned = _slip_on_a_phone_under_the_csp(site, page.url)
    assert readable == scanned.replace("\r", " "), "the line under the barcode is what it says"
    paid = _bank_pays(site, page)
    return_url = page.url
    page.go_back()
    page.reload()
    pay = page.locator("#pay-h").locator("xpath=..")
    receipt = pay.get_by_role("link", name=re.compile("ใบเสร็จ|Receipt"))
    assert receipt.count() >= 1, pay.inner_text()
    _key_page(site, page, f"return-paid-{name}")
    body = _pdf(page, receipt.last.get_attribute("href"))
    receipt_text = _pdf_text(body)
    assert f"{paid['amount']:,.2f}" in receipt_text
    verify = re.search(r"https?://\S+/receipts/[^/\s]+/", receipt_text).group(0)
    visitor = site.person(phone=True)  # anyone holding the receipt scans its QR
    visitor.goto(verify)
    assert re.search("ใช้ได้|valid", visitor.locator("main").inner_text())
    assert f"{paid['amount']:,.2f}" in visitor.locator("main").inner_text()
    site.check(visitor, f"receipt-verify-{name}")
    del return_url
    return paid


# --- the hotel ----------------------------------------------------------------------------------------

def test_a_hotel_registers_files_by_totals_and_by_guest_list_pays_and_gets_its_receipt(site):
    lao = site.laos["pao"]
    name = "โรงแรมเส้นทางทดสอบ"
    citizen = site.person()
    site.sign_in(citizen, CITIZEN, at=site.lao("pao") + "/")

    def hotel(page):
        page.locator("#id_rooms").fill("24")

    business_id = _register(site, citizen, kind="hotel", name=name, fill=hotel)

    officer = site.person()
    site.sign_in(officer, OFFICER_1, at=site.lao("pao") + "/")
    _officer_approves(site, officer, name)
    # It has filed nothing yet: months whose deadline has passed list it as not filed.
    overdue_month = _months_back(3)
    officer.goto(site.lao("pao") + "/pao/returns/")
    _click(officer, re.compile("สถานประกอบการที่ยังไม่ได้ยื่นแบบ|Businesses that have not filed"), role="link")
    officer.wait_for_url(re.compile(r"/pao/overdue/$"))
    row = officer.locator("tr", has_text=name)  # every month missed since it started, not one month at a time
    assert _thai_month(overdue_month) in row.inner_text() and _thai_month(_months_back(2)) in row.inner_text()
    officer.locator("#filter-from").select_option(label=_thai_month(overdue_month))  # a Thai month, a BE year
    officer.locator("#filter-to").select_option(label=_thai_month(overdue_month))
    _click(officer, re.compile("^(แสดง|Show)$"))
    officer.wait_for_url(re.compile(rf"/pao/overdue/\?.*from={overdue_month:%Y-%m}"))
    assert officer.locator("#filter-from option:checked").inner_text() == _thai_month(overdue_month)
    row = officer.locator("tr", has_text=name)
    assert _thai_month(overdue_month) in row.inner_text() and _thai_month(_months_back(2)) not in row.inner_text()
    _no_raw_codes(officer)
    site.check(officer, "officer-overdue")

    # --- last month by totals ------------------------------------------------------------------------
    totals_month = _months_back(1)
    _file_from_business_page(site, citizen, business_id, totals_month, business=name, label="hotel")
    _key_page(site, citizen, "hotel-return-form")
    citizen.locator("#f-room_rent_total").fill("abc")
    citizen.locator("#f-nights_total").fill("310")
    _preview(citizen)
    assert citizen.locator("#f-room_rent_total").get_attribute("aria-invalid") == "true"
    assert citizen.locator("#e-f-room_rent_total, #e-room_rent_total").first.is_visible()
    site.check(citizen, "hotel-return-form-error")
    citizen.locator("#f-room_rent_total").fill("250000")
    _preview(citizen)
    assert "5,000.00" in citizen.locator("#due").locator("xpath=..").inner_text()  # 2 % of 250,000
    # A figure changed after the preview, then Enter: it works the amount out again, it never files.
    citizen.locator("#f-room_rent_total").fill("260000")
    citizen.locator("#f-room_rent_total").press("Enter")
    citizen.wait_for_load_state("load")
    assert "/file/" in citizen.url
    assert not [r for r in _returns(lao, "hotel") if r["business__name"] == name], "Enter must not file"
    assert "5,200.00" in citizen.locator("#due").locator("xpath=..").inner_text()
    _key_page(site, citizen, "hotel-return-preview")
    _submit_return(citizen)
    filed = [r for r in _returns(lao, "hotel") if r["business__name"] == name]
    assert [(r["period"], r["tax_amount"]) for r in filed] == [(totals_month, Decimal("5200.00"))]
    _no_raw_codes(citizen, "filed", "original")
    _key_page(site, citizen, "hotel-return")

    _pay_and_see_receipt(site, citizen, name="hotel")

    # --- the month before by the guest list (อบจ.รร.6): a broken file first -----------------------------
    list_month = _months_back(2)
    _file_from_business_page(site, citizen, business_id, list_month, business=name, label="hotel-filed-one")
    first, second = list_month.replace(day=3), list_month.replace(day=17)
    broken = ("ชื่อผู้พัก,วันที่เข้าพัก,จำนวนคืน,ค่าห้องต่อคืน\n"
              f"นายเดินทาง ไกลบ้าน,{_be(first)},2,1200\n"
              "นางสาวพักผ่อน สบายใจ,31/13/2569,1,900\n"       # line 3: no such date
              f"นายมาเที่ยว ทุกปี,{_be(second)},สาม,1500\n")   # line 4: nights not a number
    _upload_guest_list(citizen, broken)
    _preview(citizen)
    errors = citizen.locator("#e-guest_list").inner_text()
    assert "บรรทัดที่ 3" in errors and "บรรทัดที่ 4" in errors and "บรรทัดที่ 2" not in errors, errors
    assert citizen.locator("#guest_list").get_attribute("aria-invalid") == "true"
    assert not citizen.locator("#due").count(), "nothing to submit from a broken list"
    assert len([r for r in _returns(lao, "hotel") if r["business__name"] == name]) == 1, "nothing saved"
    _key_page(site, citizen, "hotel-guest-list-refused")

    good = ("guest_name,check_in,nights,room_rate\n"
            f"นายเดินทาง ไกลบ้าน,{_be(first)},2,1200\n"
            f"นางสาวพักผ่อน สบายใจ,{_be(first)},1,900\n"
            f"นายมาเที่ยว ทุกปี,{_be(second)},3,1500\n")
    _upload_guest_list(citizen, good)
    _preview(citizen)
    due = citizen.locator("#due").locator("xpath=..").inner_text()
    # 2×1,200 + 900 + 3×1,500 = 7,800 baht of rent → 2 % = 156.00; filed late: 1.5 % a month on top
    assert "7,800.00" in due and "156.00" in due, due
    late = [r for r in _returns(lao, "hotel") if r["business__name"] == name]
    _submit_return(citizen)
    filed = [r for r in _returns(lao, "hotel") if r["business__name"] == name and r not in late]
    assert [(r["period"], r["tax_amount"]) for r in filed] == [(list_month, Decimal("156.00"))]
    assert re.search("จำนวนผู้พักในบัญชีผู้พัก|Guests listed", citizen.locator("main").inner_text())
    _no_raw_codes(citizen)
    site.check(citizen, "hotel-return-guest-list")

    # --- the business page: each month's state, and a key for the hotel's own software -----------------------
    _open_business(site, citizen, business_id, name)
    months = citizen.locator("#months")
    assert re.search("ชำระแล้ว|paid", months.locator("tr", has_text=_thai_month(totals_month)).inner_text())
    left = months.locator("tr", has_text=_thai_month(list_month)).inner_text()
    assert re.search(r"(ค้างชำระ|left to pay) [\d,]+\.\d\d", left), left
    citizen.locator("#key-name").fill("ระบบ PMS ของโรงแรม")
    _click(citizen, re.compile("^(ออกกุญแจ API|Issue a key)$"))
    key = re.search(r"lsk_\S+", citizen.locator("main [role=status] code").inner_text()).group(0)
    site.check(citizen, "business-new-key")
    _click(citizen, re.compile("^(เพิกถอน|Revoke) ระบบ PMS ของโรงแรม$"))
    assert _key_works(site, business_id, key), "'Revoke' asks first"
    site.check(citizen, "business-revoke-key-confirm")
    _click(citizen, re.compile("^(เพิกถอนกุญแจ|Revoke the key)$"))
    assert re.search("เพิกถอนแล้ว|revoked", citizen.locator("main").inner_text())
    assert not _key_works(site, business_id, key)
    site.check(citizen, "business-key-revoked")


def _key_works(site, business_id: int, key: str) -> bool:
    """The hotel's own software calling the API with its key."""
    answer = requests.get(f"{site.lao('pao')}/api/businesses/{business_id}/returns/", timeout=30,
                          headers={"Authorization": f"Api-Key {key}"})
    assert answer.status_code in (200, 401, 403), answer.status_code
    return answer.status_code == 200


def _be(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def _upload_guest_list(page, text: str):
    page.locator("#guest_list").set_input_files(files=[{"name": "guests.csv", "mimeType": "text/csv",
                                                        "buffer": text.encode("utf-8")}])


# --- the fuel station ---------------------------------------------------------------------------------

def _stock(page, fuel: str, opening: str, received: str, sold: str, closing: str):
    for name, value in zip(("opening", "received", "sold", "closing"), (opening, received, sold, closing)):
        page.locator(f"#f-{fuel}_{name}").fill(value)


def test_a_fuel_station_files_its_stock_statement_pays_and_gets_its_receipt(site):
    lao = site.laos["pao"]
    name = "สถานีบริการน้ำมันเส้นทางทดสอบ"
    citizen = site.person()
    site.sign_in(citizen, CITIZEN, at=site.lao("pao") + "/")

    def fuel(page):
        page.get_by_label(re.compile("น้ำมันเบนซิน|Petrol")).check()
        page.get_by_label(re.compile("น้ำมันดีเซล|Diesel")).check()
        page.locator("#id_trade_mode").select_option("retail")

    business_id = _register(site, citizen, kind="fuel", name=name, fill=fuel)
    officer = site.person()
    site.sign_in(officer, OFFICER_1, at=site.lao("pao") + "/")
    _officer_approves(site, officer, name)

    month = _months_back(1)
    _file_from_business_page(site, citizen, business_id, month, business=name, label="fuel")
    assert not citizen.locator("#f-vehicle_gas_sold").count(), "only the fuels registered"
    _key_page(site, citizen, "fuel-return-form")
    # A wrong balance first: 10,000 + 30,000 − 28,000 is 12,000, not 12,500.
    _stock(citizen, "petrol", "10000", "30000", "28000", "12500")
    _stock(citizen, "diesel", "5000", "20000", "21000", "4000")
    _preview(citizen)
    closing = citizen.locator("#f-petrol_closing")
    assert closing.get_attribute("aria-invalid") == "true"
    message = citizen.locator("#e-petrol_closing").inner_text()
    assert "12,000" in message and "12,500" in message, message
    assert citizen.locator("#f-diesel_closing").get_attribute("aria-invalid") is None
    assert not citizen.locator("#due").count()
    assert not [r for r in _returns(lao, "fuel") if r["business__name"] == name], "nothing saved"
    _key_page(site, citizen, "fuel-return-refused")

    closing.fill("12000")
    _preview(citizen)
    due = citizen.locator("#due").locator("xpath=..").inner_text()
    # petrol 28,000 l × 4.54 satang = 1,271.20; diesel 21,000 l × 4.54 satang = 953.40
    assert "2,224.60" in due, due
    _key_page(site, citizen, "fuel-return-preview")
    _submit_return(citizen)
    filed = [r for r in _returns(lao, "fuel") if r["business__name"] == name]
    assert [(r["period"], r["tax_amount"]) for r in filed] == [(month, Decimal("2224.60"))]
    declared = citizen.locator("#declared-h").locator("xpath=..").inner_text()
    assert re.search("น้ำมันเบนซิน|Petrol", declared) and "28,000" in declared and "petrol" not in declared
    _no_raw_codes(citizen, "diesel", "petrol", "filed")
    _key_page(site, citizen, "fuel-return")

    _pay_and_see_receipt(site, citizen, name="fuel")


# --- the tobacco trader ---------------------------------------------------------------------------------

def test_a_tobacco_trader_files_and_sees_the_amount(site):
    lao = site.laos["pao"]
    name = "ร้านค้ายาสูบเส้นทางทดสอบ"
    citizen = site.person(phone=True)  # a small shop, on a phone
    site.sign_in(citizen, CITIZEN, at=site.lao("pao") + "/")
    business_id = _register(site, citizen, kind="tobacco", name=name, fill=lambda page: None)
    officer = site.person()
    site.sign_in(officer, OFFICER_1, at=site.lao("pao") + "/")
    _officer_approves(site, officer, name)

    month = _months_back(1)
    _file_from_business_page(site, citizen, business_id, month, business=name, label="tobacco")
    site.check(citizen, "tobacco-return-form")
    citizen.locator("#f-cigarette_quantity").fill("200,000")
    _preview(citizen)
    due = citizen.locator("#due").locator("xpath=..").inner_text()
    assert "18,600.00" in due, due  # 200,000 cigarettes × 9.30 satang
    site.check(citizen, "tobacco-return-preview")
    _submit_return(citizen)
    assert re.search(r"18,600\.00", citizen.locator("main").inner_text())
    filed = [r for r in _returns(lao, "tobacco") if r["business__name"] == name]
    assert [(r["period"], r["amount_due"]) for r in filed] == [(month, Decimal("18600.00"))]
    _no_raw_codes(citizen, "cigarette", "tobacco_tax", "filed")
    site.check(citizen, "tobacco-return")

    # The rates it was charged at, as the PAO recorded them.
    officer.goto(site.lao("pao") + "/pao/returns/")
    _click(officer, re.compile("อัตราและหลักเกณฑ์การยื่นแบบ|Rates and filing rules"), role="link")
    officer.wait_for_url(re.compile(r"/pao/ordinances/$"))
    _no_raw_codes(officer, "cigarette", "tobacco_tax", "room_rent")
    site.check(officer, "officer-ordinances")


# --- an additional return after payment, and the approver's assessment -------------------------------------

def _arrange_filed_hotel_return(lao, name: str) -> tuple[int, int]:
    """Arranged, not walked (the hotel journey walks it): an approved hotel of the citizen with last month's
    return filed, 100,000 baht of room rent (2,000.00 baht of fee)."""
    from django.contrib.auth import get_user_model

    from tenant_apps.businesses.models import BusinessStatus
    from tenant_apps.businesses.services import business_register
    from tenant_apps.pao_filing.services import return_file

    def work():
        owner = get_user_model().objects.get(national_id=CITIZEN)
        business = business_register(actor=owner, kind="hotel", name=name, address="7 ถนนยันตรกิจโกศล",
                                     owner_type="person", owner_id_number=CITIZEN, owner_name="นายสมชาย ใจดี",
                                     licence_number="L-7", operating_since=_months_back(14), rooms=12)
        business.status = BusinessStatus.APPROVED
        business.save(update_fields=["status"])
        ret = return_file(business=business, period=_months_back(1), actor=owner,
                          data={"room_rent_total": "100000", "nights_total": "120"})
        return business.pk, ret.pk

    return _in_schema(lao, work)


def _left_to_pay(page) -> str:
    pay = page.locator("#pay-h").locator("xpath=..").inner_text()
    return re.search(r"(?:ยอดที่ต้องชำระ|Amount due)\s*:\s*([\d,]+\.\d\d)", pay).group(1)


def test_an_additional_return_after_payment_and_an_assessment_seen_by_both_sides(site):
    lao = site.laos["pao"]
    name = "โรงแรมแก้ไขแบบทดสอบ"
    month = _months_back(1)
    business_id, original_id = _arrange_filed_hotel_return(lao, name)

    # --- the citizen pays the return, through the bank ------------------------------------------------
    citizen = site.person()
    site.sign_in(citizen, CITIZEN, at=site.lao("pao") + "/")
    _open_business(site, citizen, business_id, name)
    citizen.get_by_role("link", name=re.compile(r"^(ดู|See) ")).first.click()
    citizen.wait_for_url(re.compile(rf"/returns/{original_id}/$"))
    site.check(citizen, "return-before-payment")
    citizen.get_by_role("link", name=re.compile("ชำระเงิน|Pay: Thai QR")).click()
    citizen.wait_for_url(re.compile(r"/pay/[^/]+/$"))
    site.check(citizen, "slip-before-payment")
    assert _bank_pays(site, citizen)["amount"] == Decimal("2000.00")
    citizen.reload()
    assert re.search("ชำระแล้ว|Paid", citizen.locator("main").inner_text())  # the slip says so, with the receipt
    assert citizen.locator("main a[href$='/receipt.pdf']").count() == 1
    site.check(citizen, "slip-paid")

    # --- an additional return: the month comes to 120,000 baht of rent ------------------------------------
    _open_business(site, citizen, business_id, name)
    row = citizen.locator("#months tr", has_text=_thai_month(month))
    row.get_by_role("link", name=re.compile("แก้ไข|Correct")).click()
    citizen.wait_for_url(re.compile(rf"/returns/{original_id}/additional/$"))
    assert _thai_month(month) in citizen.locator("main .lead").inner_text()
    _key_page(site, citizen, "additional-return-form")
    citizen.locator("#f-room_rent_total").fill("120000")
    citizen.locator("#f-nights_total").fill("140")
    _preview(citizen)
    due = citizen.locator("#due").locator("xpath=..")
    assert _fact(due, "ยื่นไว้แล้ว|Already declared") == "2,000.00"
    assert _fact(due, "ส่วนต่าง|Difference") == "400.00"
    site.check(citizen, "additional-return-preview")
    _submit_return(citizen)
    additional_id = int(re.search(r"/returns/(\d+)/$", citizen.url).group(1))
    assert additional_id != original_id
    assert _left_to_pay(citizen) == "400.00", "only the difference is asked for"
    assert re.search("ชำระแล้ว|already paid", citizen.locator("#pay-h").locator("xpath=..").inner_text())
    _no_raw_codes(citizen, "additional")
    _key_page(site, citizen, "additional-return")
    citizen.get_by_role("link", name=re.compile("ชำระเงิน|Pay: Thai QR")).click()
    citizen.wait_for_url(re.compile(r"/pay/[^/]+/$"))
    assert _fact(citizen, "จำนวนเงิน|Amount").startswith("400.00")
    site.check(citizen, "additional-return-slip")

    # --- the approver assesses the month at 3,000.00 baht of fee -------------------------------------------
    approver = site.person()
    site.sign_in(approver, OFFICER_2, at=site.lao("pao") + "/")
    menu_click(approver, re.compile("แบบที่รอตรวจสอบ|Returns to review"))
    approver.wait_for_url(re.compile(r"/pao/returns/$"))
    _no_raw_codes(approver, "additional", "original")
    _key_page(site, approver, "returns-queue")
    row = approver.locator("tr", has_text=name).filter(has_text=re.compile("แบบยื่นเพิ่มเติม|Additional return"))
    row.get_by_role("link", name=re.compile("ตรวจสอบ|Review")).click()
    approver.wait_for_url(re.compile(rf"/pao/returns/hotel/{additional_id}/$"))
    assert "120,000.00" in approver.locator("#declared-h").locator("xpath=..").inner_text()
    site.check(approver, "review")
    approver.locator("#reason").fill("ตรวจสอบทะเบียนผู้พักแล้ว ค่าเช่าห้องพักของเดือนนี้รวม 150,000 บาท")
    approver.locator("#tax_amount").fill("3000")
    approver.locator("#tax_amount").press("Enter")  # Enter decides nothing
    approver.wait_for_timeout(500)
    assert approver.url.endswith(f"/pao/returns/hotel/{additional_id}/")
    statuses = {r["pk"]: r["status"] for r in _returns(lao, "hotel")}
    assert statuses[additional_id] == "filed" and statuses[original_id] == "filed", "Enter must not decide"
    _click(approver, re.compile("^(ประเมิน|Assess)$"))
    approver.wait_for_url(re.compile(r"/pao/returns/$"))
    waiting = approver.locator("tr", has_text=name).filter(has_text=re.compile("แบบยื่นเพิ่มเติม|Additional return"))
    assert waiting.count() == 0, "decided: no longer waiting"
    site.check(approver, "returns-queue-after-assessment")
    assessed = {r["pk"]: r for r in _returns(lao, "hotel")}[additional_id]
    assert (assessed["status"], assessed["assessed_tax_amount"], assessed["amount_due"]) == (
        "assessed", Decimal("3000.00"), Decimal("1000.00"))
    approver.goto(f"{site.lao('pao')}/pao/returns/hotel/{additional_id}/")
    assert re.search("อบจ. ประเมินภาษีแล้ว|Assessed by the PAO", approver.locator("main .lead").inner_text())
    assert _fact(approver, "ภาษีที่ประเมิน|Assessed tax").startswith("3,000.00")
    assert not approver.get_by_role("button", name=re.compile("^(ประเมิน|Assess)$")).count(), "decided once"
    site.check(approver, "review-assessed")

    # --- the filer sees it, and what is left to pay ------------------------------------------------------------
    citizen.goto(f"{site.lao('pao')}/businesses/{business_id}/returns/{additional_id}/")
    main = citizen.locator("main").inner_text()
    assert "ค่าเช่าห้องพักของเดือนนี้รวม 150,000 บาท" in main  # the approver's reason
    assert _fact(citizen, "ภาษีที่ประเมิน|Assessed tax").startswith("3,000.00")
    assert _left_to_pay(citizen) == "1,000.00", "3,000 assessed, 2,000 paid"
    _no_raw_codes(citizen, "assessed")
    _key_page(site, citizen, "additional-return-assessed")

    # --- the audit trail says it in words ----------------------------------------------------------------
    menu_click(approver, re.compile("บันทึกการใช้งาน|Audit trail"))
    approver.wait_for_url(re.compile(r"/officers/audit/$"))
    trail = approver.locator("main").inner_text()
    assert f"{name} · {_thai_month(month)}" in trail, "the return's month, in the Buddhist era"
    assert re.search("ประเมิน|assessed", trail)
    _no_raw_codes(approver, "return_assess", "hotel_fee", "sign_in")
    _key_page(site, approver, "audit-trail")
    for action, codes in (("ordinance_rate_recorded", ("room_rent", "cigarette", "petrol")),
                          ("filing_rule_recorded", ("hotel_fee", "petroleum_tax", "tobacco_tax"))):
        approver.locator("#filter-action").select_option(action)
        _click(approver, re.compile("^(แสดง|Show)$"))
        approver.wait_for_url(re.compile(rf"[?&]action={action}(&|$)"))
        assert approver.locator("tbody tr").count() >= 3
        _no_raw_codes(approver, *codes)
        site.check(approver, f"audit-trail-{action}")
