"""Reads for DLA's and the provincial offices' dashboards, and for the open-data API. Nothing here writes, and
nothing here reads a LAO's schema: every figure is an aggregate the database computes over the published
figures of the public schema (shared_apps/oversight/models.py) — the roll-ups, never the daily rows: the
national one by province, type, service, channel and month (RevenueAreaMonth) for totals, trends and breakdowns;
the one per LAO and fiscal year (RevenueLaoYear) for rankings and per-LAO tables; the monthly one per LAO
(RevenueMonth) where a month and a LAO meet. A call makes one or two queries, whatever the number of LAOs.

Common arguments (keyword-only, all optional unless said):
- ``fiscal_year``: the Thai fiscal year in the Buddhist era (2569 = 1 Oct 2025 – 30 Sep 2026); required where
  the signature has no default. ``fiscal_year_of(day)`` and ``current_fiscal_year()`` give one.
- ``province``: a DOPA province code ("54"). Provincial staff pass their own: every selector then counts only
  the LAOs of that province (rows of other provinces are absent, not zero).
- ``lao_type``: a ``tenants.models.LAOType`` value; ``service``: a ``tenants.models.Service`` value.
- ``month``: a calendar month number 1–12 inside the fiscal year (10 = October of the year before it ends).

Money is ``Decimal`` baht (2 places); counts are ``int``. Months are ``datetime.date`` (the 1st); show them in
the Buddhist era (``shared_apps.calendar`` / the template filters). Labels come translated (Thai first).
Rows about a LAO carry ``LAO_FIELDS``: lao_id, dla_code, name_th (the full official Thai name), lao_type,
type_label, province (code), province_th, province_en, latitude, longitude (None where unknown).
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, FilteredRelation, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from shared_apps.calendar.selectors import fiscal_year as fiscal_year_of
from shared_apps.geography.models import Province
from tenants.models import LAO, LAOStatus, LAOType, Service

from .models import (SET_OFF, BusinessCount, FilingMonth, PermitMonth, RevenueAreaMonth, RevenueLaoYear,
                     RevenueMonth)

ZERO = Decimal("0.00")
FISCAL_MONTHS = [10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9]
PAO_SERVICES = [Service.HOTEL_FEE.value, Service.PETROLEUM_TAX.value, Service.TOBACCO_TAX.value]
LAO_FIELDS = ["lao_id", "dla_code", "name_th", "lao_type", "type_label", "province", "province_th", "province_en",
              "latitude", "longitude"]

__all__ = ["current_fiscal_year", "fiscal_year_of", "fiscal_months", "month_of", "fiscal_years_available",
           "revenue_summary", "revenue_by_month", "revenue_by_fiscal_year", "revenue_by_province",
           "revenue_by_lao_type", "revenue_by_service", "revenue_by_channel", "revenue_by_lao", "top_laos",
           "filing_summary", "filing_by_pao", "filing_by_month", "permits_summary", "permits_by_lao",
           "permits_by_month", "onboarding_counts", "businesses_by_pao", "service_label", "channel_label"]


# --- periods and labels ---------------------------------------------------------------------------------------

def current_fiscal_year(today: datetime.date | None = None) -> int:
    return fiscal_year_of(today or timezone.localdate())


def fiscal_months(fiscal_year: int) -> list[datetime.date]:
    """The twelve months of a fiscal year (Buddhist era), October first."""
    end_year = fiscal_year - 543
    return [datetime.date(end_year - 1 if m >= 10 else end_year, m, 1) for m in FISCAL_MONTHS]


def month_of(fiscal_year: int, month: int) -> datetime.date:
    """Calendar month 1–12 of a fiscal year as its first day: month_of(2569, 10) = 1 Oct 2025."""
    if not 1 <= int(month) <= 12:
        raise ValueError("month is 1–12")
    return fiscal_months(fiscal_year)[FISCAL_MONTHS.index(int(month))]


def fiscal_years_available() -> list[int]:
    """The fiscal years that have published money figures, latest first (the current one always included)."""
    years = set(RevenueMonth.objects.values_list("fiscal_year", flat=True).distinct())
    years.add(current_fiscal_year())
    return sorted(years, reverse=True)


def service_label(service: str) -> str:
    return str(Service(service).label) if service in Service.values else service


def channel_label(channel: str) -> str:
    from django.utils.translation import gettext as _

    labels = {"counter": _("At the counter"), "bank": _("Bank notification"),
              "statement": _("Bank statement file"), SET_OFF: _("Credit set off")}
    return str(labels.get(channel, channel))


def _type_label(lao_type: str) -> str:
    return str(LAOType(lao_type).label) if lao_type in LAOType.values else lao_type


# --- common filters ---------------------------------------------------------------------------------------------

def _scope(queryset, *, province=None, lao_type=None, service=None, prefix="lao__"):
    if province:
        queryset = queryset.filter(**{f"{prefix}province_id" if prefix else "province": province})
    if lao_type:
        queryset = queryset.filter(**{f"{prefix}lao_type": lao_type})
    if service:
        queryset = queryset.filter(service=service)
    return queryset


def _revenue(*, fiscal_year=None, province=None, lao_type=None, service=None, month=None):
    queryset = RevenueMonth.objects.all()
    if fiscal_year is not None:
        queryset = queryset.filter(fiscal_year=fiscal_year)
    if month:
        queryset = queryset.filter(month=month_of(fiscal_year, month))
    return _scope(queryset, province=province, lao_type=lao_type, service=service)


def _area(*, fiscal_year=None, province=None, lao_type=None, service=None, month=None):
    queryset = RevenueAreaMonth.objects.all()
    if fiscal_year is not None:
        queryset = queryset.filter(fiscal_year=fiscal_year)
    if month:
        queryset = queryset.filter(month=month_of(fiscal_year, month))
    return _scope(queryset, province=province, lao_type=lao_type, service=service, prefix="")


def _years(*, fiscal_year, province=None, lao_type=None, service=None):
    return _scope(RevenueLaoYear.objects.filter(fiscal_year=fiscal_year), province=province, lao_type=lao_type,
                  service=service)


def _money(value) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


def _sums():
    return {"sum_amount": Coalesce(Sum("amount"), ZERO), "sum_payments": Coalesce(Sum("payments"), 0)}


def _lao_row(lao: LAO) -> dict:
    return {"lao_id": lao.pk, "dla_code": lao.dla_code, "name_th": lao.full_name_th, "lao_type": lao.lao_type,
            "type_label": _type_label(lao.lao_type), "province": lao.province_id,
            "province_th": lao.province.name_th, "province_en": lao.province.name_en,
            "latitude": lao.latitude, "longitude": lao.longitude}


def _laos(ids) -> dict[int, dict]:
    return {lao.pk: _lao_row(lao) for lao in LAO.objects.filter(pk__in=list(ids)).select_related("province")}


def _change(now: Decimal, before: Decimal):
    return None if not before else ((now - before) * 100 / abs(before)).quantize(Decimal("0.1"))


# --- money ----------------------------------------------------------------------------------------------------------

def revenue_summary(*, fiscal_year: int, province: str | None = None, lao_type: str | None = None,
                    service: str | None = None) -> dict:
    """The fiscal year's money received in all (net of reversals and refunds): {fiscal_year, amount, payments,
    laos (LAOs with any money), last_year_amount, change_percent (None without last year)}. One query."""
    row = _area(province=province, lao_type=lao_type, service=service).filter(
        fiscal_year__in=[fiscal_year, fiscal_year - 1]).aggregate(
        sum_amount=Coalesce(Sum("amount", filter=Q(fiscal_year=fiscal_year)), ZERO),
        sum_payments=Coalesce(Sum("payments", filter=Q(fiscal_year=fiscal_year)), 0),
        last_year_amount=Coalesce(Sum("amount", filter=Q(fiscal_year=fiscal_year - 1)), ZERO))
    row["laos"] = _years(fiscal_year=fiscal_year, province=province, lao_type=lao_type, service=service).exclude(
        amount=0, payments=0).aggregate(n=Count("lao", distinct=True))["n"]
    amount, last = _money(row["sum_amount"]), _money(row["last_year_amount"])
    return {"fiscal_year": fiscal_year, "amount": amount, "payments": row["sum_payments"], "laos": row["laos"],
            "last_year_amount": last, "change_percent": _change(amount, last)}


def revenue_by_month(*, fiscal_year: int, province: str | None = None, lao_type: str | None = None,
                     service: str | None = None) -> list[dict]:
    """Twelve rows, October to September: {month (date), amount, payments, last_year_amount}. One query."""
    rows = (_area(province=province, lao_type=lao_type, service=service)
            .filter(fiscal_year__in=[fiscal_year, fiscal_year - 1]).values("month")
            .annotate(**_sums()).order_by())
    by_month = {r["month"]: r for r in rows}
    result = []
    for month in fiscal_months(fiscal_year):
        now = by_month.get(month, {})
        before = by_month.get(month.replace(year=month.year - 1), {})
        result.append({"month": month, "amount": _money(now.get("sum_amount")), "payments": now.get("sum_payments", 0),
                       "last_year_amount": _money(before.get("sum_amount"))})
    return result


def revenue_by_fiscal_year(*, province: str | None = None, lao_type: str | None = None, service: str | None = None,
                           years: int = 5, until: int | None = None) -> list[dict]:
    """The trend: {fiscal_year, amount, payments} for `years` fiscal years up to `until` (default the current
    one), oldest first, zero where nothing was published. One query."""
    until = until or current_fiscal_year()
    wanted = list(range(until - years + 1, until + 1))
    rows = {r["fiscal_year"]: r for r in _area(province=province, lao_type=lao_type, service=service)
            .filter(fiscal_year__in=wanted).values("fiscal_year").annotate(**_sums()).order_by()}
    return [{"fiscal_year": y, "amount": _money(rows.get(y, {}).get("sum_amount")),
             "payments": rows.get(y, {}).get("sum_payments", 0)} for y in wanted]


def _breakdown(field: str, *, fiscal_year, province=None, lao_type=None, service=None, month=None) -> dict:
    """{value of `field` (province, lao_type or service): {sum_amount, sum_payments, laos}} from the national
    roll-up; LAOs with money counted from the yearly rows (the monthly ones for one month)."""
    sums = {r[field]: r for r in _area(fiscal_year=fiscal_year, province=province, lao_type=lao_type,
                                       service=service, month=month).values(field).annotate(**_sums()).order_by()}
    lao_field = field if field == "service" else f"lao__{field}" if field == "lao_type" else "lao__province_id"
    source = (_revenue(fiscal_year=fiscal_year, province=province, lao_type=lao_type, service=service, month=month)
              if month else _years(fiscal_year=fiscal_year, province=province, lao_type=lao_type, service=service))
    for r in source.exclude(amount=0, payments=0).values(lao_field).annotate(n=Count("lao", distinct=True)).order_by():
        sums.setdefault(r[lao_field], {})["laos"] = r["n"]
    return sums


def revenue_by_province(*, fiscal_year: int, province: str | None = None, lao_type: str | None = None,
                        service: str | None = None, month: int | None = None) -> list[dict]:
    """Every province (only `province` when given), largest amount first: {province, name_th, name_en, amount,
    payments, laos (LAOs with money)}; provinces with nothing published are listed with zero. One query plus
    the provinces."""
    sums = _breakdown("province", fiscal_year=fiscal_year, province=province, lao_type=lao_type, service=service,
                      month=month)
    provinces = Province.objects.order_by("code")
    if province:
        provinces = provinces.filter(code=province)
    rows = [{"province": p.code, "name_th": p.name_th, "name_en": p.name_en,
             "amount": _money(sums.get(p.code, {}).get("sum_amount")), "payments": sums.get(p.code, {}).get("sum_payments", 0),
             "laos": sums.get(p.code, {}).get("laos", 0)} for p in provinces]
    return sorted(rows, key=lambda r: (-r["amount"], r["province"]))


def revenue_by_lao_type(*, fiscal_year: int, province: str | None = None, service: str | None = None,
                        month: int | None = None) -> list[dict]:
    """Every LAO type: {lao_type, label, amount, payments, laos (with money)}, in the registry's order."""
    sums = _breakdown("lao_type", fiscal_year=fiscal_year, province=province, service=service, month=month)
    return [{"lao_type": t.value, "label": str(t.label), "amount": _money(sums.get(t.value, {}).get("sum_amount")),
             "payments": sums.get(t.value, {}).get("sum_payments", 0), "laos": sums.get(t.value, {}).get("laos", 0)}
            for t in LAOType]


