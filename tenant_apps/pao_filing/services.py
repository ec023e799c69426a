"""Filing, previewing, correcting and reviewing monthly returns, shared by the three PAO revenues.

Each service app registers a ReturnSpec (its model, how to compute its tax
from what the filer declares, how to store its lines); this module does the
rest once: periods, deadlines, lateness, additional returns, review, audit.
"""
from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.services import audit_record
from shared_apps.money import MoneyError, column, fits, largest, parse_amount, round_baht
from shared_apps.portal.templatetags.thai_dates import buddhist_date, thai_month
from tenant_apps.businesses.models import Business, BusinessStatus
from tenant_apps.businesses.services import require_filer
from tenant_apps.officers.access import Action, require
from tenant_apps.ordinances.selectors import filing_rule_in_force
from tenant_apps.published import figures as published_figures
from tenant_apps.published import person_items

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


def rates_of_month(product: str, period: datetime.date) -> list:
    """The ordinance rates in force during a month for a product, oldest first (usually one)."""
    from tenant_apps.ordinances.selectors import rates_during

    return rates_during(product=product, start=period, end=month_end(period))


def rate_on(rates: list, day: datetime.date):
    """Of a month's rates, the one in force on a day (None before the first)."""
    in_force = [rate for rate in rates if rate.effective_from <= day]
    return in_force[-1] if in_force else None


def rate_changes(rates: list, period: datetime.date) -> list:
    """The days inside the month on which the rate (or its absence) changed."""
    changes, previous = [], rate_on(rates, period)
    for rate in rates:
        if rate.effective_from > period and (previous is None or rate.rate != previous.rate):
            changes.append(rate)
        if rate.effective_from > period:
            previous = rate
    return changes


def rate_for(product: str, period: datetime.date, *, changed_message: str | None = None):
    """The one ordinance rate in force for a product for the whole month, or a message saying the PAO has
    none, or that it changed within the month (a monthly total cannot be split between two rates)."""
    from tenant_apps.ordinances.models import Product

    rates = rates_of_month(product, period)
    rate = rate_on(rates, period)
    if not rates:
        raise ValidationError(_("This PAO has not recorded its rate for %(product)s in force for that month.")
                              % {"product": Product(product).label}, code="no_rate")
    changes = rate_changes(rates, period)
    if changes:
        change = changes[0]
        raise ValidationError((changed_message or _(
            "The rate for %(product)s changed on %(date)s, inside %(month)s: a return of monthly totals cannot be "
            "split between two rates. The PAO must record its ordinance from the 1st of a month; please contact "
            "it.")) % {"product": Product(product).label, "date": buddhist_date(change.effective_from),
                       "month": thai_month(period), "old": "–" if rate is None else rate.rate.normalize(),
                       "new": change.rate.normalize()}, code="rate_changed_mid_month")
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
        assessment = Assessment(period, deadline, today, months, computation, surcharge, penalty,
                                computation.tax + surcharge + penalty, rule=rule)
        check_fits(spec=spec, assessment=assessment)
        return assessment
    # An additional return charges (or credits) the difference; a surcharge runs on an increase
    # from the original deadline. No penalty: the filer corrected the return themselves.
    previous = current_tax(original)
    difference = computation.tax - previous
    surcharge, _penalty = late_charges(tax=difference, rule=rule, months=months, with_penalty=False)
    assessment = Assessment(period, deadline, today, months, computation, surcharge, ZERO, difference + surcharge,
                            previous_tax=previous, difference=difference, rule=rule)
    check_fits(spec=spec, assessment=assessment)
    return assessment


def check_fits(*, spec: ReturnSpec, assessment: Assessment) -> None:
    """Every figure worked out must fit the column that stores it: a tax computed from bounded inputs can
    still be too large (10^13 litres × 10 satang), and is refused with a message, never sent to the database."""
    figures = [("base_amount", assessment.computation.base), ("tax_amount", assessment.tax),
               ("surcharge_amount", assessment.surcharge), ("penalty_amount", assessment.penalty),
               ("amount_due", assessment.amount_due), *assessment.computation.extra.items()]
    for name, value in figures:
        column = spec.model._meta.get_field(name)
        if isinstance(column, models.DecimalField):
            if fits(value, max_digits=column.max_digits, places=column.decimal_places):
                continue
            most = f"{largest(max_digits=column.max_digits, places=column.decimal_places):,.{column.decimal_places}f}"
        elif isinstance(column, models.IntegerField):
            low, high = connection.ops.integer_field_range(column.get_internal_type())
            if (low is None or value >= low) and (high is None or value <= high):
                continue
            most = f"{high:,}"
        else:
            continue
        raise ValidationError(_("The %(figure)s worked out from these figures, %(amount)s, is more than a return can "
                                "hold (at most %(max)s): check the figures.")
                              % {"figure": _("total declared (rent, litres, kg or cigarettes)")
                                 if name == "base_amount" else column.verbose_name, "amount": f"{value:,}", "max": most},
                              code="too_large")


