"""Reads for billing, used by the services' pages to show what is owed and paid. Nothing here writes."""
from django.db.models import F
from django.utils import timezone

from .models import Invoice, InvoiceStatus, Obligation, Payment, PaymentException, Receipt
from .obligations import pay_by, payable_on


def obligation_for(*, source: str, source_id: int) -> Obligation | None:
    return Obligation.objects.filter(source=source, source_id=source_id).first()


def invoice_for(*, source: str, source_id: int) -> Invoice | None:
    """The invoice that stands for an obligation: the open one, else the last paid one."""
    invoices = Invoice.objects.filter(source=source, source_id=source_id).exclude(status=InvoiceStatus.CANCELLED)
    return invoices.filter(status=InvoiceStatus.OPEN).first() or invoices.order_by("-id").first()


def payment_links(*, source: str, source_id: int) -> dict:
    """What a payer's page shows: the amount payable today and the slip while owed, the receipts once paid,
    a credit when the LAO owes the payer."""
    from .views import slip_url

    obligation = obligation_for(source=source, source_id=source_id)
    if obligation is None:
        return {}
    today = timezone.localdate()
    invoice = obligation.invoices.filter(status=InvoiceStatus.OPEN).first()
    receipts = list(Receipt.objects.filter(payment__obligation=obligation, voided_at__isnull=True,
                                           payment__reversed_at__isnull=True).order_by("-id"))
    payable = max(payable_on(obligation, today), 0) if invoice else 0
    return {"obligation": obligation, "invoice": invoice or invoice_for(source=source, source_id=source_id),
            "payable": payable, "pay_by": pay_by(obligation, today) if invoice else None,
            "slip_url": slip_url(invoice) if invoice else "", "receipt": receipts[0] if receipts else None,
            "receipts": receipts, "credit": obligation.credit, "paid": obligation.paid}


def payment_exceptions() -> dict:
    """The finance officer's exceptions: payments that were not what was due (kept, never refused), obligations
    in credit waiting for a refund or a set-off, and refunds on their way to the bank (oldest first)."""
    payments = (Payment.objects.exclude(exception=PaymentException.NONE).select_related("obligation")
                .order_by("-received_at")[:200])
    credits = (Obligation.objects.filter(charged__lt=F("paid") + F("credited") - F("refunded"))
               .order_by("updated_at")[:200])
    reversed_ = Payment.objects.filter(reversed_at__isnull=False).select_related("obligation").order_by(
        "-reversed_at")[:100]
    from .models import Refund

    refunds = (Refund.objects.filter(status__in=[Refund.Status.CREATED, Refund.Status.SUBMITTED])
               .select_related("payment__obligation").order_by("created_at", "id")[:200])
    return {"exception_payments": payments, "credits": credits, "reversed_payments": reversed_, "refunds": refunds}


# --- the officer home's counts (issue 12): aggregates only, so the queries do not grow with the rows -----------

EXCEPTION_WINDOW_DAYS = 30  # statement exceptions have no "dealt with" state: the home counts the last 30 days


def counter_waiting() -> dict:
    """Open invoices (payable at the counter): how many, and when the oldest was issued."""
    from django.db.models import Count, Min

    return Invoice.objects.filter(status=InvoiceStatus.OPEN).aggregate(count=Count("id"), oldest=Min("created_at"))


def statement_exceptions_waiting(*, now=None) -> dict:
    """Of the last EXCEPTION_WINDOW_DAYS: statement lines that matched nothing, payments of another amount than
    was due (less: mismatched; more, or after settlement: overpaid), and reversals — each a count and the oldest
    one's time. Two queries."""
    import datetime

    from django.db.models import Count, IntegerField, Min, Q, Sum
    from django.db.models.expressions import RawSQL
    from django.db.models.functions import Coalesce

    from .models import StatementFile

    now = now or timezone.now()
    since = now - datetime.timedelta(days=EXCEPTION_WINDOW_DAYS)
    short = Q(exception=PaymentException.UNDERPAID, received_at__gte=since)
    over = Q(exception__in=[PaymentException.OVERPAID, PaymentException.ALREADY_SETTLED], received_at__gte=since)
    reversed_ = Q(reversed_at__gte=since)
    figures = Payment.objects.filter(short | over | reversed_).aggregate(
        mismatched=Count("id", filter=short), mismatched_oldest=Min("received_at", filter=short),
        overpaid=Count("id", filter=over), overpaid_oldest=Min("received_at", filter=over),
        reversed=Count("id", filter=reversed_), reversed_oldest=Min("reversed_at", filter=reversed_))
    lines = RawSQL("COALESCE(jsonb_array_length(report->'unmatched'), 0)"
                   " + COALESCE(jsonb_array_length(report->'reversal_unmatched'), 0)", [],
                   output_field=IntegerField())
    files = StatementFile.objects.filter(uploaded_at__gte=since).annotate(lines=lines).filter(lines__gt=0)
    unmatched = files.aggregate(unmatched=Coalesce(Sum("lines"), 0), unmatched_oldest=Min("uploaded_at"))
    return {**figures, **unmatched}


def refunds_waiting() -> dict:
    """Refunds created and not yet sent to the bank."""
    from django.db.models import Count, Min, Sum

    from .models import Refund

    return Refund.objects.filter(status=Refund.Status.CREATED).aggregate(
        count=Count("id"), oldest=Min("created_at"), amount=Sum("amount"))


def credits_waiting() -> dict:
    """Obligations in credit (paid more than is owed), waiting for a refund or a set-off."""
    from django.db.models import Count, Min, Sum

    in_credit = Obligation.objects.filter(charged__lt=F("paid") + F("credited") - F("refunded"))
    return in_credit.aggregate(count=Count("id"), oldest=Min("updated_at"),
                               amount=Sum(F("paid") + F("credited") - F("refunded") - F("charged")))
