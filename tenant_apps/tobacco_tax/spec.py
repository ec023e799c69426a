from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tenant_apps.ordinances.models import Product, Revenue
from tenant_apps.pao_filing.services import Computation, ReturnSpec, tax_on_quantities

from .models import TobaccoLine, TobaccoReturn

PRODUCTS = [Product.CIGARETTE, Product.CIGAR]


class TobaccoTaxSpec(ReturnSpec):
    """Tax = Σ cigarettes × satang rate (cap 10 satang per cigarette), rounded once to the satang."""

    revenue = Revenue.TOBACCO_TAX
    business_kind = "tobacco"
    model = TobaccoReturn

    def compute(self, *, data, period, business):
        if data.get("nil"):
            return Computation(tax=Decimal("0.00"), base=Decimal("0"), rates={}, nil=True)
        errors, lines, seen = [], [], set()
        for number, raw in enumerate(data.get("lines") or [], start=1):
            product = raw.get("product")
            if product not in PRODUCTS or product in seen:
                errors.append(_("line %(n)d: “%(product)s” is not a tobacco product, or appears twice")
                              % {"n": number, "product": product})
                continue
            seen.add(product)
            try:
                quantity = int(str(raw.get("quantity", "")).replace(",", "").strip())
                if quantity < 0:
                    raise ValueError
            except ValueError:
                errors.append(_("line %(n)d: the number of cigarettes must be a whole number, not negative")
                              % {"n": number})
                continue
            lines.append({"product": product, "quantity": quantity})
        if not errors and not lines:
            errors.append(_("Give the number of cigarettes sold, or file a nil return."))
        if errors:
            raise ValidationError(errors)
        return tax_on_quantities(lines, quantity="quantity", period=period)

    def save_lines(self, *, ret, computation):
        TobaccoLine.objects.bulk_create([TobaccoLine(tobacco_return=ret, **line) for line in computation.lines])

    def lines_of(self, ret):
        return ret.lines.all()
