"""How a published item reads to the person: what to do about it and how near its date is (My account, the API
and the reminders' messages word it the same way)."""
from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ItemKind

ACTIONS = {
    ItemKind.RETURN_DUE: _("File the return"),
    ItemKind.INVOICE_UNPAID: _("Pay"),
    ItemKind.INFO_REQUESTED: _("Send the information"),
    ItemKind.PERMIT_ENDING: _("See the permit"),
    ItemKind.REMOVAL_NOTICE: _("Confirm the removal"),
    ItemKind.CREDIT: _("See the credit"),
    ItemKind.PAID: _("Receipt (PDF)"),
}
DATE_LABELS = {
    ItemKind.RETURN_DUE: _("File by"),
    ItemKind.INVOICE_UNPAID: _("Pay by"),
    ItemKind.PERMIT_ENDING: _("Permit ends"),
    ItemKind.REMOVAL_NOTICE: _("Permit ended"),
    ItemKind.PAID: _("Paid on"),
}
SOON_DAYS = 3


def action_label(item) -> str:
    return str(ACTIONS.get(item.kind, _("Open the page")))


def date_label(item) -> str:
    return str(DATE_LABELS.get(item.kind, _("Date")))


def due_note(item, *, today: datetime.date) -> tuple[str, str]:
    """(words, state): "overdue" / "due today" / "in N days", state one of overdue, today, soon, later, ''."""
    if item.due_on is None or item.kind in (ItemKind.PAID, ItemKind.CREDIT):
        return "", ""
    days = (item.due_on - today).days
    if days < 0:
        if item.kind == ItemKind.REMOVAL_NOTICE:
            return str(_("Remove the notices now")), "overdue"
        return ngettext("Overdue by %(days)d day", "Overdue by %(days)d days", -days) % {"days": -days}, "overdue"
    if days == 0:
        return str(_("Today")), "today"
    words = ngettext("In %(days)d day", "In %(days)d days", days) % {"days": days}
    return words, "soon" if days <= SOON_DAYS else "later"
