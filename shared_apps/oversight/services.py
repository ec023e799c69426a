"""Writes of the published figures (public schema). Called by the LAO side after its own transaction has
committed (see tenant_apps/published/figures.py) and by `rebuild_published_figures`; public code never
reads a LAO's schema to make them.

Two ways of writing, one per kind of figure:
- money, as deltas: `revenue_add_rows()` adds to the daily row and its monthly roll-up in one transaction
  (an upsert that adds, so concurrent postings of the same LAO and day never lose one another) — the same
  way `shared_apps.ledger.revenue_add` keeps RevenueDaily;
- counts (filing, permits, businesses), as absolute values recomputed from the LAO's records: the caller
  takes `figures_lock()` before it reads, so whichever publisher writes last has read everything committed.

`*_replace()` swaps all of one LAO's rows of a kind at once (the rebuild, one transaction per LAO).
"""
from __future__ import annotations

import datetime
import zlib
from decimal import Decimal
from typing import Iterable

from django.db import connection, transaction

from shared_apps.calendar.selectors import fiscal_year

from .models import (BusinessCount, FilingMonth, PermitMonth, RevenueAreaMonth, RevenueChannelDay, RevenueLaoYear,
                     RevenueMonth)

KINDS = ("revenue", "filing", "permits", "businesses")


def _table(model) -> str:
    return f'public."{model._meta.db_table}"'


def figures_lock(*, lao_id: int, kind: str, shared: bool = False) -> None:
    """A transaction-level advisory lock on one LAO's figures of a kind (released at commit or rollback);
    `shared` for money deltas, which add up among themselves and wait only for a rebuild."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [zlib.crc32(f"oversight:{kind}".encode()) - 2**31, lao_id])


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def revenue_add_rows(*, lao_id: int, rows: Iterable[tuple[str, str, datetime.date, Decimal, int]]) -> None:
    """Add (service, channel, day, amount, payments) deltas to the LAO's daily rows and monthly roll-up, in one
    transaction, in key order (two publishers never wait on each other in a cycle)."""
    daily: dict[tuple, list] = {}
    for service, channel, day, amount, payments in rows:
        total = daily.setdefault((service, channel or "", day), [Decimal("0"), 0])
        total[0] += amount
        total[1] += payments
    if not daily:
        return
    monthly: dict[tuple, list] = {}
    for (service, channel, day), (amount, payments) in daily.items():
        total = monthly.setdefault((service, channel, _month(day)), [Decimal("0"), 0])
        total[0] += amount
        total[1] += payments
    yearly: dict[tuple, list] = {}
    for (service, _channel, month), (amount, payments) in monthly.items():
        total = yearly.setdefault((service, fiscal_year(month)), [Decimal("0"), 0])
        total[0] += amount
        total[1] += payments
    day_table, month_table = _table(RevenueChannelDay), _table(RevenueMonth)
    year_table, area_table = _table(RevenueLaoYear), _table(RevenueAreaMonth)
    with transaction.atomic(), connection.cursor() as cursor:
        figures_lock(lao_id=lao_id, kind="revenue", shared=True)
        cursor.execute('SELECT province_id, lao_type FROM public."tenants_lao" WHERE id = %s', [lao_id])
        province, lao_type = cursor.fetchone()
        for (service, channel, day), (amount, payments) in sorted(daily.items()):
            cursor.execute(
                f"INSERT INTO {day_table} (lao_id, service, channel, day, amount, payments) "
                f"VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (lao_id, service, channel, day) DO UPDATE SET "
                f"amount = {day_table}.amount + EXCLUDED.amount, payments = {day_table}.payments + EXCLUDED.payments",
                [lao_id, service, channel, day, amount, payments])
        for (service, channel, month), (amount, payments) in sorted(monthly.items()):
            cursor.execute(
                f"INSERT INTO {month_table} (lao_id, service, channel, month, fiscal_year, amount, payments) "
                f"VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (lao_id, service, channel, month) DO UPDATE SET "
                f"amount = {month_table}.amount + EXCLUDED.amount, "
                f"payments = {month_table}.payments + EXCLUDED.payments",
                [lao_id, service, channel, month, fiscal_year(month), amount, payments])
        for (service, year), (amount, payments) in sorted(yearly.items()):
            cursor.execute(
                f"INSERT INTO {year_table} (lao_id, service, fiscal_year, amount, payments) VALUES (%s, %s, %s, %s, %s) "
                f"ON CONFLICT (lao_id, service, fiscal_year) DO UPDATE SET amount = {year_table}.amount + "
                f"EXCLUDED.amount, payments = {year_table}.payments + EXCLUDED.payments",
                [lao_id, service, year, amount, payments])
        # Last: rows shared by the province's LAOs, in key order, each held only to the end of this short transaction.
        for (service, channel, month), (amount, payments) in sorted(monthly.items()):
            cursor.execute(
                f"INSERT INTO {area_table} (province, lao_type, service, channel, month, fiscal_year, amount, payments) "
                f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (province, lao_type, service, channel, month) "
                f"DO UPDATE SET amount = {area_table}.amount + EXCLUDED.amount, "
                f"payments = {area_table}.payments + EXCLUDED.payments",
                [province, lao_type, service, channel, month, fiscal_year(month), amount, payments])


def revenue_replace(*, lao_id: int, rows: Iterable[tuple[str, str, datetime.date, Decimal, int]]) -> int:
    """All of a LAO's money figures replaced by these (service, channel, day, amount, payments) rows, the old
    ones deleted first, in one transaction (RevenueDaily too: the same sums without the channel)."""
    from shared_apps.ledger.models import RevenueDaily

    rows = list(rows)
    with transaction.atomic():
        figures_lock(lao_id=lao_id, kind="revenue")
        # The LAO's share of the national roll-up taken out (as its months stand), then added back by the rows.
        old = [(service, channel, month, -amount, -payments) for service, channel, month, amount, payments in
               RevenueMonth.objects.filter(lao_id=lao_id).values_list("service", "channel", "month", "amount",
                                                                       "payments")]
        RevenueChannelDay.objects.filter(lao_id=lao_id).delete()
        RevenueMonth.objects.filter(lao_id=lao_id).delete()
        RevenueLaoYear.objects.filter(lao_id=lao_id).delete()
        _area_add(lao_id=lao_id, rows=old)
        RevenueDaily.objects.filter(lao_id=lao_id).delete()
        revenue_add_rows(lao_id=lao_id, rows=rows)
        daily: dict[tuple, list] = {}
        for service, _channel, day, amount, payments in rows:
            total = daily.setdefault((service, day), [Decimal("0"), 0])
            total[0] += amount
            total[1] += payments
        RevenueDaily.objects.bulk_create(
            [RevenueDaily(lao_id=lao_id, service=service, day=day, amount=amount, payments=payments)
             for (service, day), (amount, payments) in sorted(daily.items())], batch_size=2000)
    return len(rows)


def _area_add(*, lao_id: int, rows) -> None:
    """Add (service, channel, month, amount, payments) to the national roll-up of the LAO's province and type."""
    from tenants.models import LAO

    lao = LAO.objects.only("province_id", "lao_type").get(pk=lao_id)
    area_table = _table(RevenueAreaMonth)
    with connection.cursor() as cursor:
        for service, channel, month, amount, payments in sorted(rows):
            cursor.execute(
                f"UPDATE {area_table} SET amount = amount + %s, payments = payments + %s WHERE province = %s AND "
                f"lao_type = %s AND service = %s AND channel = %s AND month = %s",
                [amount, payments, lao.province_id, lao.lao_type, service, channel, month])


