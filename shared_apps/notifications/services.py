"""The one way to tell a person something: `notify()`. Reminders (shared_apps.person_items.reminders) and the
LAO apps' notices (an advertising decision, more information asked) all come through it.

- At most one message per person, key and day: the row is inserted first under a unique constraint.
- The person's choice: their language (the text is composed under it), their channels, the kinds they turned
  off — except legal notices (LEGAL_KINDS), which are always sent to a verified address.
- Only verified addresses are used (a link or a code proves an address first).
- Quiet hours (NOTIFICATION_QUIET_HOURS, Asia/Bangkok): a message is held until the morning and sent by
  `notifications_send_due()` (the daily run and the `notifications_send` command call it).
"""
from __future__ import annotations

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shared_apps.audit.services import audit_record

from .channels import channel, channel_names
from .models import (LEGAL_KINDS, AddressVerification, Notification, NotificationKind, NotificationPreference,
                     NotificationStatus)
from .selectors import preference_for

logger = logging.getLogger(__name__)
VERIFICATION_HOURS = 24
VERIFICATION_ATTEMPTS = 5
VERIFICATIONS_PER_HOUR = 5


def _now() -> datetime.datetime:
    return timezone.now()


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def quiet_until(now: datetime.datetime) -> datetime.datetime | None:
    """The end of the quiet hours if `now` is in them (local time), else None."""
    start, end = getattr(settings, "NOTIFICATION_QUIET_HOURS", (21, 7))
    if start == end:
        return None  # no quiet hours
    local = timezone.localtime(now)
    if start <= local.hour or local.hour < end:
        day = local.date() + datetime.timedelta(days=1) if local.hour >= start else local.date()
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(end)))
    return None


def _route(preference: NotificationPreference) -> tuple[str, str]:
    """(channel, verified address) the message goes through: the first of the person's channels that has one."""
    for name in preference.channels or []:
        if name in channel_names() and preference.address(name):
            return name, preference.address(name)
    return "", ""


