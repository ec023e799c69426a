"""Reads for the money pages: collections at a glance, aged balances, the daily summary, the receipt register,
receivables by payer and the e-LAAS export. Nothing here writes.

Every figure is an aggregate the database computes over the LAO's own ledger, receipts and obligations (indexed:
LedgerEntry.day, Payment.received_at, Receipt (fiscal_year, sequence), the partial index of what is owed by due
date), so the number of queries a page makes does not grow with the number of rows.

Days: a payment's day is the local date its money was received — the day of its ledger entry and of the receipt
book it is numbered in (services.post_payments).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Case, CharField, Count, DecimalField, F, Max, Min, Q, Sum, Value, When
from django.db.models.functions import MD5, Cast, Coalesce, Concat, TruncMonth
from django.utils import timezone

from shared_apps.calendar.selectors import fiscal_year

from .models import (DailySummarySignOff, LedgerEntry, Obligation, PaymentChannel, PaymentMethod, Receipt,
                     RevenueCode)
from .revenues import service_label

ZERO = Decimal("0.00")
SET_OFF = "set_off"  # the ledger's set-off entries move a credit between services: no channel
FISCAL_MONTHS = [10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9]


# --- periods ---------------------------------------------------------------------------------------------

def fiscal_year_start(year_be: int) -> datetime.date:
    """1 October of the Christian year before the one fiscal year `year_be` (Buddhist era) ends in."""
    return datetime.date(year_be - 543 - 1, 10, 1)


def fiscal_year_end(year_be: int) -> datetime.date:
    return datetime.date(year_be - 543, 9, 30)


def same_day_last_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def fiscal_months(year_be: int) -> list[datetime.date]:
    start = fiscal_year_start(year_be)
    return [datetime.date(start.year + (1 if month < 10 else 0), month, 1) for month in FISCAL_MONTHS]


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The local day as [start, end) instants, so an index on the timestamp serves it."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min), tz)
    return start, end


def channel_label(channel: str) -> str:
    from django.utils.translation import gettext as _

    if channel == SET_OFF:
        return _("Credit set off")
    return str(PaymentChannel(channel).label) if channel in PaymentChannel.values else channel


def method_label(method: str) -> str:
    return str(PaymentMethod(method).label) if method in PaymentMethod.values else method


def _sum(expression, **filter_q):
    return Sum(expression, filter=Q(**filter_q) if filter_q else None, default=ZERO,
               output_field=DecimalField(max_digits=16, decimal_places=2))


# --- collections ---------------------------------------------------------------------------------------------

PERIODS = ("today", "month", "year")


@dataclass
class Collections:
    """Net collections (payments less reversals and refunds) for today, the month and the fiscal year to
    date, each with the same period last year; by service, by channel, and in all."""

    today: datetime.date
    fiscal_year: int
    bounds: dict
    by_service: list = field(default_factory=list)
    by_channel: list = field(default_factory=list)
    total: dict = field(default_factory=dict)


def _period_bounds(today: datetime.date) -> dict[str, tuple[datetime.date, datetime.date]]:
    fy = fiscal_year(today)
    last = same_day_last_year(today)
    return {"today": (today, today), "today_last": (last, last),
            "month": (today.replace(day=1), today), "month_last": (last.replace(day=1), last),
            "year": (fiscal_year_start(fy), today), "year_last": (fiscal_year_start(fy - 1), last)}


def _with_change(figures: dict) -> dict:
    for period in PERIODS:
        now, before = figures[period], figures[f"{period}_last"]
        figures[f"{period}_change"] = None if not before else (now - before) * 100 / abs(before)
    return figures


def collections(*, today: datetime.date | None = None) -> Collections:
    """One query: the ledger from the start of last fiscal year, summed per (service, channel) for each of the
    six periods."""
    today = today or timezone.localdate()
    bounds = _period_bounds(today)
    rows = list(
        LedgerEntry.objects.filter(day__gte=bounds["year_last"][0], day__lte=today)
        .annotate(channel=Coalesce("payment__channel", "refund__payment__channel", Value(SET_OFF)))
        .values("service", "channel")
        .annotate(**{name: _sum("amount", day__gte=start, day__lte=end) for name, (start, end) in bounds.items()})
        .order_by("service", "channel"))
    names = list(bounds)
    result = Collections(today=today, fiscal_year=fiscal_year(today), bounds=bounds)
    by_service: dict[str, dict] = {}
    by_channel: dict[str, dict] = {}
    total = dict.fromkeys(names, ZERO)
    for row in rows:  # at most services × channels rows, already summed
        for key, table, label in ((row["service"], by_service, service_label(row["service"])),
                                  (row["channel"], by_channel, channel_label(row["channel"]))):
            figures = table.setdefault(key, {"key": key, "label": label, **dict.fromkeys(names, ZERO)})
            for name in names:
                figures[name] += row[name]
        for name in names:
            total[name] += row[name]
    result.by_service = [_with_change(f) for f in by_service.values()]
    result.by_channel = [_with_change(f) for f in by_channel.values()]
    result.total = _with_change(total)
    return result


def collections_by_month(*, year_be: int) -> list[dict]:
    """Net collections per month of fiscal year `year_be` and of the year before: one query."""
    months = fiscal_months(year_be)
    last_months = fiscal_months(year_be - 1)
    totals = dict(
        LedgerEntry.objects.filter(day__gte=last_months[0], day__lte=fiscal_year_end(year_be))
        .annotate(month=TruncMonth("day")).values("month").annotate(total=_sum("amount"))
        .order_by("month").values_list("month", "total"))
    return [{"month": month, "total": totals.get(month, ZERO), "last_year": totals.get(last, ZERO)}
            for month, last in zip(months, last_months)]


# --- what is owed ----------------------------------------------------------------------------------------

BALANCE = F("charged") - F("paid") - F("credited") + F("refunded")
OWED = Q(charged__gt=F("paid") + F("credited") - F("refunded"))  # the partial index billing_owed_by_due_date
AGE_BUCKETS = ("not_due", "days_0_30", "days_31_90", "days_over_90")


def _age_filters(today: datetime.date) -> dict[str, Q]:
    """Days past the due date: not yet due; 0–30 (due today up to 30 days late); 31–90; over 90."""
    day = datetime.timedelta
    return {"not_due": Q(due_date__gt=today),
            "days_0_30": Q(due_date__lte=today, due_date__gte=today - day(days=30)),
            "days_31_90": Q(due_date__lt=today - day(days=30), due_date__gte=today - day(days=90)),
            "days_over_90": Q(due_date__lt=today - day(days=90))}


def _aged_aggregates(today: datetime.date) -> dict:
    output = DecimalField(max_digits=16, decimal_places=2)
    aggregates = {"count": Count("id"), "total": Sum(BALANCE, default=ZERO, output_field=output)}
    for name, condition in _age_filters(today).items():
        aggregates[name] = Sum(BALANCE, filter=condition, default=ZERO, output_field=output)
        aggregates[f"{name}_count"] = Count("id", filter=condition)
    return aggregates


def aged_balances(*, today: datetime.date | None = None) -> dict:
    """What is owed (the recorded balance; a running surcharge is added when it is paid), by age: one query."""
    today = today or timezone.localdate()
    return Obligation.objects.filter(OWED).aggregate(**_aged_aggregates(today))


def _payer_group():
    """Who owes, for the receivables: the payer key (a business, a citizen, a tax ID), else the name."""
    return Case(When(payer_key="", then=Concat(Value("name:"), "payer_name")), default=F("payer_key"),
                output_field=CharField())


def receivables(*, today: datetime.date | None = None):
    """ลูกหนี้: what each payer owes, largest first, with the oldest due date and the ages (a queryset of
    dicts, to paginate)."""
    today = today or timezone.localdate()
    return (Obligation.objects.filter(OWED).annotate(payer_group=_payer_group()).values("payer_group")
            .annotate(payer=Max("payer_name"), oldest_due=Min("due_date"), **_aged_aggregates(today))
            .order_by("-total", "payer_group"))


def receivables_total(*, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    totals = Obligation.objects.filter(OWED).aggregate(
        payers=Count(_payer_group(), distinct=True), **_aged_aggregates(today))
    return totals


# --- receipts of a day: the daily summary ----------------------------------------------------------------------

def receipts_received_on(day: datetime.date):
    """Every receipt (valid or void) for money received on `day`, in book order."""
    start, end = day_bounds(day)
    return (Receipt.objects.filter(payment__received_at__gte=start, payment__received_at__lt=end)
            .select_related("payment", "payment__obligation").order_by("fiscal_year", "sequence"))


def receipts_fingerprint(day: datetime.date) -> dict:
    """The state of the day's receipts in one query: how many are valid, their total, and a digest of every
    receipt's id, amount and void (what a sign-off records, so a later change shows)."""
    start, end = day_bounds(day)
    state = Concat(Cast("id", CharField()), Value(":"), Cast("amount", CharField()), Value(":"),
                   Coalesce(Cast("voided_at", CharField()), Value("")), output_field=CharField())
    return Receipt.objects.filter(payment__received_at__gte=start, payment__received_at__lt=end).aggregate(
        valid_count=Count("id", filter=Q(voided_at__isnull=True)),
        void_count=Count("id", filter=Q(voided_at__isnull=False)),
        total=Sum("amount", filter=Q(voided_at__isnull=True), default=ZERO),
        fingerprint=Coalesce(MD5(StringAgg(state, delimiter=",", order_by="id")), Value("none"),
                             output_field=CharField()))


