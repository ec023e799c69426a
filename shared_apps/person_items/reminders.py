"""Reminders from the published items (issue 14): on the days an item's `remind_on` names, each person it
belongs to is told once, in their language, with the link that lands them signed in on the LAO's page —
through the one notification interface (shared_apps.notifications), which keeps "once per item per day",
the person's muted kinds (legal notices excepted), their verified address and the quiet hours.

Nothing here reads a LAO's schema: a settled item has no row any more, so it is never reminded. The daily run
(`send_reminders`) hands each LAO with something to do today to one task carrying its schema, which first
refreshes what changes with time alone there (tenant_apps.published.person_items.refresh) and then calls
`lao_reminders_send()`.
"""
from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ItemKind, PersonItem
from .selectors import reminders_due

# Which notification kind each item's reminders are (the person mutes by these; credits are not reminded).
NOTIFICATION_KIND = {
    ItemKind.RETURN_DUE: "return_due",
    ItemKind.INVOICE_UNPAID: "invoice_due",
    ItemKind.INFO_REQUESTED: "info_requested",
    ItemKind.PERMIT_ENDING: "permit_ending",
    ItemKind.REMOVAL_NOTICE: "removal_notice",
}


def _baht(amount) -> str:
    return f"{amount:,.2f}"


def _when(due: datetime.date, day: datetime.date) -> str:
    days = (due - day).days
    if days > 1:
        return _("in %(days)d days") % {"days": days}
    if days == 1:
        return _("tomorrow")
    if days == 0:
        return _("today")
    return _("%(days)d days ago") % {"days": -days}


def message_for(item: PersonItem, *, day: datetime.date) -> tuple[str, str]:
    """(subject, body) of the reminder of `item` on `day`, in the language active now (the caller's override)."""
    from shared_apps.portal.templatetags.thai_dates import buddhist_date, thai_month

    lao = item.lao.full_name_th
    lines = [lao]
    if item.business_name:
        lines.append(_("Business: %(name)s") % {"name": item.business_name})
    due = item.due_on
    if item.kind == ItemKind.RETURN_DUE:
        subject = _("File the return for %(month)s by %(date)s") % {
            "month": thai_month(item.period), "date": buddhist_date(due)}
        lines.append(_("The return for %(month)s is due %(when)s (%(date)s). If it is already filed, ignore this.")
                     % {"month": thai_month(item.period), "when": _when(due, day), "date": buddhist_date(due)})
    elif item.kind == ItemKind.INVOICE_UNPAID:
        if day <= due:
            subject = _("%(amount)s baht to pay by %(date)s") % {"amount": _baht(item.amount),
                                                                "date": buddhist_date(due)}
            lines.append(_("%(title)s: %(amount)s baht, due %(when)s (%(date)s).") % {
                "title": item.title, "amount": _baht(item.amount), "when": _when(due, day), "date": buddhist_date(due)})
            if item.amount_after_due is not None:
                lines.append(_("After that day it will be %(amount)s baht with the surcharge.")
                             % {"amount": _baht(item.amount_after_due)})
        else:
            subject = _("Overdue: %(amount)s baht to pay") % {"amount": _baht(item.amount)}
            lines.append(_("%(title)s was due on %(date)s. To pay today: %(amount)s baht.") % {
                "title": item.title, "date": buddhist_date(due), "amount": _baht(item.amount)})
            if item.amount_after_due is not None:
                lines.append(_("The surcharge keeps running each month: %(amount)s baht after %(date)s.") % {
                    "amount": _baht(item.amount_after_due),
                    "date": buddhist_date(item.refresh_on - datetime.timedelta(days=1)) if item.refresh_on else ""})
    elif item.kind == ItemKind.INFO_REQUESTED:
        subject = _("More information is needed for your application")
        lines.append(_("%(title)s: the officer asked for more information. Answer on the application's page.")
                     % {"title": item.title})
    elif item.kind == ItemKind.PERMIT_ENDING:
        subject = _("Your permit ends on %(date)s: remove the notices then") % {"date": buddhist_date(due)}
        lines.append(_("%(title)s ends %(when)s.") % {"title": item.title, "when": _when(due, day)})
    elif item.kind == ItemKind.REMOVAL_NOTICE:
        subject = _("Your permit has ended: remove the notices and confirm it")
        lines.append(_("%(title)s ended on %(date)s. The law requires the notices to be removed; confirm it with a "
                       "photo on the application's page.") % {"title": item.title, "date": buddhist_date(due)})
    else:
        subject = item.title
    return subject, "\n".join(lines)


def notification_key(item: PersonItem) -> str:
    return f"lao_{item.lao_id}:{item.key}"


def item_notify(item: PersonItem, *, day: datetime.date, now: datetime.datetime | None = None, preference=None):
    """Tell the item's person about it today (at most once a day, whoever calls)."""
    from shared_apps.notifications.services import notify

    from .links import item_link

    kind = NOTIFICATION_KIND.get(item.kind)
    if kind is None:
        return None
    return notify(user=item.user, kind=kind, key=notification_key(item), lao=item.lao, day=day, now=now,
                  link=item_link(item), compose=lambda: message_for(item, day=day), preference=preference)


def lao_reminders_send(*, lao_id: int, day: datetime.date | None = None, now: datetime.datetime | None = None,
                       kinds=None) -> int:
    """Every reminder due on `day` for one LAO's items. Returns how many messages were sent or queued (a
    second run the same day adds none)."""
    day = day or timezone.localdate()
    rows = reminders_due(day=day, lao_id=lao_id).select_related("lao", "user").order_by("user_id", "key")
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    from shared_apps.notifications.models import Notification, NotificationPreference
    from shared_apps.notifications.selectors import preference_for

    rows = list(rows)
    # Read at once for the LAO's batch: who was told today already (skipped here; the unique row still decides
    # for a run at the same moment) and everyone's choices.
    told = set(Notification.objects.filter(day=day, key__in={notification_key(item) for item in rows})
               .values_list("user_id", "key"))
    preferences = {p.user_id: p for p in NotificationPreference.objects.filter(
        user_id__in={item.user_id for item in rows})}
    sent = 0
    for item in rows:
        if (item.user_id, notification_key(item)) in told:
            continue
        notification = item_notify(item, day=day, now=now,
                                   preference=preferences.get(item.user_id) or preference_for(item.user))
        if notification is not None and notification.status in ("queued", "sent"):
            sent += 1
    return sent
