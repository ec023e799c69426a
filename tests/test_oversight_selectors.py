"""The dashboards' selectors over published figures: totals and trends by Thai fiscal year and month, by province,
type and service, top and bottom LAOs, filing compliance per PAO, permits per LAO, onboarding counts — and each
one limited to a province when given one."""
import datetime
from decimal import Decimal

import pytest

from shared_apps.oversight import selectors as s
from shared_apps.oversight.services import (businesses_publish, filing_publish, permits_publish,
                                            revenue_add_rows)
from shared_apps.oversight.models import RevenueAreaMonth
from tenants.models import LAO, LAOType

pytestmark = pytest.mark.django_db
D = Decimal
FY = 2569  # 1 Oct 2025 – 30 Sep 2026
TODAY = datetime.date(2026, 9, 1)


@pytest.fixture
def figures(lao):
    phrae_pao, town, sao, pattaya = lao("pao"), lao("town"), lao("sao"), lao("pattaya")
    chonburi_pao = LAO.objects.get(dla_code="2200101")
    # The national roll-up has no LAO key: a LAO another module committed and forgot leaves its share behind
    # (area_rollup_rebuild() sets it right); this test starts from none, rolled back after.
    RevenueAreaMonth.objects.all().delete()
    revenue_add_rows(lao_id=phrae_pao.pk, rows=[
        ("hotel_fee", "counter", datetime.date(2025, 10, 3), D("1000.00"), 2),
        ("hotel_fee", "bank", datetime.date(2025, 10, 4), D("500.50"), 1),
        ("petroleum_tax", "statement", datetime.date(2026, 3, 10), D("2000.00"), 1),
        ("hotel_fee", "counter", datetime.date(2024, 10, 3), D("750.25"), 1),  # fiscal year 2568
    ])
    revenue_add_rows(lao_id=town.pk, rows=[("advertising", "counter", datetime.date(2026, 1, 5), D("400.00"), 2)])
    revenue_add_rows(lao_id=sao.pk, rows=[("advertising", "bank", datetime.date(2026, 9, 30), D("200.00"), 1)])
    revenue_add_rows(lao_id=pattaya.pk, rows=[("advertising", "counter", datetime.date(2025, 12, 1), D("600.00"), 3),
                                              ("advertising", "counter", datetime.date(2026, 10, 1), D("9.00"), 1)])
    filing_publish(lao_id=phrae_pao.pk, rows=[
        {"service": "hotel_fee", "period": datetime.date(2025, 10, 1), "deadline": datetime.date(2025, 11, 10),
         "should_file": 10, "filed": 9, "on_time": 7, "late": 2},
        {"service": "petroleum_tax", "period": datetime.date(2025, 11, 1), "deadline": datetime.date(2025, 12, 20),
         "should_file": 4, "filed": 4, "on_time": 4, "late": 0},
        {"service": "hotel_fee", "period": datetime.date(2026, 8, 1), "deadline": datetime.date(2026, 9, 10),
         "should_file": 10, "filed": 3, "on_time": 3, "late": 0},  # deadline not passed on TODAY
    ])
    filing_publish(lao_id=chonburi_pao.pk, rows=[
        {"service": "hotel_fee", "period": datetime.date(2025, 10, 1), "deadline": datetime.date(2025, 11, 10),
         "should_file": 20, "filed": 10, "on_time": 5, "late": 5}])
    permits_publish(lao_id=sao.pk, rows=[
        {"month": datetime.date(2025, 11, 1), "received": 5, "approved": 3, "refused": 1, "decided_in_time": 3,
         "decided_late": 1, "issued": 2}])
    permits_publish(lao_id=pattaya.pk, rows=[
        {"month": datetime.date(2025, 11, 1), "received": 7, "approved": 6, "refused": 0, "decided_in_time": 6,
         "decided_late": 0, "issued": 6}])
    businesses_publish(lao_id=phrae_pao.pk, rows=[{"service": "hotel_fee", "registered": 10, "pending": 1, "closed": 2},
                                                  {"service": "petroleum_tax", "registered": 4, "pending": 0,
                                                   "closed": 0}])
    return {"phrae_pao": phrae_pao, "town": town, "sao": sao, "pattaya": pattaya, "chonburi_pao": chonburi_pao}


