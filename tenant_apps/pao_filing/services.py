"""Filing, previewing, correcting and reviewing monthly returns, shared by the three PAO revenues.

Each service app registers a ReturnSpec (its model, how to compute its tax
from what the filer declares, how to store its lines); this module does the
rest once: periods, deadlines, lateness, additional returns, review, audit.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import audit_record
from shared_apps.money import round_baht
from shared_apps.portal.templatetags.thai_dates import buddhist_date, thai_month
from tenant_apps.businesses.models import Business, BusinessStatus
from tenant_apps.businesses.services import require_filer
from tenant_apps.officers.access import Action, require
from tenant_apps.ordinances.selectors import filing_rule_in_force

from .models import MonthlyReturn, ReturnKind, ReturnStatus
from .periods import deadline_for, month_end, month_start, months_late

ZERO = Decimal("0.00")


@dataclass
class Computation:
    """What a spec makes of the filer's figures: the tax, rounded once to the satang."""

    tax: Decimal
    base: Decimal
    rates: dict
    lines: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # model fields of the concrete return (totals)
    nil: bool = False


class ReturnSpec:
    """What one revenue needs to say; see hotel_fee, petroleum_tax, tobacco_tax."""

    revenue: str
    business_kind: str
    model: type[MonthlyReturn]

    def compute(self, *, data: dict, period: datetime.date, business: Business) -> Computation:
        raise NotImplementedError

    def save_lines(self, *, ret: MonthlyReturn, computation: Computation) -> None:
        raise NotImplementedError

    def lines_of(self, ret: MonthlyReturn):
        raise NotImplementedError


def rate_for(product: str, period: datetime.date):
    """The ordinance rate in force for a product in a month, or a message saying the PAO has none."""
    from tenant_apps.ordinances.models import Product
    from tenant_apps.ordinances.selectors import rate_in_force

    rate = rate_in_force(product=product, on=period)
    if rate is None:
        raise ValidationError(_("This PAO has not recorded its rate for %(product)s in force for that month.")
                              % {"product": Product(product).label}, code="no_rate")
    return rate


def tax_on_quantities(lines: list[dict], *, quantity: str, period: datetime.date) -> Computation:
    """Σ quantity × the satang rate in force for each line's product, rounded once to the satang."""
    satang = Decimal("0")
    for line in lines:
        line["rate"] = rate_for(line["product"], period).rate
        satang += line[quantity] * line["rate"]
    return Computation(tax=round_baht(satang / 100), base=Decimal(sum(line[quantity] for line in lines)),
                       rates={line["product"]: str(line["rate"]) for line in lines}, lines=lines)


SPECS: dict[str, ReturnSpec] = {}


def register(spec: ReturnSpec) -> ReturnSpec:
    SPECS[spec.business_kind] = spec
    return spec


def spec_for(business: Business) -> ReturnSpec:
    return SPECS[business.kind]


@dataclass
class Assessment:
    """Everything the filer sees before submitting: amounts, deadline and the cost of lateness."""

    period: datetime.date
    deadline: datetime.date
    filed_on: datetime.date
    months_late: int
    computation: Computation
    surcharge: Decimal
    penalty: Decimal
    amount_due: Decimal
    previous_tax: Decimal | None = None
    difference: Decimal | None = None
    rule: object = None

    @property
    def tax(self) -> Decimal:
        return self.computation.tax


def late_charges(*, tax: Decimal, rule, months: int, with_penalty: bool = True) -> tuple[Decimal, Decimal]:
    """Surcharge (เงินเพิ่ม): a % of the tax per month or part of a month, up to the cap; penalty (เบี้ยปรับ)
    once if late. Each is rounded to the satang, half up, from the already-rounded tax."""
    if months <= 0 or tax <= 0:
        return ZERO, ZERO
    percent = rule.surcharge_percent_per_month * months
    if rule.surcharge_cap_percent is not None:
        percent = min(percent, rule.surcharge_cap_percent)
    surcharge = round_baht(tax * percent / 100)
    penalty = round_baht(tax * rule.penalty_percent / 100) if with_penalty else ZERO
    return surcharge, penalty


def _rule(spec: ReturnSpec, period: datetime.date):
    rule = filing_rule_in_force(revenue=spec.revenue, on=period)
    if rule is None:
        raise ValidationError(_("This PAO has not recorded when these returns are due. Please contact it."),
                              code="no_filing_rule")
    return rule


def check_period(*, business: Business, period: datetime.date, today: datetime.date) -> None:
    if period >= month_start(today):
        raise ValidationError(_("You can file for a month once it has ended."), code="future_period")
    if month_end(period) < business.operating_since:
        raise ValidationError(_("%(business)s was not operating in that month (it started on %(start)s).")
                              % {"business": business.name, "start": buddhist_date(business.operating_since)},
                              code="before_registration")
    if business.closed_on and period > month_start(business.closed_on):
        raise ValidationError(_("The business closed before that month."), code="after_closure")


