"""Arithmetic of an obligation's balance and running surcharge: pure functions, no database writes.

The surcharge (เงินเพิ่ม) is a percentage per month or part of a month of the tax still unpaid, counted
from the deadline, up to the ordinance's cap. An obligation records how many months of it have been
charged (`surcharge_months`); on any later day the surcharge due for the months since is computed here and
only written (as an entry) by a service holding the obligation's lock — a page that shows the amount, or a
bank's verify, never writes.

Rounding: each piece of surcharge is the total for the months so far, rounded once to the satang (half
up), less the total already charged for the earlier months — so charging month by month and charging at
once give the same baht.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from shared_apps.money import round_baht

ZERO = Decimal("0.00")
# What a bank slip can carry: the Thai QR's tag 54 holds 13 characters (9999999999.99).
MAX_PAYABLE = Decimal("9999999999.99")


def months_late(deadline: datetime.date, day: datetime.date) -> int:
    """Whole months or parts of a month after the deadline: one day late is one month."""
    if day <= deadline:
        return 0
    months = (day.year - deadline.year) * 12 + (day.month - deadline.month)
    if day.day > deadline.day:
        months += 1
    return max(months, 1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def payable_until(*, surcharge_from: datetime.date, on: datetime.date) -> datetime.date:
    """The last day an amount that includes a running surcharge stays the same."""
    return surcharge_from if on <= surcharge_from else add_months(surcharge_from, months_late(surcharge_from, on))


def surcharge_total(*, base: Decimal, percent, cap, months: int) -> Decimal:
    """The surcharge on `base` for `months` months, capped, rounded once."""
    if percent is None or months <= 0 or base <= 0:
        return ZERO
    rate = Decimal(percent) * months
    if cap is not None:
        rate = min(rate, Decimal(cap))
    return round_baht(base * rate / 100)


def surcharge_between(obligation, *, base: Decimal, from_months: int, to_months: int) -> Decimal:
    if to_months <= from_months:
        return ZERO
    kwargs = {"base": base, "percent": obligation.surcharge_percent_per_month,
              "cap": obligation.surcharge_cap_percent}
    return surcharge_total(months=to_months, **kwargs) - surcharge_total(months=from_months, **kwargs)


def months_on(obligation, day: datetime.date) -> int:
    return months_late(obligation.surcharge_from, day) if obligation.surcharge_from else 0


def accrual(obligation, day: datetime.date) -> tuple[Decimal, int]:
    """(surcharge not yet charged up to `day`, the months it brings the obligation to)."""
    months = months_on(obligation, day)
    if (obligation.surcharge_percent_per_month is None or months <= obligation.surcharge_months
            or obligation.balance <= 0):
        return ZERO, max(months, obligation.surcharge_months)
    return surcharge_between(obligation, base=obligation.surcharge_base, from_months=obligation.surcharge_months,
                             to_months=months), months


def payable_on(obligation, day: datetime.date) -> Decimal:
    """What settles the obligation on `day`: its balance plus the surcharge run since (≤ 0: nothing owed)."""
    extra, _months = accrual(obligation, day)
    return obligation.balance + extra


def pay_by(obligation, day: datetime.date) -> datetime.date:
    """The last day the amount payable on `day` stays the same."""
    if obligation.surcharge_from is None or obligation.surcharge_percent_per_month is None:
        return obligation.due_date
    return max(obligation.due_date, payable_until(surcharge_from=obligation.surcharge_from, on=day))
