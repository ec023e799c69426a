"""The one path money takes in a LAO: obligations with a balance, invoices with Ref1/Ref2 against them,
payments posted once from every channel, a receipt for every payment, the ledger, reversals, refunds and
set-offs.

The obligation (`Obligation`, ลูกหนี้) is the row every channel locks first: the counter, a bank's
confirm, a statement file, a refund, a correction or an assessment, a set-off. Under that lock it reads
what is owed, charges the surcharge that ran since, and changes the balance, writing an entry of the
obligation's journal, the LAO's ledger and the audit record in the same transaction. Anything the rest of
the world must hear of (the source that a fee was paid, the national daily sums) goes out after commit.

`post_payments()` is the single posting function: counter, bank notification and statement file all call
it (one item or a whole file). It is idempotent on each payment's reference — a unique column, read only
after the obligation's lock is held, so the database and the lock together refuse a second copy. Money a
bank has already taken is never refused: if it is not what was due, the difference stays on the balance
(owed, or a credit to refund or set off) and the payment is listed as an exception.
"""
from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn

from shared_apps.audit.services import audit_record
from shared_apps.calendar.selectors import fiscal_year
from shared_apps.money import MoneyError, parse_amount
from tenant_apps.officers.access import Action, require
from tenant_apps.published import person_items

from .models import (EntryKind, Invoice, InvoiceStatus, LedgerEntry, Obligation, ObligationEntry, Payment,
                     PaymentChannel, PaymentException, PaymentMethod, PaymentSettings, Receipt, ReceiptCounter,
                     Refund)
from .obligations import MAX_PAYABLE, ZERO, accrual, months_on, pay_by, payable_on, surcharge_between
from .signals import invoice_paid

logger = logging.getLogger(__name__)
BANK_OFFICER = "ระบบรับชำระเงินผ่านธนาคาร"

def payment_settings() -> PaymentSettings:
    return PaymentSettings.objects.filter(pk=1).first() or PaymentSettings(pk=1)


def _money(value, *, message: str, allow_negative: bool = False) -> Decimal:
    try:
        amount = parse_amount(value, allow_negative=allow_negative)
    except MoneyError:
        raise ValidationError(message, code="bad_amount") from None
    if abs(amount) > MAX_PAYABLE:
        raise ValidationError(_("%(amount)s baht is more than a bank slip can carry (at most 9,999,999,999.99).")
                              % {"amount": f"{amount:,.2f}"}, code="too_large")
    return amount


def amount_payable(invoice: Invoice, on: datetime.date) -> Decimal:
    """What settles an open invoice's obligation on a day (its balance plus the surcharge run since);
    0 for an invoice that is no longer open. Reads only."""
    if invoice.status != InvoiceStatus.OPEN:
        return ZERO
    return max(payable_on(invoice.obligation, on), ZERO)


# --- invoices: payment requests against an obligation ----------------------------------------------

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


def open_invoice(obligation: Obligation) -> Invoice | None:
    return obligation.invoices.filter(status=InvoiceStatus.OPEN).first()


def _invoice_refresh(obligation: Obligation, *, actor=None, request=None, reason: str = "",
                     today: datetime.date | None = None) -> Invoice | None:
    """Under the obligation's lock: one open invoice for exactly its balance while it is owed, none once it
    is settled or in credit. A changed balance cancels the open invoice and issues its replacement."""
    today = today or timezone.localdate()
    current = open_invoice(obligation)
    balance = obligation.balance
    due_date = obligation.due_date if today <= obligation.due_date else pay_by(obligation, today)
    if current is not None and balance > 0 and current.amount == balance:
        return current  # still asks for exactly what is owed (a late one's surcharge is computed on top)
    if current is None and balance <= 0:
        return None
    if current is not None:  # cancelled first: one open invoice per obligation, never two
        current.status, current.cancelled_at, current.cancelled_by = InvoiceStatus.CANCELLED, timezone.now(), actor
        current.cancel_reason = (reason or (_("replaced: the amount due changed") if balance > 0
                                            else _("nothing is owed any more")))[:300]
        current.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
        audit_record(action="invoice_cancelled", request=request, actor=actor, target=obligation.description[:200],
                     invoice=current.pk, reason=current.cancel_reason)
    replacement = None
    if balance > 0:
        replacement = Invoice.objects.create(
            obligation=obligation, source=obligation.source, source_id=obligation.source_id,
            amount=balance, due_date=due_date, description=obligation.description, payer=obligation.payer,
            payer_name=obligation.payer_name, created_by=actor, service=obligation.service)
        settings = payment_settings()
        replacement.ref1, replacement.ref2 = _ref1(replacement.pk, settings), _ref2(due_date, settings)
        replacement.save(update_fields=["ref1", "ref2"])
        audit_record(action="invoice_issued", request=request, actor=actor, target=obligation.description[:200],
                     invoice=replacement.pk, amount=str(balance), replaces=getattr(current, "pk", None))
        if current is not None:
            current.replaced_by = replacement
            current.save(update_fields=["replaced_by"])
    return replacement


# --- obligations -------------------------------------------------------------------------------------

def _lock(obligation_id: int) -> Obligation:
    return Obligation.objects.select_for_update().get(pk=obligation_id)


def _accrue(obligation: Obligation, day: datetime.date, *, actor=None) -> Decimal:
    """Charge the surcharge that ran up to `day` (the caller holds the lock). Returns what was added."""
    extra, months = accrual(obligation, day)
    if extra > 0:
        obligation.charged += extra
        ObligationEntry.objects.create(obligation=obligation, kind=EntryKind.SURCHARGE, amount=extra, by=actor,
                                       note=_("surcharge to %(months)d month(s)") % {"months": months})
    obligation.surcharge_months = months
    return extra


