"""Recording a PAO's ordinance rates; the legal caps are enforced here, once."""
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.audit.services import audit_record

from .models import PRODUCT_RULES, FilingRule, OrdinanceRate, Product


@transaction.atomic
def ordinance_rate_record(*, product: str, rate, effective_from: datetime.date, ordinance: str,
                          actor) -> OrdinanceRate:
    """Add a rate in force from a date. Rates above the statute's caps (3 %; 10 satang) are refused."""
    if product not in PRODUCT_RULES:
        raise ValidationError(_("Unknown product “%(product)s”.") % {"product": product})
    revenue, basis, cap = PRODUCT_RULES[Product(product)]
    try:
        rate = Decimal(str(rate))
    except InvalidOperation:
        raise ValidationError(_("The rate must be a number.")) from None
    if rate < 0 or rate.as_tuple().exponent < -4:
        raise ValidationError(_("The rate must be zero or more, with at most 4 decimals."))
    if rate > cap:
        raise ValidationError(
            _("%(rate)s %(basis)s is above the legal cap of %(cap)s.")
            % {"rate": rate, "basis": basis.label, "cap": cap}
        )
    if not ordinance.strip():
        raise ValidationError(_("Name the ordinance that sets this rate."))
    if OrdinanceRate.objects.filter(product=product, effective_from=effective_from).exists():
        raise ValidationError(_("A rate for this product already starts on that date."))
    recorded = OrdinanceRate.objects.create(
        revenue=revenue, product=product, basis=basis, rate=rate, effective_from=effective_from,
        ordinance=ordinance.strip(), recorded_by=actor,
    )
    audit_record(action="ordinance_rate_recorded", actor=actor, target=str(product), rate=str(rate),
                 effective_from=str(effective_from))
    return recorded


@transaction.atomic
def filing_rule_record(*, revenue: str, deadline_day: int, effective_from: datetime.date, ordinance: str, actor,
                       moves_to_working_day: bool = True, surcharge_percent_per_month=Decimal("0"),
                       surcharge_cap_percent=None, penalty_percent=Decimal("0")) -> FilingRule:
    """Record when returns are due and what lateness costs, from a date, as an ordinance sets it."""
    if not ordinance.strip():
        raise ValidationError(_("Name the ordinance that sets this rule."))
    try:
        surcharge_percent_per_month = Decimal(str(surcharge_percent_per_month))
        penalty_percent = Decimal(str(penalty_percent))
        if surcharge_cap_percent not in (None, ""):
            surcharge_cap_percent = Decimal(str(surcharge_cap_percent))
    except InvalidOperation:
        raise ValidationError(_("Percentages must be numbers.")) from None
    rule = FilingRule(
        revenue=revenue, deadline_day=deadline_day, moves_to_working_day=moves_to_working_day,
        surcharge_percent_per_month=Decimal(str(surcharge_percent_per_month)),
        surcharge_cap_percent=None if surcharge_cap_percent in (None, "") else Decimal(str(surcharge_cap_percent)),
        penalty_percent=Decimal(str(penalty_percent)), effective_from=effective_from, ordinance=ordinance.strip(),
        recorded_by=actor,
    )
    rule.full_clean()
    rule.save()
    audit_record(action="filing_rule_recorded", actor=actor, target=str(revenue), deadline_day=deadline_day,
                 effective_from=str(effective_from))
    return rule