def current_tax(original: MonthlyReturn) -> Decimal:
    """The tax the month stands at now: the last additional return's, or the original's."""
    latest = original.additionals.order_by("-id").first()
    return (latest or original).effective_tax


def tax_before(additional: MonthlyReturn) -> Decimal:
    """For an additional return: the month's tax just before it was filed."""
    prior = additional.original.additionals.filter(id__lt=additional.id).order_by("-id").first()
    return (prior or additional.original).effective_tax


def return_preview(*, business: Business, data: dict, period: datetime.date, today: datetime.date | None = None,
                   original: MonthlyReturn | None = None) -> Assessment:
    """Compute without saving: what submitting these figures today would charge."""
    spec = spec_for(business)
    today = today or timezone.localdate()
    check_period(business=business, period=period, today=today)
    rule = _rule(spec, period)
    computation = spec.compute(data=data, period=period, business=business)
    deadline = deadline_for(period, deadline_day=rule.deadline_day, moves_to_working_day=rule.moves_to_working_day)
    months = months_late(deadline, today)
    if original is None:
        surcharge, penalty = late_charges(tax=computation.tax, rule=rule, months=months)
        return Assessment(period, deadline, today, months, computation, surcharge, penalty,
                          computation.tax + surcharge + penalty, rule=rule)
    # An additional return charges (or credits) the difference; a surcharge runs on an increase
    # from the original deadline. No penalty: the filer corrected the return themselves.
    previous = current_tax(original)
    difference = computation.tax - previous
    surcharge, _penalty = late_charges(tax=difference, rule=rule, months=months, with_penalty=False)
    return Assessment(period, deadline, today, months, computation, surcharge, ZERO, difference + surcharge,
                      previous_tax=previous, difference=difference, rule=rule)


def _may_file(*, business: Business, actor, api_key) -> None:
    if api_key is not None:
        if api_key.business_id != business.pk or api_key.revoked_at is not None:
            raise PermissionDenied(_("This API key does not belong to this business."))
    else:
        require_filer(actor, business)
    if business.status not in (BusinessStatus.APPROVED, BusinessStatus.CLOSED):
        raise ValidationError(_("%(business)s is not registered yet: returns can be filed once the PAO approves it.")
                              % {"business": business.name}, code="not_registered")


def raise_obligation(*, ret: MonthlyReturn, spec: ReturnSpec, rule, base: Decimal, actor=None) -> None:
    """What the return charges becomes the invoice billing collects; a credit raises none."""
    from tenant_apps.billing.services import invoice_issue, payable_until

    if ret.amount_due <= 0:
        return
    invoice_issue(
        source=f"{spec.revenue}.return", source_id=ret.pk, amount=ret.amount_due,
        due_date=payable_until(surcharge_from=ret.deadline, on=ret.filed_on),
        description=f"{ret.business.name} · {ret.period.month:02d}/{ret.period.year + 543} · "  # Buddhist era
                    f"{spec.model._meta.verbose_name}",
        payer_name=ret.business.owner_name, service=spec.revenue, actor=actor,
        surcharge={"base": max(base, ZERO), "percent": rule.surcharge_percent_per_month,
                   "cap": rule.surcharge_cap_percent, "from": ret.deadline} if base > 0 else None)


def _save(*, spec, business, assessment: Assessment, kind, original, actor, api_key, request) -> MonthlyReturn:
    computation = assessment.computation
    ret = spec.model.objects.create(
        business=business, period=assessment.period, kind=kind, original=original, nil=computation.nil,
        rates=computation.rates, base_amount=computation.base, tax_amount=computation.tax,
        deadline=assessment.deadline, filed_on=assessment.filed_on, months_late=assessment.months_late,
        surcharge_amount=assessment.surcharge, penalty_amount=assessment.penalty,
        amount_due=assessment.amount_due, filed_by=actor if api_key is None else None,
        filed_via="api" if api_key is not None else "web", api_key_prefix=getattr(api_key, "prefix", ""),
        **computation.extra,
    )
    spec.save_lines(ret=ret, computation=computation)
    raise_obligation(ret=ret, spec=spec, rule=assessment.rule,
                     base=computation.tax if kind == ReturnKind.ORIGINAL else assessment.difference, actor=actor)
    audit_record(action=f"{spec.revenue}_return_filed", request=request, actor=actor if api_key is None else None,
                 target=f"{business.name} {assessment.period:%Y-%m}", return_id=ret.pk, kind=kind,
                 amount_due=str(ret.amount_due), via=ret.filed_via)
    return ret


