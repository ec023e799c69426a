"""Inviting officers, accepting invitations, granting and revoking roles (in the current LAO's schema).

Each function checks the actor's role, runs in one transaction and writes the
audit event in it; e-mail leaves only after commit.
"""
import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.models import AuditEvent
from shared_apps.audit.services import audit_record
from shared_apps.portal.templatetags.thai_dates import buddhist_date
from tenants.selectors import current_lao

from .access import Action, require
from .models import Invitation, Officer, Role

INVITATION_DAYS = 7


class InvitationError(Exception):
    """The invitation cannot be used; the message says why."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_roles(roles) -> list[str]:
    roles = sorted(set(roles or []))
    if not roles:
        raise ValidationError(_("Choose at least one role."))
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        raise ValidationError(_("Unknown role(s): %s") % ", ".join(unknown))
    return roles


@transaction.atomic
def officer_invite(*, email: str, roles, actor, name: str = "", request=None) -> tuple[Invitation, str]:
    """Invite someone by e-mail to become an officer with these roles; returns the invitation and its token."""
    require(actor, Action.MANAGE_OFFICERS)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Enter a valid e-mail address.")) from None
    roles = _clean_roles(roles)
    now = timezone.now()
    pending = Invitation.objects.filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True,
                                        expires_at__gt=now)
    if pending.exists():
        raise ValidationError(_("%(email)s already has an invitation waiting.") % {"email": email})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email, name=name.strip(), roles=roles, token_hash=_hash(token), invited_by=actor,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    audit_record(action=AuditEvent.Action.OFFICER_INVITED, request=request, actor=actor, target=email,
                 roles=roles)
    lao = current_lao()
    link = f"{lao.site_url}officers/invitations/{token}/"
    transaction.on_commit(lambda: send_mail(
        subject=_("Invitation to work on Local Service for %(lao)s") % {"lao": lao.full_name_th},
        message=_("You are invited as an officer of %(lao)s (%(roles)s).\n\nAccept within %(days)d days:\n%(link)s\n")
        % {"lao": lao.full_name_th, "roles": ", ".join(str(Role(r).label) for r in roles), "days": INVITATION_DAYS,
           "link": link},
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[email],
    ))
    return invitation, token


def invitation_by_token(token: str) -> Invitation | None:
    return Invitation.objects.filter(token_hash=_hash(token or "")).first()


def _usable(invitation: Invitation | None) -> Invitation:
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid. Ask your LAO administrator for a new one."))
    status = invitation.status
    if status == "expired":
        raise InvitationError(_("This invitation expired on %(date)s. Ask your LAO administrator for a new one.")
                              % {"date": buddhist_date(invitation.expires_at)})
    if status == "accepted":
        raise InvitationError(_("This invitation has already been used."))
    if status == "revoked":
        raise InvitationError(_("This invitation was withdrawn."))
    return invitation


def invitation_check(*, token: str) -> Invitation:
    """The invitation for a token, or InvitationError saying why it cannot be used."""
    return _usable(invitation_by_token(token))


@transaction.atomic
def invitation_accept(*, token: str, user, request=None) -> Officer:
    """Make `user` an officer with the invited roles (or add them to an existing officer row)."""
    invitation = _usable(Invitation.objects.select_for_update().filter(token_hash=_hash(token or "")).first())
    if not user.is_authenticated or not user.is_active:
        raise InvitationError(_("Sign in first."))
    officer, created = Officer.objects.select_for_update().get_or_create(
        user_id=user.pk, defaults={"roles": invitation.roles, "created_by": invitation.invited_by})
    if not created:
        officer.roles = sorted(set(officer.roles) | set(invitation.roles))
        officer.is_active = True
        officer.save(update_fields=["roles", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(action=AuditEvent.Action.INVITATION_ACCEPTED, request=request, actor=user,
                 target=invitation.email, roles=invitation.roles)
    return officer


def _active_admins_besides(officer: Officer) -> int:
    return Officer.objects.filter(is_active=True, roles__contains=[Role.LAO_ADMIN]).exclude(pk=officer.pk).count()


@transaction.atomic
def officer_grant_role(*, officer: Officer, role: str, actor, request=None) -> Officer:
    require(actor, Action.MANAGE_OFFICERS)
    (role,) = _clean_roles([role])
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    if role in officer.roles:
        return officer
    officer.roles = sorted([*officer.roles, role])
    officer.save(update_fields=["roles"])
    audit_record(action=AuditEvent.Action.ROLE_GRANTED, request=request, actor=actor, target=str(officer.user),
                 role=role, officer=officer.pk)
    return officer


@transaction.atomic
def officer_revoke_role(*, officer: Officer, role: str, actor, request=None) -> Officer:
    require(actor, Action.MANAGE_OFFICERS)
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    if role not in officer.roles:
        return officer
    if role == Role.LAO_ADMIN and officer.is_active and not _active_admins_besides(officer):
        raise ValidationError(_("This is the LAO's last administrator: appoint another one first."))
    officer.roles = [r for r in officer.roles if r != role]
    officer.save(update_fields=["roles"])
    audit_record(action=AuditEvent.Action.ROLE_REVOKED, request=request, actor=actor, target=str(officer.user),
                 role=role, officer=officer.pk)
    return officer


@transaction.atomic
def officer_deactivate(*, officer: Officer, actor, request=None) -> Officer:
    require(actor, Action.MANAGE_OFFICERS)
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    if officer.user_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("You cannot deactivate yourself."))
    if Role.LAO_ADMIN in officer.roles and not _active_admins_besides(officer):
        raise ValidationError(_("This is the LAO's last administrator: appoint another one first."))
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    audit_record(action=AuditEvent.Action.OFFICER_DEACTIVATED, request=request, actor=actor,
                 target=str(officer.user), officer=officer.pk)
    return officer


@transaction.atomic
def national_id_reveal(*, actor, subject: str, page: str, request=None) -> tuple[str, str]:
    """The full national ID behind a masked one, for an officer whose role needs it: the audit trail records
    who saw it, when, whose ID and on which page, in the same transaction. Returns (name, national ID);
    raises LookupError for a subject this LAO does not hold."""
    from .identities import id_holder, masked

    require(actor, Action.REVEAL_NATIONAL_ID)
    holder = id_holder(subject)
    if holder is None:
        raise LookupError(subject)
    name, national_id = holder
    audit_record(action=AuditEvent.Action.NATIONAL_ID_REVEALED, request=request, actor=actor,
                 target=f"{name} ({masked(national_id)})", subject=str(subject)[:40], page=str(page)[:300])
    return name, national_id
