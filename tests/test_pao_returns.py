"""Monthly returns of the three PAO revenues: amounts, deadlines, lateness, corrections, review, overdue."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import schema_context

from shared_apps.calendar.services import holidays_set
from tenant_apps.hotel_fee.models import HotelReturn
from tenant_apps.ordinances.services import ordinance_rate_record
from tenant_apps.pao_filing.models import ReturnKind, ReturnStatus
from tenant_apps.pao_filing.periods import deadline_for, months_late
from tenant_apps.pao_filing.selectors import overdue_businesses
from tenant_apps.pao_filing.services import (return_file, return_file_additional, return_preview,
                                             return_review)
from tests.pao import ORDINANCE, citizen, officer, ordinance_settings, registered_business

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
ON_TIME = datetime.date(2026, 4, 5)


@pytest.fixture
def paodb(pao):
    with schema_context(pao.schema_name):
        ordinance_settings()
        yield pao


def fuel_line(product, sold, opening="50000", received=None, closing=None):
    received = received if received is not None else str(Decimal(sold))
    closing = closing if closing is not None else opening
    return {"product": product, "opening": opening, "received": received, "sold": str(sold), "closing": closing}


# --- the hand-worked examples ------------------------------------------------------------------------

def test_hotel_fee_two_percent_of_room_rent(paodb):
    business, owner = registered_business("hotel")
    ret = return_file(business=business, period=MARCH, actor=owner, today=ON_TIME,
                      data={"room_rent_total": "125000.00", "nights_total": "300"})
    assert ret.tax_amount == Decimal("2500.00") and ret.amount_due == Decimal("2500.00")
    assert (ret.surcharge_amount, ret.penalty_amount, ret.months_late) == (0, 0, 0)


def test_petroleum_tax_4_54_satang_per_litre(paodb):
    business, owner = registered_business("fuel")
    ret = return_file(business=business, period=MARCH, actor=owner, today=ON_TIME,
                      data={"lines": [fuel_line("diesel", "31250")]})
    assert ret.tax_amount == Decimal("1418.75")


def test_tobacco_tax_9_30_satang_per_cigarette(paodb):
    business, owner = registered_business("tobacco")
    ret = return_file(business=business, period=MARCH, actor=owner, today=ON_TIME,
                      data={"lines": [{"product": "cigarette", "quantity": "200000"}]})
    assert ret.tax_amount == Decimal("18600.00")


def test_one_rounding_half_up_over_all_lines(paodb):
    """4.54 × 12,345 L = 560.463 baht and 4.54 × 125 kg = 5.675 baht: rounded once, 566.138 → 566.14.
    Rounded per line it would be 560.46 + 5.68 = 566.14 too here; the sum below shows the difference."""
    business, owner = registered_business("fuel")
    ret = return_file(business=business, period=MARCH, actor=owner, today=ON_TIME,
                      data={"lines": [fuel_line("petrol", "12345"), fuel_line("vehicle_gas", "125")]})
    assert ret.tax_amount == Decimal("566.14")
    alone = return_preview(business=business, period=datetime.date(2026, 2, 1), today=ON_TIME,
                           data={"lines": [fuel_line("vehicle_gas", "125")]})
    assert alone.tax == Decimal("5.68")  # 5.675 rounds half up
    three = return_preview(business=business, period=datetime.date(2026, 2, 1), today=ON_TIME,
                           data={"lines": [fuel_line("petrol", "0.5"), fuel_line("diesel", "0.5"),
                                           fuel_line("vehicle_gas", "0.5")]})
    assert three.tax == Decimal("0.07")  # 3 × 2.27 satang = 6.81 satang → 0.07 (per line: 3 × 0.02 = 0.06)


# --- rates and deadlines -----------------------------------------------------------------------------

def test_a_rate_change_in_mid_year_applies_from_its_month(paodb):
    ordinance_rate_record(product="room_rent", rate="2.5", effective_from=datetime.date(2026, 4, 1),
                          ordinance=ORDINANCE + " (ฉบับที่ 2)", actor=None)
    business, owner = registered_business("hotel")
    data = {"room_rent_total": "100000", "nights_total": "200"}
    march = return_file(business=business, period=MARCH, actor=owner, today=datetime.date(2026, 5, 2), data=data)
    april = return_file(business=business, period=datetime.date(2026, 4, 1), actor=owner,
                        today=datetime.date(2026, 5, 2), data=data)
    assert march.tax_amount == Decimal("2000.00") and march.rates == {"room_rent": "2.0000"}
    assert april.tax_amount == Decimal("2500.00") and april.rates == {"room_rent": "2.5000"}


def test_a_deadline_on_a_holiday_moves_to_the_next_working_day(paodb):
    holidays_set(year=2026, holidays=[(datetime.date(2026, 6, 10), "วันหยุดทดสอบ")])  # a Wednesday
    assert deadline_for(datetime.date(2026, 5, 1), deadline_day=10, moves_to_working_day=True) == \
        datetime.date(2026, 6, 11)
    assert deadline_for(datetime.date(2026, 5, 1), deadline_day=10, moves_to_working_day=False) == \
        datetime.date(2026, 6, 10)
    # 10 January 2026 is a Saturday: Monday 12th
    assert deadline_for(datetime.date(2025, 12, 1), deadline_day=10, moves_to_working_day=True) == \
        datetime.date(2026, 1, 12)
    business, owner = registered_business("hotel")
    ret = return_file(business=business, period=datetime.date(2026, 5, 1), actor=owner,
                      today=datetime.date(2026, 6, 11), data={"room_rent_total": "1000", "nights_total": "2"})
    assert ret.months_late == 0 and ret.deadline == datetime.date(2026, 6, 11)


@pytest.mark.parametrize("filed_on, months", [
    (datetime.date(2026, 4, 10), 0), (datetime.date(2026, 4, 11), 1), (datetime.date(2026, 5, 10), 1),
    (datetime.date(2026, 5, 11), 2), (datetime.date(2026, 6, 30), 3)])
def test_months_late_counts_parts_of_a_month(filed_on, months):
    assert months_late(datetime.date(2026, 4, 10), filed_on) == months


def test_a_return_filed_two_months_late_carries_two_months_of_surcharge(pao):
    with schema_context(pao.schema_name):
        ordinance_settings(surcharge="1.50", penalty="20")
        business, owner = registered_business("hotel")
        ret = return_file(business=business, period=MARCH, actor=owner, today=datetime.date(2026, 5, 20),
                          data={"room_rent_total": "125000.00", "nights_total": "300"})
    assert ret.deadline == datetime.date(2026, 4, 10) and ret.months_late == 2
    assert ret.surcharge_amount == Decimal("75.00")  # 2,500 × 1.5 % × 2
    assert ret.penalty_amount == Decimal("500.00")  # 2,500 × 20 %
    assert ret.amount_due == Decimal("3075.00")


def test_surcharge_stops_at_its_cap(pao):
    with schema_context(pao.schema_name):
        ordinance_settings(surcharge="1.50", cap="3.00")
        business, owner = registered_business("hotel")
        ret = return_file(business=business, period=MARCH, actor=owner, today=datetime.date(2026, 12, 1),
                          data={"room_rent_total": "125000.00", "nights_total": "300"})
    assert ret.months_late == 8 and ret.surcharge_amount == Decimal("75.00")  # capped at 3 % of 2,500


# --- corrections -------------------------------------------------------------------------------------

def test_an_additional_return_charges_or_credits_the_difference(paodb):
    business, owner = registered_business("hotel")
    original = return_file(business=business, period=MARCH, actor=owner, today=ON_TIME,
                           data={"room_rent_total": "100000", "nights_total": "200"})
    more = return_file_additional(original=original, actor=owner, today=datetime.date(2026, 4, 8),
                                  data={"room_rent_total": "125000", "nights_total": "250"})
    less = return_file_additional(original=original, actor=owner, today=datetime.date(2026, 4, 9),
                                  data={"room_rent_total": "110000", "nights_total": "220"})
    assert (more.kind, more.original_id, more.tax_amount, more.amount_due) == (
        ReturnKind.ADDITIONAL, original.pk, Decimal("2500.00"), Decimal("500.00"))
    assert less.amount_due == Decimal("-300.00")  # a credit of the overcharge
    original.refresh_from_db()
    assert original.tax_amount == Decimal("2000.00")  # the filed return is never edited


def test_a_late_additional_return_pays_surcharge_on_the_increase(paodb):
    business, owner = registered_business("hotel")
    original = return_file(business=business, period=MARCH, actor=owner, today=ON_TIME,
                           data={"room_rent_total": "100000", "nights_total": "200"})
    more = return_file_additional(original=original, actor=owner, today=datetime.date(2026, 6, 1),
                                  data={"room_rent_total": "150000", "nights_total": "300"})
    assert more.months_late == 2 and more.surcharge_amount == Decimal("30.00")  # 1,000 × 1.5 % × 2
    assert more.amount_due == Decimal("1030.00")


# --- bad input: a clear message, nothing saved -------------------------------------------------------

def bad(business, owner, *, period=MARCH, today=ON_TIME, **data):
    with pytest.raises((ValidationError, PermissionDenied)) as caught:
        return_file(business=business, period=period, actor=owner, today=today, data=data)
    assert not HotelReturn.objects.filter(business=business, period=period).exists() or period == MARCH
    return " ".join(getattr(caught.value, "messages", [str(caught.value)]))


def test_bad_input_is_refused_and_nothing_is_saved(paodb):
    business, owner = registered_business("hotel", operating_since=datetime.date(2025, 6, 15))
    assert bad(business, owner, room_rent_total="-1", nights_total="1")
    assert bad(business, owner, room_rent_total="abc", nights_total="1")
    assert bad(business, owner, room_rent_total="1.234", nights_total="1")
    assert bad(business, owner, period=datetime.date(2026, 4, 1), today=datetime.date(2026, 4, 20),
               room_rent_total="1", nights_total="1")  # the month has not ended
    assert bad(business, owner, period=datetime.date(2025, 5, 1), room_rent_total="1", nights_total="1")
    stranger = citizen()
    assert bad(business, stranger, room_rent_total="1000", nights_total="2")  # not authorised
    assert HotelReturn.objects.filter(business=business).count() == 0


def test_a_second_return_for_the_same_month_points_to_the_additional_return(paodb):
    business, owner = registered_business("hotel")
    original = return_file(business=business, period=MARCH, actor=owner, today=ON_TIME,
                           data={"room_rent_total": "1000", "nights_total": "2"})
    with pytest.raises(ValidationError) as caught:
        return_file(business=business, period=MARCH, actor=owner, today=ON_TIME,
                    data={"room_rent_total": "2000", "nights_total": "4"})
    assert caught.value.code == "already_filed" and caught.value.params == {"original": original.pk}
    assert HotelReturn.objects.filter(business=business).count() == 1


def test_an_unbalanced_stock_statement_is_refused(paodb):
    business, owner = registered_business("fuel")
    with pytest.raises(ValidationError) as caught:
        return_file(business=business, period=MARCH, actor=owner, today=ON_TIME,
                    data={"lines": [fuel_line("diesel", "300", opening="1000", received="500", closing="1100")]})
    message = " ".join(caught.value.messages)
    assert "1,200" in message and "1,100" in message


def test_a_nil_return_is_accepted(paodb):
    business, owner = registered_business("tobacco")
    ret = return_file(business=business, period=MARCH, actor=owner, today=ON_TIME, data={"nil": True})
    assert ret.nil and ret.tax_amount == Decimal("0.00") and ret.amount_due == Decimal("0.00")


def test_a_business_not_yet_approved_cannot_file(paodb):
    from tenant_apps.businesses.services import business_register

    owner = citizen()
    business = business_register(actor=owner, kind="tobacco", name="ร้านใหม่", address="x", owner_type="person",
                                 owner_id_number=owner.national_id, owner_name="x",
                                 operating_since=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        return_file(business=business, period=MARCH, actor=owner, today=ON_TIME, data={"nil": True})


# --- the officer's review and the overdue list ---------------------------------------------------------

def test_review_accept_send_back_and_assess(pao):
    with schema_context(pao.schema_name):
        ordinance_settings()
        clerk, approver = officer(pao, "clerk"), officer(pao, "approver")
        b1, o1 = registered_business("hotel")
        b2, o2 = registered_business("hotel")
        b3, o3 = registered_business("hotel")
        data = {"room_rent_total": "100000", "nights_total": "200"}
        r1, r2, r3 = (return_file(business=b, period=MARCH, actor=o, today=ON_TIME, data=data)
                      for b, o in [(b1, o1), (b2, o2), (b3, o3)])

        assert return_review(ret=r1, decision="accept", actor=clerk).status == ReturnStatus.ACCEPTED
        with pytest.raises(ValidationError):
            return_review(ret=r2, decision="send_back", actor=clerk, reason="")
        sent = return_review(ret=r2, decision="send_back", actor=clerk, reason="ค่าห้องไม่ตรงกับบัญชีผู้พัก")
        assert sent.status == ReturnStatus.RETURNED and sent.reviewed_by == clerk
        with pytest.raises(PermissionDenied):
            return_review(ret=r3, decision="assess", actor=clerk, reason="x", tax_amount="3000")
        assessed = return_review(ret=r3, decision="assess", actor=approver, reason="ตรวจพบค่าห้องเพิ่ม",
                                 tax_amount="3000.00")
        assert assessed.status == ReturnStatus.ASSESSED and assessed.amount_due == Decimal("3000.00")
        assert assessed.tax_amount == Decimal("2000.00")  # what was filed stays
        with pytest.raises(ValidationError):
            return_review(ret=r1, decision="send_back", actor=clerk, reason="late idea")  # accepted already


def test_overdue_list_shows_registered_businesses_without_a_return(pao):
    with schema_context(pao.schema_name):
        ordinance_settings()
        filed, o1 = registered_business("hotel", name="โรงแรมยื่นแล้ว")
        missing, _o2 = registered_business("hotel", name="โรงแรมยังไม่ยื่น")
        registered_business("hotel", name="โรงแรมเปิดทีหลัง", operating_since=datetime.date(2026, 4, 2))
        registered_business("tobacco", name="ร้านยาสูบ")
        return_file(business=filed, period=MARCH, actor=o1, today=ON_TIME, data={"nil": True})

        before_deadline = overdue_businesses(business_kind="hotel", period=MARCH, today=datetime.date(2026, 4, 10))
        after = overdue_businesses(business_kind="hotel", period=MARCH, today=datetime.date(2026, 4, 11))

    assert before_deadline == []
    assert [b.name for b in after] == ["โรงแรมยังไม่ยื่น"]
