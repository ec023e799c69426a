"""Registering businesses, deciding on them, their filers and API keys (in the PAO's schema)."""
import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.th import pin, tin

from shared_apps.audit.services import audit_record
from tenant_apps.officers.access import Action, require
from tenant_apps.ordinances.models import Product
from tenant_apps.published import figures as published_figures
from tenant_apps.published import person_items

from .models import (Business, BusinessApiKey, BusinessEvent, BusinessFiler, BusinessKind, BusinessStatus,
                     OwnerType, TradeMode)

FUEL_PRODUCTS = [Product.PETROL, Product.DIESEL, Product.VEHICLE_GAS]
CHANGEABLE = ["name", "address", "licence_number", "rooms", "fuel_kinds", "trade_mode"]


def _event(business, kind, actor, **detail):
    BusinessEvent.objects.create(business=business, kind=kind, actor=actor, detail=detail)
    published_figures.publish_businesses()  # oversight: recounted after commit
    person_items.businesses_changed([business.pk])  # its filers' "My account": republished after commit


def is_filer(user, business) -> bool:
    return bool(user and user.is_authenticated and BusinessFiler.objects.filter(
        business=business, user_id=user.pk, revoked_at__isnull=True).exists())


def require_filer(user, business, *, owner: bool = False) -> None:
    filers = BusinessFiler.objects.filter(business=business, user_id=getattr(user, "pk", None),
                                          revoked_at__isnull=True)
    if owner:
        filers = filers.filter(is_owner=True)
    if not filers.exists():
        raise PermissionDenied(_("%(business)s has not authorised you to act for it.") % {"business": business.name})


def _validate_kind_details(*, kind, rooms, fuel_kinds, trade_mode):
    if kind == BusinessKind.HOTEL and not rooms:
        raise ValidationError(_("Give the number of rooms."))
    if kind == BusinessKind.FUEL:
        if not fuel_kinds or any(k not in FUEL_PRODUCTS for k in fuel_kinds):
            raise ValidationError(_("Choose the fuels sold here."))
        if trade_mode not in TradeMode.values:
            raise ValidationError(_("Say whether the place sells retail or wholesale."))


@transaction.atomic
def business_register(*, actor, kind: str, name: str, address: str, owner_type: str, owner_id_number: str,
                      owner_name: str, operating_since: datetime.date, licence_number: str = "", rooms=None,
                      fuel_kinds=(), trade_mode: str = "", authorised: bool = False, request=None) -> Business:
    """A citizen registers their own business, or one of a juristic person that authorised them."""
    if not actor or not actor.is_authenticated or not actor.national_id:
        raise PermissionDenied(_("Sign in with DOPA Digital ID to register a business."))
    if kind not in BusinessKind.values or owner_type not in OwnerType.values:
        raise ValidationError(_("Choose the kind of business and of owner."))
    owner_id_number = (owner_id_number or "").replace("-", "").replace(" ", "")
    if owner_type == OwnerType.PERSON:
        if not pin.is_valid(owner_id_number):
            raise ValidationError(_("The owner's national ID is not valid."))
        if owner_id_number != actor.national_id:
            raise PermissionDenied(_("A person registers their own business: the national ID must be yours. "
                                     "For a company, choose a juristic person as the owner."))
    else:
        if not (tin.is_valid(owner_id_number) and owner_id_number.startswith("0")):
            raise ValidationError(_("The juristic person's 13-digit tax ID is not valid."))
        if not authorised:
            raise PermissionDenied(_("Confirm that the juristic person has authorised you to act for it."))
    _validate_kind_details(kind=kind, rooms=rooms, fuel_kinds=fuel_kinds, trade_mode=trade_mode)
    if operating_since > timezone.localdate():
        raise ValidationError(_("The business cannot start operating in the future."))
    if not name.strip() or not address.strip() or not owner_name.strip():
        raise ValidationError(_("Give the business's name and address and the owner's name."))
    business = Business.objects.create(
        kind=kind, name=name.strip(), address=address.strip(), owner_type=owner_type,
        owner_id_number=owner_id_number, owner_name=owner_name.strip(), licence_number=licence_number.strip(),
        rooms=rooms if kind == BusinessKind.HOTEL else None,
        fuel_kinds=list(fuel_kinds) if kind == BusinessKind.FUEL else [],
        trade_mode=trade_mode if kind == BusinessKind.FUEL else "", operating_since=operating_since,
        registered_by=actor,
    )
    BusinessFiler.objects.create(business=business, user=actor, is_owner=True, granted_by=actor)
    _event(business, BusinessEvent.Kind.REGISTERED, actor, owner_type=owner_type)
    audit_record(action="business_registered", request=request, actor=actor, target=business.name,
                 business=business.pk)
    return business