def _save(obligation: Obligation) -> None:
    person_items.obligations_changed([obligation.pk])  # the payer's "My account": republished after commit
    obligation.save(update_fields=["charged", "paid", "credited", "refunded", "tax_charged", "surcharge_months",
                                   "due_date", "description", "payer_name", "surcharge_percent_per_month",
                                   "surcharge_cap_percent", "surcharge_from", "updated_at"])


def _settled_now(obligation: Obligation, before: Decimal) -> None:
    """Tell the source after commit when the obligation went from owed to settled with money or credit."""
    if before > 0 and obligation.balance <= 0 and (obligation.paid + obligation.credited) > 0:
        invoice = obligation.invoices.exclude(status=InvoiceStatus.CANCELLED).order_by("-id").first() or \
            obligation.invoices.order_by("-id").first()
        schema = connection.schema_name
        if invoice is not None:
            transaction.on_commit(lambda: invoice_paid.send(sender=invoice.source, invoice=invoice,
                                                            schema_name=schema))


def _credit_policy_after_commit(obligation: Obligation, today: datetime.date | None = None) -> None:
    if obligation.payer_key and payment_settings().credit_policy == PaymentSettings.CreditPolicy.SET_OFF:
        key = obligation.payer_key
        transaction.on_commit(lambda: credits_set_off(payer_key=key, today=today))


@transaction.atomic
def obligation_charge(*, source: str, source_id: int, part: str, amount, description: str,
                      due_date: datetime.date, tax=None, surcharge: dict | None = None, payer=None,
                      payer_name: str = "", payer_key: str = "", service: str = "", note: str = "", actor=None,
                      request=None, today: datetime.date | None = None) -> Obligation:
    """Set what one part of an obligation charges (a return's amount due, an additional return's, an
    assessment's, a fee) — setting it again replaces that part, so the payer is only ever asked for the
    difference from what has been paid. A lower amount reduces or cancels the open invoice and turns an
    overpayment into a credit.

    `tax` is the tax within `amount` (the surcharge keeps running on its unpaid part); `surcharge` =
    dict(percent, cap, from, months): the ordinance's rule and the months already counted in `amount`."""
    amount = _money(amount, message=_("An amount due is baht with at most 2 decimals."), allow_negative=True)
    tax = _money(amount if tax is None else tax, message=_("The tax is baht with at most 2 decimals."),
                 allow_negative=True)
    today = today or timezone.localdate()
    obligation, _created = Obligation.objects.select_for_update().get_or_create(
        source=source, source_id=source_id,
        defaults={"description": description[:300], "payer": payer, "due_date": due_date, "service":
                  service or source.split(".")[0], "payer_key": payer_key,
                  "payer_name": (payer_name or getattr(payer, "display_name", ""))[:200]})
    before = obligation.balance
    obligation.description = description[:300] or obligation.description
    obligation.payer_name = (payer_name or obligation.payer_name)[:200]
    obligation.due_date = due_date
    if surcharge:
        obligation.surcharge_percent_per_month = surcharge.get("percent")
        obligation.surcharge_cap_percent = surcharge.get("cap")
        obligation.surcharge_from = surcharge.get("from")
    # The surcharge already run on what is unpaid is charged before the tax it runs on changes.
    _accrue(obligation, today, actor=actor)
    previous = obligation.entries.filter(kind=EntryKind.CHARGE, part=part).aggregate(
        amount=Sum("amount"), tax=Sum("tax_amount"))
    change = amount - (previous["amount"] or ZERO)
    tax_change = tax - (previous["tax"] or ZERO)
    if obligation.charged + change < 0:
        raise ValidationError(_("A correction cannot charge less than nothing."), code="negative_charge")
    if change or tax_change:
        ObligationEntry.objects.create(obligation=obligation, kind=EntryKind.CHARGE, part=part, amount=change,
                                       tax_amount=tax_change, note=(note or description)[:300], by=actor)
        obligation.charged += change
        obligation.tax_charged = max(obligation.tax_charged + tax_change, ZERO)
        # An increase of the tax also owes the surcharge from the months `amount` counted up to today.
        counted = int((surcharge or {}).get("months") or 0)
        if tax_change > 0 and obligation.surcharge_months > counted:
            gap = surcharge_between(obligation, base=tax_change, from_months=counted,
                                    to_months=obligation.surcharge_months)
            if gap > 0:
                obligation.charged += gap
                ObligationEntry.objects.create(
                    obligation=obligation, kind=EntryKind.SURCHARGE, part=part, amount=gap, by=actor,
                    note=_("surcharge to %(months)d month(s)") % {"months": obligation.surcharge_months})
    if obligation.balance > MAX_PAYABLE:
        raise ValidationError(_("%(amount)s baht is more than a bank slip can carry (at most 9,999,999,999.99).")
                              % {"amount": f"{obligation.balance:,.2f}"}, code="too_large")
    _save(obligation)
    _invoice_refresh(obligation, actor=actor, request=request, today=today)
    if change or tax_change:
        audit_record(action="obligation_changed", request=request, actor=actor, target=obligation.description[:200],
                     obligation=obligation.pk, part=part, change=str(change), balance=str(obligation.balance))
    _settled_now(obligation, before)
    if obligation.balance != 0:
        _credit_policy_after_commit(obligation, today)
    return obligation


