"""What a LAO publishes to the public schema for DLA's and the provinces' oversight, computed from its own
records (shared_apps/oversight/models.py holds them). LAO-side code: it imports the LAO apps' models; the
public side never imports this.

- Money is published by billing itself, as deltas after commit (`shared_apps.ledger.services.revenue_add`,
  with the channel), so it equals the ledger: payments +, reversals and refunds −, set-offs between
  services. `revenue_rows()` recomputes the same sums from the ledger for the rebuild.
- Counts are recomputed after commit by the service that changed them, under the figures' advisory lock (so
  the last writer has read everything committed): `publish_filing()` after a return is filed or a business's
  registration changes, `publish_businesses()` likewise, `publish_permits()` after an application moves.
  Each hook is queued once per transaction (`on_commit_once`) and nothing is queued by a rolled-back one.
- `rebuild(lao)` replaces all of a LAO's published figures from its schema in one transaction.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.oversight import services as published
from shared_apps.oversight.models import SET_OFF

FILING_YEARS = 5  # filing months published: this fiscal year and the four before


class _Queued:
    """An on-commit callback that knows its key, so the same figure is queued once per transaction."""

    def __init__(self, key, function):
        self.key, self.function = key, function

    def __call__(self):
        self.function()


def on_commit_once(key, function) -> None:
    """`transaction.on_commit(function)` unless one with this key is already queued (a rollback drops both)."""
    if connection.in_atomic_block and any(getattr(item[1], "key", None) == key for item in connection.run_on_commit):
        return
    transaction.on_commit(_Queued(key, function))


def _here():
    """(lao, schema) of the schema in use, captured when the hook is queued."""
    from tenants.selectors import current_lao

    return current_lao(), connection.schema_name


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], _month(start)
    while month <= end:
        months.append(month)
        month = _next_month(month)
    return months


# --- money ------------------------------------------------------------------------------------------------------------

def revenue_rows() -> list[tuple]:
    """(service, channel, day, amount, payments) summed from this LAO's ledger, as billing publishes them: the
    channel of the payment (a refund's: its payment's; a set-off: "set_off"); payments counts +1 per payment
    and −1 per reversal."""
    from tenant_apps.billing.models import LedgerEntry

    rows = (LedgerEntry.objects
            .annotate(channel=Coalesce("payment__channel", "refund__payment__channel", Value(SET_OFF)))
            .values("service", "channel", "day")
            .annotate(total=Sum("amount"),
                      paid=Count("id", filter=Q(payment__isnull=False, refund__isnull=True, amount__gt=0)),
                      reversed=Count("id", filter=Q(payment__isnull=False, refund__isnull=True, amount__lt=0)))
            .order_by("service", "channel", "day"))
    return [(r["service"], r["channel"], r["day"], r["total"] or Decimal("0"), r["paid"] - r["reversed"])
            for r in rows]


# --- filing and businesses (PAOs) ----------------------------------------------------------------------------------

def _filing_periods(today: datetime.date) -> list[datetime.date]:
    """Every month from the earliest business or return (at most FILING_YEARS fiscal years back) to the later of
    last month and the latest return."""
    from django.db.models import Max, Min

    from tenant_apps.businesses.models import Business
    from tenant_apps.pao_filing.services import SPECS
    from shared_apps.calendar.selectors import fiscal_year

    earliest = [Business.objects.aggregate(m=Min("operating_since"))["m"]]
    latest = [_month(today) - datetime.timedelta(days=1)]
    for spec in SPECS.values():
        bounds = spec.model.objects.aggregate(first=Min("period"), last=Max("period"))
        earliest.append(bounds["first"])
        latest.append(bounds["last"])
    floor = datetime.date(fiscal_year(today) - 543 - FILING_YEARS, 10, 1)
    start = max(min([d for d in earliest if d] or [latest[0]]), floor)
    return _months(start, max(d for d in latest if d))


def filing_rows(*, periods: list[datetime.date] | None = None, today: datetime.date | None = None) -> list[dict]:
    from tenant_apps.pao_filing.selectors import filing_compliance

    today = today or timezone.localdate()
    periods = sorted(set(periods)) if periods else _filing_periods(today)
    rows = []
    for revenue in filing_compliance(periods=periods, today=today):
        for month in revenue["months"]:
            rows.append({"service": revenue["revenue"], "period": month["period"], "deadline": month["deadline"],
                         "should_file": month["should"], "filed": month["filed"], "on_time": month["on_time"],
                         "late": month["filed"] - month["on_time"]})
    return rows


def business_rows() -> list[dict]:
    from tenant_apps.businesses.models import Business, BusinessStatus
    from tenant_apps.pao_filing.services import SPECS

    counts = {r["kind"]: r for r in Business.objects.values("kind").annotate(
        registered=Count("id", filter=Q(status=BusinessStatus.APPROVED)),
        pending=Count("id", filter=Q(status=BusinessStatus.PENDING)),
        closed=Count("id", filter=Q(status=BusinessStatus.CLOSED))).order_by()}
    return [{"service": spec.revenue, **{k: counts.get(kind, {}).get(k, 0) for k in ("registered", "pending", "closed")}}
            for kind, spec in SPECS.items()]


def publish_filing(*, periods: list[datetime.date] | None = None) -> None:
    """Queue the recount of this PAO's filing figures (`periods`, or all) for after commit."""
    lao, schema = _here()
    if lao is None:
        return

    def run():
        with schema_context(schema), transaction.atomic():
            published.figures_lock(lao_id=lao.pk, kind="filing")
            published.filing_publish(lao_id=lao.pk, rows=filing_rows(periods=periods))

    on_commit_once(("filing", schema, tuple(periods or ())), run)


