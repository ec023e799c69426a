"""The PAO services through the API (a business's own key) and through the pages, LAO by LAO."""
import datetime
import io
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from tenant_apps.businesses.models import Business, BusinessStatus
from tenant_apps.hotel_fee.guest_list import read_guest_csv
from tenant_apps.hotel_fee.models import HotelReturn
from tenant_apps.pao_filing.models import ReturnStatus
from tenant_apps.tobacco_tax.models import TobaccoReturn
from tenants.services import onboard_lao
from tests.pao import citizen, officer, ordinance_settings, registered_business

pytestmark = pytest.mark.django_db
LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
PERIOD = LAST_MONTH.strftime("%Y-%m")


@pytest.fixture
def phrae(pao):
    with schema_context(pao.schema_name):
        ordinance_settings()
    return pao


@pytest.fixture
def chonburi(lao):
    other = lao("2200101")
    onboard_lao(lao=other)
    other.refresh_from_db()
    with schema_context(other.schema_name):
        ordinance_settings()
    return other


def as_dopa(client, user):
    client.force_login(user)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()
    return client


def api(client, lao, method, path, data=None, key=None):
    headers = {"HTTP_HOST": lao.host}
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
    call = getattr(client, method)
    return call(path, data, content_type="application/json", **headers) if method == "post" else call(path, **headers)


def issue_key(client, lao, business, owner):
    as_dopa(client, owner)
    response = api(client, lao, "post", f"/api/businesses/{business.pk}/api-keys/", {"name": "PMS"})
    assert response.status_code == 201
    client.logout()
    return response.json()["key"], response.json()["id"]


# --- a business's own software, with its key ------------------------------------------------------------

def test_filing_through_the_api_with_the_businesss_key(client, phrae):
    with schema_context(phrae.schema_name):
        business, owner = registered_business("tobacco")
    key, _key_id = issue_key(client, phrae, business, owner)
    body = {"period": PERIOD, "lines": [{"product": "cigarette", "quantity": 200000}]}

    preview = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/", {**body, "preview": True}, key=key)
    filed = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/", body, key=key)
    again = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/", body, key=key)

    assert preview.status_code == 200 and preview.json()["tax_amount"] == "18600.00"
    assert filed.status_code == 201 and filed.json()["tax_amount"] == "18600.00"
    assert filed.json()["amount_due"] == preview.json()["amount_due"]  # with any surcharge, as previewed
    assert again.status_code == 400 and again.json()["code"] == "already_filed"
    assert again.json()["additional_return_url"].endswith("/additional/")
    with schema_context(phrae.schema_name):
        ret = TobaccoReturn.objects.get(business=business)
        assert ret.filed_via == "api" and ret.api_key_prefix == key.split("_")[1] and ret.filed_by is None
    listed = api(client, phrae, "get", f"/api/businesses/{business.pk}/returns/", key=key)
    assert listed.status_code == 200 and len(listed.json()) == 1


def test_a_revoked_key_is_refused(client, phrae):
    with schema_context(phrae.schema_name):
        business, owner = registered_business("tobacco")
    key, key_id = issue_key(client, phrae, business, owner)
    as_dopa(client, owner)
    assert api(client, phrae, "post", f"/api/businesses/{business.pk}/api-keys/{key_id}/revoke/").status_code == 200
    client.logout()

    response = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/", {"period": PERIOD, "nil": True},
                   key=key)

    assert response.status_code == 401
    with schema_context(phrae.schema_name):
        assert not TobaccoReturn.objects.filter(business=business).exists()


def test_a_key_of_one_business_or_one_lao_is_useless_elsewhere(client, phrae, chonburi, sao):
    with schema_context(phrae.schema_name):
        business, owner = registered_business("tobacco")
        neighbour, _ = registered_business("tobacco")
    key, _ = issue_key(client, phrae, business, owner)
    with schema_context(chonburi.schema_name):
        chonburi_business, _ = registered_business("tobacco")

    other_business = api(client, phrae, "post", f"/api/businesses/{neighbour.pk}/returns/",
                         {"period": PERIOD, "nil": True}, key=key)
    other_lao = api(client, chonburi, "post", f"/api/businesses/{chonburi_business.pk}/returns/",
                    {"period": PERIOD, "nil": True}, key=key)
    municipal = api(client, sao, "get", "/api/officers/", key=key)

    assert other_business.status_code == 404  # not this key's business: the same answer as no such business
    assert other_lao.status_code == 401  # the key does not exist in Chonburi's schema
    assert municipal.status_code in (401, 403)
    with schema_context(chonburi.schema_name):
        assert not TobaccoReturn.objects.exists()


def test_a_key_cannot_issue_keys(client, phrae):
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    key, _ = issue_key(client, phrae, business, owner)
    response = api(client, phrae, "post", f"/api/businesses/{business.pk}/api-keys/", {"name": "x"}, key=key)
    assert response.status_code == 403


