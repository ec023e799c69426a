"""The one path money takes in a LAO: invoices with Ref1/Ref2, payments posted once from every channel,
a receipt for every payment, the ledger, refunds.

`post_payments()` is the single posting function: counter, bank notification and statement file all call
it (one item or a whole file). It is idempotent on each payment's reference — a unique column, so the
database refuses a second copy even under a race — writes the payment, marks the invoice paid, issues the
receipt, writes the LAO's ledger and the audit record in one transaction, and tells the rest of the world
(the obligation's source, the national ledger) only after commit.
"""
from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn

from shared_apps.audit.services import audit_record
from shared_apps.calendar.selectors import fiscal_year
from shared_apps.money import MoneyError, parse_amount, round_baht
from tenant_apps.officers.access import Action, require

from .models import (Invoice, InvoiceStatus, LedgerEntry, Payment, PaymentChannel, PaymentMethod, PaymentSettings,
                     Receipt, ReceiptCounter, Refund)
from .signals import invoice_paid

logger = logging.getLogger(__name__)
BANK_OFFICER = "ระบบรับชำระเงินผ่านธนาคาร"


def payment_settings() -> PaymentSettings:
    return PaymentSettings.objects.filter(pk=1).first() or PaymentSettings(pk=1)


# --- late payment ---------------------------------------------------------------------------------

def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def amount_payable(invoice: Invoice, on: datetime.date) -> Decimal:
    """What settles the invoice on a day: its amount, plus the surcharge that kept running if it is late."""
    if on <= invoice.due_date or invoice.surcharge_percent_per_month is None or invoice.surcharge_from is None:
        return invoice.amount
    from tenant_apps.pao_filing.periods import months_late

    def surcharge(day):
        percent = invoice.surcharge_percent_per_month * months_late(invoice.surcharge_from, day)
        if invoice.surcharge_cap_percent is not None:
            percent = min(percent, invoice.surcharge_cap_percent)
        return round_baht(invoice.surcharge_base * percent / 100)

    return invoice.amount - surcharge(invoice.due_date) + surcharge(on)


def payable_until(*, surcharge_from: datetime.date, on: datetime.date) -> datetime.date:
    """The last day an amount that includes a running surcharge stays the same."""
    from tenant_apps.pao_filing.periods import months_late

    return surcharge_from if on <= surcharge_from else _add_months(surcharge_from, months_late(surcharge_from, on))


# --- invoices -------------------------------------------------------------------------------------

def _ref1(invoice_id: int, settings: PaymentSettings) -> str:
    """Numeric Ref1: the invoice number padded to the agreed length, with a Luhn check digit if agreed."""
    digits = settings.ref1_length - (1 if settings.ref1_check_digit else 0)
    body = f"{invoice_id:0{digits}d}"
    if len(body) > digits:
        raise ValidationError(_("Ref1 is too short for this many invoices; lengthen it in the payment settings."))
    return body + luhn.calc_check_digit(body) if settings.ref1_check_digit else body


def _ref2(due_date: datetime.date, settings: PaymentSettings) -> str:
    if settings.ref2_scheme == PaymentSettings.Ref2Scheme.DUE_DATE:
        return f"{(due_date.year + 543) % 100:02d}{due_date:%m%d}"
    return ""


