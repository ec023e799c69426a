"""Dates for people: always in the Buddhist era (พ.ศ. = ค.ศ. + 543)."""
import datetime

from django import template
from django.utils import timezone
from django.utils.translation import get_language
from pythainlp.util import thai_strftime

register = template.Library()

EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]


def buddhist_date(value: datetime.date | datetime.datetime, language: str | None = None) -> str:
    """'1 ตุลาคม 2568' in Thai, '1 October 2568 BE' in English."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if (language or get_language() or "th").startswith("th"):
        return thai_strftime(datetime.datetime(value.year, value.month, value.day), "%-d %B %Y")
    return f"{value.day} {EN_MONTHS[value.month - 1]} {value.year + 543} BE"


@register.filter
def thai_date(value):
    return buddhist_date(value) if value else ""


@register.filter
def thai_month(value):
    """'มีนาคม 2569' / 'March 2569 BE': a monthly period, in the Buddhist era."""
    if not value:
        return ""
    if (get_language() or "th").startswith("th"):
        return thai_strftime(datetime.datetime(value.year, value.month, 1), "%B %Y")
    return f"{EN_MONTHS[value.month - 1]} {value.year + 543} BE"