def revenue_by_service(*, fiscal_year: int, province: str | None = None, lao_type: str | None = None,
                       month: int | None = None) -> list[dict]:
    """Every service: {service, label, amount, payments, laos (with money)}."""
    sums = _breakdown("service", fiscal_year=fiscal_year, province=province, lao_type=lao_type, month=month)
    return [{"service": s.value, "label": str(s.label), "amount": _money(sums.get(s.value, {}).get("sum_amount")),
             "payments": sums.get(s.value, {}).get("sum_payments", 0), "laos": sums.get(s.value, {}).get("laos", 0)}
            for s in Service]


def revenue_by_channel(*, fiscal_year: int, province: str | None = None, lao_type: str | None = None,
                       service: str | None = None, month: int | None = None) -> list[dict]:
    """{channel, label, amount, payments} per channel with money (counter, bank, statement; set_off moves
    credit between services and sums to zero over all of them), largest first."""
    rows = (_area(fiscal_year=fiscal_year, province=province, lao_type=lao_type, service=service, month=month)
            .values("channel").annotate(**_sums()).order_by("-sum_amount", "channel"))
    return [{"channel": r["channel"], "label": channel_label(r["channel"]), "amount": _money(r["sum_amount"]),
             "payments": r["sum_payments"]} for r in rows]


