"""The LAO's officers and their roles, held in the LAO's own schema: a role here gives nothing elsewhere."""
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk")  # ผู้รับผิดชอบ: registers businesses, reviews returns and applications
    FINANCE = "finance", _("Finance officer")  # กองคลัง: counter payments, receipts
    APPROVER = "approver", _("Approver")  # เจ้าพนักงานท้องถิ่น or a delegated พนักงานเจ้าหน้าที่: signs orders
    LAO_ADMIN = "lao_admin", _("LAO administrator")  # invites officers, grants and revokes roles


class Officer(models.Model):
    """A person's place in this LAO: which roles they hold, and whether they still work here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False)
    roles = ArrayField(models.CharField(max_length=16, choices=Role.choices), default=list, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                   related_name="+", db_constraint=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        constraints = [models.UniqueConstraint(fields=["user"], name="one_officer_row_per_user")]

    def __str__(self):
        return str(self.user)

    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles]


class Invitation(models.Model):
    """An invitation to become an officer with some roles; only the SHA-256 of its token is kept."""

    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    roles = ArrayField(models.CharField(max_length=16, choices=Role.choices))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True,
                                   related_name="+", db_constraint=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                    related_name="+", db_constraint=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
