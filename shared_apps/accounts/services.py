"""Writes for accounts: citizens from DOPA claims, officer accounts with TOTP, sign-in tickets."""
from __future__ import annotations

import datetime
import hashlib
import secrets
from base64 import b32encode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from shared_apps.audit.models import AuditEvent
from shared_apps.audit.services import audit_record

from .models import CitizenLAO, SignInTicket
from .validators import validate_national_id

User = get_user_model()


class SignInError(Exception):
    """A sign-in that must not go through; `code` is recorded, the message is shown."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


# --- second factor -------------------------------------------------------------------------

def has_second_factor(request) -> bool:
    """Officer work needs more than a password: a TOTP code, or DOPA Digital ID."""
    user = request.user
    return bool(user.is_authenticated and (
        (hasattr(user, "is_verified") and user.is_verified()) or request.session.get("auth_method") == "dopa"))


def mark_second_factor(request, *, device=None, method: str = "password+totp") -> None:
    if device is not None:
        otp_login(request, device)
    request.session["auth_method"] = method


def sign_in(request, user, *, method: str, device=None) -> None:
    """Start a session for `user` on this host, recording how they proved who they are."""
    from django.contrib.auth import login

    request.session["auth_method"] = method  # read by the audit receiver of user_logged_in
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    mark_second_factor(request, device=device, method=method)


def officer_account_create(*, username: str, email: str, name_th: str, password: str) -> User:
    """A password account for an invited officer, with an authenticator (TOTP) device still to confirm."""
    with transaction.atomic():
        user = User(username=username.strip(), email=email, name_th=name_th.strip())
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return user


def totp_device_unconfirmed(*, user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_confirm(*, device: TOTPDevice, code: str, request=None) -> bool:
    """Confirm a new authenticator with a code it shows; records the enrolment."""
    if not device.verify_token(code):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(action=AuditEvent.Action.TOTP_ENROLLED, request=request, actor=device.user,
                     target=device.user.username)
    return True


def totp_qr_svg(*, device: TOTPDevice) -> str:
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=5, title="TOTP")


def totp_secret_text(*, device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


# --- citizens from DOPA Digital ID ------------------------------------------------------------

def _names(claims) -> tuple[str, str]:
    name_th = (claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")])))
    name_en = (claims.get("name_en") or " ".join(filter(None, [claims.get("given_name_en"),
                                                               claims.get("family_name_en")])))
    return name_th.strip()[:200], name_en.strip()[:200]


def citizen_from_dopa_claims(*, claims) -> User:
    """The one account of the person whose verified ID token this is, keyed on `pid`.

    A `pid` with a wrong check digit, or a disabled account, refuses the sign-in
    and creates nothing.
    """
    pid = str(claims.get("pid") or "").strip()
    try:
        validate_national_id(pid)
    except ValidationError:
        raise SignInError(_("DOPA Digital ID returned a national ID that is not valid. Nothing was saved."),
                          "invalid_pid") from None
    name_th, name_en = _names(claims)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(national_id=pid).first()
        if user is not None and not user.is_active:
            raise SignInError(_("This account is disabled. Contact your LAO or DLA."), "disabled")
        if user is None:
            user = User(username=f"citizen-{secrets.token_hex(6)}", national_id=pid)
            user.set_unusable_password()
        user.name_th, user.name_en = name_th or user.name_th, name_en or user.name_en
        user.save()
    return user


@transaction.atomic
def dopa_link(*, user, claims, request=None) -> User:
    """Attach a DOPA identity to an officer's password account, so they may sign in with it."""
    pid = str(claims.get("pid") or "").strip()
    try:
        validate_national_id(pid)
    except ValidationError:
        raise SignInError(_("DOPA Digital ID returned a national ID that is not valid. Nothing was saved."),
                          "invalid_pid") from None
    user = User.objects.select_for_update().get(pk=user.pk)
    owner = User.objects.filter(national_id=pid).exclude(pk=user.pk).first()
    if owner is not None:
        raise SignInError(_("This Digital ID already belongs to another account. Ask DLA to merge them."),
                          "pid_in_use")
    if user.national_id and user.national_id != pid:
        raise SignInError(_("This account is already linked to another Digital ID."), "other_pid")
    user.national_id = pid
    name_th, name_en = _names(claims)
    user.name_th, user.name_en = name_th or user.name_th, name_en or user.name_en
    user.save()
    audit_record(action=AuditEvent.Action.DOPA_LINKED, request=request, actor=user, target=user.username)
    return user


# --- carrying a sign-in from the central site to a LAO's host ---------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in_ticket_issue(*, user, host: str, next_path: str = "/", auth_method: str = "dopa") -> str:
    token = secrets.token_urlsafe(32)
    SignInTicket.objects.create(
        token_hash=_hash(token), user=user, host=host, next_path=next_path or "/", auth_method=auth_method,
        expires_at=timezone.now() + datetime.timedelta(seconds=settings.SIGN_IN_TICKET_SECONDS),
    )
    return token


@transaction.atomic
def sign_in_ticket_redeem(*, token: str, host: str) -> SignInTicket:
    """Use a ticket once, on the host it was made for, before it expires."""
    ticket = SignInTicket.objects.select_for_update().select_related("user").filter(token_hash=_hash(token or "")).first()
    if ticket is None or ticket.host != host:
        raise SignInError(_("This sign-in link is not valid here. Sign in again."), "ticket_invalid")
    if ticket.used_at is not None:
        raise SignInError(_("This sign-in link has already been used. Sign in again."), "ticket_replayed")
    if ticket.expires_at <= timezone.now():
        raise SignInError(_("This sign-in link has expired. Sign in again."), "ticket_expired")
    if not ticket.user.is_active:
        raise SignInError(_("This account is disabled. Contact your LAO or DLA."), "disabled")
    ticket.used_at = timezone.now()
    ticket.save(update_fields=["used_at"])
    return ticket


def citizen_lao_touch(*, user, lao) -> None:
    """Publish to the public schema that this person dealt with this LAO (for "my account")."""
    CitizenLAO.objects.update_or_create(user=user, lao_id=lao.pk, defaults={})
