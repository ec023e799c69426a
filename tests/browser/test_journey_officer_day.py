"""An officer's day: sign in → the officer home → the oldest waiting item → act on it → back home with the count
down; the menu by role on a phone, my account and the guide — on a PAO and on an SAO, each page checked with axe,
at the desktop size and at 390 px."""
import datetime
import re

import pytest

from tests.browser.conftest import OFFICER_1, in_schema, key_page, menu_click

pytestmark = pytest.mark.django_db


def _filed_hotel_returns(lao, count=2):
    """Hotels that filed a return some days ago (the oldest first), waiting for review."""
    from django.utils import timezone

    from tenant_apps.hotel_fee.models import HotelReturn
    from tenant_apps.pao_filing.services import return_file
    from tests.pao import registered_business

    def owner():  # committed rows: a fresh account and national ID every run
        import secrets

        from stdnum.th import pin

        from tests.factories import UserFactory

        pid = "3" + "".join(secrets.choice("0123456789") for _ in range(11))
        pid += next(d for d in "0123456789" if pin.is_valid(pid + d))
        return UserFactory(username=f"day-{secrets.token_hex(4)}", national_id=pid)

    def work():
        today = timezone.localdate()
        period = (today.replace(day=1) - datetime.timedelta(days=40)).replace(day=1)
        made = []
        for n in range(count):
            business, filer = registered_business("hotel", owner=owner(), name=f"โรงแรมวันทำงาน {n + 1}",
                                                  operating_since=datetime.date(2024, 1, 1))
            ret = return_file(business=business, period=period, actor=filer, today=today,
                              data={"room_rent_total": f"{50000 + n * 1000}.00", "nights_total": "120"})
            HotelReturn.objects.filter(pk=ret.pk).update(filed_at=timezone.now() - datetime.timedelta(days=9 - n))
            made.append(business.name)
        return made

    return in_schema(lao, work)


def _waiting_hotels(page) -> int:
    item = page.locator("#panel-returns").locator("xpath=..").locator(".queue-item").first
    return int(item.locator(".count").inner_text())


def test_an_officers_day_at_a_pao_from_the_home_to_the_oldest_return_and_back(site):
    names = _filed_hotel_returns(site.laos["pao"])
    officer = site.sign_in(site.person(), OFFICER_1, at=site.lao("pao"))
    site.check(officer, "lao-site-officer")
    officer.get_by_role("link", name=re.compile("^(หน้าหลักเจ้าหน้าที่|Officer home)$")).first.click()
    officer.wait_for_url(re.compile(r"/officer/$"))
    key_page(site, officer, "officer-home")
    before = _waiting_hotels(officer)
    assert before >= 2

    officer.locator("#panel-returns").locator("xpath=..").get_by_role(
        "link", name=re.compile("เปิดรายการที่รอนานที่สุด|Open the oldest")).first.click()
    officer.wait_for_url(re.compile(r"/pao/returns/hotel/\d+/"))
    site.check(officer, "officer-oldest-return")
    assert names[0] in officer.locator("main").inner_text()  # the one filed first
    trail = officer.get_by_role("navigation", name=re.compile("เส้นทางหน้า|Breadcrumbs"))
    assert re.search("หน้าหลักเจ้าหน้าที่|Officer home", trail.inner_text())
    officer.get_by_role("button", name=re.compile("^(รับแบบ|Accept)$")).click()
    officer.wait_for_url(re.compile(r"/pao/returns/$"))
    site.check(officer, "officer-return-accepted")

    officer.get_by_role("navigation", name=re.compile("เส้นทางหน้า|Breadcrumbs")).get_by_role(
        "link", name=re.compile("หน้าหลักเจ้าหน้าที่|Officer home")).click()
    officer.wait_for_url(re.compile(r"/officer/$"))
    assert _waiting_hotels(officer) == before - 1
    site.check(officer, "officer-home-after")

    # The menu: only what the roles open; Money holds the counter.
    menu_click(officer, re.compile("รับชำระเงินที่เคาน์เตอร์|Payments at the counter"))
    officer.wait_for_url(re.compile(r"/billing/invoices/"))
    site.check(officer, "officer-menu-counter")
    officer.locator("header").get_by_role("link", name=re.compile("บัญชีของฉัน|My account")).click()
    officer.wait_for_url(re.compile(r"/officer/account/"))
    key_page(site, officer, "officer-account")
    officer.get_by_role("link", name=re.compile("ความช่วยเหลือ: คู่มือเจ้าหน้าที่|Help: the officer's guide")).click()
    officer.wait_for_url(re.compile(r"/officer/guide/"))
    key_page(site, officer, "officer-guide")
    assert officer.locator("#registrations").count() == 1 and officer.locator("#advertising").count() == 0


def test_on_a_phone_at_an_sao_the_menu_opens_without_script_and_lists_the_advertising_queue(site):
    officer = site.sign_in(site.person(phone=True), OFFICER_1, at=site.lao("sao"))
    officer.goto(site.lao("sao") + "/officer/")
    site.check(officer, "officer-home-sao")
    assert officer.locator("nav.officer-nav a").first.is_hidden()  # closed until tapped
    menu_click(officer, re.compile("คำขออนุญาตโฆษณา|Advertising applications"))
    officer.wait_for_url(re.compile(r"/advertising/officers/"))
    site.check(officer, "officer-advertising-queue-phone-menu")
    officer.goto(site.lao("sao") + "/officer/guide/")
    site.check(officer, "officer-guide-sao")
    assert officer.locator("#advertising").count() == 1 and officer.locator("#registrations").count() == 0
