"""Every money and number input bounded end to end: NaN, Infinity, 1e400, more digits than the column holds,
negatives and too many decimals get a message naming the field (Thai first, English), on the page (the field
marked) and as 400 on the API; nothing is saved and no overflow reaches the database."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_tenants.utils import schema_context

from shared_apps.money import MoneyError, largest, parse_amount, parse_count
from tenant_apps.advertising.models import AdvertisingPolicy, Application
from tenant_apps.hotel_fee.models import HotelReturn
from tenant_apps.ordinances.models import FilingRule, OrdinanceRate
from tenant_apps.ordinances.services import ordinance_rate_record
from tenant_apps.pao_filing.models import ReturnStatus
from tenant_apps.pao_filing.services import return_file, return_preview
from tenant_apps.petroleum_tax.models import PetroleumReturn
from tenant_apps.tobacco_tax.models import TobaccoReturn
from tests.pao import ORDINANCE, citizen, officer, registered_business
from tests.test_pao_api_and_pages import LAST_MONTH, PERIOD, api, as_dopa, issue_key, phrae  # noqa: F401

pytestmark = pytest.mark.django_db
# What people (and programs) type that is not an amount of baht: each refused, naming the field.
BAD_AMOUNTS = ["NaN", "nan", "Infinity", "-Infinity", "inf", "sNaN", "1e400", "10000000000000", "1000000000000",
               "-1", "1.234", "abc", "1,2,3.4.5"]
BAD_QUANTITIES = ["NaN", "Infinity", "1e400", "10000000000000", "-1", "1.2345", "abc"]
BAD_COUNTS = ["NaN", "Infinity", "1e400", "1.5", "-1", "abc", "99999999999999999999999", "9" * 5000, "+-1", "1 2"]


def marked(response, name) -> bool:
    return f'aria-invalid="true" aria-describedby="e-{name}"' in response.content.decode()


def errors_of(response) -> str:
    return " ".join(response.context.get("errors") or [])


# --- the parser ------------------------------------------------------------------------------------------

def test_parse_amount_bounds_by_the_column_and_names_the_field():
    with translation.override("en"):
        for value in BAD_AMOUNTS:
            with pytest.raises(MoneyError) as caught:
                parse_amount(value, max_digits=14, places=2, field="Room rent (baht)")
            assert caught.value.message.startswith("Room rent (baht)"), (value, caught.value.message)
        with pytest.raises(MoneyError) as caught:
            parse_amount("1000000000000", max_digits=14, places=2, field="Room rent (baht)")
        assert caught.value.code == "too_large" and "999,999,999,999.99" in caught.value.message
    with pytest.raises(MoneyError) as in_thai:
        parse_amount("NaN", max_digits=14, places=2, field="ค่าเช่าห้องพัก (บาท)")
    assert in_thai.value.message == "ค่าเช่าห้องพัก (บาท): “NaN” ไม่ใช่ตัวเลข"
    assert parse_amount("999,999,999,999.99", max_digits=14, places=2) == Decimal("999999999999.99")
    assert largest(max_digits=7, places=4) == Decimal("999.9999")
    # the behaviour existing callers rely on is kept: no bound unless asked, the old short messages
    assert parse_amount("1e400") == Decimal("1e400")
    with pytest.raises(MoneyError, match="^negative$"):
        parse_amount("-1")
    with pytest.raises(MoneyError, match="^more than 2 decimals$"):
        parse_amount("1.001")


def test_parse_count_is_a_whole_number_within_its_bounds():
    with translation.override("en"):
        for value in BAD_COUNTS + [True, float("nan"), float("inf")]:
            with pytest.raises(MoneyError) as caught:
                parse_count(value, field="Room nights", maximum=310_000)
            assert caught.value.message.startswith("Room nights"), value
    assert parse_count("1,200", field="x", maximum=310_000) == 1200
    assert parse_count(3.0, field="x", maximum=10) == 3
    assert parse_count("๑๒", field="x", maximum=100) == 12  # Thai digits are digits


# --- the hotel return: page and API ---------------------------------------------------------------------

@pytest.mark.parametrize("value", BAD_AMOUNTS)
def test_room_rent_on_the_page_and_the_api(client, phrae, value):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    key, _ = issue_key(client, phrae, business, owner)
    as_dopa(client, owner)
    for step in ("preview", "confirm"):
        page = client.post(f"/businesses/{business.pk}/file/", {"period": PERIOD, "step": step,
                                                                "room_rent_total": value, "nights_total": "3"},
                           HTTP_HOST=phrae.host)
        assert page.status_code == 400 and "ค่าเช่าห้องพัก (บาท)" in errors_of(page), (value, errors_of(page))
        assert marked(page, "room_rent_total")
        assert f'value="{value}"' in page.content.decode()  # what was typed stays, to be corrected
    client.logout()
    response = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/",
                   {"period": PERIOD, "room_rent_total": value, "nights_total": 3}, key=key)
    assert response.status_code == 400, value
    assert "ค่าเช่าห้องพัก (บาท)" in response.json()["fields"]["room_rent_total"][0]
    with schema_context(phrae.schema_name):
        assert not HotelReturn.objects.exists()


def test_a_rent_of_ten_to_the_thirteen_is_refused_at_the_preview_not_a_500_on_filing(client, phrae):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    as_dopa(client, owner)
    client.cookies["django_language"] = "en"
    page = client.post(f"/businesses/{business.pk}/file/", {"period": PERIOD, "step": "preview",
                                                            "room_rent_total": "10000000000000"}, HTTP_HOST=phrae.host)
    assert page.status_code == 400
    assert "Room rent (baht): 10000000000000 is too large; at most 999,999,999,999.99." in errors_of(page)
    largest_rent = client.post(f"/businesses/{business.pk}/file/", {"period": PERIOD, "step": "preview",
                                                                    "room_rent_total": "999999999999.99"},
                               HTTP_HOST=phrae.host)
    assert largest_rent.status_code == 200 and largest_rent.context["assessment"].tax == Decimal("20000000000.00")


@pytest.mark.parametrize("value", BAD_COUNTS + ["310001"])
def test_room_nights_on_the_page(client, phrae, value):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    as_dopa(client, owner)
    page = client.post(f"/businesses/{business.pk}/file/", {"period": PERIOD, "step": "preview",
                                                            "room_rent_total": "1000", "nights_total": value},
                       HTTP_HOST=phrae.host)
    assert page.status_code == 400 and "จำนวนคืนที่เข้าพัก" in errors_of(page), value
    assert marked(page, "nights_total")


@pytest.mark.parametrize("value", [-1, 10 ** 12, "1e400", "NaN", 1.5])
def test_room_nights_on_the_api(client, phrae, value):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    key, _ = issue_key(client, phrae, business, owner)
    response = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/",
                   {"period": PERIOD, "room_rent_total": "1000", "nights_total": value}, key=key)
    assert response.status_code == 400 and "nights_total" in response.json()


@pytest.mark.parametrize("column, value, named", [
    ("room_rate", "NaN", "ค่าห้อง"), ("room_rate", "Infinity", "ค่าห้อง"),
    ("room_rate", "1e400", "ค่าห้องต่อคืน"), ("room_rate", "10000000000", "ค่าห้องต่อคืน"),
    ("room_rate", "-5", "ค่าห้อง"), ("room_rate", "1.234", "ค่าห้อง"),
    ("nights", "1e400", "จำนวนคืน"), ("nights", "367", "จำนวนคืน"), ("nights", "NaN", "จำนวนคืน"),
    ("nights", "99999999999999999999", "จำนวนคืน"),
])
def test_the_guest_list_bounds_each_row_and_names_its_line(client, phrae, column, value, named):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
    key, _ = issue_key(client, phrae, business, owner)
    row = {"guest_name": "สมชาย", "check_in": LAST_MONTH.replace(day=2).isoformat(), "nights": "2",
           "room_rate": "1000", column: value}
    upload = io.BytesIO(("guest_name,check_in,nights,room_rate\n" + ",".join(
        row[k] for k in ("guest_name", "check_in", "nights", "room_rate")) + "\n").encode())
    upload.name = "guests.csv"
    as_dopa(client, owner)
    page = client.post(f"/businesses/{business.pk}/file/", {"period": PERIOD, "step": "preview", "guest_list": upload},
                       HTTP_HOST=phrae.host)
    assert page.status_code == 400 and marked(page, "guest_list")
    assert "บรรทัดที่ 2" in errors_of(page) and named in errors_of(page), errors_of(page)
    client.logout()
    response = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/",
                   {"period": PERIOD, "guests": [row]}, key=key)
    assert response.status_code == 400 and named in response.json()["fields"]["guests"][0]
    with schema_context(phrae.schema_name):
        assert not HotelReturn.objects.exists()


def test_a_stay_whose_rent_the_line_cannot_hold_is_refused(phrae):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, _owner = registered_business("hotel")
        with pytest.raises(ValidationError) as caught:
            return_preview(business=business, period=LAST_MONTH, data={"guests": [
                {"guest_name": "x", "check_in": LAST_MONTH.isoformat(), "nights": 366, "room_rate": "9999999999.99"}]})
    assert "guests" in caught.value.message_dict


# --- fuel and tobacco ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["opening", "received", "sold", "closing"])
@pytest.mark.parametrize("value", BAD_QUANTITIES)
def test_each_stock_figure_on_the_page_and_the_api(client, phrae, name, value):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("fuel")
    key, _ = issue_key(client, phrae, business, owner)
    line = {"opening": "1000", "received": "500", "sold": "300", "closing": "1200", name: value}
    heading = {"opening": "ยอดยกมา", "received": "รับเข้า", "sold": "จำหน่ายในเขตจังหวัด", "closing": "คงเหลือยกไป"}[name]
    as_dopa(client, owner)
    page = client.post(f"/businesses/{business.pk}/file/",
                       {"period": PERIOD, "step": "preview", **{f"diesel_{k}": v for k, v in line.items()}},
                       HTTP_HOST=phrae.host)
    assert page.status_code == 400 and marked(page, f"diesel_{name}"), value
    assert heading in errors_of(page) and "ดีเซล" in errors_of(page), errors_of(page)
    client.logout()
    response = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/",
                   {"period": PERIOD, "lines": [{"product": "diesel", **line}]}, key=key)
    assert response.status_code == 400 and heading in response.json()["fields"][f"diesel_{name}"][0]
    with schema_context(phrae.schema_name):
        assert not PetroleumReturn.objects.exists()


def test_litres_that_fit_their_column_but_whose_totals_do_not_are_refused(phrae):  # noqa: F811
    """9 × 10^12 L of each of three fuels fits a line (16 digits) but not the return's total (2.7 × 10^13);
    at 10 satang, 9,999,999,999,999.999 L is a tax of 1,000,000,000,000.00: more than 14 digits hold."""
    with schema_context(phrae.schema_name):
        business, owner = registered_business("fuel")
        huge = "9000000000000"
        lines = [{"product": p, "opening": "0", "received": huge, "sold": huge, "closing": "0"}
                 for p in ("petrol", "diesel", "vehicle_gas")]
        with translation.override("en"), pytest.raises(ValidationError) as total:
            return_file(business=business, period=LAST_MONTH, actor=owner, data={"lines": lines})
        assert "total declared" in total.value.messages[0] and total.value.code == "too_large"
        ordinance_rate_record(product="petrol", rate="10", effective_from=LAST_MONTH, ordinance=ORDINANCE, actor=None)
        most = "9999999999999.999"
        with translation.override("en"), pytest.raises(ValidationError) as tax:
            return_file(business=business, period=LAST_MONTH, actor=owner, data={"lines": [
                {"product": "petrol", "opening": "0", "received": most, "sold": most, "closing": "0"}]})
        assert "tax or fee" in tax.value.messages[0] and "1,000,000,000,000.00" in tax.value.messages[0]
        assert not PetroleumReturn.objects.exists()


@pytest.mark.parametrize("value", BAD_COUNTS + ["10000000001"])
def test_cigarettes_on_the_page_and_the_api(client, phrae, value):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("tobacco")
    key, _ = issue_key(client, phrae, business, owner)
    as_dopa(client, owner)
    page = client.post(f"/businesses/{business.pk}/file/", {"period": PERIOD, "step": "preview",
                                                            "cigarette_quantity": value}, HTTP_HOST=phrae.host)
    assert page.status_code == 400 and marked(page, "cigarette_quantity"), value
    assert "บุหรี่" in errors_of(page)
    client.logout()
    response = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/",
                   {"period": PERIOD, "lines": [{"product": "cigarette", "quantity": value}]}, key=key)
    assert response.status_code == 400 and "cigarette_quantity" in response.json()["fields"]
    with schema_context(phrae.schema_name):
        assert not TobaccoReturn.objects.exists()


# --- additional returns ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e400", "10000000000000", "-1", "1.234"])
def test_additional_return_figures_on_the_page_and_the_api(client, phrae, value):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
        original = return_file(business=business, period=LAST_MONTH, actor=owner, data={"room_rent_total": "1000"})
    key, _ = issue_key(client, phrae, business, owner)
    as_dopa(client, owner)
    page = client.post(f"/businesses/{business.pk}/returns/{original.pk}/additional/",
                       {"step": "preview", "room_rent_total": value}, HTTP_HOST=phrae.host)
    assert page.status_code == 400 and marked(page, "room_rent_total")
    assert "ค่าเช่าห้องพัก (บาท)" in errors_of(page)
    client.logout()
    response = api(client, phrae, "post", f"/api/businesses/{business.pk}/returns/{original.pk}/additional/",
                   {"room_rent_total": value}, key=key)
    assert response.status_code == 400 and "room_rent_total" in response.json()["fields"]
    with schema_context(phrae.schema_name):
        assert HotelReturn.objects.filter(business=business).count() == 1


# --- the officers' inputs: the assessed tax, ordinance rates and filing rules --------------------------------

@pytest.mark.parametrize("value", BAD_AMOUNTS)
def test_the_assessed_tax_on_the_page_and_the_api(client, phrae, value):  # noqa: F811
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
        ret = return_file(business=business, period=LAST_MONTH, actor=owner, data={"room_rent_total": "1000"})
    as_dopa(client, officer(phrae, "approver"))
    page = client.post(f"/pao/returns/hotel/{ret.pk}/", {"decision": "assess", "reason": "ตรวจพบ",
                                                         "tax_amount": value}, HTTP_HOST=phrae.host)
    assert page.status_code == 400 and marked(page, "tax_amount")
    assert "ภาษีที่ประเมิน (บาท)" in errors_of(page), errors_of(page)
    response = api(client, phrae, "post", f"/api/pao/returns/hotel/{ret.pk}/review/",
                   {"decision": "assess", "reason": "ตรวจพบ", "tax_amount": value})
    assert response.status_code == 400 and "tax_amount" in response.json()["fields"]
    with schema_context(phrae.schema_name):
        ret.refresh_from_db()
        assert ret.status == ReturnStatus.FILED and ret.assessed_tax_amount is None


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "sNaN", "1e400", "10000000000000", "-1",
                                   "1.23456", "abc", ""])
def test_an_ordinance_rate_that_is_not_a_rate_is_refused_on_the_page(client, phrae, value):  # noqa: F811
    as_dopa(client, officer(phrae, "finance"))
    with schema_context(phrae.schema_name):
        before = OrdinanceRate.objects.count()
    page = client.post("/pao/ordinances/", {"form": "rate", "product": "room_rent", "rate": value,
                                            "effective_from": "2026-10-01", "ordinance": "x"}, HTTP_HOST=phrae.host)
    assert page.status_code == 200 and "อัตรา" in errors_of(page)  # the page shows the refusal (as before)
    assert marked(page, "rate")
    with schema_context(phrae.schema_name):
        assert OrdinanceRate.objects.count() == before


@pytest.mark.parametrize("name, value", [
    (name, value) for name in ("surcharge_percent_per_month", "surcharge_cap_percent", "penalty_percent")
    for value in ("NaN", "Infinity", "1e400", "10000000000000", "-1", "1.234", "abc")
] + [("surcharge_percent_per_month", "100.01"), ("penalty_percent", "101")] + [
    ("deadline_day", value) for value in ("NaN", "0", "29", "1e400", "-1", "abc", "")])
def test_a_filing_rule_figure_that_is_not_one_is_refused_on_the_page(client, phrae, name, value):  # noqa: F811
    as_dopa(client, officer(phrae, "finance"))
    client.cookies["django_language"] = "en"
    form = {"form": "rule", "revenue": "tobacco_tax", "deadline_day": "20", "surcharge_percent_per_month": "1.5",
            "surcharge_cap_percent": "", "penalty_percent": "0", "effective_from": "2026-10-01", "ordinance": "x",
            name: value}
    with schema_context(phrae.schema_name):
        before = FilingRule.objects.count()
    page = client.post("/pao/ordinances/", form, HTTP_HOST=phrae.host)
    label = {"surcharge_percent_per_month": "Surcharge, % per month", "surcharge_cap_percent": "Surcharge cap",
             "penalty_percent": "Penalty for late filing", "deadline_day": "Due by day of the following month"}[name]
    assert label in errors_of(page), errors_of(page)
    assert marked(page, {"surcharge_percent_per_month": "sur", "surcharge_cap_percent": "cap",
                         "penalty_percent": "pen", "deadline_day": "day"}[name])
    with schema_context(phrae.schema_name):
        assert FilingRule.objects.count() == before


# --- advertising: notices and sizes ----------------------------------------------------------------------

APPLICATION = {"method": "posting", "message_gist": "ตลาดนัด", "width_m": "1.20", "height_m": "2.40",
               "notice_count": 5, "undertakes_removal": True,
               "locations": [{"description": "หน้าตลาด"}]}


@pytest.mark.parametrize("name, value", [
    ("notice_count", 10 ** 12), ("notice_count", 1_000_001), ("notice_count", "NaN"), ("notice_count", "1e400"),
    ("width_m", "NaN"), ("width_m", "Infinity"), ("width_m", "1e400"), ("width_m", "1000"), ("width_m", "1.234"),
    ("height_m", "-Infinity"), ("height_m", "10000000000000")])
def test_advertising_figures_on_the_api_and_the_page(client, sao, name, value):
    start = datetime.date.today() + datetime.timedelta(days=10)
    applicant = citizen()
    as_dopa(client, applicant)
    body = {**APPLICATION, "start_date": start.isoformat(), "end_date": (start + datetime.timedelta(days=5)).isoformat(),
            name: value}
    response = client.post("/api/advertising/applications/", body, content_type="application/json", HTTP_HOST=sao.host)
    assert response.status_code == 400 and name in response.json()
    page = client.post("/advertising/applications/new/", {
        **{k: v for k, v in body.items() if k != "locations"}, "applicant_type": "person", "location": "หน้าตลาด"},
        HTTP_HOST=sao.host)
    assert page.status_code == 400 and page.context["form"].errors.get(name)
    with schema_context(sao.schema_name):
        assert not Application.objects.exists()


@pytest.mark.parametrize("name, value", [("max_notices", 10 ** 12), ("max_days", 10 ** 10), ("decision_days", 367),
                                         ("apply_days_ahead", 10 ** 15), ("fee_amount", "NaN"),
                                         ("max_width_m", "1e400")])
def test_the_advertising_conditions_are_bounded(client, sao, name, value):
    from tenant_apps.advertising.views import PolicyForm

    data = {"fee_basis": "per_sign", "fee_amount": "200", "max_width_m": "1.20", "max_height_m": "2.40",
            "max_days": "30", "max_notices": "100", "apply_days_ahead": "7", "decision_days": "15",
            "signer_title": "นายก", name: value}
    form = PolicyForm(data)
    assert not form.is_valid() and name in form.errors
    with schema_context(sao.schema_name):
        assert not AdvertisingPolicy.objects.filter(max_notices=10 ** 12).exists()


def test_ordinary_figures_still_file(phrae):  # noqa: F811
    """The bounds refuse nothing ordinary: a big hotel's month and a big depot's month."""
    with schema_context(phrae.schema_name):
        hotel, owner = registered_business("hotel")
        ret = return_file(business=hotel, period=LAST_MONTH, actor=owner,
                          data={"room_rent_total": "12,500,000.50", "nights_total": "9,300"})
        assert ret.tax_amount == Decimal("250000.01")  # 12,500,000.50 × 2 % = 250,000.01
        depot, depot_owner = registered_business("fuel")
        fuel = return_file(business=depot, period=LAST_MONTH, actor=depot_owner, data={"lines": [
            {"product": "diesel", "opening": "1000000.5", "received": "25000000", "sold": "24500000.25",
             "closing": "1500000.25"}]})
        assert fuel.tax_amount == Decimal("1112300.01")  # 24,500,000.25 L × 4.54 satang = 1,112,300.01135


def test_an_assessed_tax_whose_surcharge_would_overflow_the_amount_due_is_refused(client, phrae):  # noqa: F811
    """999,999,999,999.99 fits the assessed-tax column, but two months late at 1.5 % a month it would charge
    1,029,999,999,999.99: more than the amount due can hold. Refused with a message, nothing changed."""
    with schema_context(phrae.schema_name):
        business, owner = registered_business("hotel")
        two_months_late = (LAST_MONTH + datetime.timedelta(days=75)).replace(day=15)
        ret = return_file(business=business, period=LAST_MONTH, actor=owner, today=two_months_late,
                          data={"room_rent_total": "1000"})
        assert ret.months_late == 2
    as_dopa(client, officer(phrae, "approver"))
    client.cookies["django_language"] = "en"
    page = client.post(f"/pao/returns/hotel/{ret.pk}/", {"decision": "assess", "reason": "ตรวจพบ",
                                                         "tax_amount": "999999999999.99"}, HTTP_HOST=phrae.host)
    assert page.status_code == 400 and "1,029,999,999,999.99" in errors_of(page)
    assert "Assessed tax (baht)" in errors_of(page) and marked(page, "tax_amount")
    with schema_context(phrae.schema_name):
        ret.refresh_from_db()
        assert ret.status == ReturnStatus.FILED and ret.assessed_tax_amount is None
