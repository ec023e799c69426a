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


# --- the officer home's counts (issue 12): aggregates, a fixed number of queries whatever the rows -------------

def returns_waiting() -> list[dict]:
    """Per revenue: returns filed and waiting for review, when the oldest was filed and its id (two queries each)."""
    from django.db.models import Count, Min

    from tenant_apps.businesses.models import BusinessKind

    rows = []
    for kind, spec in SPECS.items():
        waiting = spec.model.objects.filter(status=ReturnStatus.FILED)
        oldest = waiting.order_by("filed_at", "id").values_list("pk", flat=True).first()
        rows.append({"kind": kind, "label": BusinessKind(kind).label, "oldest_id": oldest,
                     **waiting.aggregate(count=Count("id"), oldest=Min("filed_at"))})
    return rows


def registrations_waiting() -> dict:
    """Business registrations waiting for a clerk's decision."""
    from django.db.models import Count, Min

    return Business.objects.filter(status=BusinessStatus.PENDING).aggregate(count=Count("id"),
                                                                           oldest=Min("registered_at"))


def filing_deadlines(*, today: datetime.date) -> list[dict]:
    """This month's filing deadline of each revenue (the returns of last month): the day, and how many registered
    businesses have not filed yet (or missed it, once it has passed). Two or three queries per revenue."""
    from .periods import month_start

    period = month_start(month_start(today) - datetime.timedelta(days=1))
    rows = []
    for kind, spec in SPECS.items():
        rule = filing_rule_in_force(revenue=spec.revenue, on=period)
        if rule is None:
            continue
        deadline = deadline_for(period, deadline_day=rule.deadline_day,
                                moves_to_working_day=rule.moves_to_working_day)
        filed = spec.model.objects.filter(period=period, kind=ReturnKind.ORIGINAL).values("business_id")
        not_filed = (Business.objects.filter(kind=kind, status__in=[BusinessStatus.APPROVED, BusinessStatus.CLOSED],
                                             operating_since__lte=month_end(period))
                     .exclude(closed_on__lt=period).exclude(pk__in=filed).count())
        rows.append({"kind": kind, "revenue": spec.revenue, "period": period, "deadline": deadline,
                     "days_left": (deadline - today).days, "passed": today > deadline, "not_filed": not_filed})
    return rows


def filing_compliance(*, periods: list[datetime.date], today: datetime.date) -> list[dict]:
    """Per revenue and month: registered businesses that should have filed, how many filed (original returns)
    and how many on time — for the money page. Two aggregate queries per revenue (whatever the number of
    businesses or returns), plus the filing rules and the holidays once."""
    from django.db.models import Count, F, Q

    from shared_apps.calendar.models import PublicHoliday
    from shared_apps.calendar.selectors import is_working_day
    from tenant_apps.ordinances.models import FilingRule

    from .periods import next_month

    if not periods:
        return []
    rules = list(FilingRule.objects.order_by("revenue", "-effective_from"))
    holidays = set(PublicHoliday.objects.filter(date__gte=periods[0], date__lte=month_end(periods[-1])
                                                + datetime.timedelta(days=62)).values_list("date", flat=True))

    def deadline(revenue: str, period: datetime.date) -> datetime.date | None:
        rule = next((r for r in rules if r.revenue == revenue and r.effective_from <= period), None)
        if rule is None:
            return None
        day = next_month(period).replace(day=rule.deadline_day)
        while rule.moves_to_working_day and not is_working_day(day, holidays=holidays):
            day += datetime.timedelta(days=1)
        return day

    registered = Q(status__in=[BusinessStatus.APPROVED, BusinessStatus.CLOSED])
    result = []
    for kind, spec in SPECS.items():
        should = Business.objects.filter(registered, kind=kind).aggregate(**{
            f"m{index}": Count("id", filter=Q(operating_since__lte=month_end(period))
                               & (Q(closed_on__isnull=True) | Q(closed_on__gte=period)))
            for index, period in enumerate(periods)})
        filed = {row["period"]: row for row in spec.model.objects.filter(
            kind=ReturnKind.ORIGINAL, period__in=periods).values("period").annotate(
            filed=Count("id"), on_time=Count("id", filter=Q(filed_on__lte=F("deadline")))).order_by()}
        months = []
        for index, period in enumerate(periods):
            due = deadline(spec.revenue, period)
            row = filed.get(period, {})
            months.append({"period": period, "should": should[f"m{index}"], "filed": row.get("filed", 0),
                           "on_time": row.get("on_time", 0), "deadline": due,
                           "due_passed": due is not None and today > due})
        result.append({"revenue": spec.revenue, "business_kind": kind, "months": months})
    return result
