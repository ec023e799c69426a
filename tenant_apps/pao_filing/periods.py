"""Monthly periods and their deadlines (DOMAIN.md §7)."""
import datetime

from shared_apps.calendar.selectors import next_working_day


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(period: datetime.date) -> datetime.date:
    return (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_end(period: datetime.date) -> datetime.date:
    return next_month(period) - datetime.timedelta(days=1)


def parse_period(value) -> datetime.date:
    """'2026-03' (or a date) → 1 March 2026."""
    if isinstance(value, datetime.date):
        return month_start(value)
    try:
        year, month = str(value).strip()[:7].split("-")
        return datetime.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ValueError(f"“{value}” is not a month (YYYY-MM)") from None


def deadline_for(period: datetime.date, *, deadline_day: int, moves_to_working_day: bool) -> datetime.date:
    """Day N of the following month, moved to the next working day where the ordinance says so."""
    deadline = next_month(period).replace(day=deadline_day)
    return next_working_day(deadline) if moves_to_working_day else deadline


# Lateness is billing's arithmetic too (the surcharge keeps running after filing): one definition.
from tenant_apps.billing.obligations import months_late  # noqa: E402,F401