def invoice_issue(*, source: str, source_id: int, amount, due_date: datetime.date, description: str,
                  payer=None, payer_name: str = "", service: str = "", surcharge=None, actor=None,
                  request=None) -> Invoice | None:
    """A single-charge obligation (a fee) and its open invoice: the simple case of `obligation_charge()`.
    `surcharge` = dict(base, percent, cap, from) when a surcharge keeps running after the due date."""
    amount = _money(amount, message=_("An invoice amount is baht with at most 2 decimals."))
    if amount <= 0:
        raise ValidationError(_("An invoice amount must be above zero."))
    extra = {}
    if surcharge:
        extra = {"tax": surcharge.get("base"), "surcharge": {
            "percent": surcharge.get("percent"), "cap": surcharge.get("cap"), "from": surcharge.get("from"),
            "months": months_on(Obligation(surcharge_from=surcharge.get("from")), due_date)}}
    obligation = obligation_charge(source=source, source_id=source_id, part="charge", amount=amount,
                                   description=description, due_date=due_date, payer=payer, payer_name=payer_name,
                                   payer_key=f"user:{payer.pk}" if getattr(payer, "pk", None) else "",
                                   service=service, actor=actor, request=request, **extra)
    return open_invoice(obligation)


# --- posting payments -----------------------------------------------------------------------------

class PaymentRefused(ValidationError):
    """The payment cannot be posted; `code` says why (already_paid, cancelled, wrong_amount, …)."""


@dataclass
class PaymentItem:
    invoice: Invoice
    amount: Decimal | None  # None: exactly what is due (the counter)
    channel: str
    method: str
    reference: str
    received_at: datetime.datetime
    note: str = ""

    @property
    def money_taken(self) -> bool:
        """The bank has already taken this money: it is recorded whatever it is, never refused."""
        return self.channel != PaymentChannel.COUNTER


@dataclass
class PostingResult:
    item: PaymentItem
    payment: Payment | None = None
    created: bool = False
    refused: PaymentRefused | None = None
    matched: bool = False  # the same money, already posted through the other bank channel: now linked


# Bank money reaches us twice — the notification and the statement file — and is posted by whichever
# comes first; the other is matched to it (same obligation, amount and day) instead of counted again.
_OTHER_BANK_CHANNEL = {PaymentChannel.BANK_NOTIFICATION: PaymentChannel.STATEMENT,
                       PaymentChannel.STATEMENT: PaymentChannel.BANK_NOTIFICATION}


def _unmatched_bank_money(obligation_ids, channels) -> dict[tuple, list[Payment]]:
    found: dict[tuple, list[Payment]] = {}
    for payment in (Payment.objects.filter(channel__in=list(channels), obligation_id__any=list(obligation_ids),
                                           matched_reference__isnull=True, reversed_at__isnull=True)
                    .order_by("received_at", "id")):
        key = (payment.channel, payment.obligation_id, payment.amount, timezone.localdate(payment.received_at))
        found.setdefault(key, []).append(payment)
    return found


def _update_rows(model, rows: list[tuple], columns: list[tuple[str, str]]) -> None:
    """One UPDATE … FROM (VALUES …) for many rows: Django's bulk_update builds a CASE per row, far slower."""
    if not rows:
        return
    from psycopg2.extras import execute_values

    names = ", ".join(name for name, _type in columns)
    template = "(%s, " + ", ".join(f"%s::{sql_type}" for _name, sql_type in columns) + ")"
    sets = ", ".join(f"{name} = v.{name}" for name, _type in columns)
    with connection.cursor() as cursor:
        execute_values(cursor.cursor if hasattr(cursor, "cursor") else cursor,
                       f"UPDATE {model._meta.db_table} AS t SET {sets} FROM (VALUES %s) AS v(id, {names}) "
                       "WHERE t.id = v.id", rows, template=template, page_size=2000)


def _lock_all(ids) -> dict[int, Obligation]:
    """Lock obligations in id order, so two batches never wait for each other in a circle."""
    locked = {}
    ids = sorted(set(ids))
    for start in range(0, len(ids), 10_000):
        chunk = ids[start:start + 10_000]
        locked.update((o.pk, o) for o in Obligation.objects.select_for_update().filter(pk__any=chunk).order_by("pk"))
    return locked


NULL = "\\N"


