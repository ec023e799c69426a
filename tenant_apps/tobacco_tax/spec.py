from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from shared_apps.money import MoneyError, parse_count
from tenant_apps.ordinances.models import Product, Revenue
from tenant_apps.pao_filing.services import Computation, ReturnSpec, tax_on_quantities

from .models import TobaccoLine, TobaccoReturn

PRODUCTS = [Product.CIGARETTE, Product.CIGAR]
# Cigarettes one trader may declare per kind in a month: ten billion (all of Thailand sells about 2.5 billion).
MAX_CIGARETTES = 10_000_000_000


class TobaccoTaxSpec(ReturnSpec):
    """Tax = Σ cigarettes × satang rate (cap 10 satang per cigarette), rounded once to the satang."""

    revenue = Revenue.TOBACCO_TAX
    business_kind = "tobacco"
    model = TobaccoReturn

    def compute(self, *, data, period, business):
        if data.get("nil"):
            return Computation(tax=Decimal("0.00"), base=Decimal("0"), rates={}, nil=True)
        errors, lines, seen = {}, [], set()
        for number, raw in enumerate(data.get("lines") or [], start=1):
            product = raw.get("product")
            if product not in PRODUCTS or product in seen:
                errors.setdefault("lines", []).append(
                    _("line %(n)d: “%(product)s” is not a tobacco product, or appears twice")
                    % {"n": number, "product": product})
                continue
            seen.add(product)
            try:
                quantity = parse_count(raw.get("quantity", ""), field=f"{Product(product).label}, "
                                       + _("cigarettes sold"), maximum=MAX_CIGARETTES)
            except MoneyError as error:
                errors.setdefault(f"{product}_quantity", []).append(error.message)
                continue
            lines.append({"product": product, "quantity": quantity})
        if not errors and not lines:
            errors[NON_FIELD_ERRORS] = [_("Give the number of cigarettes sold, or file a nil return.")]
        if errors:
            raise ValidationError(errors)
        return tax_on_quantities(lines, quantity="quantity", period=period)

    def save_lines(self, *, ret, computation):
        TobaccoLine.objects.bulk_create([TobaccoLine(tobacco_return=ret, **line) for line in computation.lines])

    def lines_of(self, ret):
        return ret.lines.all()
