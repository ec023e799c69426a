from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shared_apps.money import MoneyError, parse_amount, round_baht
from tenant_apps.ordinances.models import Product, Revenue
from tenant_apps.pao_filing.services import Computation, ReturnSpec, rate_for

from .guest_list import clean_guests
from .models import HotelGuest, HotelReturn


class HotelFeeSpec(ReturnSpec):
    """Fee = room rent × the ordinance's % (cap 3 %), rounded once to the satang."""

    revenue = Revenue.HOTEL_FEE
    business_kind = "hotel"
    model = HotelReturn

    def compute(self, *, data, period, business):
        rate = rate_for(Product.ROOM_RENT, period)
        guests = []
        if data.get("nil"):
            rent, nights = Decimal("0"), 0
        elif data.get("guests"):
            guests = data["guests"] if data.get("guests_clean") else clean_guests(data["guests"], period=period)
            rent = sum((g["rent"] for g in guests), Decimal("0"))
            nights = sum(g["nights"] for g in guests)
        else:
            try:
                rent = parse_amount(data.get("room_rent_total", ""))
                nights = int(str(data.get("nights_total", "0") or "0"))
                if nights < 0:
                    raise ValueError
            except (MoneyError, ValueError):
                raise ValidationError(_("Give the month's room rent in baht (at most 2 decimals, not negative) "
                                        "and the number of room nights.")) from None
        tax = round_baht(rent * rate.rate / 100)
        return Computation(tax=tax, base=rent, rates={Product.ROOM_RENT: str(rate.rate)}, lines=guests,
                           nil=bool(data.get("nil")),
                           extra={"room_rent_total": rent, "nights_total": nights, "guest_count": len(guests)})

    def save_lines(self, *, ret, computation):
        HotelGuest.objects.bulk_create([HotelGuest(hotel_return=ret, **guest) for guest in computation.lines])

    def lines_of(self, ret):
        return ret.guests.all()