def test_a_filer_the_business_did_not_authorise_is_refused(client, phrae):
    with schema_context(phrae.schema_name):
        business, _owner = registered_business("hotel")
    as_dopa(client, citizen())
    response = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/",
                   {"period": PERIOD, "room_rent_total": "1000", "nights_total": 2})
    assert response.status_code == 404  # the same answer as for a business that does not exist
    with schema_context(phrae.schema_name):
        assert not HotelReturn.objects.exists()


# --- registration -------------------------------------------------------------------------------------

def test_registration_rules_and_the_clerks_decision(client, phrae):
    person = citizen()
    as_dopa(client, person)
    own = {"kind": "hotel", "name": "โรงแรมนครแพร่", "address": "29 ถนนราษฎร์ดำเนิน", "owner_type": "person",
           "owner_id_number": person.national_id, "owner_name": "นายทดสอบ", "operating_since": "2025-01-01",
           "rooms": 40}
    someone_else = {**own, "owner_id_number": citizen().national_id}
    company = {**own, "owner_type": "juristic", "owner_id_number": "0105536015230", "owner_name": "บริษัท ทดสอบ จำกัด"}

    assert api(client, phrae, "post", "/api/businesses/", someone_else).status_code == 403
    assert api(client, phrae, "post", "/api/businesses/", {**own, "rooms": None}).status_code == 400
    assert api(client, phrae, "post", "/api/businesses/", company).status_code == 403  # not confirmed authorised
    created = api(client, phrae, "post", "/api/businesses/", own)
    assert created.status_code == 201 and created.json()["status"] == "pending"
    assert api(client, phrae, "post", "/api/businesses/", {**company, "authorised": True}).status_code == 201

    clerk = officer(phrae, "clerk")
    client.force_login(clerk)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()
    queue = api(client, phrae, "get", "/api/pao/registrations/")
    assert {b["name"] for b in queue.json()} >= {"โรงแรมนครแพร่"}
    refused = api(client, phrae, "post", f"/api/pao/registrations/{created.json()['id']}/decide/", {"approve": False})
    assert refused.status_code == 400  # a refusal needs its reason
    approved = api(client, phrae, "post", f"/api/pao/registrations/{created.json()['id']}/decide/",
                   {"approve": True, "note": "ตรวจใบอนุญาตแล้ว"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_a_clerk_of_one_pao_cannot_decide_at_another(client, phrae, chonburi):
    with schema_context(chonburi.schema_name):
        from tenant_apps.businesses.services import business_register

        owner = citizen()
        pending = business_register(actor=owner, kind="tobacco", name="ร้านชลบุรี", address="x", owner_type="person",
                                    owner_id_number=owner.national_id, owner_name="x",
                                    operating_since=datetime.date(2025, 1, 1))
    client.force_login(officer(phrae, "clerk"))
    session = client.session
    session["auth_method"] = "dopa"
    session.save()
    response = api(client, chonburi, "post", f"/api/pao/registrations/{pending.pk}/decide/", {"approve": True})
    assert response.status_code == 403
    with schema_context(chonburi.schema_name):
        assert Business.objects.get(pk=pending.pk).status == BusinessStatus.PENDING


# --- the guest list ------------------------------------------------------------------------------------

GUESTS = ("guest_name,check_in,nights,room_rate\n"
          "สมชาย ใจดี,2026-03-02,2,1200.00\n"
          "\"Smith, John\",05/03/2569,3,1500\n")


def test_guest_list_csv_gives_the_rent_total():
    guests = read_guest_csv(GUESTS.encode("utf-8"), period=datetime.date(2026, 3, 1))
    assert [g["rent"] for g in guests] == [Decimal("2400.00"), Decimal("4500")]
    assert guests[1]["guest_name"] == "Smith, John" and guests[1]["check_in"] == datetime.date(2026, 3, 5)


def test_guest_list_with_broken_rows_names_each_line_and_saves_nothing(client, phrae):
    from django.core.exceptions import ValidationError

    broken = GUESTS + ",2026-03-09,1,900\n" + "สมศรี,2026-04-01,1,900\n" + "มานะ,2026-03-10,0,900\n" + \
        "ปิติ,2026-03-10,1,-5\n" + "ชูใจ,31/02/2569,1,900\n"
    from django.utils import translation

    with pytest.raises(ValidationError) as caught, translation.override("en"):
        read_guest_csv(broken.encode(), period=datetime.date(2026, 3, 1))
    messages = caught.value.messages
    for line in (4, 5, 6, 7, 8):
        assert any(m.startswith(f"line {line}:") for m in messages), (line, messages)
    with pytest.raises(ValidationError) as in_thai:  # the filer's language by default
        read_guest_csv(broken.encode(), period=datetime.date(2026, 3, 1))
    assert in_thai.value.messages[0].startswith("บรรทัดที่ 4")

    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    as_dopa(client, owner)
    upload = io.BytesIO(broken.replace("2026-03", LAST_MONTH.strftime("%Y-%m")).encode())
    upload.name = "guests.csv"
    page = client.post(f"/businesses/{business.pk}/file/", {"period": PERIOD, "step": "confirm", "guest_list": upload},
                       HTTP_HOST=phrae.host)
    assert page.status_code == 400 and page.context["errors"]
    with schema_context(phrae.schema_name):
        assert not HotelReturn.objects.exists()


# --- the pages ------------------------------------------------------------------------------------------

def test_filer_previews_then_files_and_the_officer_reviews_on_the_pages(client, phrae):
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    as_dopa(client, owner)
    form = {"period": PERIOD, "room_rent_total": "125000.00", "nights_total": "300"}

    preview = client.post(f"/businesses/{business.pk}/file/", {**form, "step": "preview"}, HTTP_HOST=phrae.host)
    assert preview.status_code == 200 and preview.context["assessment"].tax == Decimal("2500.00")
    with schema_context(phrae.schema_name):
        assert not HotelReturn.objects.exists()  # a preview saves nothing
    filed = client.post(f"/businesses/{business.pk}/file/", {**form, "step": "confirm"}, HTTP_HOST=phrae.host)
    assert filed.status_code == 302
    page = client.get(f"/businesses/{business.pk}/", HTTP_HOST=phrae.host)
    with schema_context(phrae.schema_name):
        assert f"{HotelReturn.objects.get(business=business).amount_due:,.2f}" in page.content.decode()

    clerk = officer(phrae, "clerk")
    as_dopa(client, clerk)
    with schema_context(phrae.schema_name):
        ret = HotelReturn.objects.get(business=business)
    queue = client.get("/pao/returns/", HTTP_HOST=phrae.host)
    assert business.name in queue.content.decode()
    decided = client.post(f"/pao/returns/hotel/{ret.pk}/", {"decision": "accept"}, HTTP_HOST=phrae.host)
    assert decided.status_code == 302
    with schema_context(phrae.schema_name):
        assert HotelReturn.objects.get(pk=ret.pk).status == ReturnStatus.ACCEPTED


def test_registration_page_and_approval_page(client, phrae):
    person = citizen()
    as_dopa(client, person)
    response = client.post("/businesses/register/", {
        "kind": "fuel", "name": "สถานีบริการน้ำมันแพร่", "address": "1 ถนนยันตรกิจโกศล", "owner_type": "person",
        "owner_id_number": person.national_id, "owner_name": "นายทดสอบ", "operating_since": "2025-01-01",
        "fuel_kinds": ["diesel", "petrol"], "trade_mode": "retail"}, HTTP_HOST=phrae.host)
    assert response.status_code == 302
    with schema_context(phrae.schema_name):
        business = Business.objects.get(name="สถานีบริการน้ำมันแพร่")
    as_dopa(client, officer(phrae, "clerk"))
    assert "สถานีบริการน้ำมันแพร่" in client.get("/pao/registrations/", HTTP_HOST=phrae.host).content.decode()
    client.post("/pao/registrations/", {"business": business.pk, "decision": "approve"}, HTTP_HOST=phrae.host)
    with schema_context(phrae.schema_name):
        assert Business.objects.get(pk=business.pk).status == BusinessStatus.APPROVED


def test_overdue_page_and_ordinance_settings_page(client, phrae):
    with schema_context(phrae.schema_name):
        registered_business("tobacco", name="ร้านยังไม่ยื่น")
    as_dopa(client, officer(phrae, "clerk", "finance"))
    two_months_ago = (LAST_MONTH - datetime.timedelta(days=1)).replace(day=1)
    page = client.get(f"/pao/overdue/?period={two_months_ago:%Y-%m}", HTTP_HOST=phrae.host)
    assert page.status_code == 200 and "ร้านยังไม่ยื่น" in page.content.decode()
    saved = client.post("/pao/ordinances/", {"form": "rate", "product": "cigar", "rate": "11",
                                             "effective_from": "2026-10-01", "ordinance": "x"}, HTTP_HOST=phrae.host)
    assert saved.status_code == 200  # refused: above the 10-satang cap, shown on the page
    assert "10" in saved.content.decode()


@pytest.mark.parametrize("kind, fields", [
    ("fuel", {"diesel_opening": "1000", "diesel_received": "500", "diesel_sold": "300", "diesel_closing": "1200"}),
    ("tobacco", {"cigarette_quantity": "200000"}),
])
def test_return_forms_of_fuel_and_tobacco(client, phrae, kind, fields):
    with schema_context(phrae.schema_name):
        business, owner = registered_business(kind)
    as_dopa(client, owner)
    form = client.get(f"/businesses/{business.pk}/file/", HTTP_HOST=phrae.host)
    assert form.status_code == 200
    preview = client.post(f"/businesses/{business.pk}/file/", {"period": PERIOD, "step": "preview", **fields},
                          HTTP_HOST=phrae.host)
    assert preview.status_code == 200, preview.context.get("errors")
    expected = {"fuel": Decimal("13.62"), "tobacco": Decimal("18600.00")}[kind]  # 300 L × 4.54 satang
    assert preview.context["assessment"].tax == expected
    wrong = {**fields, "diesel_closing": "1100"} if kind == "fuel" else {"cigarette_quantity": "-5"}
    refused = client.post(f"/businesses/{business.pk}/file/", {"period": PERIOD, "step": "confirm", **wrong},
                          HTTP_HOST=phrae.host)
    assert refused.status_code == 400 and refused.context["errors"]