@transaction.atomic
def invoice_issue(*, source: str, source_id: int, amount, due_date: datetime.date, description: str,
                  payer=None, payer_name: str = "", service: str = "", surcharge=None, actor=None,
                  request=None) -> Invoice:
    """The open invoice of an obligation; if the obligation's amount changed, the old one is cancelled and
    replaced (there is only ever one open invoice per obligation). `surcharge` = dict(base, percent,
    cap, from) when a surcharge keeps running after the due date."""
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
    if current is not None:
        current.status, current.cancelled_at, current.cancelled_by = InvoiceStatus.CANCELLED, timezone.now(), actor
        current.cancel_reason = _("replaced: the amount due changed")
        current.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    surcharge = surcharge or {}
    invoice = Invoice.objects.create(
        source=source, source_id=source_id, amount=amount, due_date=due_date, description=description[:300],
        payer=payer, payer_name=payer_name or getattr(payer, "display_name", ""), created_by=actor,
        service=service or source.split(".")[0], surcharge_base=surcharge.get("base"),
        surcharge_percent_per_month=surcharge.get("percent"), surcharge_cap_percent=surcharge.get("cap"),
        surcharge_from=surcharge.get("from"))
    settings = payment_settings()
    invoice.ref1, invoice.ref2 = _ref1(invoice.pk, settings), _ref2(due_date, settings)
    invoice.save(update_fields=["ref1", "ref2"])
    if current is not None:
        current.replaced_by = invoice
        current.save(update_fields=["replaced_by"])
    audit_record(action="invoice_issued", request=request, actor=actor, target=description[:200],
                 invoice=invoice.pk, amount=str(amount), replaces=getattr(current, "pk", None))
    return invoice


def invoice_current(invoice: Invoice, *, on: datetime.date | None = None) -> Invoice:
    """An open invoice whose running surcharge went up is replaced by one for today's amount."""
    on = on or timezone.localdate()
    if invoice.status != InvoiceStatus.OPEN or on <= invoice.due_date or invoice.surcharge_from is None:
        return invoice
    return invoice_issue(
        source=invoice.source, source_id=invoice.source_id, amount=amount_payable(invoice, on),
        due_date=payable_until(surcharge_from=invoice.surcharge_from, on=on), description=invoice.description,
        payer=invoice.payer, payer_name=invoice.payer_name, service=invoice.service,
        surcharge={"base": invoice.surcharge_base, "percent": invoice.surcharge_percent_per_month,
                   "cap": invoice.surcharge_cap_percent, "from": invoice.surcharge_from})


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


# --- posting payments -----------------------------------------------------------------------------

class PaymentRefused(ValidationError):
    """The payment cannot be posted; `code` says why (already_paid, cancelled, wrong_amount, …)."""


@dataclass
class PaymentItem:
    invoice: Invoice
    amount: Decimal
    channel: str
    method: str
    reference: str
    received_at: datetime.datetime
    note: str = ""


@dataclass
class PostingResult:
    item: PaymentItem
    payment: Payment | None = None
    created: bool = False
    refused: PaymentRefused | None = None


def _check(item: PaymentItem, invoice: Invoice) -> PaymentRefused | None:
    if invoice.status == InvoiceStatus.PAID:
        return PaymentRefused(_("This invoice has already been paid."), code="already_paid")
    if invoice.status != InvoiceStatus.OPEN:
        return PaymentRefused(_("This invoice was cancelled; pay its replacement."), code="cancelled")
    due = amount_payable(invoice, timezone.localdate(item.received_at))
    if item.amount != due:
        return PaymentRefused(_("The amount %(paid)s does not match the %(due)s due.")
                              % {"paid": f"{item.amount:,.2f}", "due": f"{due:,.2f}"}, code="wrong_amount")
    return None


def _mark_paid(invoices: list[Invoice]) -> None:
    """One UPDATE … FROM (VALUES …) for the lot: Django's bulk_update builds a CASE per row, far slower."""
    if not invoices:
        return
    from django.db import connection
    from psycopg2.extras import execute_values

    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor if hasattr(cursor, "cursor") else cursor,
            f"UPDATE {Invoice._meta.db_table} AS i SET status = 'paid', paid_at = v.paid_at "
            "FROM (VALUES %s) AS v(id, paid_at) WHERE i.id = v.id",
            [(invoice.pk, invoice.paid_at) for invoice in invoices], template="(%s, %s::timestamptz)", page_size=2000)


