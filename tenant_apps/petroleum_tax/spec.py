from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from shared_apps.money import MoneyError, column, parse_amount
from tenant_apps.ordinances.models import Product, Revenue
from tenant_apps.pao_filing.services import Computation, ReturnSpec, tax_on_quantities

from .models import PetroleumLine, PetroleumReturn

FUELS = [Product.PETROL, Product.DIESEL, Product.VEHICLE_GAS]
STOCK_FIELDS = ["opening", "received", "sold", "closing"]


def _fmt(number: Decimal) -> str:
    return f"{number:,.3f}".rstrip("0").rstrip(".")


class PetroleumTaxSpec(ReturnSpec):
    """Tax = Σ litres (kg) sold × satang rate of each fuel (cap 10 satang), rounded once to the satang."""

    revenue = Revenue.PETROLEUM_TAX
    business_kind = "fuel"
    model = PetroleumReturn

    def compute(self, *, data, period, business):
        if data.get("nil"):
            return Computation(tax=Decimal("0.00"), base=Decimal("0"), rates={}, nil=True)
        errors, lines, seen = {}, [], set()

        def refuse(key, message):
            errors.setdefault(key, []).append(message)

        labels = {"opening": _("Opening stock"), "received": _("Received"), "sold": _("Sold in the province"),
                  "closing": _("Closing stock")}
        for number, raw in enumerate(data.get("lines") or [], start=1):
            product = raw.get("product")
            label = Product(product).label if product in FUELS else product
            if product not in FUELS or product not in business.fuel_kinds:
                refuse("lines", _("line %(n)d: “%(product)s” is not a fuel registered for this place")
                       % {"n": number, "product": product})
                continue
            if product in seen:
                refuse("lines", _("line %(n)d: %(product)s appears twice") % {"n": number, "product": label})
                continue
            seen.add(product)
            values = {}
            for name in STOCK_FIELDS:
                try:
                    values[name] = parse_amount(raw.get(name, ""), field=f"{label}, {labels[name]}",
                                                **column(PetroleumLine._meta.get_field(name)))
                except MoneyError as error:
                    refuse(f"{product}_{name}", error.message)
            if len(values) < len(STOCK_FIELDS):
                continue
            if values["opening"] + values["received"] - values["sold"] != values["closing"]:
                refuse(f"{product}_closing", _(
                    "%(product)s: the stock statement does not balance: opening %(o)s + received "
                    "%(r)s − sold %(s)s = %(expected)s, not %(c)s") % {
                    "product": label, "o": _fmt(values["opening"]), "r": _fmt(values["received"]),
                    "s": _fmt(values["sold"]), "expected": _fmt(values["opening"] + values["received"]
                                                                 - values["sold"]),
                    "c": _fmt(values["closing"])})
                continue
            lines.append({"product": product, **values})
        if not errors and not lines:
            refuse(NON_FIELD_ERRORS, _("Give the quantities sold, or file a nil return."))
        if errors:
            raise ValidationError(errors)
        return tax_on_quantities(lines, quantity="sold", period=period)

    def save_lines(self, *, ret, computation):
        PetroleumLine.objects.bulk_create([PetroleumLine(petroleum_return=ret, **line) for line in computation.lines])

    def lines_of(self, ret):
        return ret.lines.all()
