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


MAX_REMINDER_DAY = 30


@transaction.atomic
def return_reminder_days_set(*, actor, value: str, request=None) -> LAOProfile:
    """How many days before a return's deadline its filers who have not filed are reminded, e.g. "5, 1"
    (at most five days, each 1–30; empty: no reminders). The businesses' published items take the new days
    after commit."""
    from shared_apps.audit.services import audit_record
    from tenant_apps.published import person_items

    parts = [p.strip() for p in (value or "").replace("،", ",").split(",") if p.strip()]
    if len(parts) > 5 or len(value or "") > 40:
        raise ValidationError({"return_reminder_days": _("At most five days, separated by commas.")})
    if not all(p.isascii() and p.isdigit() and 1 <= int(p) <= MAX_REMINDER_DAY for p in parts):
        raise ValidationError({"return_reminder_days": _("Whole numbers of days from 1 to %(max)d, separated by "
                                                         "commas, e.g. 5, 1.") % {"max": MAX_REMINDER_DAY}})
    days = sorted({int(p) for p in parts}, reverse=True)
    profile, _created = LAOProfile.objects.select_for_update().get_or_create(pk=1)
    before = list(profile.return_reminder_days or [])
    profile.return_reminder_days, profile.updated_by = days, actor
    profile.save(update_fields=["return_reminder_days", "updated_by", "updated_at"])
    audit_record(action="return_reminder_days_set", request=request, actor=actor, target="return reminders",
                 before=before, after=days)
    from django.apps import apps

    if apps.is_installed("tenant_apps.businesses"):
        from tenant_apps.businesses.models import Business

        person_items.businesses_changed(Business.objects.values_list("pk", flat=True))
    return profile