def test_fiscal_months_are_october_to_september_in_the_buddhist_era():
    months = s.fiscal_months(2569)
    assert months[0] == datetime.date(2025, 10, 1) and months[-1] == datetime.date(2026, 9, 1) and len(months) == 12
    assert s.month_of(2569, 10) == datetime.date(2025, 10, 1) and s.month_of(2569, 9) == datetime.date(2026, 9, 1)
    assert s.fiscal_year_of(datetime.date(2025, 9, 30)) == 2568 and s.fiscal_year_of(datetime.date(2025, 10, 1)) == 2569


def test_revenue_totals_trends_and_breakdowns(figures):
    summary = s.revenue_summary(fiscal_year=FY)
    assert summary["amount"] == D("4700.50") and summary["payments"] == 10 and summary["laos"] == 4
    assert summary["last_year_amount"] == D("750.25") and summary["change_percent"] == D("526.5")
    months = s.revenue_by_month(fiscal_year=FY)
    assert [m["month"] for m in months] == s.fiscal_months(FY)
    assert months[0]["amount"] == D("1500.50") and months[0]["last_year_amount"] == D("750.25")
    assert sum(m["amount"] for m in months) == summary["amount"]
    trend = s.revenue_by_fiscal_year(years=3, until=2570)
    assert [(t["fiscal_year"], t["amount"]) for t in trend] == [(2568, D("750.25")), (2569, D("4700.50")),
                                                                 (2570, D("9.00"))]
    provinces = {p["province"]: p for p in s.revenue_by_province(fiscal_year=FY)}
    assert provinces["54"]["amount"] == D("4100.50") and provinces["20"]["amount"] == D("600.00")
    assert provinces["10"]["amount"] == 0  # every province listed, zero where nothing
    types = {t["lao_type"]: t["amount"] for t in s.revenue_by_lao_type(fiscal_year=FY)}
    assert types[LAOType.PAO] == D("3500.50") and types[LAOType.SAO] == D("200.00") and types[LAOType.PATTAYA] == 600
    services = {r["service"]: r["amount"] for r in s.revenue_by_service(fiscal_year=FY)}
    assert services == {"hotel_fee": D("1500.50"), "petroleum_tax": D("2000.00"), "tobacco_tax": 0,
                        "advertising": D("1200.00")}
    channels = {r["channel"]: r["amount"] for r in s.revenue_by_channel(fiscal_year=FY)}
    assert channels == {"counter": D("2000.00"), "bank": D("700.50"), "statement": D("2000.00")}
    assert s.revenue_by_month(fiscal_year=FY, service="petroleum_tax")[5]["amount"] == D("2000.00")  # March
    by_lao = s.revenue_by_lao(fiscal_year=FY, month=10)
    assert [(r["dla_code"], r["amount"]) for r in by_lao] == [("2540101", D("1500.50"))]
    assert by_lao[0]["name_th"] == "องค์การบริหารส่วนจังหวัดแพร่" and by_lao[0]["province"] == "54"


def test_top_and_bottom_laos_count_active_laos_with_nothing(figures):
    ranked = s.top_laos(fiscal_year=FY, limit=3)
    assert [r["dla_code"] for r in ranked["top"]] == ["2540101", "3200408", "4540102"]
    assert [(r["dla_code"], r["amount"]) for r in ranked["bottom"]] == [
        ("6540113", D("200.00")), ("4540102", D("400.00")), ("3200408", D("600.00"))]
    advertising = s.top_laos(fiscal_year=FY, service="advertising", limit=10)
    assert "2540101" not in [r["dla_code"] for r in advertising["bottom"]]  # a PAO has no advertising
    assert s.top_laos(fiscal_year=2560)["top"] == []
    assert all(r["amount"] == 0 for r in s.top_laos(fiscal_year=2560)["bottom"])


