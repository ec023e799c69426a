"""A DLA administrator onboards a registered LAO from the DLA admin, and its site answers at once."""
import re
import secrets

import pytest

from tests.browser.conftest import on_own_connection
from tests.factories import lao_forget

pytestmark = pytest.mark.django_db
REGISTERED = "6549991"


@pytest.fixture
def registered_lao(journey_laos):
    """A LAO as the registry import leaves it (no schema yet), committed, and gone after the test."""
    from django.contrib.auth.models import Group

    from tenants.apps import DLA_ADMINISTRATORS
    from tenants.models import LAO
    from tests.factories import UserFactory

    password = secrets.token_urlsafe(16)

    def arrange():
        model = LAO.objects.get(dla_code="6540113")
        lao = LAO.objects.create(dla_code=REGISTERED, lao_type=model.lao_type, name_th="รอเปิดระบบ",
                                 province=model.province, district=model.district, hostname="sao-onboard-journey")
        admin = UserFactory(username=f"dla-journey-{secrets.token_hex(3)}", is_staff=True, password=password)
        admin.groups.add(Group.objects.get(name=DLA_ADMINISTRATORS))
        return lao, admin

    on_own_connection(lambda: lao_forget(REGISTERED))
    lao, admin = on_own_connection(arrange)
    yield lao, admin, password
    on_own_connection(lambda: lao_forget(REGISTERED))


def test_a_dla_administrator_onboards_a_lao_and_its_site_answers(site, registered_lao):
    lao, admin, password = registered_lao
    citizen = site.person()
    citizen.goto(site.live.lao(lao) + "/")
    assert "ยังไม่" in citizen.locator("main").inner_text()  # not onboarded yet, said plainly
    site.check(citizen, "lao-not-yet-onboarded")

    page = site.person()
    page.goto(site.central + "/admin/")
    page.get_by_label(re.compile("ชื่อผู้ใช้|Username")).fill(admin.username)
    page.get_by_label(re.compile("รหัสผ่าน|Password")).fill(password)
    page.get_by_role("button", name=re.compile("เข้าสู่ระบบ|Log in")).click()
    page.goto(site.central + f"/admin/tenants/lao/?q={lao.dla_code}")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("onboard_selected")
    page.locator("button[name=index]").click()
    page.wait_for_load_state("load")
    assert lao.dla_code in page.locator("#content, .messagelist").first.inner_text() or \
        page.locator(".messagelist").count()

    citizen.goto(site.live.lao(lao) + "/")
    assert "รอเปิดระบบ" in citizen.locator("header").inner_text()
    site.check(citizen, "lao-onboarded")
