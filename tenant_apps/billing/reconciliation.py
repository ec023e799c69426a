"""Reconciling the bank's bill-payment file (DOMAIN.md §8): parsed and validated whole, every line matched
by Ref1/Ref2/amount to this LAO's invoices, payments posted through the one posting path, and a report of
what needs a person. The same file twice changes nothing; the same line twice is recognised by its
reference."""
from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from shared_apps.audit.services import audit_record
from shared_apps.payment_formats.statement import StatementError, parse_statement
from tenant_apps.officers.access import Action, require

from .models import Invoice, InvoiceStatus, Payment, PaymentChannel, PaymentMethod, StatementFile
from .services import PaymentItem, amount_payable, post_payments

CHUNK = 5000


def _reference(bank_code: str, line) -> str:
    key = (f"{bank_code}|{line.payment_date:%Y%m%d}{line.payment_time:%H%M%S}|{line.ref1}|{line.ref2}|{line.amount}"
           f"|{line.branch}|{line.teller}|{line.transaction_code}|{line.cheque_no}")
    return "stmt:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def statement_reconcile(*, data: bytes, name: str, actor, request=None) -> StatementFile:
    """Reconcile one file. Raises StatementError (with line numbers) for a malformed file: nothing posted."""
    if actor is not None:
        require(actor, Action.RECORD_PAYMENTS)
    digest = hashlib.sha256(data).hexdigest()
    done = StatementFile.objects.filter(sha256=digest).first()
    if done is not None:
        return done  # the same file again: nothing changes
    statement = parse_statement(data)  # whole-file validation first
    bank_code = statement.header.bank_code
    tz = timezone.get_current_timezone()
    report = {"posted": [], "already_posted": [], "duplicates": [], "unmatched": [], "amount_mismatch": [],
              "cancelled": []}
    lines = statement.lines
    invoices = {inv.ref1: inv for inv in Invoice.objects.filter(ref1__in={line.ref1 for line in lines})}
    references = {line.line_number: _reference(bank_code, line) for line in lines}
    seen = set(Payment.objects.filter(reference__in=references.values()).values_list("reference", flat=True))
    items, item_lines = [], []
    for line in lines:
        entry = {"line": line.line_number, "ref1": line.ref1, "ref2": line.ref2, "amount": str(line.amount)}
        invoice = invoices.get(line.ref1)
        reference = references[line.line_number]
        if reference in seen:
            report["already_posted"].append(entry)
        elif invoice is None or (line.ref2 and invoice.ref2 and line.ref2 != invoice.ref2):
            report["unmatched"].append(entry)
        elif invoice.status == InvoiceStatus.CANCELLED:
            report["cancelled"].append({**entry, "invoice": invoice.pk})
        elif invoice.status == InvoiceStatus.PAID:
            earlier = invoice.payments.first()
            same = (earlier is not None and earlier.channel == PaymentChannel.BANK_NOTIFICATION
                    and earlier.amount == line.amount
                    and timezone.localdate(earlier.received_at) == line.payment_date)
            report["already_posted" if same else "duplicates"].append({**entry, "invoice": invoice.pk})
        elif line.amount != amount_payable(invoice, line.payment_date):
            report["amount_mismatch"].append({**entry, "invoice": invoice.pk,
                                              "due": str(amount_payable(invoice, line.payment_date))})
        else:
            received = timezone.make_aware(datetime.datetime.combine(line.payment_date, line.payment_time), tz)
            items.append(PaymentItem(invoice=invoice, amount=line.amount, channel=PaymentChannel.STATEMENT,
                                     method=PaymentMethod.BILL_PAYMENT, reference=reference, received_at=received,
                                     note=f"{name} line {line.line_number}"))
            item_lines.append(entry)
            invoices.pop(line.ref1)  # a second line for the same invoice in this file is a duplicate
            invoices[line.ref1] = Invoice(pk=invoice.pk, ref1=invoice.ref1, ref2=invoice.ref2,
                                          status=InvoiceStatus.PAID)
    for start in range(0, len(items), CHUNK):
        for result, entry in zip(post_payments(items[start:start + CHUNK], actor=actor, request=request),
                                 item_lines[start:start + CHUNK]):
            key = "posted" if result.created else "already_posted" if result.payment else (
                "amount_mismatch" if result.refused.code == "wrong_amount" else "duplicates")
            report[key].append(entry)
    totals = {key: len(value) for key, value in report.items()}
    try:
        with transaction.atomic():
            record = StatementFile.objects.create(
                sha256=digest, name=name[:200], bank_code=bank_code, effective_date=statement.header.effective_date,
                line_count=len(lines), total_amount=sum((line.amount for line in lines), Decimal("0")),
                report={"totals": totals, **report}, uploaded_by=actor)
            audit_record(action="statement_reconciled", request=request, actor=actor, target=name[:200],
                         **totals)
    except IntegrityError:  # the same file, uploaded twice at once
        record = StatementFile.objects.get(sha256=digest)
    return record


__all__ = ["statement_reconcile", "StatementError"]