def test_filing_compliance_per_pao_counts_months_past_their_deadline(figures):
    summary = s.filing_summary(fiscal_year=FY, today=TODAY)
    assert (summary["should_file"], summary["filed"], summary["on_time"], summary["late"], summary["not_filed"]) == (
        34, 23, 16, 7, 11)
    rows = {r["dla_code"]: r for r in s.filing_by_pao(fiscal_year=FY, today=TODAY)}
    assert rows["2540101"]["should_file"] == 14 and rows["2540101"]["on_time_percent"] == D("78.6")
    assert rows["2540101"]["businesses"] == 14
    assert rows["2200101"]["not_filed"] == 10  # published, though not active
    hotel = s.filing_by_pao(fiscal_year=FY, service="hotel_fee", today=TODAY)
    assert {r["dla_code"]: r["filed"] for r in hotel} == {"2200101": 10, "2540101": 9}
    by_month = s.filing_by_month(fiscal_year=FY, today=TODAY)
    assert by_month[0]["should_file"] == 30 and by_month[10]["should_file"] == 0  # August still open
    later = s.filing_by_month(fiscal_year=FY, today=datetime.date(2026, 9, 11))
    assert later[10]["filed"] == 3 and later[10]["not_filed"] == 7


def test_permits_per_lao_and_month(figures):
    summary = s.permits_summary(fiscal_year=FY)
    assert (summary["received"], summary["decided"], summary["decided_late"], summary["issued"]) == (12, 10, 1, 8)
    assert summary["in_time_percent"] == D("90.0")
    rows = s.permits_by_lao(fiscal_year=FY)
    assert [(r["dla_code"], r["received"]) for r in rows] == [("3200408", 7), ("6540113", 5)]
    assert s.permits_by_month(fiscal_year=FY)[1]["approved"] == 9
    assert s.permits_by_lao(fiscal_year=FY, lao_type=LAOType.SAO)[0]["dla_code"] == "6540113"


def test_onboarding_and_businesses(figures):
    counts = s.onboarding_counts()
    assert counts["total"]["all"] == LAO.objects.count()
    assert counts["total"]["active"] == LAO.objects.filter(status="active").count()
    by_type = {r["lao_type"]: r for r in counts["by_type"]}
    assert by_type[LAOType.PAO]["all"] == 2 and by_type[LAOType.PAO]["active"] == 1
    businesses = {r["dla_code"]: r for r in s.businesses_by_pao()}
    assert businesses["2540101"]["registered"] == 14 and businesses["2540101"]["by_service"]["hotel_fee"] == 10


def test_every_selector_limited_to_a_province(figures):
    """A provincial office passes its province: nothing of another province in any answer."""
    phrae = "54"
    assert s.revenue_summary(fiscal_year=FY, province=phrae)["amount"] == D("4100.50")
    assert s.revenue_summary(fiscal_year=FY, province="20")["amount"] == D("600.00")
    assert sum(m["amount"] for m in s.revenue_by_month(fiscal_year=FY, province="20")) == D("600.00")
    assert s.revenue_by_fiscal_year(province="20", years=2, until=2570)[-1]["amount"] == D("9.00")
    assert [p["province"] for p in s.revenue_by_province(fiscal_year=FY, province=phrae)] == [phrae]
    assert sum(t["amount"] for t in s.revenue_by_lao_type(fiscal_year=FY, province="20")) == D("600.00")
    assert sum(r["amount"] for r in s.revenue_by_service(fiscal_year=FY, province="20")) == D("600.00")
    assert sum(r["amount"] for r in s.revenue_by_channel(fiscal_year=FY, province="20")) == D("600.00")
    for rows in (s.revenue_by_lao(fiscal_year=FY, province=phrae), s.top_laos(fiscal_year=FY, province=phrae)["top"],
                 s.top_laos(fiscal_year=FY, province=phrae)["bottom"],
                 s.filing_by_pao(fiscal_year=FY, province=phrae, today=TODAY),
                 s.permits_by_lao(fiscal_year=FY, province=phrae), s.businesses_by_pao(province=phrae)):
        assert rows and {r["province"] for r in rows} == {phrae}
    assert s.filing_summary(fiscal_year=FY, province="20", today=TODAY)["should_file"] == 20
    assert s.filing_by_month(fiscal_year=FY, province="20", today=TODAY)[0]["filed"] == 10
    assert s.permits_summary(fiscal_year=FY, province="20")["received"] == 7
    assert s.permits_by_month(fiscal_year=FY, province="20")[1]["received"] == 7
    counts = s.onboarding_counts(province="20")
    assert counts["total"]["all"] == 2 and [p["province"] for p in counts["by_province"]] == ["20"]
    assert s.businesses_by_pao(province="20") == []  # Chonburi's PAO is not onboarded and published nothing
