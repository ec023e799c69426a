from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import AdvertisingPolicy

POLICY_FIELDS = ["fee_basis", "fee_amount", "max_width_m", "max_height_m", "max_days", "max_notices",
                 "apply_days_ahead", "decision_days", "banned_locations"]


@transaction.atomic
def advertising_policy_update(*, actor, **changes) -> AdvertisingPolicy:
    """Change the LAO's conditions; the fee never above the statute's 200 baht."""
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field(s): %s") % ", ".join(sorted(unknown)))
    policy, _created = AdvertisingPolicy.objects.select_for_update().get_or_create(pk=1)
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.updated_by = actor
    policy.full_clean()  # validators carry the legal cap and the bounds
    policy.save()
    return policy
