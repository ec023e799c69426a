"""Reconciling the bank's bill-payment file (DOMAIN.md §8): parsed and validated whole, checked to be this
LAO's (the header's bank and collection account, every line's biller ID), every line matched by Ref1/Ref2 to
this LAO's invoices, and posted through the one posting path:

- a credit line (C) is money the bank took for us: always recorded — a payment, or, if a bank notification
  already posted the same money, confirmation of it; what does not match what was due stays on the
  obligation's balance and is reported (short, over, or paid twice: a credit to refund);
- a debit line (D) is a reversal: the payment it takes back is marked reversed, its receipt voided, the
  balance reopened, the ledger and the national sum reduced; a reversal of nothing we posted posts nothing.

A file is processed once: the same file again, or at the same time, returns the one report.
"""
from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import audit_record
from shared_apps.payment_formats.statement import StatementError, parse_statement
from tenant_apps.officers.access import Action, require

from .models import Invoice, Payment, PaymentChannel, PaymentException, PaymentMethod, StatementFile
from .services import PaymentItem, ReversalItem, payment_settings, post_payments, reverse_payments

CHUNK = 5000
REPORT_KEYS = ("posted", "confirmed", "already_posted", "duplicates", "amount_mismatch", "unmatched", "reversed",
               "reversal_unmatched")


def _reference(bank_code: str, line) -> str:
    key = (f"{bank_code}|{line.payment_date:%Y%m%d}{line.payment_time:%H%M%S}|{line.ref1}|{line.ref2}|{line.amount}"
           f"|{line.branch}|{line.teller}|{line.transaction_code}|{line.cheque_no}")
    return "stmt:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _check_owner(statement) -> None:
    """The file must be for this LAO's collection account and biller ID, or nothing in it is posted."""
    settings = payment_settings()
    header = statement.header
    if not (settings.company_account and settings.biller_id):
        raise StatementError([_("Record the LAO's collection account and tax ID in the payment settings before "
                                "reconciling bank files.")])
    errors = []
    if header.bank_code != settings.bank_code:
        errors.append(_("line %(line)d: the file is from bank %(bank)s, not this LAO's bank %(ours)s")
                      % {"line": header.line_number, "bank": header.bank_code, "ours": settings.bank_code})
    if header.company_account != settings.company_account:
        errors.append(_("line %(line)d: the file is for account %(account)s, not this LAO's collection account "
                        "%(ours)s") % {"line": header.line_number, "account": header.company_account,
                                       "ours": settings.company_account})
    for line in statement.lines:
        if line.biller_id != settings.biller_id:
            errors.append(_("line %(line)d: biller ID %(biller)s is not this LAO's (%(ours)s)")
                          % {"line": line.line_number, "biller": line.biller_id or "—", "ours": settings.biller_id})
            if len(errors) >= 200:
                break
    if errors:
        raise StatementError(errors)


def statement_reconcile(*, data: bytes, name: str, actor, request=None) -> StatementFile:
    """Reconcile one file. Raises StatementError (with line numbers) for a malformed file or one that is not
    this LAO's: nothing posted."""
    if actor is not None:
        require(actor, Action.RECORD_PAYMENTS)
    digest = hashlib.sha256(data).hexdigest()
    done = StatementFile.objects.filter(sha256=digest).first()
    if done is not None:
        return done  # the same file again: nothing changes
    statement = parse_statement(data)  # whole-file validation first
    _check_owner(statement)
    with transaction.atomic():
        try:
            with transaction.atomic():  # claims the file: the same file uploaded at the same time waits here
                record = StatementFile.objects.create(
                    sha256=digest, name=name[:200], bank_code=statement.header.bank_code,
                    effective_date=statement.header.effective_date, line_count=len(statement.lines),
                    total_amount=sum((line.amount for line in statement.lines if line.kind == "C"), Decimal("0")),
                    uploaded_by=actor)
        except IntegrityError:
            return StatementFile.objects.get(sha256=digest)
        report = _reconcile_lines(statement, name=name, actor=actor, request=request)
        totals = {key: len(value) for key, value in report.items()}
        record.report = {"totals": totals, **report}
        record.save(update_fields=["report"])
        audit_record(action="statement_reconciled", request=request, actor=actor, target=name[:200], **totals)
    return record