def revenue_by_lao(*, fiscal_year: int, province: str | None = None, lao_type: str | None = None,
                   service: str | None = None, month: int | None = None, lao: str | None = None) -> list[dict]:
    """Per LAO with money: LAO_FIELDS + {amount, payments}, largest first (`lao`: one DLA code)."""
    queryset = (_revenue(fiscal_year=fiscal_year, province=province, lao_type=lao_type, service=service, month=month)
                if month else _years(fiscal_year=fiscal_year, province=province, lao_type=lao_type, service=service))
    if lao:
        queryset = queryset.filter(lao__dla_code=lao)
    sums = list(queryset.values("lao_id").annotate(**_sums()).order_by("-sum_amount", "lao_id"))
    laos = _laos(r["lao_id"] for r in sums)
    return [{**laos[r["lao_id"]], "amount": _money(r["sum_amount"]), "payments": r["sum_payments"]} for r in sums]


def top_laos(*, fiscal_year: int, province: str | None = None, lao_type: str | None = None,
             service: str | None = None, limit: int = 10) -> dict:
    """{"top": …, "bottom": …}: the `limit` active LAOs with the most and the least money in the fiscal year
    (LAO_FIELDS + amount, payments). The bottom counts every active LAO offering the service (of the type, in
    the province), those with nothing received first (amount 0). Two queries."""
    limit = max(1, min(int(limit), 100))
    laos = LAO.objects.filter(status=LAOStatus.ACTIVE)
    if province:
        laos = laos.filter(province_id=province)
    if lao_type:
        laos = laos.filter(lao_type=lao_type)
    if service:
        laos = laos.filter(lao_type=LAOType.PAO) if service in PAO_SERVICES else laos.exclude(lao_type=LAOType.PAO)
    money = Q(oversight_revenue_years__fiscal_year=fiscal_year) & (
        Q(oversight_revenue_years__service=service) if service else Q())
    ranked = (laos.annotate(revenue=FilteredRelation("oversight_revenue_years", condition=money))
              .annotate(sum_amount=Coalesce(Sum("revenue__amount"), ZERO),
                        sum_payments=Coalesce(Sum("revenue__payments"), 0))
              .select_related("province"))

    def rows(order):
        return [{**_lao_row(lao), "amount": _money(lao.sum_amount), "payments": lao.sum_payments}
                for lao in ranked.order_by(*order)[:limit]]

    return {"top": [r for r in rows(["-sum_amount", "dla_code"]) if r["amount"] > 0],
            "bottom": rows(["sum_amount", "dla_code"])}