def daily_totals(day: datetime.date) -> list[dict]:
    """The day's valid receipts summed by service, channel and method: one query."""
    start, end = day_bounds(day)
    rows = (Receipt.objects.filter(payment__received_at__gte=start, payment__received_at__lt=end,
                                   voided_at__isnull=True)
            .values(service=F("payment__obligation__service"), channel=F("payment__channel"),
                    method=F("payment__method"))
            .annotate(count=Count("id"), total=Sum("amount")).order_by("service", "channel", "method"))
    return [{**row, "service_label": service_label(row["service"]), "channel_label": channel_label(row["channel"]),
             "method_label": method_label(row["method"])} for row in rows]


def ledger_of_day(day: datetime.date) -> dict:
    """The day's ledger, to reconcile with its receipts: money in, reversals, refunds, set-offs, net."""
    return LedgerEntry.objects.filter(day=day).aggregate(
        received=_sum("amount", payment__isnull=False, amount__gt=0, refund__isnull=True),
        reversed=_sum("amount", note="reversal"),
        refunded=_sum("amount", refund__isnull=False),
        set_off=_sum("amount", payment__isnull=True, refund__isnull=True),
        net=_sum("amount"))


def signed_totals(totals: list[dict]) -> dict:
    """The totals a sign-off keeps (JSON): by service and channel, amounts as strings."""
    kept: dict[str, dict] = {}
    for row in totals:
        channel = kept.setdefault(row["service"] or "", {})
        channel[row["channel"]] = str(Decimal(channel.get(row["channel"], "0")) + row["total"])
    return kept


