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
                .select_related("lao", "lao__province").order_by("-due_on", "-id"))


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


# --- the central "My account" --------------------------------------------------------------------------------------

class Group:
    """The items of one business the person acts for (`business` set), or their own (`business` None)."""

    def __init__(self, *, lao=None, business=None, name: str = ""):
        self.lao, self.business, self.name = lao, business, name
        self.items: list[PersonItem] = []

    @property
    def soonest(self) -> datetime.date | None:
        return next((item.due_on for item in self.items if item.due_on is not None), None)


def account_for(user, *, today: datetime.date) -> dict:
    """What the central "My account" and its API show: the open items soonest first, grouped by the business
    they are for (every business the person acts for, even with nothing to do) and the person's own apart;
    the recent receipts. Three queries whatever the number of items."""
    items = open_items_for(user)
    businesses = businesses_for(user)
    own = Group()
    groups: dict[tuple[int, int], Group] = {
        (b.lao_id, b.business_id): Group(lao=b.lao, business=b, name=b.name) for b in businesses}
    for item in items:
        if item.business_id is None:
            own.items.append(item)
            continue
        group = groups.get((item.lao_id, item.business_id))
        if group is None:  # an invoice of a business not (or no longer) listed as one they act for
            group = groups[(item.lao_id, item.business_id)] = Group(lao=item.lao, name=item.business_name)
        group.items.append(item)
    far = datetime.date.max
    ordered = sorted(groups.values(), key=lambda g: (not g.items, g.soonest or far, g.lao.name_th, g.name))
    return {"items": items, "own": own, "businesses": ordered, "recently_paid": recently_paid_for(user, today=today),
            "overdue": sum(1 for item in items if item.due_on is not None and item.due_on < today)}
