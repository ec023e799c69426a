"""Money in baht: Decimal, two places, rounded once, half up (DOMAIN.md §7)."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SATANG = Decimal("0.01")


class MoneyError(ValueError):
    pass


def round_baht(amount: Decimal) -> Decimal:
    """Round to the satang, half up: 5.675 → 5.68."""
    return Decimal(amount).quantize(SATANG, rounding=ROUND_HALF_UP)


def parse_amount(value, *, places: int = 2, allow_negative: bool = False) -> Decimal:
    """A Decimal from user input, refusing floats' rounding, more decimals than allowed, and negatives."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise MoneyError("not a number") from None
    if not amount.is_finite():
        raise MoneyError("not a number")
    if amount.as_tuple().exponent < -places:
        raise MoneyError(f"more than {places} decimals")
    if amount < 0 and not allow_negative:
        raise MoneyError("negative")
    return amount