def sign_off_state(day: datetime.date, state: dict | None = None) -> dict:
    """The day's sign-offs, latest first, and whether the latest still matches the receipts."""
    state = state or receipts_fingerprint(day)
    sign_offs = list(DailySummarySignOff.objects.filter(day=day).order_by("-signed_at", "-id")[:20])
    latest = sign_offs[0] if sign_offs else None
    return {"sign_offs": sign_offs, "latest": latest,
            "current": latest is not None and latest.fingerprint == state["fingerprint"],
            "superseded": latest is not None and latest.fingerprint != state["fingerprint"]}


def daily_summary(day: datetime.date) -> dict:
    state = receipts_fingerprint(day)
    totals = daily_totals(day)
    by_service: dict[str, dict] = {}
    by_channel: dict[str, dict] = {}
    for row in totals:  # grouped rows: at most services × channels × methods
        for key, table, label in ((row["service"], by_service, row["service_label"]),
                                  (row["channel"], by_channel, row["channel_label"])):
            entry = table.setdefault(key, {"label": label, "count": 0, "total": ZERO})
            entry["count"] += row["count"]
            entry["total"] += row["total"]
    return {"day": day, "state": state, "totals": totals, "by_service": list(by_service.values()),
            "by_channel": list(by_channel.values()), "ledger": ledger_of_day(day), **sign_off_state(day, state)}


# --- the receipt register and the e-LAAS export --------------------------------------------------------------

def receipt_register(*, year_be: int, month: int | None = None):
    """ทะเบียนใบเสร็จรับเงิน: a fiscal year's receipts in number order, voided ones included (a queryset)."""
    receipts = Receipt.objects.filter(fiscal_year=year_be)
    if month:
        start = next(m for m in fiscal_months(year_be) if m.month == month)
        end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        receipts = receipts.filter(issued_at__gte=day_bounds(start)[0], issued_at__lt=day_bounds(end)[0])
    return receipts.select_related("payment", "payment__obligation").order_by("sequence")


def register_totals(receipts) -> dict:
    return receipts.order_by().aggregate(
        count=Count("id"), valid_count=Count("id", filter=Q(voided_at__isnull=True)),
        void_count=Count("id", filter=Q(voided_at__isnull=False)),
        total=Sum("amount", filter=Q(voided_at__isnull=True), default=ZERO))


def register_years() -> list[int]:
    """Fiscal years that have receipts, and the current one, latest first."""
    from .models import ReceiptCounter

    years = set(ReceiptCounter.objects.values_list("fiscal_year", flat=True))
    years.add(fiscal_year(timezone.localdate()))
    return sorted(years, reverse=True)


def receipts_received_between(start: datetime.date, end: datetime.date):
    """Receipts for money received from `start` to `end` (inclusive), by day and number: the e-LAAS rows."""
    return (Receipt.objects.filter(payment__received_at__gte=day_bounds(start)[0],
                                   payment__received_at__lt=day_bounds(end)[1])
            .select_related("payment", "payment__obligation")
            .order_by("payment__received_at", "fiscal_year", "sequence"))


def revenue_codes() -> dict[str, RevenueCode]:
    return {code.service: code for code in RevenueCode.objects.all()}
