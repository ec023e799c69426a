"""The per-LAO apps each side of the split already has: profile (all), ordinance rates (PAO), advertising (others)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from tenant_apps.advertising.selectors import policy_get
from tenant_apps.advertising.services import advertising_policy_update
from tenant_apps.lao_profile.services import announcement_publish, profile_update
from tenant_apps.ordinances.models import OrdinanceRate
from tenant_apps.ordinances.selectors import rate_in_force, rates_in_force
from tenant_apps.ordinances.services import ordinance_rate_record

pytestmark = pytest.mark.django_db


def record(product, rate, day, ordinance="ข้อบัญญัติ อบจ.แพร่ เรื่อง ภาษีบำรุง อบจ. พ.ศ. 2568"):
    return ordinance_rate_record(product=product, rate=rate, effective_from=day, ordinance=ordinance, actor=None)


def test_rate_in_force_follows_the_effective_date(pao):
    with schema_context(pao.schema_name):
        record("petrol", "4.54", datetime.date(2024, 10, 1))
        record("petrol", "5.00", datetime.date(2026, 4, 1))  # a change in mid fiscal year
        assert rate_in_force(product="petrol", on=datetime.date(2026, 3, 31)).rate == Decimal("4.5400")
        assert rate_in_force(product="petrol", on=datetime.date(2026, 4, 1)).rate == Decimal("5.0000")
        assert rate_in_force(product="petrol", on=datetime.date(2024, 9, 30)) is None
        assert [r.rate for r in rates_in_force(on=datetime.date(2026, 5, 1))] == [Decimal("5.0000")]


@pytest.mark.parametrize("product, rate", [("room_rent", "3.01"), ("diesel", "10.01"), ("vehicle_gas", "11"),
                                           ("cigarette", "10.5"), ("cigar", "-1"), ("petrol", "abc")])
def test_rates_above_the_legal_cap_or_malformed_are_refused(pao, product, rate):
    with schema_context(pao.schema_name):
        with pytest.raises(ValidationError):
            record(product, rate, datetime.date(2025, 10, 1))
        assert not OrdinanceRate.objects.exists()


def test_rates_at_the_cap_are_accepted_with_their_basis(pao):
    with schema_context(pao.schema_name):
        hotel = record("room_rent", "3", datetime.date(2025, 10, 1))
        tobacco = record("cigarette", "9.30", datetime.date(2025, 10, 1))
        assert (hotel.revenue, hotel.basis) == ("hotel_fee", "percent_of_rent")
        assert (tobacco.revenue, tobacco.basis) == ("tobacco_tax", "satang_per_cigarette")


def test_two_rates_for_one_product_on_one_day_are_refused(pao):
    with schema_context(pao.schema_name):
        record("diesel", "4.54", datetime.date(2025, 10, 1))
        with pytest.raises(ValidationError):
            record("diesel", "4.60", datetime.date(2025, 10, 1))


def test_rates_page_shows_buddhist_era_dates(client, pao):
    with schema_context(pao.schema_name):
        record("cigarette", "9.30", datetime.date(2025, 10, 1))
    page = client.get("/ordinances/", HTTP_HOST=pao.host).content.decode()
    assert "9.3" in page and "1 ตุลาคม 2568" in page


def test_advertising_fee_cannot_exceed_200_baht(sao):
    with schema_context(sao.schema_name):
        with pytest.raises(ValidationError):
            advertising_policy_update(actor=None, fee_amount=Decimal("200.01"))
        assert policy_get().fee_amount == Decimal("200.00")
        advertising_policy_update(actor=None, fee_amount=Decimal("150.00"), max_days=15)
        assert (policy_get().fee_amount, policy_get().max_days) == (Decimal("150.00"), 15)


def test_advertising_conditions_page(client, sao):
    with schema_context(sao.schema_name):
        advertising_policy_update(actor=None, max_days=20, banned_locations="สะพานลอย วงเวียน")
    page = client.get("/advertising/", HTTP_HOST=sao.host).content.decode()
    assert "200.00" in page and "20" in page and "วงเวียน" in page


def test_profile_refuses_unknown_fields_and_bad_email(town):
    with schema_context(town.schema_name):
        with pytest.raises(ValidationError):
            profile_update(actor=None, mayor="x")
        with pytest.raises(ValidationError):
            profile_update(actor=None, email="not-an-email")
        with pytest.raises(ValidationError):
            announcement_publish(title=" ", body="x", actor=None)


def test_buddhist_era_dates():
    from django.utils import translation

    from shared_apps.portal.templatetags.thai_dates import buddhist_date

    assert buddhist_date(datetime.date(2025, 10, 1), "th") == "1 ตุลาคม 2568"
    assert buddhist_date(datetime.date(2026, 9, 30), "en") == "30 September 2569 BE"
    with translation.override("th"):
        assert buddhist_date(datetime.datetime(2026, 1, 5, 12, 0, tzinfo=datetime.timezone.utc)) == "5 มกราคม 2569"
