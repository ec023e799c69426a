"""The open-data reports: public aggregates with the documented filters, small groups hidden, a province's
figures only when asked, and a 400 (never a 500) for a malformed filter."""
import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from tests.test_oversight_selectors import FY, figures  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": settings.BASE_DOMAIN}


def get(client, path, **params):
    return client.get(f"/api/reports/{path}/", params, **HOST)


def test_revenue_by_month_province_and_lao_with_small_groups_hidden(client, figures):  # noqa: F811
    answer = get(client, "revenue", fiscal_year=FY)
    assert answer.status_code == 200
    body = answer.json()
    assert body["threshold"] == 3 and len(body["rows"]) == 12
    october = body["rows"][0]
    assert october["key"] == "2025-10-01"
    assert october == {"key": "2025-10-01", "label": "2025-10-01", "amount": "1500.50", "payments": 3,
                       "suppressed": False}  # 3 payments to a PAO with 12 hotels
    hidden = [r["key"] for r in body["rows"] if r["suppressed"]]
    assert hidden == ["2026-01-01", "2026-03-01", "2026-09-01"]  # 2, 1 and 1 payments
    assert body["rows"][5]["amount"] is None and body["rows"][5]["payments"] is None
    assert body["rows"][2]["amount"] == "600.00"
    provinces = {r["key"]: r for r in get(client, "revenue", fiscal_year=FY, group_by="province").json()["rows"]}
    assert provinces["20"] == {"key": "20", "label": provinces["20"]["label"], "amount": "600.00", "payments": 3,
                               "suppressed": False}
    laos = {r["key"]: r for r in get(client, "revenue", fiscal_year=FY, group_by="lao").json()["rows"]}
    assert laos["6540113"]["suppressed"] is True and laos["6540113"]["amount"] is None  # one payment
    assert laos["3200408"]["amount"] == "600.00"


def test_businesses_make_a_pao_revenue_visible(client, figures):  # noqa: F811
    from shared_apps.oversight.services import businesses_publish

    businesses_publish(lao_id=figures["phrae_pao"].pk, rows=[{"service": "hotel_fee", "registered": 3, "pending": 0,
                                                              "closed": 0}], replace=True)
    hotel = get(client, "revenue", fiscal_year=FY, service="hotel_fee", group_by="lao").json()
    assert hotel["rows"] == [{"key": "2540101", "label": "องค์การบริหารส่วนจังหวัดแพร่", "amount": "1500.50",
                              "payments": 3, "suppressed": False}]
    petroleum = get(client, "revenue", fiscal_year=FY, service="petroleum_tax", group_by="lao").json()
    assert petroleum["rows"][0]["suppressed"] is True and petroleum["total"]["amount"] is None


def test_every_report_limited_to_a_province(client, figures):  # noqa: F811
    for path, group in (("revenue", "lao"), ("filing", "lao"), ("permits", "lao")):
        rows = get(client, path, fiscal_year=FY, province="20", group_by=group).json()["rows"]
        assert rows and all(row["key"] in ("3200408", "2200101") for row in rows), path
        other = get(client, path, fiscal_year=FY, province="54", group_by=group).json()["rows"]
        assert not {row["key"] for row in other} & {"3200408", "2200101"}, path


def test_filing_hides_fewer_than_three_businesses_and_permits_are_counted(client, figures):  # noqa: F811
    from shared_apps.oversight.services import filing_publish

    filing_publish(lao_id=figures["phrae_pao"].pk, rows=[
        {"service": "tobacco_tax", "period": datetime.date(2025, 10, 1), "deadline": datetime.date(2025, 11, 20),
         "should_file": 2, "filed": 1, "on_time": 0, "late": 1}])
    by_service = {r["key"]: r for r in get(client, "filing", fiscal_year=FY, group_by="service").json()["rows"]}
    # every month of fiscal year 2569 is past its deadline by now (the API counts up to today)
    assert by_service["tobacco_tax"]["suppressed"] is True and by_service["tobacco_tax"]["late"] is None
    assert by_service["petroleum_tax"]["suppressed"] is True  # secondary: the next smallest, 4 business-months
    assert by_service["hotel_fee"] == {"key": "hotel_fee", "label": by_service["hotel_fee"]["label"],
                                       "should_file": 40, "filed": 22, "on_time": 15, "late": 7, "not_filed": 18,
                                       "suppressed": False}
    permits = get(client, "permits", fiscal_year=FY).json()
    assert permits["total"]["received"] == 12 and permits["total"]["issued"] == 8
    assert {r["key"] for r in permits["rows"]} == {"3200408", "6540113"}
    assert get(client, "permits", fiscal_year=FY, group_by="month", month=11).json()["rows"][0]["approved"] == 9


@pytest.mark.parametrize("params", [
    {"fiscal_year": "abc"}, {"fiscal_year": "99999999999999999999"}, {"fiscal_year": "1"}, {"province": "1"},
    {"province": "x\x00"}, {"lao": "12345678"}, {"service": "beer"}, {"month": "13"}, {"month": "0"},
    {"group_by": "owner"}, {"lao_type": "bank"}, {"fiscal_year": ["2569", "x"]}])
@pytest.mark.parametrize("path", ["revenue", "filing", "permits"])
def test_a_malformed_filter_is_a_400_that_says_which(client, path, params):
    answer = get(client, path, **params)
    assert answer.status_code == 400, answer.content
    assert set(answer.json()) & set(params)


def test_reports_are_in_the_public_openapi_schema(client):
    schema = client.get("/api/schema/?format=json", **HOST).json()
    for path in ("/api/reports/revenue/", "/api/reports/filing/", "/api/reports/permits/"):
        operation = schema["paths"][path]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"fiscal_year", "province", "lao", "service", "month", "group_by"} <= names
        assert {"200", "400", "429"} <= set(operation["responses"])
