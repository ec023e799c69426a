"""Issue 14: one person, every LAO. A citizen who owns a hotel in the journey PAO (a month filed and unpaid, a
month still to file) and whose advertising application in the journey SAO waits for more information signs in
on the central site, finds both LAOs' items on My account, follows the hotel invoice's button and lands signed in
on the PAO's host on the pay-in slip (Thai QR); the bank pays it, and back on My account the invoice is gone and
its receipt is under "Paid recently". Every page checked with axe at 390 px."""
import datetime
import re
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone

from tests.browser.conftest import CITIZEN, OFFICER_1, in_schema
from tests.browser.test_journey_pao import _bank_pays

pytestmark = pytest.mark.django_db


def _months_back(count: int) -> datetime.date:
    month = timezone.localdate().replace(day=1)
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def _arrange(site, run: str) -> dict:
    """Through the LAOs' own services, committed (each publishes the person's items after its commit)."""
    from django.contrib.auth import get_user_model

    from tenant_apps.advertising import services as advertising
    from tenant_apps.businesses.services import business_decide, business_register
    from tenant_apps.pao_filing.services import return_file
    from tests.test_person_items import _application

    User = get_user_model()
    person, clerk = User.objects.get(national_id=CITIZEN), User.objects.get(national_id=OFFICER_1)
    hotel = f"โรงแรมบัญชีเดียว {run}"

    def pao_work():
        business = business_register(
            actor=person, kind="hotel", name=hotel, address="1 ถนนเจริญเมือง แพร่", owner_type="person",
            owner_id_number=CITIZEN, owner_name="ผู้ทดสอบ", licence_number=f"L-{run}",
            operating_since=_months_back(2), rooms=12)
        business_decide(business=business, approve=True, note="", actor=clerk)
        return_file(business=business, period=_months_back(2), actor=person, today=timezone.localdate(),
                    data={"room_rent_total": "10000", "nights_total": "10"})
        return business.pk

    def sao_work():
        application = _application(person, timezone.localdate() + datetime.timedelta(days=10))
        advertising.application_submit(application=application, actor=person)
        advertising.application_request_info(application=application, actor=clerk, note=f"ขอแผนที่ {run}")
        return application.pk

    return {"hotel": hotel, "business": in_schema(site.laos["pao"], pao_work),
            "application": in_schema(site.laos["sao"], sao_work)}


def _my_items(page):
    return page.locator("main section").first.locator("ul.results > li")


def test_a_citizen_sees_both_laos_on_my_account_and_pays_the_pao_invoice_from_there(site):
    run = secrets.token_hex(3)
    arranged = _arrange(site, run)
    pao, sao = site.laos["pao"], site.laos["sao"]

    citizen = site.person(phone=True)
    site.sign_in(citizen, CITIZEN, at=site.central + "/")
    citizen.goto(site.central + "/accounts/me/")
    site.check(citizen, "my-account")
    main = citizen.locator("main")
    hotel_items = _my_items(citizen).filter(has_text=arranged["hotel"])
    invoice = hotel_items.filter(has_text="ค้างชำระ")
    assert invoice.count() == 1 and pao.full_name_th in invoice.inner_text()
    assert re.search(r"หลังวันที่ \d+ \S+ 25\d\d: [\d,]+\.\d\d บาท", invoice.inner_text())  # the surcharge to come
    assert hotel_items.filter(has_text="แบบที่ต้องยื่น").count() == 1  # the month still to file
    asked = _my_items(citizen).filter(has_text=sao.full_name_th).filter(has_text="ขอเอกสารหรือข้อมูลเพิ่มเติม")
    assert asked.count() >= 1, main.inner_text()[:1500]
    assert "invoice_unpaid" not in main.inner_text() and not re.search(r"\b20\d\d-\d\d-\d\d\b", main.inner_text())
    go = invoice.get_by_role("link", name=re.compile("^ชำระเงิน")).get_attribute("href")
    slip_path = parse_qs(urlsplit(go).query)["next"][0]

    # --- the button: signed in on the PAO's host, on the pay-in slip ----------------------------------
    invoice.get_by_role("link", name=re.compile("^ชำระเงิน")).click()
    citizen.wait_for_url(re.compile(rf"^{re.escape(site.lao('pao'))}/pay/"))
    assert "ticket=" not in citizen.url and citizen.url == site.lao("pao") + slip_path
    site.check(citizen, "my-account-slip")
    header = citizen.locator("header")
    assert header.get_by_role("button", name="ออกจากระบบ").count() == 1  # signed in here, no second sign-in
    assert citizen.get_by_role("heading", name=re.compile("Thai QR")).count() == 1
    assert citizen.locator(".qr svg").count() == 1

    # --- the bank pays it; My account shows the receipt instead ----------------------------------------
    paid = _bank_pays(site, citizen)
    citizen.goto(site.central + "/accounts/me/")
    site.check(citizen, "my-account-paid")
    assert _my_items(citizen).filter(has_text=arranged["hotel"]).filter(has_text="ค้างชำระ").count() == 0
    recent = citizen.locator("section", has=citizen.get_by_role("heading", name="ชำระล่าสุด"))
    receipt = recent.locator("li").filter(has_text=pao.full_name_th).filter(has_text=f"{paid['amount']:,.2f} บาท")
    assert receipt.count() >= 1, recent.inner_text()
    href = receipt.first.get_by_role("link", name=re.compile("ใบเสร็จรับเงิน")).get_attribute("href")
    assert href.startswith(site.lao("pao") + "/receipts/") and href.endswith("/receipt.pdf")
    pdf = requests.get(href, timeout=30)  # a token link: no sign-in needed
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    # the SAO's request is still there, and the page says where the notification settings are
    assert _my_items(citizen).filter(has_text=sao.full_name_th).filter(has_text="ขอเอกสารหรือข้อมูลเพิ่มเติม").count() >= 1
    assert citizen.get_by_role("link", name=re.compile("เลือกวิธีรับการแจ้งเตือน")).get_attribute(
        "href") == "/accounts/me/notifications/"


