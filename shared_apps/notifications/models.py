"""Messages to people, and how each person wants them (public schema: one choice across every LAO).

Every message goes through `services.notify()`, which writes a `Notification` row first: at most one per
person, item and day (a unique constraint, so two runners never both send), then sends it through the
person's channels after commit, or holds it until morning in the quiet hours.
"""
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    RETURN_DUE = "return_due", _("A return is due")
    INVOICE_DUE = "invoice_due", _("An invoice to pay")
    INFO_REQUESTED = "info_requested", _("More information requested")
    PERMIT_ENDING = "permit_ending", _("A permit is ending")
    REMOVAL_NOTICE = "removal_notice", _("Notice to remove advertising")
    DECISION = "decision", _("A decision on your application")


# Notices the law requires the LAO to give: a person cannot turn these off.
LEGAL_KINDS = frozenset({NotificationKind.REMOVAL_NOTICE, NotificationKind.DECISION})


def default_channels() -> list[str]:
    return ["email"]


class NotificationPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference")
    language = models.CharField(_("language of messages"), max_length=8, choices=settings.LANGUAGES, default="th")
    email = models.EmailField(_("e-mail address"), blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    channels = ArrayField(models.CharField(max_length=16), default=default_channels, blank=True)
    muted_kinds = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")

    def address(self, channel: str) -> str:
        """The verified address of a channel ('' when none is verified)."""
        if channel == "email":
            return self.email if self.email and self.email_verified_at else ""
        return ""


class AddressVerification(models.Model):
    """A link and a 6-digit code sent to an address, to prove it is the person's before it is used."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16, default="email")
    address = models.CharField(max_length=254)
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")
    SKIPPED_NO_ADDRESS = "skipped_no_address", _("Not sent: no verified address")
    SKIPPED_MUTED = "skipped_muted", _("Not sent: turned off by the person")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    key = models.CharField(max_length=160, help_text="what it is about, e.g. lao_5:obligation:12")
    lao = models.ForeignKey(settings.TENANT_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    day = models.DateField(help_text="the local day it is for: one message per person, key and day")
    channel = models.CharField(max_length=16, blank=True)
    address = models.CharField(max_length=254, blank=True)
    language = models.CharField(max_length=8, default="th")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    link = models.CharField(max_length=600, blank=True)
    legal = models.BooleanField(default=False)
    status = models.CharField(max_length=24, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED)
    send_after = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key", "day"], name="one_notification_per_item_and_day")]
        indexes = [models.Index(fields=["send_after"], name="notifications_waiting",
                                condition=models.Q(status="queued"))]
