"""Each LAO is reached on its own subdomain and sees only its own schema."""
import pytest
from django_tenants.utils import schema_context

from tenant_apps.lao_profile.services import announcement_publish, profile_update
from tenants.models import LAOStatus
from tenants.services import lao_set_status

pytestmark = pytest.mark.django_db


def get(client, host, path="/"):
    return client.get(path, HTTP_HOST=host)


def test_each_lao_host_shows_only_its_own_data(client, pao, sao):
    with schema_context(pao.schema_name):
        profile_update(actor=None, phone="054-511-111")
        announcement_publish(title="ประกาศ อบจ.แพร่ เรื่องภาษีน้ำมัน", body="รายละเอียด", actor=None)
    with schema_context(sao.schema_name):
        profile_update(actor=None, phone="054-622-222")
        announcement_publish(title="ประกาศ อบต.กาญจนา เรื่องป้ายโฆษณา", body="รายละเอียด", actor=None)

    pao_page = get(client, pao.host).content.decode()
    sao_page = get(client, sao.host).content.decode()

    assert "องค์การบริหารส่วนจังหวัดแพร่" in pao_page and "054-511-111" in pao_page
    assert "ภาษีน้ำมัน" in pao_page
    assert "กาญจนา" not in pao_page and "054-622-222" not in pao_page
    assert "องค์การบริหารส่วนตำบลกาญจนา" in sao_page and "054-622-222" in sao_page
    assert "ป้ายโฆษณา" in sao_page
    assert "ภาษีน้ำมัน" not in sao_page and "054-511-111" not in sao_page


def test_landing_host_is_the_public_site(client):
    response = get(client, "localhost")
    assert response.status_code == 200
    assert "portal/landing.html" in [t.name for t in response.templates]


def test_unknown_host_gets_a_clear_404(client):
    response = get(client, "no-such-lao.localhost")
    assert response.status_code == 404
    assert "no-such-lao.localhost" in response.content.decode()
    assert "tenants/unknown_host.html" in [t.name for t in response.templates]


def test_registered_lao_not_onboarded_says_so(client, registered_lao):
    response = get(client, registered_lao.host)
    assert response.status_code == 404
    assert "tenants/lao_not_onboarded.html" in [t.name for t in response.templates]
    assert registered_lao.full_name_th in response.content.decode()


def test_suspended_lao_says_so_and_serves_nothing(client, town, dla_admin):
    lao_set_status(lao=town, status=LAOStatus.SUSPENDED, actor=dla_admin, reason="ตรวจสอบระบบ")
    response = get(client, town.host)
    assert response.status_code == 503
    assert "tenants/lao_suspended.html" in [t.name for t in response.templates]
    assert get(client, town.host, "/advertising/").status_code == 503


def test_type_urls_route_only_to_the_types_apps(client, pao, sao):
    assert get(client, pao.host, "/ordinances/").status_code == 200
    assert get(client, pao.host, "/advertising/").status_code == 404
    assert get(client, sao.host, "/advertising/").status_code == 200
    assert get(client, sao.host, "/ordinances/").status_code == 404


def test_lao_site_lists_the_services_of_its_type(client, pao, sao, settings):
    settings.LANGUAGE_CODE = "en"
    pao_page = get(client, pao.host).content.decode()
    sao_page = get(client, sao.host).content.decode()
    assert 'id="service-hotel_fee"' in pao_page and 'id="service-tobacco_tax"' in pao_page
    assert 'id="service-advertising"' not in pao_page
    assert 'id="service-advertising"' in sao_page and 'id="service-hotel_fee"' not in sao_page


def test_host_lookup_is_cached_and_dropped_when_the_lao_changes(client, town, dla_admin, django_assert_num_queries):
    get(client, town.host)  # fills the cache
    from tenants.selectors import lao_for_host

    with django_assert_num_queries(0):
        assert lao_for_host(town.host).pk == town.pk
    lao_set_status(lao=town, status=LAOStatus.SUSPENDED, actor=dla_admin, reason="ทดสอบ")
    assert lao_for_host(town.host).status == LAOStatus.SUSPENDED


def test_admin_is_not_reachable_on_a_lao_host(client, pao):
    assert get(client, pao.host, "/admin/").status_code == 404
    assert get(client, pao.host, "/api/laos/").status_code == 404
