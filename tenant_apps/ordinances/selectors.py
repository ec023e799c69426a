import datetime

from .models import FilingRule, OrdinanceRate


def rate_in_force(*, product: str, on: datetime.date) -> OrdinanceRate | None:
    """The rate that applies on a day: the latest one in force from that day or before."""
    return (OrdinanceRate.objects.filter(product=product, effective_from__lte=on)
            .order_by("-effective_from").first())


def rates_in_force(*, on: datetime.date) -> list[OrdinanceRate]:
    """One rate per product, as in force on a day."""
    rates = OrdinanceRate.objects.filter(effective_from__lte=on).order_by("product", "-effective_from")
    return list(rates.distinct("product"))


def filing_rule_in_force(*, revenue: str, on: datetime.date) -> FilingRule | None:
    return (FilingRule.objects.filter(revenue=revenue, effective_from__lte=on)
            .order_by("-effective_from").first())


def rates_during(*, product: str, start: datetime.date, end: datetime.date) -> list[OrdinanceRate]:
    """Every rate in force at some time from `start` to `end` (inclusive), oldest first: the one in force
    on `start` (if any), then those starting after it up to `end`."""
    first = rate_in_force(product=product, on=start)
    later = OrdinanceRate.objects.filter(product=product, effective_from__gt=start, effective_from__lte=end)
    return ([first] if first else []) + list(later.order_by("effective_from"))
