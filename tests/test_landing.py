"""The central landing page and /api/laos/: find a LAO by name, province, district and type."""
import pytest

pytestmark = pytest.mark.django_db


def landing(client, **params):
    return client.get("/", params, HTTP_HOST="localhost")


def api(client, **params):
    return client.get("/api/laos/", params, HTTP_HOST="localhost")


def names(response):
    return [lao.full_name_th for lao in response.context["page"].object_list]


def test_search_by_name(client):
    response = landing(client, q="กาญจนา")
    assert response.status_code == 200
    assert names(response) == ["องค์การบริหารส่วนตำบลกาญจนา"]
    assert 'href="http://sao-kanchana.localhost/"' in response.content.decode()


def test_type_word_in_the_query_narrows_the_type(client):
    assert names(landing(client, q="เทศบาลเมืองแพร่")) == ["เทศบาลเมืองแพร่"]
    assert names(landing(client, q="อบจ.แพร่")) == ["องค์การบริหารส่วนจังหวัดแพร่"]


def test_filter_by_province_district_and_type(client):
    assert set(names(landing(client, province="20"))) == {"องค์การบริหารส่วนจังหวัดชลบุรี", "เมืองพัทยา"}
    assert set(names(landing(client, province="54", type="subdistrict_admin_org"))) == {
        "องค์การบริหารส่วนตำบลกาญจนา", "องค์การบริหารส่วนตำบลนาจักร"}
    response = landing(client, province="20", district="2004")
    assert names(response) == ["เมืองพัทยา"]
    assert response.context["districts"]  # the district list follows the province


def test_search_by_dla_code_and_no_result(client):
    assert names(landing(client, q="3200408")) == ["เมืองพัทยา"]
    response = landing(client, q="ไม่มีชื่อนี้")
    assert names(response) == [] and response.status_code == 200


def test_registered_lao_is_listed_without_a_link(client, registered_lao):
    page = landing(client, q=registered_lao.name_th).content.decode()
    assert registered_lao.full_name_th in page
    assert registered_lao.site_url not in page


def test_pages_of_results(client, settings):
    from shared_apps.portal import views

    views.PAGE_SIZE, old = 2, views.PAGE_SIZE
    try:
        first = landing(client)
        second = landing(client, page=2)
    finally:
        views.PAGE_SIZE = old
    assert len(names(first)) == 2 and len(names(second)) == 2
    assert not set(names(first)) & set(names(second))
    assert "page=2" in first.content.decode()


def test_english_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_HOST="localhost")
    assert response.status_code == 302
    page = landing(client, province="54").content.decode()
    assert '<html lang="en">' in page and "Phrae" in page


def test_thai_is_the_default(client):
    page = landing(client).content.decode()
    assert '<html lang="th">' in page


def test_api_lists_laos_with_their_sites(client):
    body = api(client, q="กาญจนา").json()
    assert body["count"] == 1
    lao = body["results"][0]
    assert lao["dla_code"] == "6540113"
    assert lao["full_name_th"] == "องค์การบริหารส่วนตำบลกาญจนา"
    assert lao["type"] == "subdistrict_admin_org"
    assert lao["province"] == {"code": "54", "name_th": "แพร่", "name_en": "Phrae"}
    assert lao["status"] == "active"
    assert lao["url"] == "http://sao-kanchana.localhost/"
    assert lao["services"] == ["advertising"]


def test_api_filters_by_province_and_type(client):
    body = api(client, province="54", type="provincial_admin_org").json()
    assert [lao["dla_code"] for lao in body["results"]] == ["2540101"]
    assert {lao["dla_code"] for lao in api(client, province="20").json()["results"]} == {"2200101", "3200408"}


def test_api_rejects_bad_filters_with_a_message(client):
    response = api(client, type="village", province="5")
    assert response.status_code == 400
    assert set(response.json()) == {"type", "province"}


def test_api_schema_is_published(client):
    response = client.get("/api/schema/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert b"/api/laos/" in response.content


def test_thai_even_when_the_browser_asks_for_english(client):
    page = client.get("/", HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="th">' in page and "ค้นหาองค์กรปกครองส่วนท้องถิ่นของท่าน" in page