@transaction.atomic
def business_decide(*, business: Business, approve: bool, note: str, actor, request=None) -> Business:
    """A clerk approves a registration, or refuses it with a reason."""
    from shared_apps.text import PrintableTextValidator

    PrintableTextValidator(multiline=True)(note or "")  # a NUL would reach the database as a server error
    require(actor, Action.REVIEW_BUSINESSES)
    business = Business.objects.select_for_update().get(pk=business.pk)
    if business.status != BusinessStatus.PENDING:
        raise ValidationError(_("This registration has already been decided."))
    if not approve and not note.strip():
        raise ValidationError(_("Give the reason for refusing."))
    business.status = BusinessStatus.APPROVED if approve else BusinessStatus.REJECTED
    business.decided_by, business.decided_at, business.decision_note = actor, timezone.now(), note.strip()
    business.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    kind = BusinessEvent.Kind.APPROVED if approve else BusinessEvent.Kind.REJECTED
    _event(business, kind, actor, note=note.strip())
    audit_record(action=f"business_{kind}", request=request, actor=actor, target=business.name, business=business.pk)
    return business


@transaction.atomic
def business_change(*, business: Business, actor, request=None, **changes) -> Business:
    require_filer(actor, business)
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise ValidationError(_("These cannot be changed here: %s") % ", ".join(sorted(unknown)))
    business = Business.objects.select_for_update().get(pk=business.pk)
    _validate_kind_details(kind=business.kind, rooms=changes.get("rooms", business.rooms),
                           fuel_kinds=changes.get("fuel_kinds", business.fuel_kinds),
                           trade_mode=changes.get("trade_mode", business.trade_mode))
    diff = {k: [getattr(business, k), v] for k, v in changes.items() if getattr(business, k) != v}
    for name, value in changes.items():
        setattr(business, name, value)
    business.save()
    if diff:
        _event(business, BusinessEvent.Kind.CHANGED, actor, changes={k: [str(a), str(b)] for k, (a, b) in diff.items()})
    return business


@transaction.atomic
def business_close(*, business: Business, closed_on: datetime.date, actor, request=None) -> Business:
    """The owner (or a clerk) records that the business stopped; no returns are due after that month."""
    try:
        require_filer(actor, business, owner=True)
    except PermissionDenied:
        require(actor, Action.REVIEW_BUSINESSES)
    business = Business.objects.select_for_update().get(pk=business.pk)
    if business.status == BusinessStatus.CLOSED:
        raise ValidationError(_("This business is already closed."))
    if closed_on < business.operating_since:
        raise ValidationError(_("A business cannot close before it started."))
    business.status, business.closed_on = BusinessStatus.CLOSED, closed_on
    business.save(update_fields=["status", "closed_on"])
    _event(business, BusinessEvent.Kind.CLOSED, actor, closed_on=str(closed_on))
    audit_record(action="business_closed", request=request, actor=actor, target=business.name, business=business.pk)
    return business