def area_rollup_rebuild() -> int:
    """The national roll-up recomputed from every LAO's monthly rows, with each LAO's province and type as the
    registry has them now (after a re-import moved a LAO, say). One transaction."""
    area_table, month_table = _table(RevenueAreaMonth), _table(RevenueMonth)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {area_table} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {area_table}")
        cursor.execute(
            f"INSERT INTO {area_table} (province, lao_type, service, channel, month, fiscal_year, amount, payments) "
            f"SELECT l.province_id, l.lao_type, m.service, m.channel, m.month, m.fiscal_year, sum(m.amount), "
            f"sum(m.payments) FROM {month_table} m JOIN public.\"tenants_lao\" l ON l.id = m.lao_id "
            f"GROUP BY 1, 2, 3, 4, 5, 6")
        return cursor.rowcount


FILING_FIELDS = ["deadline", "should_file", "filed", "on_time", "late"]
PERMIT_FIELDS = ["received", "approved", "refused", "decided_in_time", "decided_late", "issued"]
BUSINESS_FIELDS = ["registered", "pending", "closed"]


def filing_publish(*, lao_id: int, rows: list[dict], replace: bool = False) -> None:
    """Rows {service, period, deadline, should_file, filed, on_time, late} as they now stand (absolute)."""
    objects = [FilingMonth(lao_id=lao_id, service=r["service"], period=r["period"],
                           fiscal_year=fiscal_year(r["period"]), **{f: r[f] for f in FILING_FIELDS}) for r in rows]
    with transaction.atomic():
        if replace:
            FilingMonth.objects.filter(lao_id=lao_id).delete()
        FilingMonth.objects.bulk_create(objects, update_conflicts=True, unique_fields=["lao", "service", "period"],
                                        update_fields=FILING_FIELDS, batch_size=2000)


def permits_publish(*, lao_id: int, rows: list[dict], replace: bool = False) -> None:
    """Rows {month, received, approved, refused, decided_in_time, decided_late, issued} (absolute)."""
    objects = [PermitMonth(lao_id=lao_id, month=r["month"], fiscal_year=fiscal_year(r["month"]),
                           **{f: r[f] for f in PERMIT_FIELDS}) for r in rows]
    with transaction.atomic():
        if replace:
            PermitMonth.objects.filter(lao_id=lao_id).delete()
        PermitMonth.objects.bulk_create(objects, update_conflicts=True, unique_fields=["lao", "month"],
                                        update_fields=PERMIT_FIELDS, batch_size=2000)


def businesses_publish(*, lao_id: int, rows: list[dict], replace: bool = False) -> None:
    """Rows {service, registered, pending, closed} (absolute)."""
    objects = [BusinessCount(lao_id=lao_id, service=r["service"], **{f: r[f] for f in BUSINESS_FIELDS})
               for r in rows]
    with transaction.atomic():
        if replace:
            BusinessCount.objects.filter(lao_id=lao_id).delete()
        BusinessCount.objects.bulk_create(objects, update_conflicts=True, unique_fields=["lao", "service"],
                                          update_fields=BUSINESS_FIELDS + ["updated_at"])
