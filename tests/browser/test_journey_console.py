"""DLA's console in the browser: a DLA administrator signs in, onboards a (test-only) province's LAOs in bulk,
watches the job finish on its progress page, then opens the national and the provincial dashboards — every page
axe-clean, and the key ones at 390 px too."""
import re

import pytest

from tests.browser.conftest import OFFICER_1, key_page, on_own_connection
from tests.factories import lao_forget

pytestmark = pytest.mark.django_db
PROVINCE = "98"
CODES = ["6598901", "6598902", "6598903"]


def _forget():
    from shared_apps.accounts.models import StaffRole
    from shared_apps.console.models import OnboardingJob
    from shared_apps.geography.models import Province

    for code in CODES:
        lao_forget(code)
    OnboardingJob.objects.filter(province_id=PROVINCE).order_by("-pk").delete()
    StaffRole.objects.filter(user__national_id=OFFICER_1, kind=StaffRole.Kind.DLA_ADMINISTRATOR).delete()
    Province.objects.filter(code=PROVINCE).delete()


@pytest.fixture
def test_province(journey_laos):
    from django.contrib.auth import get_user_model

    from shared_apps.accounts.models import StaffRole
    from shared_apps.geography.models import Province
    from tenants.models import LAO

    def arrange():
        province = Province.objects.create(code=PROVINCE, name_th="จังหวัดทดสอบเส้นทาง", name_en="Journey test")
        model = LAO.objects.get(dla_code="6540113")
        LAO.objects.bulk_create([LAO(dla_code=code, lao_type=model.lao_type, name_th=f"ทดสอบเส้นทาง {code}",
                                     province=province, hostname=f"console-journey-{code}",
                                     schema_name=f"lao_{code}", latitude=18.1 + n / 10, longitude=100.1 + n / 10)
                                 for n, code in enumerate(CODES)])
        admin = get_user_model().objects.get(national_id=OFFICER_1)
        StaffRole.objects.create(user=admin, kind=StaffRole.Kind.DLA_ADMINISTRATOR)

    on_own_connection(_forget)
    on_own_connection(arrange)
    yield
    on_own_connection(_forget)


def test_dla_onboards_a_province_in_bulk_and_reads_the_dashboards(site, test_province):
    from tenants.models import LAO, LAOStatus

    page = site.person()
    site.sign_in(page, OFFICER_1, at=site.central + "/")
    page.goto(site.central + "/dla/")
    assert "ระบบงาน สถ." in page.locator("h1").inner_text()
    key_page(site, page, "console-home")

    page.get_by_role("link", name="เปิดระบบครั้งละหลายแห่ง").first.click()
    page.wait_for_url(re.compile(r"/dla/onboarding/$"))
    site.check(page, "console-onboarding")
    page.get_by_label("จังหวัด").select_option(PROVINCE)
    page.get_by_role("button", name="เปิดระบบ อปท. เหล่านี้").click()
    page.wait_for_url(re.compile(r"/dla/onboarding/\d+/$"))
    assert page.locator("progress").count() == 1
    page.wait_for_function("() => /เสร็จแล้ว/.test(document.querySelector('#job-status')?.textContent || '')",
                           timeout=120_000)  # the page refreshes itself (Refresh header) until the job ends
    assert page.locator("progress").get_attribute("value") == str(len(CODES))
    key_page(site, page, "console-job-finished")
    statuses = on_own_connection(lambda: set(LAO.objects.filter(dla_code__in=CODES).values_list("status", flat=True)))
    assert statuses == {LAOStatus.ACTIVE}

    page.goto(site.central + "/dla/figures/")
    assert page.locator("svg[role=img]#map-provinces, svg[role=img]").count() >= 1
    key_page(site, page, "console-national-figures")
    page.get_by_role("link", name=re.compile("จังหวัดทดสอบเส้นทาง")).first.click()
    page.wait_for_url(re.compile(rf"/dla/figures/{PROVINCE}/$"))
    assert page.locator("circle").count() == len(CODES)  # the three LAO points
    key_page(site, page, "console-province-figures")

    phone = site.person(phone=True)
    site.sign_in(phone, OFFICER_1, at=site.central + "/")
    phone.goto(site.central + "/dla/laos/?province=" + PROVINCE)
    site.check(phone, "console-laos")
