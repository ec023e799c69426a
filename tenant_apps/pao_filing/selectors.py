import datetime

from tenant_apps.businesses.models import Business, BusinessStatus
from tenant_apps.ordinances.selectors import filing_rule_in_force

from .models import ReturnKind, ReturnStatus
from .periods import deadline_for, month_end
from .services import SPECS


def returns_of(business: Business):
    return SPECS[business.kind].model.objects.filter(business=business).select_related("business")


def review_queue(*, business_kind: str):
    """New returns waiting for an officer, oldest first."""
    return (SPECS[business_kind].model.objects.filter(status=ReturnStatus.FILED)
            .select_related("business").order_by("filed_at"))


def overdue_businesses(*, business_kind: str, period: datetime.date, today: datetime.date) -> list[Business]:
    """Registered businesses with no return for `period` once its deadline has passed."""
    spec = SPECS[business_kind]
    rule = filing_rule_in_force(revenue=spec.revenue, on=period)
    if rule is None:
        return []
    deadline = deadline_for(period, deadline_day=rule.deadline_day, moves_to_working_day=rule.moves_to_working_day)
    if today <= deadline:
        return []
    filed = spec.model.objects.filter(period=period, kind=ReturnKind.ORIGINAL).values("business_id")
    return list(Business.objects.filter(kind=business_kind, status__in=[BusinessStatus.APPROVED, BusinessStatus.CLOSED],
                                        operating_since__lte=month_end(period))
                .exclude(closed_on__lt=period).exclude(pk__in=filed).order_by("name"))
