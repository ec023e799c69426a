"""Invoices and payments of one LAO (its schema).

Services raise obligations (a return's amount due, a permit fee); billing
knows nothing about hotels or notices, only the obligation's source, payer,
amount and due date. Payments from every channel are posted by one function,
idempotent on the channel's reference.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Invoice(models.Model):
    """ใบแจ้งหนี้: an amount due for one obligation."""

    source = models.CharField(max_length=64, help_text="what raised it, e.g. advertising.application")
    source_id = models.PositiveBigIntegerField()
    description = models.CharField(_("for"), max_length=300)
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                              related_name="+", db_constraint=False)
    payer_name = models.CharField(_("payer"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    due_date = models.DateField(_("due date"))
    status = models.CharField(max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN,
                              db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                   related_name="+", db_constraint=False)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                     related_name="+", db_constraint=False)
    cancel_reason = models.CharField(max_length=300, blank=True)
    replaced_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], condition=models.Q(status="open"),
                                    name="one_open_invoice_per_obligation"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="invoice_amount_positive"),
        ]

    def __str__(self):
        return f"{self.description} · {self.amount}"


class PaymentChannel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    BANK_NOTIFICATION = "bank", _("Bank notification")
    STATEMENT = "statement", _("Bank statement file")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    TRANSFER = "transfer", _("Bank transfer")
    BILL_PAYMENT = "bill_payment", _("Bill payment / Thai QR")


class Payment(models.Model):
    """Money received against an invoice; `reference` (a bank's transaction id, a counter slip) is unique,
    so the database itself refuses to count a payment twice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    channel = models.CharField(max_length=16, choices=PaymentChannel.choices)
    method = models.CharField(max_length=16, choices=PaymentMethod.choices)
    reference = models.CharField(max_length=100, unique=True)
    received_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                    related_name="+", db_constraint=False)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