def notify(*, user, kind: str, key: str, compose, link: str = "", lao=None, day: datetime.date | None = None,
           now: datetime.datetime | None = None, preference: NotificationPreference | None = None
           ) -> Notification | None:
    """Tell `user` about `key` today. `compose()` returns (subject, body) and is called in the person's language.
    Returns the recorded row (sent, queued, or skipped and why), or None when this person was already told
    about this key on this day."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    now = now or _now()
    day = day or timezone.localtime(now).date()
    preference = preference or preference_for(user)  # a batch passes the ones it read at once
    with translation.override(preference.language or "th"):
        subject, body = compose()
    legal = kind in LEGAL_KINDS
    channel_name, address = _route(preference)
    if not legal and kind in (preference.muted_kinds or []):
        status = NotificationStatus.SKIPPED_MUTED
    elif not address:
        status = NotificationStatus.SKIPPED_NO_ADDRESS
    else:
        status = NotificationStatus.QUEUED
    held = quiet_until(now)
    row = Notification(user=user, kind=kind, key=key[:160], lao=lao, day=day, channel=channel_name, address=address,
                       language=preference.language or "th", subject=str(subject)[:300],
                       body=f"{body}\n\n{link}".strip() if link else str(body), link=link[:600], legal=legal,
                       status=status, send_after=held or now)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return None  # told already today (by this run or another one at the same time)
    if status == NotificationStatus.QUEUED and held is None:
        transaction.on_commit(lambda: _deliver(row.pk))
    return row


def _deliver(pk: int) -> bool:
    """Send one queued message, locked so that two senders never both send it."""
    with transaction.atomic():
        row = (Notification.objects.select_for_update(skip_locked=True)
               .filter(pk=pk, status=NotificationStatus.QUEUED).first())
        if row is None:
            return False
        try:
            channel(row.channel).send(address=row.address, subject=row.subject, body=row.body)
        except Exception as error:  # a channel's failure is recorded, never lost or retried in a loop here
            logger.warning("notification %s not sent: %r", pk, error)
            row.status, row.error = NotificationStatus.FAILED, repr(error)[:300]
        else:
            row.status, row.sent_at = NotificationStatus.SENT, timezone.now()
        row.save(update_fields=["status", "error", "sent_at"])
        return row.status == NotificationStatus.SENT


def notifications_send_due(*, now: datetime.datetime | None = None) -> int:
    """Send what was held over the quiet hours and is due by `now` (nothing while still quiet). Returns how many
    were sent."""
    now = now or _now()
    if quiet_until(now) is not None:
        return 0
    ids = list(Notification.objects.filter(status=NotificationStatus.QUEUED, send_after__lte=now)
               .order_by("send_after", "pk").values_list("pk", flat=True))
    return sum(1 for pk in ids if _deliver(pk))


# --- the person's choice ------------------------------------------------------------------------------------------

def _check_email(address: str) -> str:
    address = (address or "").strip()
    if len(address) > 254:
        raise ValidationError({"email": _("An e-mail address is at most 254 characters.")})
    try:
        EmailValidator()(address)
    except ValidationError:
        raise ValidationError({"email": _("“%(address)s” is not an e-mail address.") % {"address": address[:80]}}) \
            from None
    return address


@transaction.atomic
def preference_update(*, user, language: str, channels, muted_kinds, email: str | None = None, request=None
                      ) -> NotificationPreference:
    """Save the person's choice for every LAO. A changed address must be verified again before it is used;
    `email=None` keeps the address, "" removes it."""
    errors = {}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose Thai or English.")
    channels = list(dict.fromkeys(channels or []))
    if any(name not in channel_names() for name in channels):
        errors["channels"] = _("Unknown channel.")
    muted = list(dict.fromkeys(muted_kinds or []))
    if any(kind not in NotificationKind.values for kind in muted):
        errors["muted_kinds"] = _("Unknown kind of message.")
    elif any(kind in LEGAL_KINDS for kind in muted):
        errors["muted_kinds"] = _("Notices the law requires cannot be turned off.")
    email = None if email is None else email.strip()
    if email:
        try:
            email = _check_email(email)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    before = {"language": preference.language, "channels": preference.channels, "muted": preference.muted_kinds,
              "email_changed": False}
    if email is not None and email.lower() != (preference.email or "").lower():
        preference.email, preference.email_verified_at = email, None
        before["email_changed"] = True
    preference.language, preference.channels, preference.muted_kinds = language, channels, muted
    preference.save()
    audit_record(action="notification_preference_changed", request=request, actor=user, target=user.username,
                 language=language, channels=channels, muted=muted, email_changed=before["email_changed"])
    return preference


@transaction.atomic
def verification_start(*, user, address: str, channel_name: str = "email", request=None) -> AddressVerification:
    """Send a link and a 6-digit code to `address` (straight through the channel: it is not verified yet)."""
    from django.urls import reverse

    if channel_name != "email":
        raise ValidationError({"channels": _("Unknown channel.")})
    address = _check_email(address)
    recent = AddressVerification.objects.filter(user=user, created_at__gte=timezone.now() - datetime.timedelta(hours=1))
    if recent.count() >= VERIFICATIONS_PER_HOUR:
        raise ValidationError(_("Too many codes asked for in the last hour. Please try again later."))
    token, code = secrets.token_urlsafe(24), f"{secrets.randbelow(10**6):06d}"
    verification = AddressVerification.objects.create(
        user=user, channel=channel_name, address=address, token_hash=_hash(token), code_hash=_hash(code),
        expires_at=timezone.now() + datetime.timedelta(hours=VERIFICATION_HOURS))
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    if address.lower() != (preference.email or "").lower():
        preference.email, preference.email_verified_at = address, None
        preference.save(update_fields=["email", "email_verified_at", "updated_at"])
    link = (f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}"
            f"{reverse('notifications:verify', args=[token])}")
    with translation.override(preference.language or "th"):
        subject = _("Your Local Service verification code: %(code)s") % {"code": code}
        body = _("Enter the code %(code)s on your notification settings page, or open this link within %(hours)d "
                 "hours to confirm that this address is yours:") % {"code": code, "hours": VERIFICATION_HOURS}
    audit_record(action="notification_address_verification_sent", request=request, actor=user, target=user.username,
                 channel=channel_name)
    transaction.on_commit(lambda: channel(channel_name).send(address=address, subject=str(subject),
                                                             body=f"{body}\n\n{link}"))
    return verification


def verification_confirm(*, user, token: str | None = None, code: str | None = None, request=None
                         ) -> NotificationPreference:
    """The address is the person's: by the link's token, or by the code typed on the page (five tries; a wrong
    try is counted, so it is saved before the refusal is raised)."""
    with transaction.atomic():
        live = AddressVerification.objects.select_for_update().filter(user=user, used_at__isnull=True,
                                                                      expires_at__gt=timezone.now())
        if token is not None:
            verification = live.filter(token_hash=_hash(token or "")).first()
            if verification is None:
                raise ValidationError(_("This link is not valid any more. Ask for a new code on your settings page."))
        else:
            verification = live.order_by("-created_at").first()
            code = (code or "").strip()
            if verification is None:
                raise ValidationError({"code": _("No code is waiting: ask for a new one.")})
            if verification.attempts >= VERIFICATION_ATTEMPTS:
                raise ValidationError({"code": _("Too many wrong codes. Ask for a new one.")})
            if not (code.isascii() and code.isdigit() and len(code) == 6) or _hash(code) != verification.code_hash:
                verification.attempts += 1
                verification.save(update_fields=["attempts"])
                verification = None
        if verification is not None:
            verification.used_at = timezone.now()
            verification.save(update_fields=["used_at"])
            preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
            preference.email, preference.email_verified_at = verification.address, timezone.now()
            if "email" not in (preference.channels or []):
                preference.channels = [*(preference.channels or []), "email"]
            preference.save()
            audit_record(action="notification_address_verified", request=request, actor=user, target=user.username,
                         channel=verification.channel)
            return preference
    raise ValidationError({"code": _("That code is wrong.")})
