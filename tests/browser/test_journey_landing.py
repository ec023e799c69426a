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
