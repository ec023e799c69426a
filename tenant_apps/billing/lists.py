"""The money lists officers work with (reads only): invoices at the counter, receipts, statement files,
payment exceptions and refunds — each a `ListSpec` (shared_apps.listing) with its filters and exports."""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared_apps.listing import Column, ListSpec

from .models import (Invoice, InvoiceStatus, Obligation, Payment, PaymentChannel, PaymentException,
                     PaymentMethod, Receipt, Refund, StatementFile)
from .services import amount_payable

SERVICE_LABELS = {"hotel_fee": _("Hotel-guest fee"), "petroleum_tax": _("Petroleum tax"),
                  "tobacco_tax": _("Tobacco tax"), "advertising": _("Advertising permits")}


def services() -> list[tuple[str, str]]:
    """The services this LAO's type collects for (a PAO its three revenues, the others advertising)."""
    from tenants.selectors import current_lao

    lao = current_lao()
    pao = lao is not None and lao.lao_type == "provincial_admin_org"
    return [(key, label) for key, label in SERVICE_LABELS.items() if (key != "advertising") == pao]


def service_label(value: str) -> str:
    return str(SERVICE_LABELS.get(value, value or ""))


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else (value or "")


# --- invoices (the counter) ---------------------------------------------------------------------------

def _payable_today(invoice: Invoice):
    return amount_payable(invoice, timezone.localdate()) if invoice.status == InvoiceStatus.OPEN else None


INVOICES = ListSpec(
    name="invoices", title=_("Invoices"), default_sort="due",
    columns=[
        Column("ref1", _("Ref1"), lambda i: i.ref1 or "", sort=("ref1",)),
        Column("description", _("For"), lambda i: i.description, sort=("description",)),
        Column("payer", _("Payer"), lambda i: i.payer_name, sort=("payer_name",)),
        Column("service", _("Service"), lambda i: service_label(i.service), sort=("service",)),
        Column("amount", _("Amount"), lambda i: i.amount, "money", ("amount",)),
        Column("payable", _("Payable today"), _payable_today, "money"),
        Column("due", _("Due date"), lambda i: i.due_date, "date", ("due_date",)),
        Column("status", _("Status"), lambda i: _label(InvoiceStatus, i.status), sort=("status",)),
        Column("paid", _("Paid on"), lambda i: i.paid_at, "date", ("paid_at",)),
    ],
    search_text=("payer_name", "description"), search_digits=("ref1",),
    status_field="status", statuses=InvoiceStatus.choices, default_status=InvoiceStatus.OPEN,
    service_field="service", services=services, date_field="due_date", tiebreak="id",
)


def invoices():
    return Invoice.objects.select_related("obligation")


# --- receipts -----------------------------------------------------------------------------------------

RECEIPT_STATES = [("valid", _("Valid")), ("void", _("Void"))]


def _receipt_state(queryset, cleaned):
    state = cleaned.get("status")
    if state == "valid":
        return queryset.filter(voided_at__isnull=True)
    if state == "void":
        return queryset.filter(voided_at__isnull=False)
    return queryset


RECEIPTS = ListSpec(
    name="receipts", title=_("Receipts"), default_sort="-number",
    columns=[
        Column("number", _("Book/number"), lambda r: r.display_number, sort=("fiscal_year", "sequence")),
        Column("issued", _("Date"), lambda r: r.issued_at, "date", ("issued_at",)),
        Column("payer", _("Payer"), lambda r: r.payer_name, sort=("payer_name",)),
        Column("description", _("For"), lambda r: r.description),
        Column("service", _("Service"), lambda r: service_label(r.payment.obligation.service),
               sort=("payment__obligation__service",)),
        Column("method", _("Method"), lambda r: _label(PaymentMethod, r.payment.method), sort=("payment__method",)),
        Column("channel", _("Channel"), lambda r: _label(PaymentChannel, r.payment.channel)),
        Column("amount", _("Amount"), lambda r: r.amount, "money", ("amount",)),
        Column("state", _("Status"), lambda r: str(_("Void")) if r.voided_at else str(_("Valid"))),
        Column("void_reason", _("Reason for voiding"), lambda r: r.void_reason),
    ],
    search_text=("payer_name", "description"), search_exact=("payment__reference",),
    statuses=RECEIPT_STATES, service_field="payment__obligation__service", services=services,
    date_field="issued_at", date_is_datetime=True, apply_extra=_receipt_state,
)


def receipts():
    return Receipt.objects.select_related("payment", "payment__obligation")


# --- statement files ------------------------------------------------------------------------------------

def _totals(statement: StatementFile, key: str):
    totals = (statement.report or {}).get("totals") or {}
    value = totals.get(key, 0)
    return value if isinstance(value, int) else 0


