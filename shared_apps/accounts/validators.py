from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.th import pin


def validate_national_id(value: str) -> None:
    """A Thai national ID: 13 digits whose last is the check digit (DOMAIN.md §9)."""
    if not pin.is_valid(value or ""):
        raise ValidationError(_("“%(value)s” is not a valid 13-digit national ID."), params={"value": value},
                              code="invalid_national_id")


def mask_national_id(value: str) -> str:
    """1-2345-xxxxx-xx-1: enough to recognise one's own ID, not enough to use it (PDPA)."""
    if not value or len(value) != 13:
        return ""
    return f"{value[0]}-{value[1:5]}-xxxxx-xx-{value[12]}"
