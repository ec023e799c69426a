"""The advertising permit as an official document (shared_apps.documents): signed by the LAO, naming the
official who signed the order; revoking it leaves the file as signed (the verification says revoked)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone

from shared_apps.documents.issuing import DOCUMENT_CSS, DocumentSpec, issue_now_or_later
from shared_apps.documents.verification import Verdict

from .models import Permit, PermitStatus


def verify_url(permit: Permit, lao) -> str:
    return f"{lao.site_url}permits/{permit.fiscal_year}/{permit.number}/"


def signer_of(application) -> tuple[str, str]:
    name = application.order_signer_name
    if not name and application.order_by_id:  # ordered before the signer was kept with the order
        signer = get_user_model().objects.filter(pk=application.order_by_id).first()
        name = signer.display_name if signer else ""
    return name, application.order_signer_title


def permit_html(permit: Permit, *, lao, url: str, css: str) -> str:
    from shared_apps.documents.pdf import qr_svg

    from . import services
    from .selectors import policy_get

    application = permit.application
    signer_name, signer_title = signer_of(application)
    return render_to_string("advertising/permit_pdf.html", {
        "css": css, "lao": lao, "permit": permit, "application": application,
        "locations": application.locations.all(), "holder": services._applicant_name(application),
        "policy": policy_get(), "qr": qr_svg(url), "verify_url": url, "signer_name": signer_name,
        "signer_title": signer_title or services.signer_title_default(lao),
    })


class PermitDocument:
    kind = "permit"

    @staticmethod
    def key(pk) -> str:
        permit = Permit.objects.only("fiscal_year", "number").get(pk=pk)
        return f"{permit.fiscal_year}-{permit.number:06d}-{permit.pk}"

    def spec(self, pk, *, lao) -> DocumentSpec:
        from . import services

        permit = Permit.objects.select_related("application").get(pk=pk)
        url = verify_url(permit, lao)
        signer_name, signer_title = signer_of(permit.application)
        officer = ", ".join(part for part in (signer_name, signer_title or services.signer_title_default(lao))
                            if part)
        fields = {"fiscal_year": permit.fiscal_year, "number": permit.number,
                  "display_number": permit.display_number,
                  "issued_at": timezone.localtime(permit.issued_at).isoformat(),
                  "valid_from": permit.valid_from.isoformat(), "valid_to": permit.valid_to.isoformat(),
                  "method": permit.method, "notice_count": permit.notice_count,
                  "holder": services._applicant_name(permit.application), "order_signed_by": officer}
        return DocumentSpec(kind=self.kind, key=self.key(pk), html=permit_html(permit, lao=lao, url=url,
                                                                                css=DOCUMENT_CSS),
                            fields=fields, fiscal_year=permit.fiscal_year, number=permit.display_number,
                            verification_url=url, officer=officer, reason="ใบอนุญาตโฆษณา (advertising permit)",
                            filename=f"permit-{permit.number}-{permit.fiscal_year}.pdf")

    @staticmethod
    def public_facts(permit: Permit) -> dict:
        """What the public permit page shows: number, period, notices, method, status."""
        return {"number": permit.display_number, "valid_from": permit.valid_from.isoformat(),
                "valid_to": permit.valid_to.isoformat(), "notice_count": permit.notice_count,
                "method": permit.method, "status": permit.status_on(timezone.localdate())}

    def check(self, data: dict):
        fields = data.get("fields") or {}
        try:
            permit = Permit.objects.filter(fiscal_year=int(fields.get("fiscal_year")),
                                           number=int(fields.get("number"))).first()
        except (TypeError, ValueError):
            permit = None
        if permit is None:
            return Verdict.NOT_OURS, {}, ["no such permit"]
        facts = self.public_facts(permit)
        reasons = [name for name, recorded in (("display_number", permit.display_number),
                                               ("valid_from", permit.valid_from.isoformat()),
                                               ("valid_to", permit.valid_to.isoformat()),
                                               ("notice_count", permit.notice_count))
                   if fields.get(name) != recorded]
        if reasons:
            return Verdict.ALTERED, facts, reasons
        status = facts["status"]
        if status == PermitStatus.REVOKED:
            return Verdict.REVOKED, facts, []
        if status == PermitStatus.EXPIRED:
            return Verdict.EXPIRED, facts, []
        return Verdict.VALID, facts, [] if status == PermitStatus.VALID else ["not yet in force"]


KINDS = {"permit": PermitDocument()}


def permit_issue_on_commit(permit: Permit) -> None:
    issue_now_or_later("permit", [permit.pk])
