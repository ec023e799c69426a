"""The officer's header menu and breadcrumbs, from the role map: each entry names a page (its URL name) and the
action (officers/access.py) that opens it, so the menu lists exactly what the person's roles open.

An entry whose URL name does not resolve on this LAO type (a PAO has no advertising, a municipality no returns,
or a page not built yet) is skipped. Breadcrumbs: a view may pass its own `breadcrumbs` (a list of (label, url)
pairs, the last with url None); an officer page that passes none gets the trail this module knows for its URL
name (the officer home, then the page's section), so every officer page has one.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .access import Action, LAOAccess

ANY_ROLE = None  # an entry every role (observers too) may open


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str
    action: str | None = ANY_ROLE
    parent: str | None = None  # a page reached from another (a return from the queue): its breadcrumb parent
    guide: str = ""  # the guide's section for the page's help link
    in_menu: bool = True


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    entries: tuple[Entry, ...]


MENU: tuple[Group, ...] = (
    Group("work", _("Work"), (
        Entry("officers:home", _("Officer home"), guide="home"),
        Entry("pao:registrations", _("Business registrations"), Action.REVIEW_BUSINESSES, guide="registrations"),
        Entry("pao:queue", _("Returns to review"), Action.VIEW_RETURNS, guide="returns"),
        Entry("pao:review", _("Review a return"), Action.VIEW_RETURNS, parent="pao:queue", guide="returns",
              in_menu=False),
        Entry("pao:overdue", _("Businesses that have not filed"), Action.VIEW_RETURNS, guide="overdue"),
        Entry("advertising:queue", _("Advertising applications"), Action.VIEW_APPLICATIONS, guide="advertising"),
        Entry("advertising:application", _("Application"), Action.VIEW_APPLICATIONS, parent="advertising:queue",
              guide="advertising", in_menu=False),
    )),
    Group("money", _("Money"), (
        Entry("billing:overview", _("Money at a glance"), Action.VIEW_MONEY, guide="money"),
        Entry("billing:invoices", _("Payments at the counter"), Action.RECORD_PAYMENTS, guide="counter"),
        Entry("billing:statements", _("Bank statement files"), Action.RECORD_PAYMENTS, guide="statements"),
        Entry("billing:exceptions", _("Payment exceptions and credits"), Action.RECORD_PAYMENTS, guide="exceptions"),
        Entry("billing:receipts", _("Receipts"), Action.RECORD_PAYMENTS, guide="receipts"),
        Entry("billing:daily_summary", _("Daily summary of money received"), Action.VIEW_FINANCE_REGISTERS,
              guide="registers"),
        Entry("billing:receipt_register", _("Receipt register"), Action.VIEW_FINANCE_REGISTERS, guide="registers"),
        Entry("billing:receivables", _("Receivables"), Action.VIEW_FINANCE_REGISTERS, guide="registers"),
        Entry("billing:elaas_export", _("Export for e-LAAS"), Action.EXPORT_ELAAS, guide="registers"),
    )),
    Group("settings", _("Settings"), (
        Entry("pao:ordinance-settings", _("Ordinance rates and filing rules"), Action.MANAGE_ORDINANCES,
              guide="settings"),
        Entry("advertising:policy", _("Advertising conditions"), Action.MANAGE_ADVERTISING_POLICY, guide="settings"),
        Entry("billing:settings", _("Payment settings"), Action.MANAGE_PAYMENT_SETTINGS, guide="settings"),
        Entry("billing:revenue_codes", _("e-LAAS revenue codes"), Action.MANAGE_REVENUE_CODES, guide="settings"),
        Entry("officers:list", _("Officers"), Action.VIEW_OFFICERS, guide="officers"),
        Entry("officers:audit", _("Audit trail"), Action.VIEW_AUDIT, guide="officers"),
        Entry("officers:account", _("My account"), guide="account", in_menu=False),
    )),
    Group("help", _("Help"), (
        Entry("officers:guide", _("Officer's guide"), guide=""),
    )),
)
ENTRIES: dict[str, Entry] = {entry.url_name: entry for group in MENU for entry in group.entries}


def _url(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:  # not on this LAO type, takes arguments, or not built yet
        return None


def allowed(entry: Entry, access: LAOAccess) -> bool:
    return bool(access.roles) and (entry.action is ANY_ROLE or access.allows(entry.action))


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


def menu_for(access: LAOAccess, *, current: str = "") -> list[tuple[Group, list[Link]]]:
    """The groups and links `access` opens on this LAO's site, each group only if it has a link."""
    if not access.roles:
        return []
    groups = []
    for group in MENU:
        links = []
        for entry in group.entries:
            if not entry.in_menu or not allowed(entry, access):
                continue
            url = _url(entry.url_name)
            if url is not None:
                links.append(Link(str(entry.label), url, current == entry.url_name))
        if links:
            groups.append((group, links))
    return groups


def breadcrumbs_for(view_name: str, access: LAOAccess) -> list[tuple[str, str | None]]:
    """The default trail of an officer page: officer home › its parent › the page (no link)."""
    entry = ENTRIES.get(view_name)
    if entry is None or not allowed(entry, access):
        return []
    home = (str(ENTRIES["officers:home"].label), _url("officers:home"))
    if view_name == "officers:home":
        return [(home[0], None)]
    trail = [home]
    parent = ENTRIES.get(entry.parent or "")
    if parent is not None and (url := _url(parent.url_name)):
        trail.append((str(parent.label), url))
    trail.append((str(entry.label), None))
    return trail


def help_url_for(view_name: str) -> str | None:
    """The help link of an officer page: the guide, at the page's section."""
    guide = _url("officers:guide")
    entry = ENTRIES.get(view_name)
    if guide is None or entry is None:
        return None
    return f"{guide}#{entry.guide}" if entry.guide else guide