@transaction.atomic
def return_file(*, business: Business, data: dict, period: datetime.date, actor=None, api_key=None,
                today: datetime.date | None = None, request=None) -> MonthlyReturn:
    """File the month's return. A month already filed is refused: correct it with an additional return."""
    business = Business.objects.select_for_update().get(pk=business.pk)  # one filing at a time per business
    _may_file(business=business, actor=actor, api_key=api_key)
    spec = spec_for(business)
    existing = spec.model.objects.filter(business=business, period=period, kind=ReturnKind.ORIGINAL).first()
    if existing is not None:
        raise ValidationError(
            _("The return for %(month)s was already filed on %(date)s. To change it, file an additional return.")
            % {"month": thai_month(period), "date": buddhist_date(existing.filed_on)},
            code="already_filed", params={"original": existing.pk})
    assessment = return_preview(business=business, data=data, period=period, today=today)
    return _save(spec=spec, business=business, assessment=assessment, kind=ReturnKind.ORIGINAL, original=None,
                 actor=actor, api_key=api_key, request=request)


@transaction.atomic
def return_file_additional(*, original: MonthlyReturn, data: dict, actor=None, api_key=None,
                           today: datetime.date | None = None, request=None) -> MonthlyReturn:
    """แบบเพิ่มเติม: the month's corrected figures; charges or credits the difference."""
    business = Business.objects.select_for_update().get(pk=original.business_id)
    _may_file(business=business, actor=actor, api_key=api_key)
    if original.kind != ReturnKind.ORIGINAL:
        raise ValidationError(_("An additional return corrects an original return."))
    spec = spec_for(business)
    original = spec.model.objects.select_for_update().get(pk=original.pk)
    assessment = return_preview(business=business, data=data, period=original.period, today=today,
                                original=original)
    return _save(spec=spec, business=business, assessment=assessment, kind=ReturnKind.ADDITIONAL,
                 original=original, actor=actor, api_key=api_key, request=request)


# The officer's review: which decisions each status allows.
REVIEW_TRANSITIONS = {
    (ReturnStatus.FILED, "accept"): ReturnStatus.ACCEPTED,
    (ReturnStatus.FILED, "send_back"): ReturnStatus.RETURNED,
    (ReturnStatus.FILED, "assess"): ReturnStatus.ASSESSED,
    (ReturnStatus.ACCEPTED, "assess"): ReturnStatus.ASSESSED,
}


@transaction.atomic
def return_review(*, ret: MonthlyReturn, decision: str, actor, reason: str = "", tax_amount=None,
                  today: datetime.date | None = None, request=None) -> MonthlyReturn:
    """Accept a return, send it back for correction with a reason, or assess another tax with a reason."""
    require(actor, Action.ASSESS_RETURNS if decision == "assess" else Action.REVIEW_RETURNS)
    ret = type(ret).objects.select_for_update().select_related("business").get(pk=ret.pk)
    new_status = REVIEW_TRANSITIONS.get((ret.status, decision))
    if new_status is None:
        raise ValidationError(_("A return that is “%(status)s” cannot be given that decision.")
                              % {"status": ret.get_status_display()})
    if decision in ("send_back", "assess") and not reason.strip():
        raise ValidationError(_("Give the reason."))
    if decision == "assess":
        from shared_apps.money import MoneyError, parse_amount

        try:
            assessed = parse_amount(tax_amount)
        except MoneyError:
            raise ValidationError(_("The assessed amount must be a number of baht, at most 2 decimals, not negative.")) \
                from None
        rule = _rule(spec_for(ret.business), ret.period)
        with_penalty = ret.kind == ReturnKind.ORIGINAL
        base = assessed if ret.kind == ReturnKind.ORIGINAL else assessed - tax_before(ret)
        surcharge, penalty = late_charges(tax=base, rule=rule, months=ret.months_late, with_penalty=with_penalty)
        ret.assessed_tax_amount = assessed
        ret.surcharge_amount, ret.penalty_amount = surcharge, penalty
        ret.amount_due = base + surcharge + penalty
    ret.status = new_status
    ret.reviewed_by, ret.reviewed_at, ret.review_note = actor, timezone.now(), reason.strip()
    ret.save()
    if decision == "assess":  # the obligation changed: its invoice is cancelled and replaced
        from tenant_apps.billing.models import Invoice, InvoiceStatus
        from tenant_apps.billing.services import invoice_cancel

        spec = spec_for(ret.business)
        if ret.amount_due > 0:
            raise_obligation(ret=ret, spec=spec, rule=rule, base=base, actor=actor)
        else:
            for invoice in Invoice.objects.filter(source=f"{spec.revenue}.return", source_id=ret.pk,
                                                  status=InvoiceStatus.OPEN):
                invoice_cancel(invoice=invoice, reason=reason.strip(), actor=actor)
    audit_record(action=f"return_{decision}", request=request, actor=actor,
                 target=f"{ret.business.name} {ret.period:%Y-%m}", return_id=ret.pk, reason=reason.strip(),
                 amount_due=str(ret.amount_due))
    return ret