def post_payments(items: list[PaymentItem], *, actor=None, officer_name: str = "", request=None) -> list[PostingResult]:
    """Post payments, each once. One transaction for the lot; a reference already posted returns the
    existing payment with created=False; a payment that cannot be posted is refused on its own."""
    from django.db import connection

    from shared_apps.ledger.services import revenue_add
    from tenants.selectors import current_lao

    references = [item.reference for item in items]
    if len(set(references)) != len(references):
        raise ValidationError(_("The same payment reference appears twice in one batch."))
    results = [PostingResult(item=item) for item in items]
    try:
        with transaction.atomic():
            existing = Payment.objects.in_bulk(references, field_name="reference")
            invoices = Invoice.objects.select_for_update().in_bulk({item.invoice.pk for item in items})
            new_payments, new_receipts, ledger, paid_invoices = [], [], [], []
            for result in results:
                item = result.item
                if item.reference in existing:
                    result.payment = existing[item.reference]
                    continue
                invoice = invoices[item.invoice.pk]
                refused = _check(item, invoice)
                if refused:
                    result.refused = refused
                    continue
                invoice.status, invoice.paid_at = InvoiceStatus.PAID, item.received_at
                paid_invoices.append(invoice)
                result.payment = Payment(invoice=invoice, amount=item.amount, channel=item.channel,
                                         method=item.method, reference=item.reference,
                                         received_at=item.received_at, recorded_by=actor, note=item.note[:300])
                result.created = True
                new_payments.append(result.payment)
            Payment.objects.bulk_create(new_payments, batch_size=2000)
            _mark_paid(paid_invoices)
            now = timezone.now()
            if new_payments:
                year = fiscal_year(timezone.localdate(now))
                counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(fiscal_year=year)
                from shared_apps.payment_formats.thai_words import baht_text

                for offset, payment in enumerate(new_payments, start=1):
                    new_receipts.append(Receipt(
                        payment=payment, fiscal_year=year, sequence=counter.last_sequence + offset, issued_at=now,
                        payer_name=payment.invoice.payer_name, description=payment.invoice.description,
                        amount=payment.amount, amount_words=baht_text(payment.amount),
                        issued_by_name=officer_name or (getattr(actor, "display_name", "") if actor else BANK_OFFICER),
                        token=secrets.token_urlsafe(18)))
                    ledger.append(LedgerEntry(day=timezone.localdate(payment.received_at),
                                              service=payment.invoice.service, amount=payment.amount, payment=payment))
                counter.last_sequence += len(new_payments)
                counter.save(update_fields=["last_sequence"])
                Receipt.objects.bulk_create(new_receipts, batch_size=2000)
                LedgerEntry.objects.bulk_create(ledger, batch_size=2000)
                audit_record(action="payments_posted", request=request, actor=actor,
                             target=f"{len(new_payments)} payment(s)", count=len(new_payments),
                             amount=str(sum(p.amount for p in new_payments)),
                             references=[p.reference for p in new_payments][:50],
                             channel=new_payments[0].channel)
                lao = current_lao()
                sums: dict[tuple, list] = {}
                for entry in ledger:
                    total = sums.setdefault((entry.service, entry.day), [Decimal("0"), 0])
                    total[0] += entry.amount
                    total[1] += 1
                schema = connection.schema_name

                def publish():
                    for (service, day), (amount, count) in sums.items():
                        revenue_add(lao_id=lao.pk, service=service, day=day, amount=amount, payments=count)
                    for invoice in paid_invoices:
                        invoice_paid.send(sender=invoice.source, invoice=invoice, schema_name=schema)

                transaction.on_commit(publish)
    except IntegrityError:
        if len(items) == 1:  # the same reference was posted concurrently: it is a duplicate, not an error
            payment = Payment.objects.filter(reference=items[0].reference).first()
            if payment is not None:
                return [PostingResult(item=items[0], payment=payment, created=False)]
        raise
    return results


