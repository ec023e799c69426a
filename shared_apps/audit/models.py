"""The audit trail: who did what, when, from where, in which LAO. Append-only.

The app is installed in the public schema *and* in every LAO schema, so each
LAO's trail stays in its own schema (PDPA) and the central site keeps its own.
Rows are written by services in the same transaction as the change they record.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail cannot be changed.")

    def delete(self):
        raise PermissionError("The audit trail cannot be deleted.")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in refused")
        SIGN_OUT = "sign_out", _("Signed out")
        LOCKED_OUT = "locked_out", _("Locked out after repeated failures")
        OFFICER_INVITED = "officer_invited", _("Officer invited")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        ROLE_GRANTED = "role_granted", _("Role granted")
        ROLE_REVOKED = "role_revoked", _("Role revoked")
        OFFICER_DEACTIVATED = "officer_deactivated", _("Officer deactivated")
        TOTP_ENROLLED = "totp_enrolled", _("Authenticator app set up")
        DOPA_LINKED = "dopa_linked", _("DOPA Digital ID linked")
        STAFF_ROLE_GRANTED = "staff_role_granted", _("DLA staff role granted")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", db_constraint=False)
    actor_label = models.CharField(max_length=200, blank=True, help_text="who, as shown then (kept if the user goes)")
    lao_code = models.CharField(max_length=7, blank=True, help_text="the LAO it happened in; blank on the central site")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    target = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit trail cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail cannot be deleted.")
