"""People: one account per person across every LAO (public schema).

Citizens come from DOPA Digital ID and are keyed on their national ID (the
`pid` claim); officers and DLA staff may also have a password and a TOTP
device. What a person may do in a LAO is held in that LAO's schema
(tenant_apps.officers); DLA's own staff roles are here.
"""
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import mask_national_id, validate_national_id


class User(AbstractUser):
    national_id = models.CharField(
        _("national ID"), max_length=13, unique=True, null=True, blank=True, validators=[validate_national_id],
    )
    name_th = models.CharField(_("name (Thai)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_th or self.get_full_name() or self.username

    @property
    def masked_national_id(self) -> str:
        return mask_national_id(self.national_id or "")


class StaffRole(models.Model):
    """A DLA role: an administrator (national) or provincial office staff (สถจ., read-only, one province)."""

    class Kind(models.TextChoices):
        DLA_ADMINISTRATOR = "dla_administrator", _("DLA administrator")
        PROVINCIAL_OFFICE = "provincial_office", _("Provincial local administration office (read-only)")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    province = models.ForeignKey("geography.Province", on_delete=models.PROTECT, null=True, blank=True)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("DLA staff role")
        verbose_name_plural = _("DLA staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "province"], name="one_staff_role_per_kind_and_province"),
            models.CheckConstraint(
                condition=models.Q(kind="dla_administrator", province__isnull=True)
                | models.Q(kind="provincial_office", province__isnull=False),
                name="provincial_role_has_a_province",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}{f' · {self.province}' if self.province_id else ''}"


class SignInTicket(models.Model):
    """A one-time, short-lived hop carrying a sign-in made on the central site to one LAO's host.

    Sessions are per host (a LAO never sees another's cookie); DOPA knows one
    redirect URI, the central one. Only the SHA-256 of the ticket is stored.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    host = models.CharField(max_length=253)
    next_path = models.CharField(max_length=500, default="/")
    auth_method = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class CitizenLAO(models.Model):
    """The LAOs a person has dealt with, published by the LAO side when it happens (for "my account")."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="lao_contacts")
    lao = models.ForeignKey(settings.TENANT_MODEL, on_delete=models.CASCADE, related_name="+")
    first_at = models.DateTimeField(auto_now_add=True)
    last_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_at"]
        constraints = [models.UniqueConstraint(fields=["user", "lao"], name="one_contact_row_per_user_and_lao")]
