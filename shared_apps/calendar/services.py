import datetime

from django.db import transaction

from .models import PublicHoliday


@transaction.atomic
def holidays_set(*, year: int, holidays: list[tuple[datetime.date, str]]) -> int:
    """Replace one year's holidays (DLA publishes the list per year)."""
    for day, _name in holidays:
        if day.year != year:
            raise ValueError(f"{day} is not in {year}")
    PublicHoliday.objects.filter(date__year=year).delete()
    PublicHoliday.objects.bulk_create([PublicHoliday(date=day, name_th=name) for day, name in holidays])
    return len(holidays)
