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
    ref1 = models.CharField(_("Ref1"), max_length=20, null=True, blank=True, unique=True)
    ref2 = models.CharField(_("Ref2"), max_length=20, blank=True)
    # Late payment: the surcharge keeps running after the due date (PAO returns); empty for fixed fees.
    surcharge_base = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    surcharge_percent_per_month = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    surcharge_cap_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    surcharge_from = models.DateField(null=True, blank=True, help_text="the deadline the surcharge runs from")
    service = models.CharField(max_length=32, blank=True, help_text="for the ledger: hotel_fee, advertising …")

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


class PaymentSettings(models.Model):
    """How this LAO is paid through the bank (one row): biller ID, company code, Ref1/Ref2 scheme, secrets."""

    class Ref2Scheme(models.TextChoices):
        DUE_DATE = "due_date", _("Due date (YYMMDD, Buddhist era)")
        NONE = "none", _("Not used")

    tax_id = models.CharField(_("the LAO's 13-digit tax ID"), max_length=13, blank=True)
    biller_suffix = models.CharField(_("biller suffix"), max_length=2, default="00")
    bank_code = models.CharField(_("bank code"), max_length=3, default="006", help_text="006 = Krungthai Bank")
    company_code = models.CharField(_("company code"), max_length=20, blank=True)
    company_account = models.CharField(_("collection account"), max_length=10, blank=True)
    ref1_length = models.PositiveSmallIntegerField(_("Ref1 length"), default=12)
    ref1_check_digit = models.BooleanField(_("Ref1 ends with a check digit (Luhn)"), default=True)
    ref2_scheme = models.CharField(_("Ref2"), max_length=16, choices=Ref2Scheme.choices, default=Ref2Scheme.DUE_DATE)
    hmac_secret = models.CharField(_("notification secret"), max_length=128, blank=True)
    hmac_secret_previous = models.CharField(_("previous secret (during rotation)"), max_length=128, blank=True)
    allowed_sources = models.TextField(_("addresses the bank calls from"), blank=True,
                                       help_text=_("one IP address or network per line; empty: any"))
    ktb_user = models.CharField(max_length=64, blank=True)
    ktb_password = models.CharField(max_length=128, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                   related_name="+", db_constraint=False)

    class Meta:
        verbose_name = _("payment settings")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="payment_settings_single_row")]

    @property
    def biller_id(self) -> str:
        return f"{self.tax_id}{self.biller_suffix}" if self.tax_id else ""


class BankCall(models.Model):
    """Every call a bank makes to us, kept as received, with what we answered."""

    bank = models.CharField(max_length=16)
    command = models.CharField(max_length=16)
    transaction_id = models.CharField(max_length=64, blank=True, db_index=True)
    source_address = models.GenericIPAddressField(null=True, blank=True)
    body = models.TextField()
    result_code = models.CharField(max_length=8)
    response = models.JSONField(default=dict)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]


class StatementFile(models.Model):
    """A bank's bill-payment file, reconciled once: the same file again changes nothing."""

    sha256 = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    bank_code = models.CharField(max_length=3)
    effective_date = models.DateField(null=True)
    line_count = models.PositiveIntegerField(default=0)
    total_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    report = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                    related_name="+", db_constraint=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]


class Receipt(models.Model):
    """ใบเสร็จรับเงิน: one for every payment, numbered per fiscal year in books of 100; voided, never deleted."""

    BOOK_SIZE = 100

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="receipts")
    fiscal_year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    payer_name = models.CharField(max_length=200)
    description = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    amount_words = models.CharField(max_length=300)
    issued_by_name = models.CharField(max_length=200, blank=True)
    token = models.CharField(max_length=32, unique=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                  related_name="+", db_constraint=False)
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-fiscal_year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "sequence"], name="one_receipt_number_per_year"),
            models.UniqueConstraint(fields=["payment"], condition=models.Q(voided_at__isnull=True),
                                    name="one_valid_receipt_per_payment"),
        ]

    @property
    def book(self) -> int:
        return (self.sequence - 1) // self.BOOK_SIZE + 1

    @property
    def number_in_book(self) -> int:
        return (self.sequence - 1) % self.BOOK_SIZE + 1

    @property
    def display_number(self) -> str:
        return f"{self.book}/{self.number_in_book} ({self.fiscal_year})"


class ReceiptCounter(models.Model):
    fiscal_year = models.PositiveIntegerField(primary_key=True)
    last_sequence = models.PositiveIntegerField(default=0)


class Refund(models.Model):
    """Money given back for an overpayment: its own row, never a change to the payment."""

    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Sent to the bank")
        REFUNDED = "refunded", _("Refunded")
        ERROR = "error", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CREATED)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True,
                                   related_name="+", db_constraint=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")]


class LedgerEntry(models.Model):
    """The LAO's ledger: every posting (payment +, refund −) by service and day."""

    day = models.DateField(db_index=True)
    service = models.CharField(max_length=32)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, related_name="+")
    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
