"""Whose national ID a list shows: a subject ("business:12", "applicant:7") names a person's ID in this LAO's
own schema — a business owner's, an applicant's — so a reveal can only ever show an ID this LAO holds.

Lists show the ID masked (1-2345-xxxxx-xx-1, PDPA); the full one is shown only through
`services.national_id_reveal`, which records who saw whose ID, when and on which page."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from shared_apps.accounts.validators import mask_national_id

SUBJECT_KINDS = {"business": "tenant_apps.businesses", "applicant": "tenant_apps.advertising"}


def _has_app(app: str) -> bool:
    from tenants.selectors import current_lao

    lao = current_lao()
    return lao is not None and app in settings.TENANT_TYPES[lao.lao_type]["APPS"]


def id_holder(subject: str) -> tuple[str, str] | None:
    """(the person's name, their 13-digit national ID) for a subject of this LAO, or None."""
    kind, _sep, pk = str(subject).partition(":")
    if kind not in SUBJECT_KINDS or not (pk.isascii() and pk.isdigit() and len(pk) < 19) or not _has_app(
            SUBJECT_KINDS[kind]):
        return None
    if kind == "business":
        from tenant_apps.businesses.models import Business, OwnerType

        business = Business.objects.filter(pk=pk, owner_type=OwnerType.PERSON).first()
        return (business.owner_name, business.owner_id_number) if business and business.owner_id_number else None
    from tenant_apps.advertising.models import Application, ApplicationStatus

    application = Application.objects.exclude(status=ApplicationStatus.DRAFT).filter(pk=pk).first()
    person = get_user_model().objects.filter(pk=application.applicant_id).first() if application else None
    return (person.display_name, person.national_id) if person and person.national_id else None


def masked(national_id: str) -> str:
    return mask_national_id(national_id or "")


def formatted(national_id: str) -> str:
    """1-2345-67890-12-3: the full ID as it is printed on the card."""
    value = national_id or ""
    if len(value) != 13:
        return value
    return f"{value[0]}-{value[1:5]}-{value[5:10]}-{value[10:12]}-{value[12]}"
