"""Reads of the published items: one person's across every LAO, and what the daily run must do on a day."""
from __future__ import annotations

import datetime

from django.db.models import Q

from .models import OPEN_KINDS, RECENTLY_PAID_DAYS, ItemKind, PersonBusiness, PersonItem


def open_items_for(user) -> list[PersonItem]:
    """Everything the person must do, at every LAO, soonest first (undated last)."""
    from django.db.models import F

    return list(PersonItem.objects.filter(user=user, kind__in=OPEN_KINDS)
                .select_related("lao", "lao__province")
                .order_by(F("due_on").asc(nulls_last=True), "lao__name_th", "key"))


def recently_paid_for(user, *, today: datetime.date) -> list[PersonItem]:
    since = today - datetime.timedelta(days=RECENTLY_PAID_DAYS)
    return list(PersonItem.objects.filter(user=user, kind=ItemKind.PAID, due_on__gte=since)
                .select_related("lao").order_by("-due_on", "-id"))


def businesses_for(user) -> list[PersonBusiness]:
    return list(PersonBusiness.objects.filter(user=user).select_related("lao", "lao__province")
                .order_by("lao__name_th", "name", "business_id"))


def reminders_due(*, day: datetime.date, lao_id: int | None = None):
    """Rows whose reminder falls on `day` (the GIN index on remind_on)."""
    rows = PersonItem.objects.filter(remind_on__contains=[day]).exclude(kind=ItemKind.PAID)
    return rows.filter(lao_id=lao_id) if lao_id is not None else rows


def laos_to_refresh(*, day: datetime.date) -> set[int]:
    """LAOs with a published item or business whose figures change by `day` (a month opens, a surcharge runs)."""
    items = PersonItem.objects.filter(refresh_on__lte=day).values_list("lao_id", flat=True).distinct()
    businesses = PersonBusiness.objects.filter(refresh_on__lte=day).values_list("lao_id", flat=True).distinct()
    return set(items) | set(businesses)


def laos_with_work(*, day: datetime.date) -> set[int]:
    """LAOs the daily run visits on `day`: a reminder is due there or its items must be refreshed."""
    reminding = set(reminders_due(day=day).values_list("lao_id", flat=True).distinct())
    return reminding | laos_to_refresh(day=day)


def person_has_item(*, user, lao_id: int, path: str) -> bool:
    return PersonItem.objects.filter(Q(user=user) & Q(lao_id=lao_id) & Q(path=path)).exists()
