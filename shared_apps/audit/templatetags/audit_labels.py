"""The audit trail as people read it: what an event was about in words, not codes, and when in the Buddhist era.

The trail keeps what services wrote (a product or revenue code, "Name 2026-11", a refusal's code), so old rows
and new read the same; the words are chosen here, at display time, in the reader's language."""
import datetime
import re

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared_apps.portal.templatetags.thai_dates import buddhist_date, thai_month

register = template.Library()

# A return's target: the business name and the month as services write it ("โรงแรมแพร่ 2026-11").
_MONTH = re.compile(r"^(?P<name>.*\S)\s+(?P<year>\d{4})-(?P<month>\d{2})$")
_APPLICATION = re.compile(r"^application #(?P<number>\d+)$")
_PAYMENTS = re.compile(r"^(?P<count>\d+) payment\(s\)$")

REASONS = {
    "credentials": _("wrong username or password"),
    "password": _("wrong username or password"),
    "wrong_totp": _("wrong authenticator code"),
    "disabled": _("the account is disabled"),
    "other_pid": _("already linked to another Digital ID"),
    "ticket_invalid": _("a sign-in link not valid here"),
    "ticket_replayed": _("a sign-in link used twice"),
    "ticket_expired": _("an expired sign-in link"),
    "state_mismatch": _("a sign-in not started here"),
    "malformed_answer": _("an answer from DOPA that could not be read"),
    "no_id_token": _("no identity from DOPA"),
    "session_other_host": _("a session of another site"),
}
TARGETS = {
    "payment settings": _("payment settings"),
    "advertising conditions": _("advertising conditions"),
}


def _choices_label(choices, value: str) -> str | None:
    try:
        return str(choices(value).label)
    except ValueError:
        return None


def _product_or_revenue(value: str) -> str | None:
    from tenant_apps.ordinances.models import Product, Revenue

    return _choices_label(Product, value) or _choices_label(Revenue, value)


def _role(value: str) -> str:
    from tenant_apps.officers.models import Role

    return _choices_label(Role, value) or value


@register.filter
def audit_target(event) -> str:
    """What the event was about, in words."""
    target = event.target or ""
    if event.action in ("ordinance_rate_recorded", "filing_rule_recorded"):
        return _product_or_revenue(target) or target
    if target in TARGETS:
        return str(TARGETS[target])
    month = _MONTH.match(target)
    if month:
        period = datetime.date(int(month["year"]), int(month["month"]), 1)
        return f"{month['name']} · {thai_month(period)}"
    application = _APPLICATION.match(target)
    if application:
        return str(_("application no. %(number)s") % {"number": application["number"]})
    payments = _PAYMENTS.match(target)
    if payments:
        return str(_("%(count)s payment(s)") % {"count": payments["count"]})
    return target


@register.filter
def audit_details(event) -> list[str]:
    """The details worth reading beside it: a role, a reason, a rate's date — in words."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    shown = []
    if detail.get("role"):
        shown.append(_role(str(detail["role"])))
    if isinstance(detail.get("roles"), list):
        shown.append(", ".join(_role(str(role)) for role in detail["roles"]))
    reason = detail.get("reason")
    if reason:
        shown.append(str(REASONS.get(str(reason), reason)))
    if event.action == "national_id_revealed" and detail.get("page"):
        shown.append(str(_("on the page %(page)s") % {"page": str(detail["page"])[:300]}))
    return shown


@register.filter
def audit_when(value) -> str:
    """'2 ธันวาคม 2569 14:05:09': the day in the Buddhist era, the local time."""
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{buddhist_date(local)} {local:%H:%M:%S}"
