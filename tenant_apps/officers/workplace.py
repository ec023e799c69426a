"""The officer home's panels: for each queue the person's roles can act on, the count, the oldest item's age and a
link; deadlines soon and missed. The counts come from each app's selectors (aggregate queries: a fixed number
whatever the rows); this module only decides, from the role map, which panels a person sees.

A provincial-office observer acts on nothing: they see the queues they may read, marked read-only.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .access import OBSERVER, Action, LAOAccess


@dataclass
class Item:
    label: str
    count: int
    url: str = ""
    oldest: datetime.datetime | datetime.date | None = None  # the oldest item waiting (or the nearest date)
    oldest_label: str = ""  # what the date says: "waiting since", "ends on", "due by"
    amount: object = None  # baht, where the queue is money
    oldest_url: str = ""  # the oldest item itself, where it has a page
    note: str = ""

    @property
    def age_days(self) -> int | None:
        if self.oldest is None:
            return None
        day = timezone.localtime(self.oldest).date() if isinstance(self.oldest, datetime.datetime) else self.oldest
        return (timezone.localdate() - day).days

    @property
    def days_left(self) -> int:
        """For a date still ahead (a deadline, a permit's end): how many days until it."""
        age = self.age_days
        return -age if age is not None and age < 0 else 0


@dataclass
class Panel:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    read_only: bool = False
    guide: str = ""

    @property
    def total(self) -> int:
        return sum(item.count for item in self.items)


def _url(name: str, query: str = "") -> str:
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return ""


def _has_app(lao, app: str) -> bool:
    return app in settings.TENANT_TYPES[lao.lao_type]["APPS"]


def _mode(access: LAOAccess, *, act: str, view: str) -> str | None:
    """'act' when the roles act on the queue, 'read' for an observer who may read it, None otherwise."""
    if access.allows(act):
        return "act"
    if OBSERVER in access.roles and access.allows(view):
        return "read"
    return None


def panels_for(access: LAOAccess, *, lao, today: datetime.date | None = None) -> list[Panel]:
    """The home's panels for `access` in `lao` (the schema in use), in the order of a working day."""
    today = today or timezone.localdate()
    panels: list[Panel] = []
    if not access.roles:
        return panels
    if _has_app(lao, "tenant_apps.pao_filing"):
        panels += _pao_panels(access, today)
    if _has_app(lao, "tenant_apps.advertising"):
        panels += _advertising_panels(access, today)
    panels += _money_panels(access)
    if access.allows(Action.MANAGE_OFFICERS):
        from .selectors import invitations_waiting

        waiting = invitations_waiting()
        panels.append(Panel("officers", _("Officers"), guide="officers", items=[
            Item(_("Invitations not yet accepted"), waiting["count"], _url("officers:list"), waiting["oldest"],
                 pgettext_lazy("oldest item", "sent"))]))
    return panels


def _pao_panels(access: LAOAccess, today) -> list[Panel]:
    from tenant_apps.pao_filing import selectors as pao

    panels = []
    if access.allows(Action.REVIEW_BUSINESSES):
        waiting = pao.registrations_waiting()
        panels.append(Panel("registrations", _("Business registrations to decide"), guide="registrations", items=[
            Item(_("Waiting for approval"), waiting["count"], _url("pao:registrations"), waiting["oldest"],
                 pgettext_lazy("oldest item", "registered"))]))
    mode = _mode(access, act=Action.REVIEW_RETURNS, view=Action.VIEW_RETURNS)
    if mode:
        panels.append(Panel("returns", _("Returns to review"), read_only=mode == "read", guide="returns", items=[
            Item(row["label"], row["count"], _url("pao:queue"), row["oldest"], pgettext_lazy("oldest item", "filed"),
                 oldest_url=reverse("pao:review", args=[row["kind"], row["oldest_id"]]) if row["oldest_id"] else "")
            for row in pao.returns_waiting()]))
        deadlines = Panel("filing", _("Filing deadlines this month"), read_only=mode == "read", guide="overdue")
        from tenant_apps.businesses.models import BusinessKind

        for row in pao.filing_deadlines(today=today):
            label = (_("%(kind)s: missed the deadline") if row["passed"] else _("%(kind)s: not filed yet")) % {
                "kind": BusinessKind(row["kind"]).label}
            deadlines.items.append(Item(label, row["not_filed"], _url("pao:overdue") if row["passed"] else "",
                                        row["deadline"], pgettext_lazy("oldest item", "deadline"), note=row["period"]))
        panels.append(deadlines)
    return panels


def _advertising_panels(access: LAOAccess, today) -> list[Panel]:
    from tenant_apps.advertising import selectors as advertising

    waiting = advertising.applications_waiting(today=today)
    queue = "advertising:queue"
    steps = [  # (who acts, label, count key, status filter, what the oldest date is)
        (Action.GIVE_OPINION, _("New: waiting for the officer's opinion"), "new", "submitted", pgettext_lazy("oldest item", "submitted")),
        (Action.GIVE_OPINION, _("More information requested from the applicant"), "more_info", "more_info",
         pgettext_lazy("oldest item", "asked")),
        (Action.SIGN_ORDERS, _("Opinion given: waiting for the order"), "opinion_given", "opinion_given",
         pgettext_lazy("oldest item", "opinion given")),
        (Action.RECORD_PAYMENTS, _("Approved: fee due at the counter"), "fee_due", "approved", pgettext_lazy("oldest item", "approved")),
    ]
    observer = OBSERVER in access.roles and access.allows(Action.VIEW_APPLICATIONS)
    panel = Panel("applications", _("Advertising applications"), read_only=observer and not any(
        access.allows(action) for action, *_rest in steps), guide="advertising")
    for action, label, key, status, since in steps:
        if access.allows(action) or observer:
            oldest_id = waiting[f"{key}_oldest_id"]
            panel.items.append(Item(label, waiting[key], _url(queue, f"status={status}"), waiting[f"{key}_oldest"],
                                    since, oldest_url=reverse("advertising:application", args=[oldest_id])
                                    if oldest_id else ""))
    panels = [panel] if panel.items else []
    deciders = access.allows(Action.GIVE_OPINION) or access.allows(Action.SIGN_ORDERS)
    if deciders or observer:
        deadlines = Panel("deadlines", _("Decision deadlines"), read_only=not deciders, guide="advertising", items=[
            Item(_("Due within two days"), waiting["due_soon"], _url(queue), waiting["due_soon_first"], pgettext_lazy("oldest item", "due by")),
            Item(_("Deadline missed"), waiting["late"], _url(queue), waiting["late_oldest"], pgettext_lazy("oldest item", "due by")),
        ])
        if access.allows(Action.CHECK_REMOVAL) or observer:
            permits = advertising.permits_ending(today=today)
            deadlines.items += [
                Item(_("Permits ending within 7 days"), permits["ending"], _url(queue, "status=issued"),
                     permits["ending_first"], pgettext_lazy("oldest item", "ends on")),
                Item(_("Ended, removal not confirmed"), permits["not_removed"], _url(queue, "status=issued"),
                     permits["not_removed_oldest"], pgettext_lazy("oldest item", "ended on")),
            ]
        panels.append(deadlines)
    return panels


def _money_panels(access: LAOAccess) -> list[Panel]:
    from tenant_apps.billing import selectors as billing

    if not access.allows(Action.RECORD_PAYMENTS):
        return []
    counter = billing.counter_waiting()
    exceptions = billing.statement_exceptions_waiting()
    refunds = billing.refunds_waiting()
    credits = billing.credits_waiting()
    page = _url("billing:exceptions")
    return [
        Panel("counter", _("Invoices at the counter"), guide="counter", items=[
            Item(_("Open invoices"), counter["count"], _url("billing:invoices"), counter["oldest"], pgettext_lazy("oldest item", "issued"))]),
        Panel("exceptions", _("Statement exceptions (last 30 days)"), guide="exceptions", items=[
            Item(_("Statement lines that matched nothing"), exceptions["unmatched"], _url("billing:statements"),
                 exceptions["unmatched_oldest"], pgettext_lazy("oldest item", "file of")),
            Item(_("Paid less than was due"), exceptions["mismatched"], page, exceptions["mismatched_oldest"],
                 pgettext_lazy("oldest item", "received")),
            Item(_("Paid more than was due, or after settlement"), exceptions["overpaid"], page,
                 exceptions["overpaid_oldest"], pgettext_lazy("oldest item", "received")),
            Item(_("Reversed by the bank"), exceptions["reversed"], page, exceptions["reversed_oldest"],
                 pgettext_lazy("oldest item", "reversed")),
        ]),
        Panel("refunds", _("Refunds and credits"), guide="exceptions", items=[
            Item(_("Refunds to send to the bank"), refunds["count"], page + "#refunds-h", refunds["oldest"],
                 pgettext_lazy("oldest item", "created"), amount=refunds["amount"]),
            Item(_("Credits waiting for a refund or a set-off"), credits["count"], page + "#credits-h",
                 credits["oldest"], pgettext_lazy("oldest item", "since"), amount=credits["amount"]),
        ]),
    ]
