"""The filing acknowledgement (ใบรับแบบ) of each submitted return as an official document: what was filed, when,
the amount due and the reference, signed by the PAO (shared_apps.documents)."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from shared_apps.documents.issuing import DOCUMENT_CSS, DocumentSpec, issue_now_or_later
from shared_apps.documents.verification import Verdict

from .models import ReturnStatus


def _spec_by_revenue(revenue: str):
    from .services import SPECS

    for spec in SPECS.values():
        if spec.revenue == revenue:
            return spec
    raise LookupError(revenue)


def return_of(pk: str):
    """`pk` is "<revenue>-<return id>": each revenue keeps its returns in its own table."""
    revenue, _sep, number = str(pk).rpartition("-")
    return _spec_by_revenue(revenue), _spec_by_revenue(revenue).model.objects.select_related("business").get(
        pk=int(number))


def reference(spec, ret) -> str:
    return f"{spec.revenue}/{ret.period.year + 543}{ret.period.month:02d}/{ret.pk}"  # Buddhist-era month


def _money(value) -> str:
    return f"{Decimal(value):.2f}"


class AcknowledgementDocument:
    kind = "acknowledgement"

    @staticmethod
    def key(pk) -> str:
        spec, ret = return_of(pk)
        return f"{spec.revenue}-{ret.pk:07d}"

    def spec(self, pk, *, lao) -> DocumentSpec:
        from shared_apps.calendar.selectors import fiscal_year
        from shared_apps.documents.pdf import qr_svg
        from shared_apps.payment_formats.thai_words import baht_text

        spec, ret = return_of(pk)
        url = lao.site_url.rstrip("/") + reverse(
            "documents:verify", urlconf=settings.TENANT_TYPES[lao.lao_type]["URLCONF"])
        ref = reference(spec, ret)
        filed_at = timezone.localtime(ret.filed_at)
        html = render_to_string("pao_filing/acknowledgement_pdf.html", {
            "css": DOCUMENT_CSS, "lao": lao, "ret": ret, "business": ret.business, "reference": ref,
            "revenue_name": spec.model._meta.verbose_name, "filed_time": f"{filed_at:%H:%M}",
            "amount_words": baht_text(abs(ret.amount_due)), "qr": qr_svg(url), "verify_url": url})
        fields = {"reference": ref, "revenue": spec.revenue, "return_id": ret.pk, "kind": ret.kind,
                  "period": ret.period.isoformat(), "filed_on": ret.filed_on.isoformat(),
                  "filed_at": filed_at.isoformat(), "deadline": ret.deadline.isoformat(),
                  "tax_amount": _money(ret.tax_amount), "surcharge_amount": _money(ret.surcharge_amount),
                  "penalty_amount": _money(ret.penalty_amount), "amount_due": _money(ret.amount_due),
                  "currency": "THB", "filer": ret.business.name, "filed_via": ret.filed_via}
        return DocumentSpec(kind=self.kind, key=self.key(pk), html=html, fields=fields,
                            fiscal_year=fiscal_year(ret.filed_on), number=ref, verification_url=url,
                            reason="ใบรับแบบยื่นรายการ (filing acknowledgement)",
                            filename=f"acknowledgement-{spec.revenue}-{ret.pk}.pdf")

    def check(self, data: dict):
        fields = data.get("fields") or {}
        try:
            spec, ret = return_of(f"{fields.get('revenue')}-{int(fields.get('return_id'))}")
        except (LookupError, TypeError, ValueError, Exception) as error:  # noqa: BLE001 — unknown revenue or id
            if type(error).__name__ not in ("DoesNotExist", "LookupError", "TypeError", "ValueError"):
                raise
            return Verdict.NOT_OURS, {}, ["no such return"]
        facts = {"reference": reference(spec, ret), "filed_on": ret.filed_on.isoformat(),
                 "amount": _money(ret.amount_due), "status": ret.status}
        recorded = {"reference": reference(spec, ret), "filed_on": ret.filed_on.isoformat(),
                    "tax_amount": _money(ret.tax_amount)}
        if ret.status != ReturnStatus.ASSESSED:  # an assessment changes what is due, not what was filed
            recorded["amount_due"] = _money(ret.amount_due)
        reasons = [name for name, value in recorded.items() if fields.get(name) != value]
        if reasons:
            return Verdict.ALTERED, facts, reasons
        return Verdict.VALID, facts, []


KINDS = {"acknowledgement": AcknowledgementDocument()}


def acknowledgement_issue_on_commit(*, revenue: str, return_id: int) -> None:
    issue_now_or_later("acknowledgement", [f"{revenue}-{return_id}"])
