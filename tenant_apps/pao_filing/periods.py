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


def months_late(deadline: datetime.date, filed_on: datetime.date) -> int:
    """Whole months or parts of a month after the deadline: one day late is one month."""
    if filed_on <= deadline:
        return 0
    months = (filed_on.year - deadline.year) * 12 + (filed_on.month - deadline.month)
    if filed_on.day > deadline.day:
        months += 1
    return max(months, 1)
