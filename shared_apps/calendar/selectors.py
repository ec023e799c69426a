import datetime

from .models import PublicHoliday


def is_working_day(day: datetime.date, *, holidays: set[datetime.date] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    if holidays is None:
        return not PublicHoliday.objects.filter(date=day).exists()
    return day not in holidays


def next_working_day(day: datetime.date) -> datetime.date:
    """The day itself if it is a working day, else the next one (weekends and DLA's holidays)."""
    holidays = set(PublicHoliday.objects.filter(date__gte=day, date__lte=day + datetime.timedelta(days=31))
                   .values_list("date", flat=True))
    while not is_working_day(day, holidays=holidays):
        day += datetime.timedelta(days=1)
    return day


def fiscal_year(day: datetime.date) -> int:
    """The Thai fiscal year (ปีงบประมาณ) a day falls in, named by the Buddhist-era year it ends in:
    1 Oct 2025 – 30 Sep 2026 is 2569."""
    return day.year + 543 + (1 if day.month >= 10 else 0)
