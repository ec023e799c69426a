"""Reads for billing, used by the services' pages to show what is owed and paid."""
from .models import Invoice, InvoiceStatus, Receipt


def invoice_for(*, source: str, source_id: int) -> Invoice | None:
    """The invoice that stands for an obligation: the open one, else the paid one."""
    invoices = Invoice.objects.filter(source=source, source_id=source_id).exclude(status=InvoiceStatus.CANCELLED)
    return invoices.order_by("-id").first()


def payment_links(*, source: str, source_id: int) -> dict:
    """What a payer's page shows: the slip while open, the receipt once paid."""
    from .views import slip_url

    invoice = invoice_for(source=source, source_id=source_id)
    if invoice is None:
        return {}
    receipt = Receipt.objects.filter(payment__invoice=invoice, voided_at__isnull=True).first()
    return {"invoice": invoice, "slip_url": slip_url(invoice) if invoice.status == InvoiceStatus.OPEN else "",
            "receipt": receipt}
