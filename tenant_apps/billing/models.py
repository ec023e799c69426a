"""Obligations, invoices and payments of one LAO (its schema).

Services raise obligations (a month's return, a permit fee); billing knows
nothing about hotels or notices, only the obligation's source, payer, what it
charges and when it is due. The obligation is a row with a balance (charged −
paid − credited + refunded) that every channel locks before it reads or
changes anything; invoices are payment requests against it; payments from
every channel are posted by one function, idempotent on the channel's
reference.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared_apps.sealing import SealedTextField


class Obligation(models.Model):
    """ลูกหนี้: what one source owes the LAO — a month's return (with its additional returns and
    assessments), a permit fee. The balance is charged − paid − credited + refunded: above zero it is owed,
    below zero it is a credit (เงินชำระเกิน) to refund or set off.

    Every channel (counter, bank verify/confirm, statement, refund, correction, set-off) locks this row
    first (`select_for_update`), so two of them never act on the same balance at once."""

    source = models.CharField(max_length=64, help_text="what raised it, e.g. hotel_fee.return")
    source_id = models.PositiveBigIntegerField()
    description = models.CharField(_("for"), max_length=300)
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                              related_name="+", db_constraint=False)
    payer_name = models.CharField(_("payer"), max_length=200)
    payer_key = models.CharField(max_length=40, blank=True, db_index=True,
                                 help_text="who pays, for set-off: business:<id>, user:<id>, tin:<tax id>")
    service = models.CharField(max_length=32, blank=True, help_text="for the ledger: hotel_fee, advertising …")
    due_date = models.DateField(_("due date"))
    charged = models.DecimalField(_("charged"), max_digits=14, decimal_places=2, default=0)
    paid = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, default=0)
    credited = models.DecimalField(_("credited"), max_digits=14, decimal_places=2, default=0,
                                   help_text="credit set off here from the payer's other obligations (net)")
    refunded = models.DecimalField(_("refunded"), max_digits=14, decimal_places=2, default=0)
    # The surcharge (เงินเพิ่ม) keeps running after the deadline on the tax still unpaid.
    tax_charged = models.DecimalField(max_digits=14, decimal_places=2, default=0,
                                      help_text="the tax within what is charged: the surcharge runs on its unpaid part")
    surcharge_percent_per_month = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    surcharge_cap_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    surcharge_from = models.DateField(null=True, blank=True, help_text="the deadline the surcharge runs from")
    surcharge_months = models.PositiveSmallIntegerField(default=0, help_text="months of surcharge charged so far")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="one_obligation_per_source"),
            models.CheckConstraint(condition=models.Q(charged__gte=0), name="obligation_charged_not_negative"),
        ]
        indexes = [  # what is still owed, by due date: the aged balances and the receivables (ลูกหนี้)
            models.Index(fields=["due_date"], name="billing_owed_by_due_date", condition=models.Q(
                charged__gt=models.F("paid") + models.F("credited") - models.F("refunded")))]

    def __str__(self):
        return f"{self.description} · {self.balance}"

    @property
    def balance(self):
        return self.charged - self.paid - self.credited + self.refunded

    @property
    def surcharge_base(self):
        """The tax still unpaid: payments settle the tax first, so the surcharge runs only on what is left."""
        return min(max(self.tax_charged - self.paid - self.credited + self.refunded, 0), self.tax_charged)

    @property
    def credit(self):
        """What the LAO owes back (0 when nothing)."""
        return max(-self.balance, 0)


class EntryKind(models.TextChoices):
    CHARGE = "charge", _("Charged")
    SURCHARGE = "surcharge", _("Surcharge to date")
    PAYMENT = "payment", _("Payment received")
    REVERSAL = "reversal", _("Payment reversed by the bank")
    REFUND = "refund", _("Refund")
    REFUND_FAILED = "refund_failed", _("Refund failed: credit restored")
    SET_OFF_IN = "set_off_in", _("Credit set off from another obligation")
    SET_OFF_OUT = "set_off_out", _("Credit set off against another obligation")


class ObligationEntry(models.Model):
    """The obligation's journal, append-only: every change to its balance with who, when and why.
    `amount` is the change to the balance (+ owed more, − owed less); `part` names the charge it sets
    (e.g. return:12) so a correction replaces that charge rather than adding to it."""

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    part = models.CharField(max_length=40, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0,
                                     help_text="change to the tax the surcharge runs on")
    note = models.CharField(max_length=300, blank=True)
    payment = models.ForeignKey("Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    refund = models.ForeignKey("Refund", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    other = models.ForeignKey(Obligation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              help_text="the other side of a set-off")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                           related_name="+", db_constraint=False)

    class Meta:
        ordering = ["id"]


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Invoice(models.Model):
    """ใบแจ้งหนี้: a payment request against an obligation, with its Ref1/Ref2. One is open while the
    obligation is owed; a late one's amount is what the obligation's balance and running surcharge come to on
    the day it is paid (computed, never written on a read)."""

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="invoices")
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


class PaymentException(models.TextChoices):
    """Money the bank had already taken that did not match what was due: kept, never refused, and listed for
    an officer."""
    NONE = "", _("None")
    OVERPAID = "overpaid", _("More than was due")
    UNDERPAID = "underpaid", _("Less than was due")
    ALREADY_SETTLED = "already_settled", _("Arrived after the obligation was settled")


class Payment(models.Model):
    """Money received against an obligation (through one of its invoices); `reference` (a bank's
    transaction id, a counter slip) is unique, so the database itself refuses to count a payment twice."""

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="payments")
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
    due_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                     help_text="what was due when it arrived")
    exception = models.CharField(max_length=16, choices=PaymentException.choices, blank=True, default="")
    # The other channel's reference for the same money: the statement line that showed what a bank
    # notification had posted, or the notification that confirmed what a statement line had posted.
    matched_reference = models.CharField(max_length=100, null=True, blank=True, unique=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                    related_name="+", db_constraint=False)
    reversal_reference = models.CharField(max_length=100, null=True, blank=True, unique=True)
    reversal_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [  # bank money not yet matched to its other channel: looked up for every line of a file
            models.Index(fields=["channel", "obligation"], name="billing_unmatched_bank_money",
                         condition=models.Q(matched_reference__isnull=True, reversed_at__isnull=True)),
            # the daily summary and the e-LAAS export: receipts by the day their money was received
            models.Index(fields=["received_at"], name="billing_payment_received_at")]


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
    # Secrets are sealed at rest (Fernet, FIELD_ENCRYPTION_KEYS) and never shown again once saved: the
    # settings page says when and by whom each was set.
    hmac_secret = SealedTextField(_("notification secret"), blank=True)
    hmac_secret_previous = SealedTextField(_("previous secret (during rotation)"), blank=True)
    allowed_sources = models.TextField(_("addresses the bank calls from"), blank=True,
                                       help_text=_("one IP address or network per line; empty: any"))
    class CreditPolicy(models.TextChoices):
        REFUND = "refund", _("Refund credits (a finance officer refunds them)")
        SET_OFF = "set_off", _("Set credits off against the same payer's next invoice")

    credit_policy = models.CharField(_("credits (overpayments)"), max_length=16, choices=CreditPolicy.choices,
                                     default=CreditPolicy.REFUND)
    ktb_user = models.CharField(_("KTB user"), max_length=64, blank=True)
    ktb_password = SealedTextField(_("KTB password"), blank=True)
    hmac_secret_set_at = models.DateTimeField(null=True, blank=True)
    hmac_secret_set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True,
                                           blank=True, related_name="+", db_constraint=False)
    hmac_secret_previous_set_at = models.DateTimeField(null=True, blank=True)
    hmac_secret_previous_set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING,
                                                    null=True, blank=True, related_name="+", db_constraint=False)
    ktb_password_set_at = models.DateTimeField(null=True, blank=True)
    ktb_password_set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True,
                                            blank=True, related_name="+", db_constraint=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                   related_name="+", db_constraint=False)

    class Meta:
        verbose_name = _("payment settings")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="payment_settings_single_row")]

    @property
    def biller_id(self) -> str:
        return f"{self.tax_id}{self.biller_suffix}" if self.tax_id else ""

    SECRETS = ("hmac_secret", "hmac_secret_previous", "ktb_password")
    SECRET_MAX_LENGTH = 128


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
    """The LAO's ledger: every posting (payment +, refund −, reversal −, set-off − and +) by service and day."""

    day = models.DateField(db_index=True)
    service = models.CharField(max_length=32)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, related_name="+")
    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField(auto_now_add=True)


