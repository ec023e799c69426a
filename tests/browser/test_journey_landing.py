"""A citizen finds their LAO on the landing page, goes to its site and signs in with DOPA Digital ID."""
import re

import pytest

from tests.browser.conftest import CITIZEN

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_citizen_finds_the_lao_and_signs_in_with_dopa(site, phone):
    page = site.person(phone=phone)
    page.goto(site.central + "/")
    site.check(page, "landing")

    page.get_by_role("searchbox").fill("ทดสอบเส้นทาง")
    page.get_by_role("button", name=re.compile("ค้นหา|Search")).click()
    page.wait_for_url(re.compile(r"\?q="))
    site.check(page, "landing-results")
    page.get_by_role("link", name=re.compile("องค์การบริหารส่วนตำบลทดสอบเส้นทาง")).first.click()
    page.wait_for_url(re.compile(r"^http://sao-journey\.localhost:\d+/"))
    site.check(page, "lao-site")

    site.sign_in(page, CITIZEN, at=page.url)
    assert page.url.startswith(site.lao("sao"))
    assert "สมชาย" in page.locator("header").inner_text()  # signed in on the LAO's own host
    site.check(page, "lao-site-signed-in")


def test_english_chosen_on_the_landing_page_follows_the_person_to_the_lao_and_the_sign_in(site):
    page = site.person()
    page.goto(site.central + "/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("searchbox").fill("ทดสอบเส้นทาง")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=re.compile("องค์การบริหารส่วนตำบลทดสอบเส้นทาง")).first.click()
    page.wait_for_url(re.compile(r"^http://sao-journey\.localhost:\d+/"))
    assert page.locator("html").get_attribute("lang") == "en"  # another host: the choice came along
    site.check(page, "lao-site-english")
    page.goto(site.lao("sao") + "/")  # and stays, from this host's own cookie
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("header").get_by_role("link", name="Sign in").first.click()
    page.get_by_role("link", name=re.compile("DOPA Digital ID")).click()
    page.wait_for_url(re.compile(r"/dev-idp/login/"))
    assert page.locator("html").get_attribute("lang") == "en"  # the D.DOPA stand-in too
    site.check(page, "dopa-sign-in-english")
    page.locator("#id_pid").fill(CITIZEN)
    page.locator("#id_passcode").fill("24681357")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^http://sao-journey\.localhost:\d+/"))
    assert page.locator("html").get_attribute("lang") == "en"