# --- filing ----------------------------------------------------------------------------------------------------------

FILING_COUNTS = ["should_file", "filed", "on_time", "late"]


def _filing(*, fiscal_year, province=None, service=None, month=None, today=None):
    """The fiscal year's filing months whose deadline has passed (a month still open is not counted yet)."""
    today = today or timezone.localdate()
    queryset = FilingMonth.objects.filter(fiscal_year=fiscal_year, deadline__lt=today)
    if month:
        queryset = queryset.filter(period=month_of(fiscal_year, month))
    return _scope(queryset, province=province, service=service)


def _filing_sums():
    return {f"sum_{name}": Coalesce(Sum(name), 0) for name in FILING_COUNTS}


def _unsum(row: dict, names) -> dict:
    return {name: row.get(f"sum_{name}", 0) for name in names}


def _filing_rates(row: dict) -> dict:
    should = row["should_file"]
    row["not_filed"] = max(should - row["filed"], 0)
    row["on_time_percent"] = None if not should else (Decimal(row["on_time"]) * 100 / should).quantize(Decimal("0.1"))
    row["filed_percent"] = None if not should else (Decimal(row["filed"]) * 100 / should).quantize(Decimal("0.1"))
    return row


def filing_summary(*, fiscal_year: int, province: str | None = None, service: str | None = None,
                   month: int | None = None, today: datetime.date | None = None) -> dict:
    """Returns over the months of the fiscal year whose deadline has passed: {should_file (business-months that
    should have filed), filed, on_time, late, not_filed, on_time_percent, filed_percent}."""
    return _filing_rates(_unsum(_filing(fiscal_year=fiscal_year, province=province, service=service, month=month,
                                        today=today).aggregate(**_filing_sums()), FILING_COUNTS))