def payment_post(*, invoice: Invoice, amount, channel: str, method: str, reference: str, actor=None,
                 received_at: datetime.datetime | None = None, note: str = "", request=None) -> tuple[Payment, bool]:
    """One payment through `post_payments()`: (payment, created), or PaymentRefused saying why."""
    reference = (reference or "").strip()
    if not reference:
        raise PaymentRefused(_("A payment needs its reference (slip, cheque or bank transaction number)."),
                             code="no_reference")
    try:
        amount = parse_amount(amount)
    except MoneyError:
        raise PaymentRefused(_("The amount must be baht with at most 2 decimals, not negative."),
                             code="bad_amount") from None
    (result,) = post_payments([PaymentItem(invoice=invoice, amount=amount, channel=channel, method=method,
                                           reference=reference, received_at=received_at or timezone.now(),
                                           note=note)], actor=actor, request=request)
    if result.refused:
        raise result.refused
    return result.payment, result.created


def counter_payment_record(*, invoice: Invoice, method: str, reference: str, actor, amount=None,
                           request=None) -> tuple[Payment, bool]:
    """A finance officer takes the money at the counter (cash, cheque or transfer)."""
    require(actor, Action.RECORD_PAYMENTS)
    if method not in (PaymentMethod.CASH, PaymentMethod.CHEQUE, PaymentMethod.TRANSFER):
        raise PaymentRefused(_("At the counter: cash, cheque or transfer."), code="bad_method")
    invoice = invoice_current(invoice)
    return payment_post(invoice=invoice, amount=amount_payable(invoice, timezone.localdate()) if amount is None
                        else amount, channel=PaymentChannel.COUNTER, method=method,
                        reference=f"counter:{reference.strip()}" if reference.strip() else "", actor=actor,
                        request=request)


# --- receipts and refunds -------------------------------------------------------------------------

@transaction.atomic
def receipt_void(*, receipt: Receipt, reason: str, actor, reissue: bool = True, request=None) -> Receipt | None:
    """Void a spoiled receipt (never deleted, its number never reused); by default a new one is issued."""
    require(actor, Action.RECORD_PAYMENTS)
    if not reason.strip():
        raise ValidationError(_("Give the reason for voiding."))
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.voided_at:
        raise ValidationError(_("This receipt is already void."))
    receipt.voided_at, receipt.voided_by, receipt.void_reason = timezone.now(), actor, reason.strip()
    receipt.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit_record(action="receipt_voided", request=request, actor=actor, target=receipt.display_number,
                 reason=reason.strip())
    if not reissue:
        return None
    year = fiscal_year(timezone.localdate())
    counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(fiscal_year=year)
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    return Receipt.objects.create(
        payment=receipt.payment, fiscal_year=year, sequence=counter.last_sequence, issued_at=timezone.now(),
        payer_name=receipt.payer_name, description=receipt.description, amount=receipt.amount,
        amount_words=receipt.amount_words, issued_by_name=getattr(actor, "display_name", ""),
        token=secrets.token_urlsafe(18))


@transaction.atomic
def refund_create(*, payment: Payment, amount, reason: str, actor, request=None) -> Refund:
    """Give back an overpayment: never more than what was paid and not yet refunded."""
    require(actor, Action.RECORD_PAYMENTS)
    try:
        amount = parse_amount(amount)
    except MoneyError:
        raise ValidationError(_("The amount must be baht with at most 2 decimals, not negative.")) from None
    if amount <= 0 or not reason.strip():
        raise ValidationError(_("Give an amount above zero and the reason."))
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    refunded = sum(r.amount for r in payment.refunds.exclude(status=Refund.Status.ERROR))
    if amount > payment.amount - refunded:
        raise ValidationError(_("At most %(left)s can still be refunded on this payment.")
                              % {"left": f"{payment.amount - refunded:,.2f}"}, code="refund_too_large")
    refund = Refund.objects.create(payment=payment, amount=amount, reason=reason.strip(), created_by=actor)
    audit_record(action="refund_created", request=request, actor=actor, target=payment.reference,
                 amount=str(amount), reason=reason.strip())
    return refund