def check_assessed_tax(value, *, ret: MonthlyReturn) -> None:
    """The assessed tax an approver types, checked before the review: bounded by the column that keeps it, and
    with the surcharge and penalty it would carry, by the column of the amount due."""
    model = type(ret)
    try:
        assessed = parse_amount(value, field=_("Assessed tax (baht)"),
                                **column(model._meta.get_field("assessed_tax_amount")))
    except MoneyError as error:
        raise ValidationError({"tax_amount": error.message}) from None
    rule = filing_rule_in_force(revenue=spec_for(ret.business).revenue, on=ret.period)
    if rule is None:
        return
    surcharge, penalty = late_charges(tax=assessed, rule=rule, months=ret.months_late,
                                      with_penalty=ret.kind == ReturnKind.ORIGINAL)
    due = model._meta.get_field("amount_due")
    if not fits(assessed + surcharge + penalty, max_digits=due.max_digits, places=due.decimal_places):
        raise ValidationError({"tax_amount": _(
            "%(field)s: with its surcharge and penalty, %(amount)s is more than a return can hold (at most %(max)s).")
            % {"field": _("Assessed tax (baht)"), "amount": f"{assessed + surcharge + penalty:,.2f}",
               "max": f"{largest(max_digits=due.max_digits, places=due.decimal_places):,.2f}"}})


# --- the figures previewed are the figures filed ---------------------------------------------------------

FIGURES_SALT = "pao_filing.previewed_figures"


