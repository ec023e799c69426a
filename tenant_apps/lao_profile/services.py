"""Writes to the LAO's own profile and announcements (in the current LAO's schema)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Announcement, LAOProfile

PROFILE_FIELDS = ["office_address", "postal_code", "phone", "email", "website", "opening_hours"]


@transaction.atomic
def profile_update(*, actor, **changes) -> LAOProfile:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown profile field(s): %s") % ", ".join(sorted(unknown)))
    profile, _created = LAOProfile.objects.select_for_update().get_or_create(pk=1)
    for name, value in changes.items():
        setattr(profile, name, value)
    profile.updated_by = actor
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def announcement_publish(*, title: str, body: str, actor, at=None) -> Announcement:
    if not title.strip() or not body.strip():
        raise ValidationError(_("An announcement needs a title and a text."))
    return Announcement.objects.create(title=title.strip(), body=body.strip(), created_by=actor,
                                       published_at=at or timezone.now())