def _copy_rows(model, columns: list[str], rows) -> None:
    """Many rows in one COPY (CSV: the csv module quotes every text, so "" stays an empty string; None is
    written as \\N, read back as NULL): for a whole statement file, several times faster than INSERTs built by the ORM. The values are
    written by us (ids from the sequence, our own text), never a model's defaults."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(
        tuple(NULL if value is None else value for value in row) for row in rows)
    buffer.seek(0)
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        raw.copy_expert(f"COPY {model._meta.db_table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}', "
                        f"FORCE_NULL ({names}))", buffer)


def _next_ids(model, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [model._meta.db_table, count])
        return [row[0] for row in cursor.fetchall()]


def _receipt_rows(payments: list[Payment], *, now, actor, officer_name: str) -> list[tuple]:
    """A receipt for each payment, in the receipt book of the fiscal year the money was received."""
    from shared_apps.payment_formats.thai_words import baht_text

    by_year: dict[int, list[Payment]] = {}
    tz = timezone.get_current_timezone()
    for payment in payments:
        by_year.setdefault(fiscal_year(payment.received_at.astimezone(tz).date()), []).append(payment)
    issuer = officer_name or (getattr(actor, "display_name", "") if actor else BANK_OFFICER)
    words: dict[Decimal, str] = {}
    ids = iter(_next_ids(Receipt, len(payments)))
    rows = []
    for year in sorted(by_year):
        counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(fiscal_year=year)
        for offset, payment in enumerate(by_year[year], start=1):
            if payment.amount not in words:
                words[payment.amount] = baht_text(payment.amount)
            rows.append((next(ids), payment.pk, year, counter.last_sequence + offset, now,
                         payment.obligation.payer_name, payment.obligation.description, payment.amount,
                         words[payment.amount], issuer, secrets.token_urlsafe(18), None, None, ""))
        counter.last_sequence += len(by_year[year])
        counter.save(update_fields=["last_sequence"])
    return rows


RECEIPT_COLUMNS = ["id", "payment_id", "fiscal_year", "sequence", "issued_at", "payer_name", "description", "amount",
                   "amount_words", "issued_by_name", "token", "voided_at", "voided_by_id", "void_reason"]
PAYMENT_COLUMNS = ["id", "obligation_id", "invoice_id", "amount", "channel", "method", "reference", "received_at",
                   "recorded_at", "recorded_by_id", "note", "due_amount", "exception", "matched_reference",
                   "reversed_at", "reversed_by_id", "reversal_reference", "reversal_reason"]
ENTRY_COLUMNS = ["obligation_id", "kind", "part", "amount", "tax_amount", "note", "payment_id", "refund_id",
                 "other_id", "at", "by_id"]
LEDGER_COLUMNS = ["day", "service", "amount", "payment_id", "refund_id", "note", "at"]


def post_payments(items: list[PaymentItem], *, actor=None, officer_name: str = "", request=None) -> list[PostingResult]:
    """Post payments, each once. One transaction for the lot; every obligation is locked (in id order)
    before anything is read; a reference already posted returns the existing payment with created=False.
    At the counter a payment must settle exactly what is due; money a bank has taken is always recorded."""
    from shared_apps.ledger.services import revenue_add
    from tenants.selectors import current_lao

    references = [item.reference for item in items]
    if len(set(references)) != len(references):
        raise ValidationError(_("The same payment reference appears twice in one batch."))
    results = [PostingResult(item=item) for item in items]
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        obligations = _lock_all(item.invoice.obligation_id for item in items)
        # Read only now: a concurrent poster of the same obligation has committed or not started.
        existing = {p.reference: p for p in Payment.objects.filter(reference__any=list(references))}
        existing.update((p.matched_reference, p) for p in Payment.objects.filter(
            matched_reference__any=list(references)))
        # The callers' invoices, with their status read again now that it cannot change under us.
        invoices = {item.invoice.pk: item.invoice for item in items}
        for pk, status in Invoice.objects.filter(pk__any=list(invoices)).values_list("pk", "status"):
            invoices[pk].status = status
        wanted = {_OTHER_BANK_CHANNEL[item.channel] for item in items if item.channel in _OTHER_BANK_CHANNEL}
        other_channel = _unmatched_bank_money(obligations, wanted) if wanted else {}
        matches = []
        balances_before = {pk: ob.balance for pk, ob in obligations.items()}
        new_payments, entries, ledger, paid_invoices, touched = [], [], [], {}, {}
        accrued = []
        for result in results:
            item = result.item
            if item.reference in existing:
                result.payment = existing[item.reference]
                continue
            obligation = obligations[item.invoice.obligation_id]
            invoice = invoices[item.invoice.pk]
            day = item.received_at.astimezone(tz).date()
            same_money = other_channel.get((_OTHER_BANK_CHANNEL.get(item.channel), obligation.pk, item.amount, day))
            if same_money:
                payment = same_money.pop(0)
                payment.matched_reference = item.reference
                matches.append(payment)
                result.payment, result.matched = payment, True
                continue
            extra, months = accrual(obligation, day)
            due = obligation.balance + extra
            if not item.money_taken:
                if due <= 0:
                    result.refused = PaymentRefused(_("This invoice has already been paid."), code="already_paid")
                    continue
                if invoice.status != InvoiceStatus.OPEN:
                    result.refused = PaymentRefused(_("This invoice was cancelled; pay its replacement."),
                                                    code="cancelled")
                    continue
                amount = due if item.amount is None else item.amount
                if amount != due:
                    result.refused = PaymentRefused(
                        _("The amount %(paid)s does not match the %(due)s due.")
                        % {"paid": f"{amount:,.2f}", "due": f"{due:,.2f}"}, code="wrong_amount")
                    continue
            else:
                amount = item.amount
            if amount is None or amount <= 0 or amount > MAX_PAYABLE:
                result.refused = PaymentRefused(_("The amount must be above zero and within what a slip carries."),
                                                code="bad_amount")
                continue
            if extra > 0:
                obligation.charged += extra
                accrued.append(ObligationEntry(obligation=obligation, kind=EntryKind.SURCHARGE, amount=extra,
                                               by=actor, note=f"surcharge to {months} month(s)"))
            obligation.surcharge_months = months
            exception = (PaymentException.ALREADY_SETTLED if due <= 0 else PaymentException.OVERPAID
                         if amount > due else PaymentException.UNDERPAID if amount < due else PaymentException.NONE)
            obligation.paid += amount
            payment = Payment(obligation=obligation, invoice=invoice, amount=amount, channel=item.channel,
                              method=item.method, reference=item.reference, received_at=item.received_at,
                              recorded_by=actor, note=item.note[:300], due_amount=max(due, ZERO),
                              exception=exception)
            if invoice.status == InvoiceStatus.OPEN:
                invoice.status, invoice.paid_at = InvoiceStatus.PAID, item.received_at
                paid_invoices[invoice.pk] = invoice
            touched[obligation.pk] = obligation
            result.payment, result.created = payment, True
            new_payments.append(payment)
        _update_rows(Payment, [(p.pk, p.matched_reference) for p in matches], [("matched_reference", "varchar")])
        if not new_payments:
            return results
        now = timezone.now()
        actor_id = getattr(actor, "pk", None)
        for payment, pk in zip(new_payments, _next_ids(Payment, len(new_payments))):
            payment.pk, payment.recorded_at, payment._state.adding = pk, now, False
        _copy_rows(Payment, PAYMENT_COLUMNS, (
            (p.pk, p.obligation.pk, p.invoice.pk, p.amount, p.channel, p.method, p.reference, p.received_at, now,
             actor_id, p.note, p.due_amount, p.exception, None, None, None, None, "") for p in new_payments))
        for payment in new_payments:
            entries.append((payment.obligation.pk, EntryKind.PAYMENT, "", -payment.amount, ZERO, "", payment.pk, None,
                            None, now, actor_id))
            ledger.append((payment.received_at.astimezone(tz).date(), payment.obligation.service, payment.amount,
                           payment.pk, None, "", now))
        entries += [(e.obligation.pk, e.kind, "", e.amount, ZERO, e.note, None, None, None, now, actor_id)
                    for e in accrued]
        _copy_rows(ObligationEntry, ENTRY_COLUMNS, entries)
        receipt_rows = _receipt_rows(new_payments, now=now, actor=actor, officer_name=officer_name)
        _copy_rows(Receipt, RECEIPT_COLUMNS, receipt_rows)
        from .documents import receipts_issue_on_commit

        receipts_issue_on_commit([row[0] for row in receipt_rows])  # signed and stored once committed
        _copy_rows(LedgerEntry, LEDGER_COLUMNS, ledger)
        _update_rows(Invoice, [(i.pk, "paid", i.paid_at) for i in paid_invoices.values()],
                     [("status", "varchar"), ("paid_at", "timestamptz")])
        person_items.obligations_changed(touched)  # the payers' "My account": republished after commit
        _update_rows(Obligation, [(o.pk, o.charged, o.paid, o.surcharge_months, now) for o in touched.values()],
                     [("charged", "numeric"), ("paid", "numeric"), ("surcharge_months", "smallint"),
                      ("updated_at", "timestamptz")])
        # Rare: money short of what was due leaves a balance, which gets a new invoice; an overpayment
        # leaves a credit (listed for refund, or set off).
        settled, set_off = [], False
        for obligation in touched.values():
            if obligation.balance > 0:
                _invoice_refresh(obligation, actor=actor, request=request)
            elif obligation.balance < 0 and obligation.payer_key:
                set_off = True
            if balances_before[obligation.pk] > 0 and obligation.balance <= 0:
                settled.append(obligation)
        if set_off and payment_settings().credit_policy == PaymentSettings.CreditPolicy.SET_OFF:
            keys = {o.payer_key for o in touched.values() if o.balance < 0 and o.payer_key}
            transaction.on_commit(lambda: [credits_set_off(payer_key=key) for key in sorted(keys)])
        paid_by_obligation = {i.obligation_id: i for i in paid_invoices.values()}
        if settled:
            schema = connection.schema_name
            tell = [paid_by_obligation.get(o.pk) or invoices[next(r.item.invoice.pk for r in results if r.created
                                                                   and r.payment.obligation_id == o.pk)]
                    for o in settled]
            transaction.on_commit(lambda: [invoice_paid.send(sender=invoice.source, invoice=invoice,
                                                             schema_name=schema) for invoice in tell])
        audit_record(action="payments_posted", request=request, actor=actor,
                     target=f"{len(new_payments)} payment(s)", count=len(new_payments),
                     amount=str(sum(p.amount for p in new_payments)),
                     references=[p.reference for p in new_payments][:50], channel=new_payments[0].channel,
                     exceptions=sum(1 for p in new_payments if p.exception))
        lao = current_lao()
        sums: dict[tuple, list] = {}
        for payment in new_payments:  # by channel too, for the oversight figures (shared_apps.oversight)
            total = sums.setdefault((payment.obligation.service, payment.channel,
                                     payment.received_at.astimezone(tz).date()), [Decimal("0"), 0])
            total[0] += payment.amount
            total[1] += 1

        def publish():
            for (service, channel, day), (amount, count) in sorted(sums.items()):
                revenue_add(lao_id=lao.pk, service=service, day=day, amount=amount, payments=count, channel=channel)

        transaction.on_commit(publish)
    return results


def payment_post_result(*, invoice: Invoice, amount, channel: str, method: str, reference: str, actor=None,
                        received_at: datetime.datetime | None = None, note: str = "", request=None) -> PostingResult:
    """One payment through `post_payments()`, checked first; raises PaymentRefused saying why."""
    reference = (reference or "").strip()
    if not reference:
        raise PaymentRefused(_("A payment needs its reference (slip, cheque or bank transaction number)."),
                             code="no_reference")
    if len(reference) > 100 or not reference.isprintable():
        raise PaymentRefused(_("A payment reference is at most 100 printable characters."), code="bad_reference")
    if amount is not None:
        try:
            amount = parse_amount(amount)
        except MoneyError:
            raise PaymentRefused(_("The amount must be baht with at most 2 decimals, not negative."),
                                 code="bad_amount") from None
    item = PaymentItem(invoice=invoice, amount=amount, channel=channel, method=method, reference=reference,
                       received_at=received_at or timezone.now(), note=note)
    try:
        (result,) = post_payments([item], actor=actor, request=request)
    except IntegrityError:
        # The same reference on another obligation, posted at the same moment: it is a duplicate, not an error.
        payment = Payment.objects.filter(reference=reference).first()
        if payment is None:
            raise
        return PostingResult(item=item, payment=payment)
    if result.refused:
        raise result.refused
    return result


def payment_post(**kwargs) -> tuple[Payment, bool]:
    """One payment: (payment, created), or PaymentRefused saying why (see `payment_post_result`)."""
    result = payment_post_result(**kwargs)
    return result.payment, result.created


def counter_payment_record(*, invoice: Invoice, method: str, reference: str, actor, amount=None,
                           request=None) -> tuple[Payment, bool]:
    """A finance officer takes the money at the counter (cash, cheque or transfer): exactly what is due
    today; an obligation already settled is refused (with a message), never paid twice."""
    require(actor, Action.RECORD_PAYMENTS)
    if method not in (PaymentMethod.CASH, PaymentMethod.CHEQUE, PaymentMethod.TRANSFER):
        raise PaymentRefused(_("At the counter: cash, cheque or transfer."), code="bad_method")
    reference = (reference or "").strip()
    if invoice.status == InvoiceStatus.CANCELLED:  # an old slip: take the money against the invoice that stands
        invoice = open_invoice(invoice.obligation) or invoice
    return payment_post(invoice=invoice, amount=amount, channel=PaymentChannel.COUNTER, method=method,
                        reference=f"counter:{reference}" if reference else "", actor=actor, request=request)


# --- reversals ------------------------------------------------------------------------------------

@dataclass
class ReversalItem:
    payment: Payment
    reference: str  # the bank's reversal (a statement's D line)
    day: datetime.date
    reason: str


def reverse_payments(items: list[ReversalItem], *, actor=None, request=None) -> list[tuple[ReversalItem, bool]]:
    """The bank took back money it had paid us: the payment is marked reversed, its receipt voided with the
    reason, the obligation's balance restored (and invoiced again), the ledger and the national sum reduced.
    Idempotent on the reversal's reference."""
    from shared_apps.ledger.services import revenue_add
    from tenants.selectors import current_lao

    done = []
    with transaction.atomic():
        obligations = _lock_all(item.payment.obligation_id for item in items)
        payments = Payment.objects.in_bulk({item.payment.pk for item in items})
        already = set(Payment.objects.filter(reversal_reference__in=[i.reference for i in items])
                      .values_list("reversal_reference", flat=True))
        sums: dict[tuple, list] = {}
        now = timezone.now()
        for item in items:
            payment = payments[item.payment.pk]
            if item.reference in already or payment.reversed_at is not None:
                done.append((item, False))
                continue
            obligation = obligations[payment.obligation_id]
            payment.reversed_at, payment.reversed_by = now, actor
            payment.reversal_reference, payment.reversal_reason = item.reference, item.reason[:300]
            payment.save(update_fields=["reversed_at", "reversed_by", "reversal_reference", "reversal_reason"])
            Receipt.objects.filter(payment=payment, voided_at__isnull=True).update(
                voided_at=now, voided_by=actor, void_reason=item.reason[:300])
            obligation.paid -= payment.amount
            ObligationEntry.objects.create(obligation=obligation, kind=EntryKind.REVERSAL, amount=payment.amount,
                                           payment=payment, note=item.reason[:300], by=actor)
            LedgerEntry.objects.create(day=item.day, service=obligation.service, amount=-payment.amount,
                                       payment=payment, note="reversal")
            total = sums.setdefault((obligation.service, payment.channel, item.day), [Decimal("0"), 0])
            total[0] -= payment.amount
            total[1] -= 1
            _save(obligation)
            _invoice_refresh(obligation, actor=actor, request=request, reason=_("a payment was reversed"))
            audit_record(action="payment_reversed", request=request, actor=actor, target=payment.reference,
                         amount=str(payment.amount), reason=item.reason[:300], obligation=obligation.pk)
            done.append((item, True))
        if sums:
            lao = current_lao()
            transaction.on_commit(lambda: [revenue_add(lao_id=lao.pk, service=service, day=day, amount=amount,
                                                       payments=count, channel=channel)
                                           for (service, channel, day), (amount, count) in sorted(sums.items())])
    return done


