"""Ordinance rates that start inside a month: per check-in day on a guest list, never silently from the next month.

The rule (README, PAO revenues): a hotel-fee % may start on any day, and a guest list charges each stay at
the rate in force on its check-in day; a totals-only hotel return for a month with two rates is refused (the
guest list is needed). Petroleum and tobacco rates, and every filing rule, must start on the 1st of a month.
"""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_tenants.utils import schema_context

from tenant_apps.hotel_fee.models import HotelReturn
from tenant_apps.ordinances.models import FilingRule, OrdinanceRate
from tenant_apps.ordinances.services import filing_rule_record, ordinance_rate_record
from tenant_apps.pao_filing.services import return_file, return_preview
from tenant_apps.petroleum_tax.models import PetroleumReturn
from tests.pao import ORDINANCE, officer, ordinance_settings, registered_business
from tests.test_pao_api_and_pages import LAST_MONTH, PERIOD, as_dopa, phrae  # noqa: F401

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
MID_MARCH = datetime.date(2026, 3, 15)
TODAY = datetime.date(2026, 4, 5)


@pytest.fixture
def paodb(pao):
    """2 % from 1 October 2567 BE; 2.5 % from 15 March 2569 BE (a new ordinance in mid-month)."""
    with schema_context(pao.schema_name):
        ordinance_settings()
        ordinance_rate_record(product="room_rent", rate="2.5", effective_from=MID_MARCH,
                              ordinance=ORDINANCE + " (ฉบับที่ 2)", actor=None)
        yield pao


def guest(name, check_in, nights, rate):
    return {"guest_name": name, "check_in": check_in, "nights": nights, "room_rate": rate}


# --- the hotel fee: per day on a guest list ---------------------------------------------------------------

def test_a_guest_list_charges_each_stay_at_the_rate_of_its_check_in_day(paodb):
    """Hand-worked:
        A  10 Mar, 3 × 1,000.00 = 3,000.00 × 2 %   = 60.00
        B  14 Mar, 1 × 1,000.00 = 1,000.00 × 2 %   = 20.00      (the day before the new rate)
        C  15 Mar, 2 × 1,234.50 = 2,469.00 × 2.5 % = 61.725     (the new rate's first day)
        D  31 Mar, 1 ×   999.99 =   999.99 × 2.5 % = 24.99975
        Σ = 166.72475 → rounded once, half up, to the satang: 166.72
    (rounded per line it would be 60.00 + 20.00 + 61.73 + 25.00 = 166.73; all at 2 % 149.38, all at 2.5 % 186.72)."""
    business, owner = registered_business("hotel")
    ret = return_file(business=business, period=MARCH, actor=owner, today=TODAY, data={"guests": [
        guest("A", "2026-03-10", 3, "1000.00"), guest("B", "14/03/2569", 1, "1000.00"),
        guest("C", "2026-03-15", 2, "1234.50"), guest("D", "31/03/2569", 1, "999.99")]})
    assert ret.tax_amount == Decimal("166.72")
    assert ret.room_rent_total == Decimal("7468.99") and ret.nights_total == 7 and ret.guest_count == 4
    assert ret.rates == {"room_rent": "2.0000", "room_rent from 2026-03-15": "2.5000"}
    assert ret.amount_due == Decimal("166.72")  # on time


def test_a_guest_list_of_one_rate_only_records_that_rate(paodb):
    business, owner = registered_business("hotel")
    late_stays = return_preview(business=business, period=MARCH, today=TODAY, data={"guests": [
        guest("C", "2026-03-20", 2, "1000.00")]})
    assert late_stays.tax == Decimal("50.00") and late_stays.computation.rates == {"room_rent": "2.5000"}


def test_totals_for_a_month_with_two_rates_are_refused_asking_for_the_guest_list(paodb):
    business, owner = registered_business("hotel")
    with pytest.raises(ValidationError) as caught:
        return_file(business=business, period=MARCH, actor=owner, today=TODAY,
                    data={"room_rent_total": "100000", "nights_total": "200"})
    assert caught.value.code == "rate_changed_mid_month"
    message = " ".join(caught.value.messages)
    assert "อบจ.รร.6" in message and "15 มีนาคม 2569" in message  # the day it changed, Buddhist era
    with translation.override("en"):
        with pytest.raises(ValidationError) as in_english:
            return_preview(business=business, period=MARCH, today=TODAY,
                           data={"room_rent_total": "100000", "nights_total": "200"})
    assert "two rates" in in_english.value.messages[0] and "guest list" in in_english.value.messages[0]
    assert not HotelReturn.objects.filter(business=business).exists()