def filing_by_pao(*, fiscal_year: int, province: str | None = None, service: str | None = None,
                  month: int | None = None, today: datetime.date | None = None) -> list[dict]:
    """Filing compliance per PAO (every active PAO, in DLA-code order): LAO_FIELDS + the sums of
    filing_summary, plus `businesses` (registered now, from BusinessCount)."""
    sums = {r["lao_id"]: r for r in _filing(fiscal_year=fiscal_year, province=province, service=service,
                                             month=month, today=today)
            .values("lao_id").annotate(**_filing_sums()).order_by()}
    counts = _scope(BusinessCount.objects.all(), province=province, service=service).values("lao_id").annotate(
        n=Sum("registered")).order_by()
    businesses = {r["lao_id"]: r["n"] for r in counts}
    paos = LAO.objects.filter(lao_type=LAOType.PAO).filter(Q(status=LAOStatus.ACTIVE) | Q(pk__in=list(sums)))
    if province:
        paos = paos.filter(province_id=province)
    return [_filing_rates({**_lao_row(p), **_unsum(sums.get(p.pk, {}), FILING_COUNTS),
                           "businesses": businesses.get(p.pk, 0)})
            for p in paos.select_related("province").order_by("dla_code")]


def filing_by_month(*, fiscal_year: int, province: str | None = None, service: str | None = None,
                    today: datetime.date | None = None) -> list[dict]:
    """Twelve rows October–September: {month, should_file, filed, on_time, late, not_filed, …percent}; months
    whose deadline has not passed count only what was filed."""
    sums = {r["period"]: r for r in _filing(fiscal_year=fiscal_year, province=province, service=service,
                                             today=today).values("period").annotate(**_filing_sums()).order_by()}
    return [_filing_rates({"month": m, **_unsum(sums.get(m, {}), FILING_COUNTS)}) for m in fiscal_months(fiscal_year)]


# --- permits ---------------------------------------------------------------------------------------------------------

PERMIT_COUNTS = ["received", "approved", "refused", "decided_in_time", "decided_late", "issued"]


def _permits(*, fiscal_year, province=None, lao_type=None, month=None):
    queryset = PermitMonth.objects.filter(fiscal_year=fiscal_year)
    if month:
        queryset = queryset.filter(month=month_of(fiscal_year, month))
    return _scope(queryset, province=province, lao_type=lao_type)


def _permit_sums():
    return {f"sum_{name}": Coalesce(Sum(name), 0) for name in PERMIT_COUNTS}


def _decided(row: dict) -> dict:
    row["decided"] = row["approved"] + row["refused"]
    row["in_time_percent"] = (None if not row["decided"] else
                              (Decimal(row["decided_in_time"]) * 100 / row["decided"]).quantize(Decimal("0.1")))
    return row