STATEMENTS = ListSpec(
    name="statement-files", title=_("Bank statement files"), default_sort="-uploaded",
    columns=[
        Column("uploaded", _("Reconciled on"), lambda f: f.uploaded_at, "datetime", ("uploaded_at",)),
        Column("name", _("File"), lambda f: f.name, sort=("name",)),
        Column("effective", _("Statement date"), lambda f: f.effective_date, "date", ("effective_date",)),
        Column("lines", _("Lines"), lambda f: f.line_count, "number", ("line_count",)),
        Column("total", _("Total"), lambda f: f.total_amount, "money", ("total_amount",)),
        Column("posted", _("Payments posted"), lambda f: _totals(f, "posted"), "number"),
        Column("unmatched", _("Not matched"), lambda f: _totals(f, "unmatched"), "number"),
        Column("mismatch", _("Amount differs"), lambda f: _totals(f, "amount_mismatch"), "number"),
        Column("reversed", _("Reversed by the bank"), lambda f: _totals(f, "reversed"), "number"),
    ],
    search_text=("name",), date_field="effective_date", page_size=30,
)


def statements():
    return StatementFile.objects.all()


# --- payment exceptions -----------------------------------------------------------------------------------

REVERSED = "reversed"
EXCEPTION_KINDS = [*[(v, l) for v, l in PaymentException.choices if v], (REVERSED, _("Reversed by the bank"))]


def _exception_kind(queryset, cleaned):
    kind = cleaned.get("status")
    if kind == REVERSED:
        return queryset.filter(reversed_at__isnull=False)
    if kind:
        return queryset.filter(exception=kind)
    return queryset


def _what_happened(payment: Payment) -> str:
    parts = [_label(PaymentException, payment.exception)] if payment.exception else []
    if payment.reversed_at:
        parts.append(str(_("Reversed by the bank")) + (f": {payment.reversal_reason}" if payment.reversal_reason
                                                        else ""))
    return " · ".join(parts)


EXCEPTIONS = ListSpec(
    name="payment-exceptions", title=_("Payment exceptions"), default_sort="-received",
    columns=[
        Column("received", _("Received"), lambda p: p.received_at, "date", ("received_at",)),
        Column("description", _("For"), lambda p: p.obligation.description, sort=("obligation__description",)),
        Column("payer", _("Payer"), lambda p: p.obligation.payer_name, sort=("obligation__payer_name",)),
        Column("service", _("Service"), lambda p: service_label(p.obligation.service), sort=("obligation__service",)),
        Column("reference", _("Bank reference"), lambda p: p.reference),
        Column("amount", _("Paid"), lambda p: p.amount, "money", ("amount",)),
        Column("due", _("Due then"), lambda p: p.due_amount, "money", ("due_amount",)),
        Column("what", _("What happened"), _what_happened),
        Column("balance", _("Balance now"), lambda p: p.obligation.balance, "money"),
    ],
    search_text=("obligation__payer_name", "obligation__description"), search_exact=("reference",),
    statuses=EXCEPTION_KINDS, apply_extra=_exception_kind, service_field="obligation__service",
    services=services, date_field="received_at", date_is_datetime=True,
)


def exception_payments():
    return (Payment.objects.filter(~Q(exception=PaymentException.NONE) | Q(reversed_at__isnull=False))
            .select_related("obligation"))


# --- refunds ---------------------------------------------------------------------------------------------

REFUNDS = ListSpec(
    name="refunds", title=_("Refunds"), default_sort="-created",
    columns=[
        Column("created", _("Created on"), lambda r: r.created_at, "date", ("created_at",)),
        Column("payer", _("Payer"), lambda r: r.payment.obligation.payer_name,
               sort=("payment__obligation__payer_name",)),
        Column("description", _("For"), lambda r: r.payment.obligation.description),
        Column("service", _("Service"), lambda r: service_label(r.payment.obligation.service),
               sort=("payment__obligation__service",)),
        Column("amount", _("Amount"), lambda r: r.amount, "money", ("amount",)),
        Column("reason", _("Reason"), lambda r: r.reason),
        Column("status", _("Status"), lambda r: _label(Refund.Status, r.status), sort=("status",)),
        Column("reference", _("Payment reference"), lambda r: r.payment.reference),
    ],
    search_text=("payment__obligation__payer_name", "payment__obligation__description", "reason"),
    search_exact=("payment__reference",), status_field="status", statuses=Refund.Status.choices,
    service_field="payment__obligation__service", services=services,
    date_field="created_at", date_is_datetime=True,
)


def refunds():
    return Refund.objects.select_related("payment", "payment__obligation")
