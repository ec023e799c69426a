"""Issuing invoices and posting payments: every channel (counter, bank, statement) comes through here."""
import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import audit_record
from shared_apps.money import MoneyError, parse_amount
from tenant_apps.officers.access import Action, require

from .models import Invoice, InvoiceStatus, Payment, PaymentChannel, PaymentMethod
from .signals import invoice_paid

logger = logging.getLogger(__name__)


@transaction.atomic
def invoice_issue(*, source: str, source_id: int, amount, due_date: datetime.date, description: str,
                  payer=None, payer_name: str = "", actor=None, request=None) -> Invoice:
    """The open invoice of an obligation; if the obligation's amount changed, the old one is cancelled and
    replaced (there is only ever one open invoice per obligation)."""
    try:
        amount = parse_amount(amount)
    except MoneyError:
        raise ValidationError(_("An invoice amount is baht with at most 2 decimals.")) from None
    if amount <= 0:
        raise ValidationError(_("An invoice amount must be above zero."))
    current = (Invoice.objects.select_for_update()
               .filter(source=source, source_id=source_id, status=InvoiceStatus.OPEN).first())
    if current is not None and current.amount == amount and current.due_date == due_date:
        return current
    invoice = None
    if current is not None:
        current.status, current.cancelled_at, current.cancelled_by = InvoiceStatus.CANCELLED, timezone.now(), actor
        current.cancel_reason = _("replaced: the amount due changed")
        current.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    invoice = Invoice.objects.create(
        source=source, source_id=source_id, amount=amount, due_date=due_date, description=description[:300],
        payer=payer, payer_name=payer_name or getattr(payer, "display_name", ""), created_by=actor)
    if current is not None:
        current.replaced_by = invoice
        current.save(update_fields=["replaced_by"])
    audit_record(action="invoice_issued", request=request, actor=actor, target=description[:200],
                 invoice=invoice.pk, amount=str(amount), replaces=getattr(current, "pk", None))
    return invoice


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, reason: str, actor, request=None) -> Invoice:
    if not reason.strip():
        raise ValidationError(_("Give the reason."))
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.OPEN:
        raise ValidationError(_("Only an open invoice can be cancelled."))
    invoice.status, invoice.cancelled_at, invoice.cancelled_by = InvoiceStatus.CANCELLED, timezone.now(), actor
    invoice.cancel_reason = reason.strip()
    invoice.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    audit_record(action="invoice_cancelled", request=request, actor=actor, target=invoice.description[:200],
                 invoice=invoice.pk, reason=reason.strip())
    return invoice


class PaymentRefused(ValidationError):
    """The payment cannot be posted; `code` says why (unknown, already_paid, wrong_amount, …)."""


def payment_post(*, invoice: Invoice, amount, channel: str, method: str, reference: str, actor=None,
                 received_at: datetime.datetime | None = None, note: str = "", request=None) -> tuple[Payment, bool]:
    """Post a payment, once. Returns (payment, created): the same reference again returns the first
    payment with created=False, whichever channel it came through. Writes the audit record in the same
    transaction; the source hears of it (invoice_paid) only after commit."""
    reference = (reference or "").strip()
    if not reference:
        raise PaymentRefused(_("A payment needs its reference (slip, cheque or bank transaction number)."),
                             code="no_reference")
    try:
        amount = parse_amount(amount)
    except MoneyError:
        raise PaymentRefused(_("The amount must be baht with at most 2 decimals, not negative."),
                             code="bad_amount") from None
    existing = Payment.objects.filter(reference=reference).select_related("invoice").first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
            if locked.status == InvoiceStatus.PAID:
                raise PaymentRefused(_("This invoice has already been paid."), code="already_paid")
            if locked.status != InvoiceStatus.OPEN:
                raise PaymentRefused(_("This invoice was cancelled; pay its replacement."), code="cancelled")
            if amount != locked.amount:
                raise PaymentRefused(_("The amount %(paid)s does not match the invoice's %(due)s.")
                                     % {"paid": f"{amount:,.2f}", "due": f"{locked.amount:,.2f}"},
                                     code="wrong_amount")
            payment = Payment.objects.create(
                invoice=locked, amount=amount, channel=channel, method=method, reference=reference,
                received_at=received_at or timezone.now(), recorded_by=actor, note=note[:300])
            locked.status, locked.paid_at = InvoiceStatus.PAID, payment.received_at
            locked.save(update_fields=["status", "paid_at"])
            audit_record(action="payment_posted", request=request, actor=actor, target=locked.description[:200],
                         invoice=locked.pk, amount=str(amount), channel=channel, method=method, reference=reference)
            transaction.on_commit(lambda: invoice_paid.send(sender=locked.source, invoice=locked))
    except IntegrityError:
        # Another request posted the same reference between our check and our insert.
        existing = Payment.objects.filter(reference=reference).select_related("invoice").first()
        if existing is None:
            raise
        return existing, False
    return payment, True


def counter_payment_record(*, invoice: Invoice, method: str, reference: str, actor, amount=None,
                           request=None) -> tuple[Payment, bool]:
    """A finance officer takes the money at the counter (cash, cheque or transfer)."""
    require(actor, Action.RECORD_PAYMENTS)
    if method not in (PaymentMethod.CASH, PaymentMethod.CHEQUE, PaymentMethod.TRANSFER):
        raise PaymentRefused(_("At the counter: cash, cheque or transfer."), code="bad_method")
    return payment_post(invoice=invoice, amount=invoice.amount if amount is None else amount,
                        channel=PaymentChannel.COUNTER, method=method, reference=f"counter:{reference.strip()}"
                        if reference.strip() else "", actor=actor, request=request)