def publish_businesses() -> None:
    """Queue the recount of this PAO's registered businesses, and of its filing months (who should file)."""
    lao, schema = _here()
    if lao is None:
        return

    def run():
        with schema_context(schema), transaction.atomic():
            published.figures_lock(lao_id=lao.pk, kind="businesses")
            published.businesses_publish(lao_id=lao.pk, rows=business_rows())

    on_commit_once(("businesses", schema), run)
    publish_filing()


# --- permits (municipalities, SAOs, Pattaya) ----------------------------------------------------------------------

def permit_rows(*, months: list[datetime.date] | None = None) -> list[dict]:
    """Per month: applications received (first submitted), approved and refused (the order's month), decided
    within the decision deadline or not, permits issued. Local months (the LAO's time zone)."""
    from tenant_apps.advertising.models import Application, ApplicationEvent, ApplicationStatus, Permit

    def in_months(queryset, field):
        if not months:
            return queryset
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.datetime.combine(min(months), datetime.time.min), tz)
        end = timezone.make_aware(datetime.datetime.combine(_next_month(max(months)), datetime.time.min), tz)
        return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})

    month = lambda field: TruncMonth(field, output_field=DateField())  # noqa: E731
    table: dict[datetime.date, dict] = {}

    def row(m):
        return table.setdefault(m, dict.fromkeys(published.PERMIT_FIELDS, 0))

    for r in in_months(Application.objects.filter(submitted_at__isnull=False), "submitted_at").annotate(
            m=month("submitted_at")).values("m").annotate(n=Count("id")).order_by():
        row(r["m"])["received"] = r["n"]
    decisions = in_months(ApplicationEvent.objects.filter(
        to_status__in=[ApplicationStatus.APPROVED, ApplicationStatus.REFUSED]), "at")
    in_time = Q(application__decision_due__isnull=True) | Q(at__date__lte=F("application__decision_due"))
    for r in decisions.annotate(m=month("at")).values("m", "to_status").annotate(
            n=Count("id"), in_time=Count("id", filter=in_time)).order_by():
        figures = row(r["m"])
        figures["approved" if r["to_status"] == ApplicationStatus.APPROVED else "refused"] += r["n"]
        figures["decided_in_time"] += r["in_time"]
        figures["decided_late"] += r["n"] - r["in_time"]
    for r in in_months(Permit.objects.all(), "issued_at").annotate(m=month("issued_at")).values("m").annotate(
            n=Count("id")).order_by():
        row(r["m"])["issued"] = r["n"]
    for m in months or ():
        row(m)  # a month recounted to nothing is published as zeros, not left as it was
    return [{"month": m, **figures} for m, figures in sorted(table.items())]


def publish_permits() -> None:
    """Queue the recount of this month's permit figures (an application moved: received, decided, issued)."""
    lao, schema = _here()
    if lao is None:
        return

    def run():
        this_month = _month(timezone.localdate())
        with schema_context(schema), transaction.atomic():
            published.figures_lock(lao_id=lao.pk, kind="permits")
            published.permits_publish(lao_id=lao.pk, rows=permit_rows(months=[this_month]))

    on_commit_once(("permits", schema), run)


# --- the rebuild ---------------------------------------------------------------------------------------------------

def rebuild(lao) -> dict:
    """All of one LAO's published figures recomputed from its schema and swapped in, in one transaction.
    Returns how many rows of each kind were published."""
    from tenants.models import LAOType

    with schema_context(lao.schema_name), transaction.atomic():
        for kind in published.KINDS:
            published.figures_lock(lao_id=lao.pk, kind=kind)
        money = revenue_rows()
        published.revenue_replace(lao_id=lao.pk, rows=money)
        counts = {"revenue": len(money), "filing": 0, "permits": 0, "businesses": 0}
        if lao.lao_type == LAOType.PAO:
            filing, businesses = filing_rows(), business_rows()
            published.filing_publish(lao_id=lao.pk, rows=filing, replace=True)
            published.businesses_publish(lao_id=lao.pk, rows=businesses, replace=True)
            published.permits_publish(lao_id=lao.pk, rows=[], replace=True)
            counts.update(filing=len(filing), businesses=len(businesses))
        else:
            permits = permit_rows()
            published.permits_publish(lao_id=lao.pk, rows=permits, replace=True)
            published.filing_publish(lao_id=lao.pk, rows=[], replace=True)
            published.businesses_publish(lao_id=lao.pk, rows=[], replace=True)
            counts["permits"] = len(permits)
    return counts
