from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shared_apps.money import MoneyError, column, parse_amount, parse_count, round_baht
from shared_apps.portal.templatetags.thai_dates import buddhist_date
from tenant_apps.ordinances.models import Product, Revenue
from tenant_apps.pao_filing.services import Computation, ReturnSpec, rate_for, rate_on, rates_of_month

from .guest_list import clean_guests, read_guest_csv
from .models import HotelGuest, HotelReturn

# Room nights one return may declare in totals: 10,000 rooms, every night of a month.
MAX_ROOM_NIGHTS = 10_000 * 31


class HotelFeeSpec(ReturnSpec):
    """Fee = room rent × the ordinance's % (cap 3 %), rounded once to the satang.

    A new % may start on any day (ordinances/services.py). A guest list (อบจ.รร.6) charges each stay
    at the rate in force on its check-in day, Σ rent × rate rounded once at the end; a return of
    totals only is refused for a month whose rate changed inside it (the month had two rates)."""

    revenue = Revenue.HOTEL_FEE
    business_kind = "hotel"
    model = HotelReturn

    def compute(self, *, data, period, business):
        if data.get("nil"):
            rates = rates_of_month(Product.ROOM_RENT, period)
            if not rates:
                rate_for(Product.ROOM_RENT, period)  # says the PAO has no rate
            rate = rate_on(rates, period) or rates[0]
            return Computation(tax=Decimal("0.00"), base=Decimal("0"), rates={Product.ROOM_RENT: str(rate.rate)},
                               nil=True, extra={"room_rent_total": Decimal("0"), "nights_total": 0, "guest_count": 0})
        if data.get("guest_csv") is not None:  # the uploaded list, read again on every step
            try:
                guests = read_guest_csv(data["guest_csv"], period=period)
            except ValidationError as error:
                raise ValidationError({"guest_list": error.messages}) from None
            return self._from_guests(guests, period=period, field="guest_list")
        if data.get("guests"):
            try:
                guests = clean_guests(data["guests"], period=period)
            except ValidationError as error:
                raise ValidationError({"guests": error.messages}) from None
            return self._from_guests(guests, period=period, field="guests")
        return self._from_totals(data, period=period)

    def _from_totals(self, data, *, period):
        errors = {}
        try:
            rent = parse_amount(data.get("room_rent_total", ""), field=_("Room rent (baht)"),
                                **column(HotelReturn._meta.get_field("room_rent_total")))
        except MoneyError as error:
            errors["room_rent_total"] = error.message
        try:
            nights = parse_count(data.get("nights_total", "") or "0", field=_("Room nights"), maximum=MAX_ROOM_NIGHTS)
        except MoneyError as error:
            errors["nights_total"] = error.message
        if errors:
            raise ValidationError(errors)
        rate = rate_for(Product.ROOM_RENT, period, changed_message=_(
            "The hotel fee changed on %(date)s, inside %(month)s (%(old)s %% before, %(new)s %% from that day): the "
            "month had two rates, so file it with the guest list (อบจ.รร.6), each stay charged at the rate of its "
            "check-in day."))
        tax = round_baht(rent * rate.rate / 100)
        return Computation(tax=tax, base=rent, rates={Product.ROOM_RENT: str(rate.rate)},
                           extra={"room_rent_total": rent, "nights_total": nights, "guest_count": 0})

    def _from_guests(self, guests, *, period, field):
        """Each stay at the rate in force on its check-in day; Σ rent × rate / 100 rounded once, half up."""
        rates = rates_of_month(Product.ROOM_RENT, period)
        if not rates:
            rate_for(Product.ROOM_RENT, period)  # says the PAO has no rate
        errors, fee, used = [], Decimal("0"), {}
        for guest in guests:
            rate = rate_on(rates, guest["check_in"])
            if rate is None:
                errors.append(_("line %(number)d: no hotel-fee rate was in force on %(date)s, the check-in day")
                              % {"number": guest["line"], "date": buddhist_date(guest["check_in"])})
                continue
            guest["rate"] = rate.rate
            fee += guest["rent"] * rate.rate
            used[rate.effective_from] = rate.rate
        if errors:
            raise ValidationError({field: errors})
        first, *later = sorted(used)
        rates_used = {Product.ROOM_RENT: str(used[first])}
        rates_used.update({f"{Product.ROOM_RENT} from {day.isoformat()}": str(used[day]) for day in later})
        rent = sum((g["rent"] for g in guests), Decimal("0"))
        return Computation(tax=round_baht(fee / 100), base=rent, rates=rates_used, lines=guests,
                           extra={"room_rent_total": rent, "nights_total": sum(g["nights"] for g in guests),
                                  "guest_count": len(guests)})

    def save_lines(self, *, ret, computation):
        fields = {f.name for f in HotelGuest._meta.fields}
        HotelGuest.objects.bulk_create([HotelGuest(hotel_return=ret, **{k: v for k, v in guest.items() if k in fields})
                                        for guest in computation.lines])

    def lines_of(self, ret):
        return ret.guests.all()