# --- receipts, refunds and credits ------------------------------------------------------------------

@transaction.atomic
def receipt_void(*, receipt: Receipt, reason: str, actor, reissue: bool = True, request=None) -> Receipt | None:
    """Void a spoiled receipt (never deleted, its number never reused); by default a new one is issued, in
    the book of the fiscal year the money was received."""
    require(actor, Action.RECORD_PAYMENTS)
    if not reason.strip():
        raise ValidationError(_("Give the reason for voiding."))
    receipt = Receipt.objects.select_for_update().select_related("payment").get(pk=receipt.pk)
    if receipt.voided_at:
        raise ValidationError(_("This receipt is already void."))
    receipt.voided_at, receipt.voided_by, receipt.void_reason = timezone.now(), actor, reason.strip()[:300]
    receipt.save(update_fields=["voided_at", "voided_by", "void_reason"])
    person_items.obligations_changed([receipt.payment.obligation_id])  # the payer's recent receipts
    audit_record(action="receipt_voided", request=request, actor=actor, target=receipt.display_number,
                 reason=reason.strip())
    if not reissue or receipt.payment.reversed_at is not None:
        return None
    year = fiscal_year(timezone.localdate(receipt.payment.received_at))
    counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(fiscal_year=year)
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    new_receipt = Receipt.objects.create(
        payment=receipt.payment, fiscal_year=year, sequence=counter.last_sequence, issued_at=timezone.now(),
        payer_name=receipt.payer_name, description=receipt.description, amount=receipt.amount,
        amount_words=receipt.amount_words, issued_by_name=getattr(actor, "display_name", ""),
        token=secrets.token_urlsafe(18))
    from .documents import receipts_issue_on_commit

    receipts_issue_on_commit([new_receipt.pk])  # the voided receipt's signed file stays as it was
    return new_receipt


