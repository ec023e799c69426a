"""Money in baht: Decimal, two places, rounded once, half up (DOMAIN.md §7).

Every figure a person types is read here, bounded by the column that stores it: NaN,
Infinity, "1e400", more digits than the column holds, more decimals than allowed and
negatives are refused with a message naming the field (in the user's language), so no
numeric overflow reaches the database.
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

SATANG = Decimal("0.01")


class MoneyError(ValueError):
    """A figure refused; `message` says why (naming the field when one was given), `code` what was wrong."""

    def __init__(self, message: str = "not a number", *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message, self.code, self.field = message, code, field


def round_baht(amount: Decimal) -> Decimal:
    """Round to the satang, half up: 5.675 → 5.68."""
    return Decimal(amount).quantize(SATANG, rounding=ROUND_HALF_UP)


def largest(*, max_digits: int, places: int) -> Decimal:
    """The largest figure a column of max_digits with `places` decimals holds: (14, 2) → 999,999,999,999.99."""
    return Decimal(10) ** (max_digits - places) - Decimal(1).scaleb(-places)


def fits(amount: Decimal, *, max_digits: int, places: int) -> bool:
    """Whether an amount (rounded to `places`) can be stored in such a column, either sign."""
    amount = Decimal(amount)
    return amount.is_finite() and abs(amount) <= largest(max_digits=max_digits, places=places)


def column(model_field) -> dict:
    """The bounds of a model's DecimalField, as parse_amount's keyword arguments."""
    return {"max_digits": model_field.max_digits, "places": model_field.decimal_places}


def _formatted(amount: Decimal, places: int) -> str:
    return f"{amount:,.{places}f}"


def parse_amount(value, *, places: int = 2, allow_negative: bool = False, max_digits: int | None = None,
                 field: str | None = None, maximum: Decimal | None = None, minimum: Decimal | None = None) -> Decimal:
    """A Decimal from user input, refusing floats' rounding, more decimals than allowed, and negatives.

    With `max_digits` (the column's), a figure the column cannot hold is refused; with `maximum`
    or `minimum`, one outside them. With `field` (its label), every message names it.
    """

    def refuse(code, named, plain, **params):
        message = (named % {"field": field, **params}) if field else plain
        raise MoneyError(message, code=code, field=field)

    if isinstance(value, bool):
        refuse("invalid", _("%(field)s: “%(value)s” is not a number."), "not a number", value=value)
    if isinstance(value, float):
        value = repr(value)
    text = "" if value is None else str(value).replace(",", "").strip()
    if not text and field:
        refuse("required", _("%(field)s: give a number."), "not a number")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        refuse("invalid", _("%(field)s: “%(value)s” is not a number."), "not a number", value=str(value)[:40])
    if not amount.is_finite():
        refuse("invalid", _("%(field)s: “%(value)s” is not a number."), "not a number", value=str(value)[:40])
    if max_digits is not None and not fits(amount, max_digits=max_digits, places=places):
        refuse("too_large", _("%(field)s: %(value)s is too large; at most %(max)s."), "too large",
               value=str(value)[:40], max=_formatted(largest(max_digits=max_digits, places=places), places))
    if amount.as_tuple().exponent < -places:
        refuse("decimals", _("%(field)s: at most %(places)d decimals."), f"more than {places} decimals",
               places=places)
    if amount < 0 and not allow_negative:
        refuse("negative", _("%(field)s must not be negative."), "negative")
    if maximum is not None and amount > maximum:
        refuse("too_large", _("%(field)s: %(value)s is too large; at most %(max)s."), "too large",
               value=str(value)[:40], max=_formatted(maximum, places))
    if minimum is not None and amount < minimum:
        refuse("too_small", _("%(field)s must be at least %(min)s."), "too small", min=_formatted(minimum, places))
    return amount


def parse_count(value, *, field: str, maximum: int, minimum: int = 0) -> int:
    """A whole number from user input (thousands separators allowed), from `minimum` to `maximum`."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value).replace(",", "").strip()
    if not text:
        raise MoneyError(_("%(field)s: give a whole number.") % {"field": field}, code="required", field=field)
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isdecimal():  # Thai digits (๐–๙) are digits too
        raise MoneyError(_("%(field)s: “%(value)s” is not a whole number.") % {"field": field, "value": text[:40]},
                         code="invalid", field=field)
    number = int(text) if len(digits) <= 30 else None
    if number is None or number < minimum or number > maximum:
        raise MoneyError(_("%(field)s must be a whole number from %(min)s to %(max)s.")
                         % {"field": field, "min": f"{minimum:,}", "max": f"{maximum:,}"}, code="out_of_range",
                         field=field)
    return number