def _canonical(value):
    """The figures as plain, stable JSON values: 125000 and 125,000.00 are the same figure."""
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _figures_hash(*, business: Business, assessment: Assessment, original: MonthlyReturn | None) -> str:
    computation = assessment.computation
    figures = {
        "business": business.pk, "original": getattr(original, "pk", None), "period": assessment.period,
        "nil": computation.nil, "rates": computation.rates, "base": computation.base, "extra": computation.extra,
        "lines": computation.lines, "tax": computation.tax, "previous_tax": assessment.previous_tax,
        "difference": assessment.difference, "deadline": assessment.deadline, "months_late": assessment.months_late,
        "surcharge": assessment.surcharge, "penalty": assessment.penalty, "amount_due": assessment.amount_due,
    }
    text = json.dumps(_canonical(figures), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def figures_digest(*, business: Business, assessment: Assessment, original: MonthlyReturn | None = None) -> str:
    """A signed digest of the previewed figures (what was typed, as read, and every amount worked out from it):
    the submit step carries it back, and filing refuses figures that differ from it."""
    return signing.dumps({"sha256": _figures_hash(business=business, assessment=assessment, original=original),
                          "amount_due": str(assessment.amount_due)}, salt=FIGURES_SALT)


def figures_check(*, token: str, business: Business, assessment: Assessment,
                  original: MonthlyReturn | None = None) -> None:
    """Refuse to file figures other than those previewed (or a digest that was not ours)."""
    try:
        signed = signing.loads(token or "", salt=FIGURES_SALT)
    except signing.BadSignature:
        signed = None
    expected = _figures_hash(business=business, assessment=assessment, original=original)
    if not isinstance(signed, dict) or signed.get("sha256") != expected:
        previewed = signed.get("amount_due") if isinstance(signed, dict) else None
        raise ValidationError(_("The figures changed: check the new amount."), code="figures_changed",
                              params={"amount_due": str(assessment.amount_due),
                                      "previewed_amount_due": str(previewed) if previewed is not None else ""})


def _may_file(*, business: Business, actor, api_key) -> None:
    if api_key is not None:
        if api_key.business_id != business.pk or api_key.revoked_at is not None:
            raise PermissionDenied(_("This API key does not belong to this business."))
    else:
        require_filer(actor, business)
    if business.status not in (BusinessStatus.APPROVED, BusinessStatus.CLOSED):
        raise ValidationError(_("%(business)s is not registered yet: returns can be filed once the PAO approves it.")
                              % {"business": business.name}, code="not_registered")


def raise_obligation(*, ret: MonthlyReturn, spec: ReturnSpec, rule, tax: Decimal, today: datetime.date, actor=None,
                     request=None) -> None:
    """The month's obligation in billing: one per original return, whose charge for this return (original,
    additional, or as assessed) is set to what the return charges now. Billing asks the payer only for what
    is owed beyond what was paid, and keeps a credit when a correction lowers it."""
    from tenant_apps.billing.obligations import payable_until
    from tenant_apps.billing.selectors import obligation_for
    from tenant_apps.billing.services import obligation_charge

    month = ret.original if ret.kind == ReturnKind.ADDITIONAL else ret
    source = f"{spec.revenue}.return"
    if ret.amount_due == 0 and obligation_for(source=source, source_id=month.pk) is None:
        return  # a nil return owes nothing
    obligation_charge(
        source=source, source_id=month.pk, part=f"return:{ret.pk}", amount=ret.amount_due, tax=tax,
        due_date=payable_until(surcharge_from=month.deadline, on=month.filed_on),
        description=f"{ret.business.name} · {month.period.month:02d}/{month.period.year + 543} · "  # Buddhist era
                    f"{spec.model._meta.verbose_name}",
        payer_name=ret.business.owner_name, payer_key=f"business:{ret.business_id}", service=spec.revenue,
        surcharge={"percent": rule.surcharge_percent_per_month, "cap": rule.surcharge_cap_percent,
                   "from": month.deadline, "months": ret.months_late},
        note=f"{ret.get_kind_display()} #{ret.pk}", today=today, actor=actor, request=request)


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
    published_figures.publish_filing(periods=[ret.period])  # oversight: recounted after commit
    person_items.businesses_changed([business.pk])  # the month leaves its filers' to-do list after commit
    raise_obligation(ret=ret, spec=spec, rule=assessment.rule,
                     tax=computation.tax if kind == ReturnKind.ORIGINAL else assessment.difference,
                     today=assessment.filed_on, actor=actor, request=request)
    audit_record(action=f"{spec.revenue}_return_filed", request=request, actor=actor if api_key is None else None,
                 target=f"{business.name} {assessment.period:%Y-%m}", return_id=ret.pk, kind=kind,
                 amount_due=str(ret.amount_due), via=ret.filed_via)
    from .documents import acknowledgement_issue_on_commit

    acknowledgement_issue_on_commit(revenue=spec.revenue, return_id=ret.pk)  # signed and stored once committed
    return ret


@transaction.atomic
def return_file(*, business: Business, data: dict, period: datetime.date, actor=None, api_key=None,
                today: datetime.date | None = None, request=None, figures: str | None = None) -> MonthlyReturn:
    """File the month's return. A month already filed is refused: correct it with an additional return.
    With `figures` (the digest of a preview), figures other than those previewed are refused."""
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
    if figures is not None:
        figures_check(token=figures, business=business, assessment=assessment)
    return _save(spec=spec, business=business, assessment=assessment, kind=ReturnKind.ORIGINAL, original=None,
                 actor=actor, api_key=api_key, request=request)


@transaction.atomic
def return_file_additional(*, original: MonthlyReturn, data: dict, actor=None, api_key=None,
                           today: datetime.date | None = None, request=None,
                           figures: str | None = None) -> MonthlyReturn:
    """แบบเพิ่มเติม: the month's corrected figures; charges or credits the difference.
    With `figures` (the digest of a preview), figures other than those previewed are refused."""
    business = Business.objects.select_for_update().get(pk=original.business_id)
    _may_file(business=business, actor=actor, api_key=api_key)
    if original.kind != ReturnKind.ORIGINAL:
        raise ValidationError(_("An additional return corrects an original return."))
    spec = spec_for(business)
    original = spec.model.objects.select_for_update().get(pk=original.pk)
    assessment = return_preview(business=business, data=data, period=original.period, today=today,
                                original=original)
    if figures is not None:
        figures_check(token=figures, business=business, assessment=assessment, original=original)
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
    from shared_apps.text import PrintableTextValidator

    PrintableTextValidator(multiline=True)(reason)  # a NUL would reach the database as a server error
    reason = reason[:2000]
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
    if decision == "assess":  # the obligation changed: billing charges the difference from what was paid
        raise_obligation(ret=ret, spec=spec_for(ret.business), rule=rule, tax=base,
                         today=today or timezone.localdate(), actor=actor, request=request)
    audit_record(action=f"return_{decision}", request=request, actor=actor,
                 target=f"{ret.business.name} {ret.period:%Y-%m}", return_id=ret.pk, reason=reason.strip(),
                 amount_due=str(ret.amount_due))
    return ret
