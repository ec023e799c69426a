"""The receipt and the pay-in slip as official documents (shared_apps.documents): what each embeds, and how an
uploaded copy is compared with the record."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from shared_apps.documents.issuing import DOCUMENT_CSS, DocumentSpec, issue_now_or_later
from shared_apps.documents.verification import Verdict

from .models import Invoice, InvoiceStatus, Receipt


def absolute(lao, name: str, *args) -> str:
    path = reverse(name, args=args, urlconf=settings.TENANT_TYPES[lao.lao_type]["URLCONF"])
    return lao.site_url.rstrip("/") + path


def _money(value) -> str:
    return f"{Decimal(value):.2f}"


class ReceiptDocument:
    """ใบเสร็จรับเงิน: issued with the receipt, signed by the LAO; voiding leaves the file as it was signed."""

    kind = "receipt"

    @staticmethod
    def key(pk) -> str:
        receipt = Receipt.objects.only("fiscal_year", "sequence").get(pk=pk)
        return f"{receipt.fiscal_year}-{receipt.sequence:07d}-{receipt.pk}"  # the id: a number is never reissued

    @staticmethod
    def fields(receipt: Receipt) -> dict:
        payment = receipt.payment
        return {
            "type_code": "T01",  # ETDA e-receipt document type ใบรับ (ใบเสร็จรับเงิน); see README
            "fiscal_year": receipt.fiscal_year, "sequence": receipt.sequence, "book": receipt.book,
            "number_in_book": receipt.number_in_book, "display_number": receipt.display_number,
            "issued_at": timezone.localtime(receipt.issued_at).isoformat(),
            "payer_name": receipt.payer_name, "description": receipt.description,
            "amount": _money(receipt.amount), "amount_words": receipt.amount_words, "currency": "THB",
            "payment_method": payment.method, "payment_channel": payment.channel,
            "received_by": receipt.issued_by_name,
        }

    def spec(self, pk, *, lao) -> DocumentSpec:
        from shared_apps.documents.pdf import qr_svg

        receipt = Receipt.objects.select_related("payment").get(pk=pk)
        verify_url = absolute(lao, "billing:receipt-verify", receipt.token)
        receipt_as_issued = Receipt(**{f.attname: getattr(receipt, f.attname) for f in Receipt._meta.concrete_fields})
        receipt_as_issued.voided_at = None  # the file is the receipt as issued; a later void is the record's
        receipt_as_issued.payment = receipt.payment
        html = render_to_string("billing/receipt_pdf.html", {
            "receipt": receipt_as_issued, "lao": lao, "css": DOCUMENT_CSS, "qr": qr_svg(verify_url),
            "verify_url": verify_url})
        return DocumentSpec(kind=self.kind, key=self.key(pk), html=html, fields=self.fields(receipt),
                            fiscal_year=receipt.fiscal_year, number=receipt.display_number,
                            verification_url=verify_url, reason="ใบเสร็จรับเงิน (receipt)",
                            filename=f"receipt-{receipt.fiscal_year}-{receipt.sequence}.pdf")

    @staticmethod
    def public_facts(receipt: Receipt) -> dict:
        """What the public receipt page shows, nothing more: number, date, amount, status."""
        return {"number": receipt.display_number, "issued_on": timezone.localdate(receipt.issued_at).isoformat(),
                "amount": _money(receipt.amount), "status": "voided" if receipt.voided_at else "valid"}

    def check(self, data: dict):
        """(verdict, the record's public facts, reasons) for an uploaded receipt's embedded data."""
        fields = data.get("fields") or {}
        receipt = Receipt.objects.filter(fiscal_year=_int(fields.get("fiscal_year")),
                                         sequence=_int(fields.get("sequence"))).first()
        if receipt is None:
            return Verdict.NOT_OURS, {}, ["no such receipt"]
        facts = self.public_facts(receipt)
        reasons = [name for name, recorded in (("number", receipt.display_number),
                                               ("amount", _money(receipt.amount)))
                   if str(fields.get("display_number" if name == "number" else name)) != recorded]
        if data.get("number") != receipt.display_number:
            reasons.append("number")
        if reasons:
            return Verdict.ALTERED, facts, sorted(set(reasons))
        if receipt.voided_at:
            return Verdict.VOIDED, facts, []
        return Verdict.VALID, facts, []


class SlipDocument:
    """ใบแจ้งชำระเงิน: stored per invoice and amount payable (a surcharge month makes a new one)."""

    kind = "slip"

    @staticmethod
    def _context(pk, lao):
        from .views import slip_context

        invoice = Invoice.objects.select_related("obligation").get(pk=pk)
        return slip_context(invoice, lao=lao)

    def key(self, pk, *, lao=None) -> str:
        from tenants.selectors import current_lao

        context = self._context(pk, lao or current_lao())
        return f"{pk}-{int(context['amount'] * 100)}-{context['pay_by']:%Y%m%d}"

    def spec(self, pk, *, lao) -> DocumentSpec:
        from .views import slip_token

        context = self._context(pk, lao)
        invoice = context["invoice"]
        verify_url = absolute(lao, "billing:slip", slip_token(invoice))
        html = render_to_string("billing/slip_pdf.html", {**context, "css": DOCUMENT_CSS})
        fields = {"ref1": invoice.ref1, "ref2": invoice.ref2, "description": invoice.description,
                  "payer_name": invoice.payer_name, "amount": _money(context["amount"]), "currency": "THB",
                  "amount_words": context["amount_words"], "pay_by": context["pay_by"].isoformat(),
                  "biller_id": context["settings"].biller_id, "invoice": invoice.pk}
        from shared_apps.calendar.selectors import fiscal_year as fiscal_year_of

        return DocumentSpec(kind=self.kind, key=self.key(pk, lao=lao), html=html, fields=fields,
                            fiscal_year=fiscal_year_of(timezone.localdate(invoice.created_at)),
                            number=invoice.ref1 + (f"/{invoice.ref2}" if invoice.ref2 else ""),
                            verification_url=verify_url, reason="ใบแจ้งชำระเงิน (pay-in slip)",
                            filename=f"slip-{invoice.ref1}.pdf")

    def check(self, data: dict):
        fields = data.get("fields") or {}
        invoice = Invoice.objects.filter(pk=_int(fields.get("invoice"))).first()
        if invoice is None:
            return Verdict.NOT_OURS, {}, ["no such invoice"]
        facts = {"ref1": invoice.ref1, "status": invoice.status}
        reasons = [name for name, recorded in (("ref1", invoice.ref1), ("ref2", invoice.ref2))
                   if str(fields.get(name, "")) != recorded]
        if reasons:
            return Verdict.ALTERED, facts, reasons
        if invoice.status == InvoiceStatus.CANCELLED:
            return Verdict.EXPIRED, facts, ["replaced by a newer slip"]
        return Verdict.VALID, facts, []


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


KINDS = {"receipt": ReceiptDocument(), "slip": SlipDocument()}


def receipts_issue_on_commit(ids: list[int]) -> None:
    """Called where receipts are created: their documents are issued once the money is committed."""
    issue_now_or_later("receipt", list(ids))