@transaction.atomic
def business_transfer(*, business: Business, owner_type: str, owner_id_number: str, owner_name: str, actor,
                      request=None) -> Business:
    """A clerk records a new owner; the former owner's filers lose their authority."""
    require(actor, Action.REVIEW_BUSINESSES)
    validator = pin if owner_type == OwnerType.PERSON else tin
    if not validator.is_valid(owner_id_number):
        raise ValidationError(_("The new owner's ID number is not valid."))
    business = Business.objects.select_for_update().get(pk=business.pk)
    old = {"owner_type": business.owner_type, "owner_id_number": business.owner_id_number,
           "owner_name": business.owner_name}
    business.owner_type, business.owner_id_number, business.owner_name = owner_type, owner_id_number, owner_name
    business.save(update_fields=["owner_type", "owner_id_number", "owner_name"])
    BusinessFiler.objects.filter(business=business, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if owner_type == OwnerType.PERSON:
        new_owner = get_user_model().objects.filter(national_id=owner_id_number).first()
        if new_owner:
            BusinessFiler.objects.create(business=business, user=new_owner, is_owner=True, granted_by=actor)
    _event(business, BusinessEvent.Kind.TRANSFERRED, actor, old=old, new_owner_name=owner_name)
    audit_record(action="business_transferred", request=request, actor=actor, target=business.name,
                 business=business.pk)
    return business


@transaction.atomic
def filer_add(*, business: Business, national_id: str, actor, request=None) -> BusinessFiler:
    """The owner (or the juristic person's representative) authorises another citizen to file."""
    require_filer(actor, business, owner=True)
    person = get_user_model().objects.filter(national_id=national_id).first()
    if person is None:
        raise ValidationError(_("Nobody with this national ID has signed in to Local Service yet."))
    filer, created = BusinessFiler.objects.get_or_create(business=business, user=person, revoked_at=None,
                                                         defaults={"granted_by": actor})
    if created:
        _event(business, BusinessEvent.Kind.FILER_ADDED, actor, filer=person.pk)
    return filer


@transaction.atomic
def filer_remove(*, business: Business, filer: BusinessFiler, actor, request=None) -> None:
    require_filer(actor, business, owner=True)
    if filer.is_owner and not BusinessFiler.objects.filter(business=business, is_owner=True,
                                                           revoked_at__isnull=True).exclude(pk=filer.pk).exists():
        raise ValidationError(_("The owner's own authority cannot be withdrawn here."))
    filer.revoked_at = timezone.now()
    filer.save(update_fields=["revoked_at"])
    _event(business, BusinessEvent.Kind.FILER_REMOVED, actor, filer=filer.user_id)


def _key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_key_issue(*, business: Business, name: str, actor, request=None) -> tuple[BusinessApiKey, str]:
    """A key for the business's own software; the plain key is shown once and never stored."""
    require_filer(actor, business)
    if business.status != BusinessStatus.APPROVED:
        raise ValidationError(_("Keys are issued once the business is registered."))
    prefix = secrets.token_hex(4)
    raw = f"lsk_{prefix}_{secrets.token_urlsafe(32)}"
    key = BusinessApiKey.objects.create(business=business, name=name.strip() or "API", prefix=prefix,
                                        key_hash=_key_hash(raw), created_by=actor)
    _event(business, BusinessEvent.Kind.API_KEY_ISSUED, actor, key=prefix, name=key.name)
    audit_record(action="api_key_issued", request=request, actor=actor, target=business.name, key=prefix)
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: BusinessApiKey, actor, request=None) -> BusinessApiKey:
    require_filer(actor, key.business)
    key = BusinessApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        _event(key.business, BusinessEvent.Kind.API_KEY_REVOKED, actor, key=key.prefix)
        audit_record(action="api_key_revoked", request=request, actor=actor, target=key.business.name,
                     key=key.prefix)
    return key


def api_key_lookup(raw: str) -> BusinessApiKey | None:
    """The live key for a presented secret, in the current LAO's schema (another LAO's is unknown here)."""
    if not raw or not raw.startswith("lsk_"):
        return None
    key = BusinessApiKey.objects.select_related("business").filter(key_hash=_key_hash(raw),
                                                                   revoked_at__isnull=True).first()
    if key is not None:
        BusinessApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key