class RevenueCode(models.Model):
    """This LAO's revenue classification for DLA's accounting system e-LAAS (รหัสรายรับ), one row per service.
    Seeded with defaults (see the migration); the finance officer or LAO administrator corrects them, audited.
    The e-LAAS import layout itself is unverified: the export documents its columns."""

    service = models.CharField(max_length=32, unique=True)
    code = models.CharField(_("revenue code"), max_length=20)
    name = models.CharField(_("revenue name in e-LAAS"), max_length=200)
    source_note = models.CharField(max_length=200, blank=True,
                                   help_text="where the default came from, or that it is unverified")
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
                                   related_name="+", db_constraint=False)

    class Meta:
        ordering = ["service"]
        verbose_name = _("revenue code")
        verbose_name_plural = _("revenue codes")

    def __str__(self):
        return f"{self.code} {self.name}"


class DailySummarySignOff(models.Model):
    """The finance officer's sign-off of one day's summary of money received (รายงานสรุปการรับเงินประจำวัน):
    who, when, and the figures signed. `fingerprint` digests that day's receipts (ids, amounts, voids) as
    signed; when the day's receipts change afterwards (a void, a late statement line) the sign-off no longer
    matches and is shown as superseded, and the day can be signed again. Never edited or deleted."""

    day = models.DateField(db_index=True)
    receipt_count = models.PositiveIntegerField()
    total_amount = models.DecimalField(max_digits=16, decimal_places=2)
    totals = models.JSONField(default=dict, help_text="the totals signed, by service and channel")
    fingerprint = models.CharField(max_length=64)
    signed_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True,
                                  related_name="+", db_constraint=False)
    signed_by_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["-day", "-signed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["day", "fingerprint"], name="one_sign_off_per_day_state")]