def test_the_months_either_side_take_their_one_rate_and_a_nil_return_needs_no_split(paodb):
    business, owner = registered_business("hotel")
    data = {"room_rent_total": "100000", "nights_total": "200"}
    february = return_file(business=business, period=datetime.date(2026, 2, 1), actor=owner, today=TODAY, data=data)
    april = return_file(business=business, period=datetime.date(2026, 4, 1), actor=owner,
                        today=datetime.date(2026, 5, 5), data=data)
    nil = return_file(business=business, period=MARCH, actor=owner, today=TODAY, data={"nil": True})
    assert february.tax_amount == Decimal("2000.00") and april.tax_amount == Decimal("2500.00")
    assert nil.nil and nil.tax_amount == Decimal("0.00")


def test_a_stay_before_the_first_rate_ever_is_named_by_its_line(pao):
    """A PAO whose first hotel-fee ordinance starts on 15 March: March has no rate until then."""
    with schema_context(pao.schema_name):
        ordinance_rate_record(product="room_rent", rate="1", effective_from=MID_MARCH, ordinance=ORDINANCE,
                              actor=None)
        filing_rule_record(revenue="hotel_fee", deadline_day=10, effective_from=datetime.date(2024, 10, 1),
                           ordinance=ORDINANCE, actor=None)
        business, owner = registered_business("hotel")
        with translation.override("en"), pytest.raises(ValidationError) as caught:
            return_preview(business=business, period=MARCH, today=TODAY, data={"guests": [
                guest("A", "2026-03-16", 1, "1000"), guest("B", "2026-03-10", 1, "1000")]})
        assert caught.value.messages == ["line 2: no hotel-fee rate was in force on 10 March 2569 BE, the check-in day"]
        with pytest.raises(ValidationError) as totals:
            return_preview(business=business, period=MARCH, today=TODAY, data={"room_rent_total": "1000"})
        assert totals.value.code == "rate_changed_mid_month"
        after = return_preview(business=business, period=MARCH, today=TODAY, data={"guests": [
            guest("A", "2026-03-16", 1, "1000")]})
        assert after.tax == Decimal("10.00")


def test_the_return_page_applies_a_mid_month_rate_per_day_and_refuses_totals(client, phrae):  # noqa: F811
    """Last month: 2 % until the 14th, 2.5 % from the 15th. 2 nights × 1,500 on the 2nd = 3,000 × 2 % = 60.00;
    3 nights × 1,000 on the 20th = 3,000 × 2.5 % = 75.00; 135.00 in all."""
    with schema_context(phrae.schema_name):
        ordinance_rate_record(product="room_rent", rate="2.5", effective_from=LAST_MONTH.replace(day=15),
                              ordinance=ORDINANCE + " (ฉบับที่ 2)", actor=None)
        business, owner = registered_business("hotel")
    as_dopa(client, owner)
    upload = io.BytesIO((f"guest_name,check_in,nights,room_rate\nสมชาย,{LAST_MONTH.replace(day=2)},2,1500\n"
                         f"สมศรี,{LAST_MONTH.replace(day=20)},3,1000\n").encode())
    upload.name = "guests.csv"
    totals = client.post(f"/businesses/{business.pk}/file/", {"period": PERIOD, "step": "preview",
                                                              "room_rent_total": "6000", "nights_total": "5"},
                         HTTP_HOST=phrae.host)
    assert totals.status_code == 400 and "อบจ.รร.6" in " ".join(totals.context["errors"])
    preview = client.post(f"/businesses/{business.pk}/file/", {"period": PERIOD, "step": "preview",
                                                               "guest_list": upload}, HTTP_HOST=phrae.host)
    assert preview.status_code == 200, preview.context.get("errors")
    assert preview.context["assessment"].tax == Decimal("135.00")
    filed = client.post(f"/businesses/{business.pk}/file/", {"period": PERIOD, "step": "confirm",
                                                             "figures": preview.context["figures"]},
                        HTTP_HOST=phrae.host)
    assert filed.status_code == 302
    with schema_context(phrae.schema_name):
        assert HotelReturn.objects.get(business=business).tax_amount == Decimal("135.00")


# --- totals-only revenues: the date is refused when it is saved ---------------------------------------------