def permits_summary(*, fiscal_year: int, province: str | None = None, lao_type: str | None = None,
                    month: int | None = None) -> dict:
    """{received, approved, refused, decided, decided_in_time, decided_late, in_time_percent, issued}."""
    return _decided(_unsum(_permits(fiscal_year=fiscal_year, province=province, lao_type=lao_type, month=month)
                           .aggregate(**_permit_sums()), PERMIT_COUNTS))


def permits_by_lao(*, fiscal_year: int, province: str | None = None, lao_type: str | None = None,
                   month: int | None = None, lao: str | None = None) -> list[dict]:
    """Per municipality/SAO with any application in the period: LAO_FIELDS + the counts of permits_summary,
    most received first."""
    queryset = _permits(fiscal_year=fiscal_year, province=province, lao_type=lao_type, month=month)
    if lao:
        queryset = queryset.filter(lao__dla_code=lao)
    sums = list(queryset.values("lao_id").annotate(**_permit_sums()).order_by("-sum_received", "lao_id"))
    laos = _laos(r["lao_id"] for r in sums)
    return [_decided({**laos[r["lao_id"]], **_unsum(r, PERMIT_COUNTS)}) for r in sums]


def permits_by_month(*, fiscal_year: int, province: str | None = None, lao_type: str | None = None) -> list[dict]:
    """Twelve rows October–September: {month, …the counts of permits_summary}."""
    sums = {r["month"]: r for r in _permits(fiscal_year=fiscal_year, province=province, lao_type=lao_type)
            .values("month").annotate(**_permit_sums()).order_by()}
    return [_decided({"month": m, **_unsum(sums.get(m, {}), PERMIT_COUNTS)})
            for m in fiscal_months(fiscal_year)]


# --- onboarding and businesses --------------------------------------------------------------------------------------

def onboarding_counts(*, province: str | None = None) -> dict:
    """LAOs in the registry by status: {"total": {registered, active, suspended, all}, "by_type": [{lao_type,
    label, registered, active, suspended, all}], "by_province": [{province, name_th, name_en, registered,
    active, suspended, all}]} (only `province` when given; every type and province listed). Two queries."""
    laos = LAO.objects.all()
    if province:
        laos = laos.filter(province_id=province)
    statuses = {s.value: Count("id", filter=Q(status=s.value)) for s in LAOStatus}
    statuses["all"] = Count("id")

    def shaped(row):
        return {s.value: row.get(s.value, 0) for s in LAOStatus} | {"all": row.get("all", 0)}

    by_type = {r["lao_type"]: r for r in laos.values("lao_type").annotate(**statuses).order_by()}
    by_province = {r["province_id"]: r for r in laos.values("province_id").annotate(**statuses).order_by()}
    provinces = Province.objects.order_by("code")
    if province:
        provinces = provinces.filter(code=province)
    total = {name: sum(r.get(name, 0) for r in by_type.values()) for name in statuses}
    return {"total": shaped(total),
            "by_type": [{"lao_type": t.value, "label": str(t.label), **shaped(by_type.get(t.value, {}))}
                        for t in LAOType],
            "by_province": [{"province": p.code, "name_th": p.name_th, "name_en": p.name_en,
                             **shaped(by_province.get(p.code, {}))} for p in provinces]}


def businesses_by_pao(*, province: str | None = None) -> list[dict]:
    """Businesses registered per PAO (active PAOs and any that published): LAO_FIELDS + {registered, pending,
    closed} in all and `by_service` {service: registered}."""
    rows = _scope(BusinessCount.objects.all(), province=province).values("lao_id", "service", "registered",
                                                                          "pending", "closed")
    per: dict[int, dict] = {}
    for r in rows:
        entry = per.setdefault(r["lao_id"], {"registered": 0, "pending": 0, "closed": 0, "by_service": {}})
        for name in ("registered", "pending", "closed"):
            entry[name] += r[name]
        entry["by_service"][r["service"]] = r["registered"]
    paos = LAO.objects.filter(lao_type=LAOType.PAO).filter(Q(status=LAOStatus.ACTIVE) | Q(pk__in=list(per)))
    if province:
        paos = paos.filter(province_id=province)
    empty = {"registered": 0, "pending": 0, "closed": 0, "by_service": {}}
    return [{**_lao_row(p), **per.get(p.pk, empty)} for p in paos.select_related("province").order_by("dla_code")]
