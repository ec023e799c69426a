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
    """The finance officer's exceptions: payments that were not what was due (kept, never refused), and
    obligations in credit waiting for a refund or a set-off."""
    payments = (Payment.objects.exclude(exception=PaymentException.NONE).select_related("obligation")
                .order_by("-received_at")[:200])
    credits = (Obligation.objects.filter(charged__lt=F("paid") + F("credited") - F("refunded"))
               .order_by("updated_at")[:200])
    reversed_ = Payment.objects.filter(reversed_at__isnull=False).select_related("obligation").order_by(
        "-reversed_at")[:100]
    return {"exception_payments": payments, "credits": credits, "reversed_payments": reversed_}