@pytest.mark.parametrize("product", ["petrol", "diesel", "vehicle_gas", "cigarette", "cigar"])
def test_a_mid_month_rate_for_a_revenue_filed_as_totals_is_refused_when_saved(pao, product):
    with schema_context(pao.schema_name):
        with translation.override("en"), pytest.raises(ValidationError) as caught:
            ordinance_rate_record(product=product, rate="4.54", effective_from=MID_MARCH, ordinance=ORDINANCE,
                                  actor=None)
        assert "must start on the 1st of a month" in caught.value.message_dict["effective_from"][0]
        assert not OrdinanceRate.objects.exists()
        on_the_first = ordinance_rate_record(product=product, rate="4.54", effective_from=MARCH, ordinance=ORDINANCE,
                                             actor=None)
        assert on_the_first.effective_from == MARCH


def test_a_hotel_fee_rate_may_start_on_any_day(pao):
    with schema_context(pao.schema_name):
        rate = ordinance_rate_record(product="room_rent", rate="2.5", effective_from=MID_MARCH, ordinance=ORDINANCE,
                                     actor=None)
        assert rate.effective_from == MID_MARCH


def test_a_filing_rule_must_start_on_the_first_of_a_month(pao):
    with schema_context(pao.schema_name):
        with pytest.raises(ValidationError) as caught:
            filing_rule_record(revenue="hotel_fee", deadline_day=10, effective_from=MID_MARCH, ordinance=ORDINANCE,
                               actor=None)
        assert "effective_from" in caught.value.message_dict
        assert not FilingRule.objects.exists()


def test_the_ordinance_page_refuses_a_mid_month_petroleum_rate_and_marks_the_date(client, phrae):  # noqa: F811
    as_dopa(client, officer(phrae, "finance"))
    page = client.post("/pao/ordinances/", {"form": "rate", "product": "diesel", "rate": "5",
                                            "effective_from": "2026-10-15", "ordinance": "x"}, HTTP_HOST=phrae.host)
    content = page.content.decode()
    assert "วันที่ 1 ของเดือน" in content and "15 ตุลาคม 2569" in content
    assert 'id="r-from" name="effective_from" required value="2026-10-15" aria-invalid="true"' in content
    buddhist = client.post("/pao/ordinances/", {"form": "rate", "product": "diesel", "rate": "5",
                                                "effective_from": "15/10/2569", "ordinance": "x"}, HTTP_HOST=phrae.host)
    assert "วันที่ 1 ของเดือน" in buddhist.content.decode()  # typed in the Buddhist era: the same date
    with schema_context(phrae.schema_name):
        assert not OrdinanceRate.objects.filter(product="diesel", rate=5).exists()
    saved = client.post("/pao/ordinances/", {"form": "rate", "product": "diesel", "rate": "5",
                                             "effective_from": "1/11/2569", "ordinance": "x"}, HTTP_HOST=phrae.host)
    assert saved.status_code == 302
    with schema_context(phrae.schema_name):
        assert OrdinanceRate.objects.get(product="diesel", rate=5).effective_from == datetime.date(2026, 11, 1)


def test_a_mid_month_rate_recorded_before_the_rule_is_never_applied_silently(paodb):
    """A petroleum rate dated inside a month (recorded before this rule): the month's totals are refused."""
    OrdinanceRate.objects.create(revenue="petroleum_tax", product="diesel", basis="satang_per_litre",
                                 rate=Decimal("5"), effective_from=MID_MARCH, ordinance=ORDINANCE)
    OrdinanceRate.objects.create(revenue="petroleum_tax", product="petrol", basis="satang_per_litre",
                                 rate=Decimal("4.54"), effective_from=MID_MARCH, ordinance=ORDINANCE)  # unchanged
    business, owner = registered_business("fuel")
    line = {"product": "diesel", "opening": "1000", "received": "0", "sold": "1000", "closing": "0"}
    with pytest.raises(ValidationError) as caught:
        return_file(business=business, period=MARCH, actor=owner, today=TODAY, data={"lines": [line]})
    assert caught.value.code == "rate_changed_mid_month"
    assert not PetroleumReturn.objects.filter(business=business).exists()
    petrol = return_preview(business=business, period=MARCH, today=TODAY, data={"lines": [
        {**line, "product": "petrol"}]})
    assert petrol.tax == Decimal("45.40")  # the same rate recorded again inside the month: one rate
    april = return_file(business=business, period=datetime.date(2026, 4, 1), actor=owner,
                        today=datetime.date(2026, 5, 5), data={"lines": [line]})
    assert april.tax_amount == Decimal("50.00")  # 1,000 L × 5 satang