REFUND_TRANSITIONS = {(Refund.Status.CREATED, Refund.Status.SUBMITTED), (Refund.Status.SUBMITTED, Refund.Status.REFUNDED),
                      (Refund.Status.SUBMITTED, Refund.Status.ERROR)}


@transaction.atomic
def refund_set_status(*, refund: Refund, status: str, actor, request=None) -> Refund:

    from shared_apps.ledger.services import revenue_add
    from tenants.selectors import current_lao

    require(actor, Action.RECORD_PAYMENTS)
    refund = Refund.objects.select_for_update().select_related("payment__invoice").get(pk=refund.pk)
    if (refund.status, status) not in REFUND_TRANSITIONS:
        raise ValidationError(_("A refund cannot go from “%(old)s” to “%(new)s”.") % {"old": refund.status,
                                                                                   "new": status})
    refund.status = status
    refund.save(update_fields=["status", "updated_at"])
    audit_record(action=f"refund_{status}", request=request, actor=actor, target=refund.payment.reference,
                 amount=str(refund.amount))
    if status == Refund.Status.REFUNDED:
        day, service = timezone.localdate(), refund.payment.invoice.service
        LedgerEntry.objects.create(day=day, service=service, amount=-refund.amount, refund=refund)
        lao = current_lao()
        transaction.on_commit(lambda: revenue_add(lao_id=lao.pk, service=service, day=day, amount=-refund.amount,
                                                  payments=0))
    return refund


PAYMENT_SETTINGS_FIELDS = ["tax_id", "biller_suffix", "bank_code", "company_code", "company_account", "ref1_length",
                           "ref1_check_digit", "ref2_scheme", "hmac_secret", "hmac_secret_previous",
                           "allowed_sources", "ktb_user", "ktb_password"]


@transaction.atomic
def payment_settings_update(*, actor, request=None, **changes) -> PaymentSettings:
    """The LAO's bank settings, validated when saved: a real tax ID, a 2-digit suffix, sane references."""
    import ipaddress

    from stdnum.th import tin

    require(actor, Action.MANAGE_PAYMENT_SETTINGS)
    unknown = set(changes) - set(PAYMENT_SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field(s): %s") % ", ".join(sorted(unknown)))
    settings, _created = PaymentSettings.objects.select_for_update().get_or_create(pk=1)
    for name, value in changes.items():
        setattr(settings, name, value)
    errors = []
    if settings.tax_id and not tin.is_valid(settings.tax_id):
        errors.append(_("The tax ID is not a valid 13-digit tax ID."))
    if not (len(settings.biller_suffix) == 2 and settings.biller_suffix.isdigit()):
        errors.append(_("The biller suffix is 2 digits (00 for the first account)."))
    if not (len(settings.bank_code) == 3 and settings.bank_code.isdigit()):
        errors.append(_("The bank code is 3 digits (006 for Krungthai)."))
    if settings.company_account and not (settings.company_account.isdigit() and len(settings.company_account) == 10):
        errors.append(_("The collection account is 10 digits."))
    if not 6 <= settings.ref1_length <= 20:
        errors.append(_("Ref1 is 6 to 20 characters long."))
    if settings.hmac_secret and len(settings.hmac_secret) < 32:
        errors.append(_("The notification secret must be at least 32 characters."))
    for line in filter(None, (x.strip() for x in settings.allowed_sources.splitlines())):
        try:
            ipaddress.ip_network(line, strict=False)
        except ValueError:
            errors.append(_("“%(value)s” is not an IP address or network.") % {"value": line})
    if errors:
        raise ValidationError(errors)
    settings.updated_by = actor
    settings.save()
    audit_record(action="payment_settings_changed", request=request, actor=actor, target="payment settings",
                 fields=sorted(changes))
    return settings
