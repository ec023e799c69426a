"""Writes of the finance registers: the finance officer's sign-off of a day's summary of money received, and
this LAO's e-LAAS revenue codes. Keyword-only, one transaction each, role checked, audited in it."""
from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import audit_record
from shared_apps.exports import be_date
from tenant_apps.officers.access import Action, require

from .finance_selectors import daily_totals, receipts_fingerprint, sign_off_state, signed_totals
from .models import DailySummarySignOff, RevenueCode
from .revenues import service_label

REVENUE_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,19}")


class AlreadySigned(ValidationError):
    pass


def daily_summary_sign(*, day: datetime.date, actor, request=None) -> DailySummarySignOff:
    """The finance officer signs off the summary of money received on `day` (รายงานสรุปการรับเงินประจำวัน):
    who, when, and the totals and digest of the receipts as they stand. The same state signed twice is
    refused (the database's unique (day, fingerprint) settles two clicks at once); once the day's receipts
    change (a void, a reversal, a late statement line) the sign-off is superseded and the day can be signed
    again, the earlier sign-off kept."""
    require(actor, Action.SIGN_DAILY_SUMMARY)
    if day > timezone.localdate():
        raise ValidationError(_("A day that has not come yet cannot be signed off."), code="future")
    with transaction.atomic():
        state = receipts_fingerprint(day)
        signed = sign_off_state(day, state)
        if signed["current"]:
            raise AlreadySigned(_("This day's summary is already signed off as it stands (by %(name)s)."),
                                code="already_signed", params={"name": signed["latest"].signed_by_name})
        totals = signed_totals(daily_totals(day))
        try:
            with transaction.atomic():
                sign_off = DailySummarySignOff.objects.create(
                    day=day, receipt_count=state["valid_count"], total_amount=state["total"], totals=totals,
                    fingerprint=state["fingerprint"], signed_by=actor,
                    signed_by_name=(getattr(actor, "display_name", "") or str(actor))[:200])
        except IntegrityError:
            raise AlreadySigned(_("This day's summary was just signed off by someone else."),
                                code="already_signed") from None
        audit_record(action="daily_summary_signed", request=request, actor=actor, target=be_date(day),
                     day=day.isoformat(), receipts=state["valid_count"], voided=state["void_count"],
                     total=str(state["total"]),
                     fingerprint=state["fingerprint"],
                     superseded=signed["latest"].pk if signed["superseded"] else None)
    return sign_off


@transaction.atomic
def revenue_code_update(*, service: str, code: str, name: str, actor, request=None) -> RevenueCode:
    """Set the e-LAAS revenue code (รหัสรายรับ) and name of one service; the change is audited, old and new."""
    require(actor, Action.MANAGE_REVENUE_CODES)
    from .revenues import SERVICE_LABELS

    if service not in SERVICE_LABELS:
        raise ValidationError(_("There is no such service."), code="unknown_service")
    code, name = (code or "").strip(), " ".join((name or "").split())
    errors = {}
    if not REVENUE_CODE.fullmatch(code):
        errors["code"] = _("A revenue code is 1 to 20 letters or digits (dots and dashes allowed), e.g. 41100007.")
    if not name or len(name) > 200 or not name.isprintable():
        errors["name"] = _("Give the revenue's name as e-LAAS has it (at most 200 characters).")
    if errors:
        raise ValidationError(errors)
    row = RevenueCode.objects.select_for_update().filter(service=service).first()
    before = {"code": row.code, "name": row.name} if row else {}
    if row is None:
        row = RevenueCode(service=service)
    row.code, row.name, row.updated_at, row.updated_by = code, name, timezone.now(), actor
    row.source_note = "set by the LAO"
    row.save()
    audit_record(action="revenue_code_changed", request=request, actor=actor, target=service_label(service),
                 service=service, before=before, after={"code": code, "name": name})
    return row
