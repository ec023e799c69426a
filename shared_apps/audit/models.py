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
        # PAO revenues
        BUSINESS_REGISTERED = "business_registered", _("Business registered")
        BUSINESS_APPROVED = "business_approved", _("Business registration approved")
        BUSINESS_REJECTED = "business_rejected", _("Business registration refused")
        BUSINESS_CLOSED = "business_closed", _("Business closed")
        BUSINESS_TRANSFERRED = "business_transferred", _("Business transferred")
        API_KEY_ISSUED = "api_key_issued", _("API key issued")
        API_KEY_REVOKED = "api_key_revoked", _("API key revoked")
        ORDINANCE_RATE_RECORDED = "ordinance_rate_recorded", _("Ordinance rate recorded")
        FILING_RULE_RECORDED = "filing_rule_recorded", _("Filing rule recorded")
        HOTEL_RETURN_FILED = "hotel_fee_return_filed", _("Hotel-fee return filed")
        PETROLEUM_RETURN_FILED = "petroleum_tax_return_filed", _("Petroleum-tax return filed")
        TOBACCO_RETURN_FILED = "tobacco_tax_return_filed", _("Tobacco-tax return filed")
        RETURN_ACCEPTED = "return_accept", _("Return accepted")
        RETURN_SENT_BACK = "return_send_back", _("Return sent back for correction")
        RETURN_ASSESSED = "return_assess", _("Return assessed")
        # advertising permits
        ADVERTISING_SUBMITTED = "advertising_submitted", _("Application submitted")
        ADVERTISING_RESUBMITTED = "advertising_resubmitted", _("Application resubmitted")
        ADVERTISING_MORE_INFO = "advertising_more_info_requested", _("More information requested")
        ADVERTISING_OPINION = "advertising_opinion_given", _("Officer's opinion given")
        ADVERTISING_APPROVED = "advertising_approved", _("Application approved")
        ADVERTISING_REFUSED = "advertising_refused", _("Application refused")
        ADVERTISING_WITHDRAWN = "advertising_withdrawn", _("Application withdrawn")
        PERMIT_ISSUED = "advertising_permit_issued", _("Permit issued")
        PERMIT_REVOKED = "advertising_permit_revoked", _("Permit revoked")
        REMOVAL_CONFIRMED = "advertising_removal_confirmed", _("Removal of notices confirmed")
        DOCUMENT_UPLOADED = "advertising_document_uploaded", _("Document uploaded")
        ADVERTISING_POLICY_CHANGED = "advertising_policy_changed", _("Advertising conditions changed")
        # money
        INVOICE_ISSUED = "invoice_issued", _("Invoice issued")
        INVOICE_CANCELLED = "invoice_cancelled", _("Invoice cancelled")
        PAYMENTS_POSTED = "payments_posted", _("Payment received")
        OBLIGATION_CHANGED = "obligation_changed", _("Amount owed changed")
        PAYMENT_REVERSED = "payment_reversed", _("Payment reversed by the bank")
        CREDIT_SET_OFF = "credit_set_off", _("Credit set off against another bill")
        STATEMENT_RECONCILED = "statement_reconciled", _("Bank statement reconciled")
        RECEIPT_VOIDED = "receipt_voided", _("Receipt voided")
        REFUND_CREATED = "refund_created", _("Refund created")
        REFUND_SUBMITTED = "refund_submitted", _("Refund sent to the bank")
        REFUND_REFUNDED = "refund_refunded", _("Refund completed")
        REFUND_ERROR = "refund_error", _("Refund failed")
        PAYMENT_SETTINGS_CHANGED = "payment_settings_changed", _("Payment settings changed")
        # the officer's workplace
        NATIONAL_ID_REVEALED = "national_id_revealed", _("Full national ID shown to an officer")
        DAILY_SUMMARY_SIGNED = "daily_summary_signed", _("Daily summary of money received signed off")
        REVENUE_CODE_CHANGED = "revenue_code_changed", _("e-LAAS revenue code changed")
        # the person's notification settings (central site)
        NOTIFICATION_PREFERENCE_CHANGED = "notification_preference_changed", _("Notification settings changed")
        NOTIFICATION_VERIFICATION_SENT = "notification_address_verification_sent", _("Address verification code sent")
        NOTIFICATION_ADDRESS_VERIFIED = "notification_address_verified", _("Notification address verified")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
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