def test_a_citizen_chooses_how_to_be_told_and_verifies_the_address_with_the_code(site):
    """From My account to the notification settings: an address proved by the code sent to it, a reminder turned
    off, the legal notices shown always on — on a phone, axe clean on each page."""
    from django.contrib.auth import get_user_model
    from django.core import mail

    from shared_apps.notifications.models import AddressVerification, NotificationPreference
    from tests.browser.conftest import on_own_connection

    def forget():  # this journey's choices, so a later run starts from none (and under the hourly code limit)
        user = get_user_model().objects.filter(national_id=CITIZEN).first()
        if user is not None:
            AddressVerification.objects.filter(user=user).delete()
            NotificationPreference.objects.filter(user=user).delete()

    on_own_connection(forget)
    address = f"citizen-{secrets.token_hex(3)}@example.invalid"
    citizen = site.person(phone=True)
    site.sign_in(citizen, CITIZEN, at=site.central + "/")
    citizen.goto(site.central + "/accounts/me/")
    citizen.get_by_role("link", name=re.compile("เลือกวิธีรับการแจ้งเตือน")).click()
    citizen.wait_for_url(re.compile(r"/accounts/me/notifications/$"))
    site.check(citizen, "notifications")
    assert citizen.get_by_text("ยังไม่มีที่อยู่").count() + citizen.get_by_text("ยังไม่ได้ยืนยัน").count() >= 1

    citizen.get_by_role("textbox", name="อีเมล").fill("not an address")
    citizen.get_by_role("button", name="ส่งลิงก์และรหัสยืนยันให้ฉัน").click()
    assert citizen.get_by_role("alert").first.inner_text().strip()  # refused, in Thai, nothing sent
    site.check(citizen, "notifications-refused")

    citizen.get_by_role("textbox", name="อีเมล").fill(address)
    citizen.get_by_role("button", name="ส่งลิงก์และรหัสยืนยันให้ฉัน").click()
    citizen.wait_for_url(re.compile(r"/accounts/me/notifications/$"))
    sent = [m for m in mail.outbox if m.to == [address]]
    assert len(sent) == 1
    code = sent[0].subject.split()[-1]
    citizen.get_by_label("รหัส 6 หลักจากข้อความ").fill(code)
    citizen.get_by_role("button", name="ยืนยัน", exact=True).click()
    citizen.wait_for_url(re.compile(r"/accounts/me/notifications/$"))
    assert citizen.get_by_text("ยืนยันแล้ว", exact=False).count() >= 1
    site.check(citizen, "notifications-verified")

    citizen.get_by_label("ถึงกำหนดยื่นแบบ").uncheck()
    assert citizen.get_by_label("แจ้งให้เก็บป้ายหรือประกาศโฆษณา").is_disabled()  # a legal notice: always on
    citizen.get_by_role("button", name="บันทึก", exact=True).click()
    citizen.wait_for_url(re.compile(r"/accounts/me/notifications/$"))
    site.check(citizen, "notifications-saved")
    preference = on_own_connection(lambda: NotificationPreference.objects.get(user__national_id=CITIZEN))
    assert preference.email == address and preference.email_verified_at is not None
    assert preference.muted_kinds == ["return_due"]
    on_own_connection(forget)