def _refundable(payment: Payment) -> Decimal:
    refunded = payment.refunds.exclude(status=Refund.Status.ERROR).aggregate(total=Sum("amount"))["total"] or ZERO
    return ZERO if payment.reversed_at else payment.amount - refunded


@transaction.atomic
def refund_create(*, payment: Payment, amount, reason: str, actor, request=None) -> Refund:
    """Give back a credit (an overpayment, or what a correction lowered): never more than the obligation's
    credit, nor than what the payment brought in and was not refunded yet."""
    require(actor, Action.RECORD_PAYMENTS)
    amount = _money(amount, message=_("The amount must be baht with at most 2 decimals, not negative."))
    if amount <= 0 or not reason.strip():
        raise ValidationError(_("Give an amount above zero and the reason."))
    obligation = _lock(payment.obligation_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    left = min(_refundable(payment), obligation.credit)
    if amount > left:
        raise ValidationError(_("At most %(left)s can be refunded on this payment: what is paid beyond what is "
                                "owed.") % {"left": f"{max(left, ZERO):,.2f}"}, code="refund_too_large")
    refund = Refund.objects.create(payment=payment, amount=amount, reason=reason.strip()[:300], created_by=actor)
    obligation.refunded += amount
    ObligationEntry.objects.create(obligation=obligation, kind=EntryKind.REFUND, amount=amount, refund=refund,
                                   payment=payment, note=reason.strip()[:300], by=actor)
    _save(obligation)
    audit_record(action="refund_created", request=request, actor=actor, target=payment.reference,
                 amount=str(amount), reason=reason.strip())
    return refund


def credit_refund(*, obligation: Obligation, reason: str, actor, amount=None, request=None) -> list[Refund]:
    """Refund an obligation's credit from its payments, latest first (the exceptions page's one click)."""
    with transaction.atomic():
        obligation = _lock(obligation.pk)
        left = obligation.credit if amount is None else _money(
            amount, message=_("The amount must be baht with at most 2 decimals, not negative."))
        if left <= 0:
            raise ValidationError(_("There is no credit to refund on this obligation."), code="no_credit")
        refunds = []
        for payment in obligation.payments.filter(reversed_at__isnull=True).order_by("-received_at", "-id"):
            share = min(left, _refundable(payment))
            if share > 0:
                refunds.append(refund_create(payment=payment, amount=share, reason=reason, actor=actor,
                                             request=request))
                left -= share
            if left <= 0:
                break
        return refunds


REFUND_TRANSITIONS = {(Refund.Status.CREATED, Refund.Status.SUBMITTED), (Refund.Status.SUBMITTED, Refund.Status.REFUNDED),
                      (Refund.Status.SUBMITTED, Refund.Status.ERROR)}


@transaction.atomic
def refund_set_status(*, refund: Refund, status: str, actor, request=None) -> Refund:
    from shared_apps.ledger.services import revenue_add
    from tenants.selectors import current_lao

    require(actor, Action.RECORD_PAYMENTS)
    refund = Refund.objects.select_related("payment").get(pk=refund.pk)
    obligation = _lock(refund.payment.obligation_id)
    refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
    if (refund.status, status) not in REFUND_TRANSITIONS:
        raise ValidationError(_("A refund cannot go from “%(old)s” to “%(new)s”.")
                              % {"old": refund.get_status_display(), "new": Refund.Status(status).label
                                 if status in Refund.Status.values else status})
    refund.status = status
    refund.save(update_fields=["status", "updated_at"])
    audit_record(action=f"refund_{status}", request=request, actor=actor, target=refund.payment.reference,
                 amount=str(refund.amount))
    if status == Refund.Status.ERROR:  # the money did not leave: the credit is the payer's again
        obligation.refunded -= refund.amount
        ObligationEntry.objects.create(obligation=obligation, kind=EntryKind.REFUND_FAILED, amount=-refund.amount,
                                       refund=refund, by=actor)
        _save(obligation)
    if status == Refund.Status.REFUNDED:
        day, service = timezone.localdate(), obligation.service
        LedgerEntry.objects.create(day=day, service=service, amount=-refund.amount, refund=refund)
        lao = current_lao()
        channel = refund.payment.channel
        transaction.on_commit(lambda: revenue_add(lao_id=lao.pk, service=service, day=day, amount=-refund.amount,
                                                  payments=0, channel=channel))
    return refund


def credits_set_off(*, payer_key: str, actor=None, request=None, today: datetime.date | None = None) -> int:
    """Set a payer's credits off against what the same payer owes at this LAO, oldest first, when the LAO's
    payment settings say so. Both obligations locked (in id order); both journals, the ledger (the money
    moves from one service to the other) and the audit trail record it. Returns how many moves were made."""
    from shared_apps.ledger.services import revenue_add
    from tenants.selectors import current_lao

    if not payer_key or payment_settings().credit_policy != PaymentSettings.CreditPolicy.SET_OFF:
        return 0
    today = today or timezone.localdate()
    moves = 0
    with transaction.atomic():
        candidates = Obligation.objects.filter(payer_key=payer_key).exclude(
            charged=F("paid") + F("credited") - F("refunded")).values_list("pk", flat=True)
        obligations = _lock_all(candidates)
        for obligation in obligations.values():
            if obligation.balance > 0:
                _accrue(obligation, today, actor=actor)
        creditors = [o for o in obligations.values() if o.balance < 0]
        debtors = [o for o in obligations.values() if o.balance > 0]
        shifts: dict[str, Decimal] = {}
        for creditor in creditors:
            for debtor in debtors:
                share = min(creditor.credit, debtor.balance)
                if share <= 0:
                    continue
                before = debtor.balance
                creditor.credited -= share
                debtor.credited += share
                ObligationEntry.objects.create(obligation=creditor, kind=EntryKind.SET_OFF_OUT, amount=share,
                                               other=debtor, by=actor, note=debtor.description[:300])
                ObligationEntry.objects.create(obligation=debtor, kind=EntryKind.SET_OFF_IN, amount=-share,
                                               other=creditor, by=actor, note=creditor.description[:300])
                LedgerEntry.objects.create(day=today, service=creditor.service, amount=-share, note="set-off out")
                LedgerEntry.objects.create(day=today, service=debtor.service, amount=share, note="set-off in")
                shifts[creditor.service] = shifts.get(creditor.service, ZERO) - share
                shifts[debtor.service] = shifts.get(debtor.service, ZERO) + share
                audit_record(action="credit_set_off", request=request, actor=actor, target=debtor.description[:200],
                             amount=str(share), **{"from": creditor.pk, "to": debtor.pk})
                moves += 1
                _settled_now(debtor, before)
        for obligation in creditors + debtors:
            _save(obligation)
            _invoice_refresh(obligation, actor=actor, request=request, reason=_("credit set off"), today=today)
        lao = current_lao()
        transaction.on_commit(lambda: [revenue_add(lao_id=lao.pk, service=service, day=today, amount=amount,
                                                   payments=0, channel="set_off")
                                       for service, amount in sorted(shifts.items()) if amount])
    return moves


PAYMENT_SETTINGS_FIELDS = ["tax_id", "biller_suffix", "bank_code", "company_code", "company_account", "ref1_length",
                           "ref1_check_digit", "ref2_scheme", "hmac_secret", "hmac_secret_previous",
                           "allowed_sources", "ktb_user", "ktb_password", "credit_policy"]


@transaction.atomic
def payment_settings_update(*, actor, request=None, keep_previous_secret: bool = False, **changes) -> PaymentSettings:
    """The LAO's bank settings, validated when saved: a real tax ID, a 2-digit suffix, sane references.

    Secrets (PaymentSettings.SECRETS) are write-only: one given replaces the stored value ("" clears it), one
    left out stays as it is, and each records when and by whom it was set. `keep_previous_secret` with a new
    notification secret keeps the current one as the previous secret, so the bank may sign with either
    while it switches over.
    """
    import ipaddress

    from django.utils.text import capfirst
    from stdnum.th import tin

    require(actor, Action.MANAGE_PAYMENT_SETTINGS)
    unknown = set(changes) - set(PAYMENT_SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field(s): %s") % ", ".join(sorted(unknown)))
    settings, _created = PaymentSettings.objects.select_for_update().get_or_create(pk=1)
    before = {name: getattr(settings, name) for name in PaymentSettings.SECRETS}
    if (keep_previous_secret and changes.get("hmac_secret") and changes["hmac_secret"] != before["hmac_secret"]
            and before["hmac_secret"] and "hmac_secret_previous" not in changes):  # a typed previous one wins
        changes["hmac_secret_previous"] = before["hmac_secret"]
        settings.hmac_secret_previous_set_at = settings.hmac_secret_set_at
        settings.hmac_secret_previous_set_by_id = settings.hmac_secret_set_by_id
        before["hmac_secret_previous"] = None  # moved, not typed: keeps the current secret's date and author
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
    if settings.credit_policy not in PaymentSettings.CreditPolicy.values:
        errors.append(_("Choose what happens to credits: refund or set off."))
    if not 6 <= settings.ref1_length <= 20:
        errors.append(_("Ref1 is 6 to 20 characters long."))
    if settings.hmac_secret and len(settings.hmac_secret) < 32:
        errors.append(_("The notification secret must be at least 32 characters."))
    for name in PaymentSettings.SECRETS:
        value = getattr(settings, name) or ""
        if len(value) > PaymentSettings.SECRET_MAX_LENGTH or not value.isprintable():
            errors.append(_("%(field)s is at most %(count)s characters, with no control characters.")
                          % {"field": capfirst(PaymentSettings._meta.get_field(name).verbose_name),
                             "count": PaymentSettings.SECRET_MAX_LENGTH})
    for line in filter(None, (x.strip() for x in settings.allowed_sources.splitlines())):
        try:
            ipaddress.ip_network(line, strict=False)
        except ValueError:
            errors.append(_("“%(value)s” is not an IP address or network.") % {"value": line})
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for name in PaymentSettings.SECRETS:
        if before[name] is not None and name in changes and changes[name] != before[name]:
            setattr(settings, f"{name}_set_at", now if changes[name] else None)
            setattr(settings, f"{name}_set_by", actor if changes[name] else None)
    settings.updated_by = actor
    settings.save()
    audit_record(action="payment_settings_changed", request=request, actor=actor, target="payment settings",
                 fields=sorted(changes))  # names only: a secret's value never enters the trail
    return settings
