"""Recording a PAO's ordinance rates; the legal caps, the columns' bounds and the start dates are enforced here, once.

When a rate may start (DOMAIN.md §3–5, §7): the hotel fee is charged on each stay, and a
guest list (อบจ.รร.6) dates every stay, so a new hotel-fee % may start on any day (a guest
list charges each stay at the rate in force on its check-in day). Petroleum and tobacco
returns are monthly totals with nothing dated inside the month, so their rates, and the
filing rules of every revenue (which apply to a month's return as a whole), must start on
the 1st of a month: a date inside a month is refused, never silently moved to the next month.
"""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.audit.services import audit_record
from shared_apps.money import MoneyError, column, parse_amount, parse_count
from shared_apps.portal.templatetags.thai_dates import buddhist_date

from .models import PRODUCT_RULES, FilingRule, OrdinanceRate, Product, Revenue

# Products whose rate may start on any day: their returns can be dated line by line (guest check-ins).
DATED_PRODUCTS = {Product.ROOM_RENT}


def _field(model, name):
    return model._meta.get_field(name)


def _date(value, *, field: str) -> datetime.date:
    """A date typed as YYYY-MM-DD, or DD/MM/YYYY with the year in the Buddhist era (or CE)."""
    from tenant_apps.hotel_fee.guest_list import parse_date

    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return parse_date(str(value or ""))
    except (ValueError, TypeError):
        raise ValidationError({field: _("“%(value)s” is not a date: write it as DD/MM/YYYY in the Buddhist era "
                                        "(e.g. 1/10/2568).") % {"value": str(value or "")[:40]}}) from None


@transaction.atomic
def ordinance_rate_record(*, product: str, rate, effective_from, ordinance: str, actor) -> OrdinanceRate:
    """Add a rate in force from a date. Rates above the statute's caps (3 %; 10 satang) are refused,
    and so is a date inside a month for a revenue filed as monthly totals."""
    if product not in PRODUCT_RULES:
        raise ValidationError({"product": _("Unknown product “%(product)s”.") % {"product": product}})
    revenue, basis, cap = PRODUCT_RULES[Product(product)]
    try:
        rate = parse_amount(rate, field=_("Rate"), **column(_field(OrdinanceRate, "rate")))
    except MoneyError as error:
        raise ValidationError({"rate": error.message}) from None
    if rate > cap:
        raise ValidationError({"rate": _("%(rate)s %(basis)s is above the legal cap of %(cap)s.")
                               % {"rate": rate.normalize(), "basis": basis.label, "cap": cap}})
    effective_from = _date(effective_from, field="effective_from")
    if effective_from.day != 1 and product not in DATED_PRODUCTS:
        raise ValidationError({"effective_from": _(
            "%(product)s is filed as monthly totals, so its ordinance rate must start on the 1st of a month, "
            "not on %(date)s.") % {"product": Product(product).label, "date": buddhist_date(effective_from)}},
            code="mid_month")
    if not str(ordinance or "").strip():
        raise ValidationError({"ordinance": _("Name the ordinance that sets this rate.")})
    if OrdinanceRate.objects.filter(product=product, effective_from=effective_from).exists():
        raise ValidationError({"effective_from": _("A rate for this product already starts on that date.")})
    recorded = OrdinanceRate.objects.create(
        revenue=revenue, product=product, basis=basis, rate=rate, effective_from=effective_from,
        ordinance=ordinance.strip(), recorded_by=actor,
    )
    audit_record(action="ordinance_rate_recorded", actor=actor, target=str(product), rate=str(rate),
                 effective_from=str(effective_from))
    return recorded


def _percent(value, *, name: str, label: str, maximum: Decimal | None, optional: bool = False):
    if optional and value in (None, ""):
        return None
    try:
        return parse_amount(value, field=label, maximum=maximum, **column(_field(FilingRule, name)))
    except MoneyError as error:
        raise ValidationError({name: error.message}) from None


@transaction.atomic
def filing_rule_record(*, revenue: str, deadline_day, effective_from, ordinance: str, actor,
                       moves_to_working_day: bool = True, surcharge_percent_per_month=Decimal("0"),
                       surcharge_cap_percent=None, penalty_percent=Decimal("0")) -> FilingRule:
    """Record when returns are due and what lateness costs, from the 1st of a month, as an ordinance sets it."""
    if revenue not in Revenue.values:
        raise ValidationError({"revenue": _("Unknown revenue “%(revenue)s”.") % {"revenue": revenue}})
    errors = {}
    values = {}
    try:
        values["deadline_day"] = parse_count(deadline_day, field=_("Due by day of the following month"),
                                             minimum=1, maximum=28)
    except MoneyError as error:
        errors["deadline_day"] = error.message
    for name, label, maximum, optional, value in [
        # xgettext:no-python-format
        ("surcharge_percent_per_month", _("Surcharge, % per month or part of a month"), Decimal("100"), False,
         surcharge_percent_per_month),
        # xgettext:no-python-format
        ("surcharge_cap_percent", _("Surcharge cap, % (optional)"), None, True, surcharge_cap_percent),
        # xgettext:no-python-format
        ("penalty_percent", _("Penalty for late filing, %"), Decimal("100"), False, penalty_percent),
    ]:
        try:
            values[name] = _percent(value, name=name, label=label, maximum=maximum, optional=optional)
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        effective_from = _date(effective_from, field="effective_from")
        if effective_from.day != 1:
            errors["effective_from"] = _(
                "A filing rule applies to whole months' returns, so it must start on the 1st of a month, "
                "not on %(date)s.") % {"date": buddhist_date(effective_from)}
    except ValidationError as error:
        errors.update(error.message_dict)
    if not str(ordinance or "").strip():
        errors["ordinance"] = _("Name the ordinance that sets this rule.")
    if errors:
        raise ValidationError(errors)
    rule = FilingRule(revenue=revenue, moves_to_working_day=bool(moves_to_working_day), effective_from=effective_from,
                      ordinance=ordinance.strip(), recorded_by=actor, **values)
    rule.full_clean()
    rule.save()
    audit_record(action="filing_rule_recorded", actor=actor, target=str(revenue), deadline_day=rule.deadline_day,
                 effective_from=str(effective_from))
    return rule