def _reconcile_lines(statement, *, name: str, actor, request) -> dict:
    bank_code = statement.header.bank_code
    tz = timezone.get_current_timezone()
    report = {key: [] for key in REPORT_KEYS}
    lines = statement.lines
    invoices = {inv.ref1: inv for inv in Invoice.objects.filter(ref1__any={line.ref1 for line in lines}).only(
        "id", "ref1", "ref2", "obligation_id", "status", "source", "source_id")}
    references = {line.line_number: _reference(bank_code, line) for line in lines}
    known = list(references.values())
    seen = set(Payment.objects.filter(reference__any=known).values_list("reference", flat=True))
    seen |= set(Payment.objects.filter(matched_reference__any=known).values_list("matched_reference", flat=True))
    seen |= set(Payment.objects.filter(reversal_reference__any=known).values_list("reversal_reference", flat=True))
    items, item_entries, reversals = [], [], []
    for line in lines:
        entry = {"line": line.line_number, "ref1": line.ref1, "ref2": line.ref2, "amount": str(line.amount)}
        invoice = invoices.get(line.ref1)
        reference = references[line.line_number]
        if reference in seen:
            report["already_posted"].append(entry)
            continue
        seen.add(reference)  # the very same record twice in one file is one payment
        if invoice is None or (line.ref2 and invoice.ref2 and line.ref2 != invoice.ref2):
            report["unmatched" if line.kind == "C" else "reversal_unmatched"].append(entry)
            continue
        received = timezone.make_aware(datetime.datetime.combine(line.payment_date, line.payment_time), tz)
        if line.kind == "D":
            reversals.append((line, invoice, reference, entry))
            continue
        items.append(PaymentItem(invoice=invoice, amount=line.amount, channel=PaymentChannel.STATEMENT,
                                 method=PaymentMethod.BILL_PAYMENT, reference=reference, received_at=received,
                                 note=f"{name} line {line.line_number}"[:300]))
        item_entries.append({**entry, "invoice": invoice.pk})
    for start in range(0, len(items), CHUNK):
        for result, entry in zip(post_payments(items[start:start + CHUNK], actor=actor, request=request),
                                 item_entries[start:start + CHUNK]):
            if result.matched:  # money a bank notification had already posted: confirmed by the file
                report["confirmed"].append(entry)
                continue
            if not result.created:
                report["already_posted" if result.payment else "unmatched"].append(entry)
                continue
            payment = result.payment
            if payment.exception == PaymentException.NONE:
                report["posted"].append(entry)
            elif payment.exception == PaymentException.ALREADY_SETTLED:
                report["duplicates"].append({**entry, "credit": str(payment.amount)})
            else:
                report["amount_mismatch"].append({**entry, "due": str(payment.due_amount)})
    if reversals:
        _reverse(reversals, report=report, actor=actor, request=request, name=name)
    return report


def _reverse(reversals, *, report, actor, request, name) -> None:
    """Each D line takes back one payment of its obligation with the same amount, latest first."""
    obligation_ids = {invoice.obligation_id for _line, invoice, _ref, _entry in reversals}
    open_payments: dict[tuple, list[Payment]] = {}
    for payment in (Payment.objects.filter(obligation_id__in=obligation_ids, reversed_at__isnull=True)
                    .exclude(channel=PaymentChannel.COUNTER).order_by("-received_at", "-id")):
        open_payments.setdefault((payment.obligation_id, payment.amount), []).append(payment)
    items, entries = [], []
    for line, invoice, reference, entry in reversals:
        candidates = open_payments.get((invoice.obligation_id, line.amount))
        if not candidates:
            report["reversal_unmatched"].append(entry)
            continue
        payment = candidates.pop(0)
        items.append(ReversalItem(payment=payment, reference=reference, day=line.payment_date,
                                  reason=_("reversed by the bank (%(file)s line %(line)d)")
                                  % {"file": name[:100], "line": line.line_number}))
        entries.append({**entry, "payment": payment.pk})
    for (item, reversed_now), entry in zip(reverse_payments(items, actor=actor, request=request), entries):
        report["reversed" if reversed_now else "already_posted"].append(entry)


__all__ = ["statement_reconcile", "StatementError"]
