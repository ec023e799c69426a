"""The PAO officers' lists: registrations, returns and the businesses that have not filed (reads only).

Each is a `ListSpec` (shared_apps.listing): its columns (the export's too), search, statuses, services and
period; the views hand it the rows and the listing does the filters, sorting, pages and exports."""
from __future__ import annotations

import datetime

from django.db.models import CharField, F, Value
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shared_apps.accounts.validators import mask_national_id
from shared_apps.listing import Column, ListSpec, filter_queryset
from tenant_apps.businesses.models import Business, BusinessKind, BusinessStatus, OwnerType
from tenant_apps.ordinances.models import FilingRule

from .models import ReturnKind, ReturnStatus
from .periods import deadline_for, month_start, next_month
from .services import SPECS

MAX_MONTHS = 120  # the overdue list looks back at most ten years


def owner_id_shown(owner_type: str, id_number: str) -> str:
    """A person's national ID masked (PDPA); a company's tax ID is public and shown whole."""
    return mask_national_id(id_number) if owner_type == OwnerType.PERSON else id_number


def _email(user) -> str:
    return getattr(user, "email", "") or ""


# --- business registrations -------------------------------------------------------------------------------

REGISTRATIONS = ListSpec(
    name="registrations", title=_("Business registrations"), default_sort="registered",
    columns=[
        Column("registered", _("Registered on"), lambda b: b.registered_at, "date", ("registered_at",)),
        Column("name", _("Business name"), lambda b: b.name, sort=("name",)),
        Column("kind", _("Kind of business"), lambda b: b.get_kind_display(), sort=("kind",)),
        Column("owner", _("Owner's name"), lambda b: b.owner_name, sort=("owner_name",)),
        Column("owner_id", _("National ID or tax ID"), lambda b: owner_id_shown(b.owner_type, b.owner_id_number)),
        Column("contact", _("E-mail of the person who registered it"), lambda b: _email(b.registered_by)),
        Column("licence", _("Licence number"), lambda b: b.licence_number),
        Column("since", _("Operating since"), lambda b: b.operating_since, "date", ("operating_since",)),
        Column("status", _("Status"), lambda b: b.get_status_display(), sort=("status",)),
    ],
    search_text=("name", "owner_name", "licence_number"), search_digits=("owner_id_number",),
    status_field="status", statuses=BusinessStatus.choices, default_status=BusinessStatus.PENDING,
    service_field="kind", services=BusinessKind.choices,
    date_field="registered_at", date_is_datetime=True, page_size=20,
)


def registrations():
    return Business.objects.select_related("registered_by")


# --- returns ---------------------------------------------------------------------------------------------

RETURN_FIELDS = ("id", "business_id", "period", "kind", "status", "filed_on", "filed_at", "amount_due", "tax_amount")


def _return_status(value: str) -> str:
    return str(ReturnStatus(value).label) if value in ReturnStatus.values else value


RETURNS = ListSpec(
    name="returns", title=_("Returns"), default_sort="filed", tiebreak="id",
    columns=[
        Column("filed", _("Filed on"), lambda r: r["filed_on"], "date", ("filed_at",)),
        Column("business", _("Business"), lambda r: r["business_name"], sort=("business_name",)),
        Column("service", _("Revenue"), lambda r: str(BusinessKind(r["service"]).label), sort=("service",)),
        Column("owner", _("Owner's name"), lambda r: r["owner_name"], sort=("owner_name",)),
        Column("owner_id", _("National ID or tax ID"), lambda r: owner_id_shown(r["owner_type"], r["owner_id"])),
        Column("contact", _("E-mail of the filer"), lambda r: r["filer_email"] or ""),
        Column("period", _("Month"), lambda r: r["period"], "month", ("period",)),
        Column("kind", _("Kind"), lambda r: str(ReturnKind(r["kind"]).label)),
        Column("tax", _("Tax or fee"), lambda r: r["tax_amount"], "money", ("tax_amount",)),
        Column("amount", _("Amount due"), lambda r: r["amount_due"], "money", ("amount_due",)),
        Column("status", _("Status"), lambda r: _return_status(r["status"]), sort=("status",)),
    ],
    search_text=("business__name", "business__owner_name"), search_digits=("business__owner_id_number",),
    status_field="status", statuses=ReturnStatus.choices, default_status=ReturnStatus.FILED,
    services=BusinessKind.choices, date_field="period", months=True,
)


def returns(cleaned: dict):
    """Every revenue's returns as one list (a UNION of the three tables), each part filtered first."""
    parts = []
    for kind, spec in SPECS.items():
        if cleaned.get("service") and cleaned["service"] != kind:
            continue
        part = filter_queryset(RETURNS, spec.model.objects.all(), cleaned)
        parts.append(part.annotate(
            service=Value(kind, output_field=CharField()), business_name=F("business__name"),
            owner_name=F("business__owner_name"), owner_id=F("business__owner_id_number"),
            owner_type=F("business__owner_type"), filer_email=F("filed_by__email"),
        ).values(*RETURN_FIELDS, "service", "business_name", "owner_name", "owner_id", "owner_type", "filer_email"))
    first, *others = parts
    return first.union(*others, all=True) if others else first


# --- businesses that have not filed -----------------------------------------------------------------------

def _months_due(revenue: str, today: datetime.date) -> list[datetime.date]:
    """Every month of `revenue` whose filing deadline has passed, from its first filing rule on (a month
    with no rule in force is not due)."""
    rules = list(FilingRule.objects.filter(revenue=revenue).order_by("effective_from"))
    if not rules:
        return []
    months, month = [], month_start(rules[0].effective_from)
    while len(months) < MAX_MONTHS * 2:
        rule = [r for r in rules if r.effective_from <= month][-1]
        deadline = deadline_for(month, deadline_day=rule.deadline_day, moves_to_working_day=rule.moves_to_working_day)
        if today <= deadline:
            break
        months.append(month)
        month = next_month(month)
    return months[-MAX_MONTHS:]


def overdue(*, today: datetime.date) -> list[dict]:
    """Every registered business with every month it has missed: the deadline passed, no return filed,
    from the month it started operating (and until it closed). A few queries per revenue, whatever the
    number of businesses or months."""
    rows = []
    for kind, spec in SPECS.items():
        months = _months_due(spec.revenue, today)
        if not months:
            continue
        filed = set(spec.model.objects.filter(kind=ReturnKind.ORIGINAL, period__gte=months[0])
                    .values_list("business_id", "period"))
        businesses = (Business.objects.filter(kind=kind, status__in=[BusinessStatus.APPROVED, BusinessStatus.CLOSED])
                      .select_related("registered_by"))
        for business in businesses:
            start = month_start(business.operating_since)
            missed = [m for m in months if m >= start and (business.closed_on is None or m <= business.closed_on)
                      and (business.pk, m) not in filed]
            if missed:
                rows.append({"business": business, "kind": kind, "name": business.name, "owner": business.owner_name,
                             "missed": missed, "count": len(missed), "oldest": missed[0], "latest": missed[-1]})
    return rows


def _filter_overdue(rows: list[dict], cleaned: dict) -> list[dict]:
    import re

    text = (cleaned.get("q") or "").strip().casefold()
    digits = re.sub(r"[\s\-]", "", text)
    kept = []
    for row in rows:
        business = row["business"]
        if cleaned.get("service") and row["kind"] != cleaned["service"]:
            continue
        if text and text not in business.name.casefold() and text not in business.owner_name.casefold() and not (
                digits.isdigit() and digits == business.owner_id_number):
            continue
        missed = [m for m in row["missed"] if (not cleaned.get("from") or m >= cleaned["from"])
                  and (not cleaned.get("to") or m <= cleaned["to"])]
        if missed:
            kept.append({**row, "missed": missed, "count": len(missed), "oldest": missed[0], "latest": missed[-1]})
    return kept


def _months_text(months) -> str:
    from shared_apps.exports import be_month

    return ", ".join(be_month(m) for m in months)


OVERDUE = ListSpec(
    name="not-filed", title=_("Businesses that have not filed"), default_sort="oldest",
    columns=[
        Column("name", _("Business"), lambda r: r["name"], sort=("name",)),
        Column("service", _("Revenue"), lambda r: str(BusinessKind(r["kind"]).label), sort=("kind", "name")),
        Column("owner", _("Owner's name"), lambda r: r["owner"], sort=("owner",)),
        Column("owner_id", _("National ID or tax ID"),
               lambda r: owner_id_shown(r["business"].owner_type, r["business"].owner_id_number)),
        Column("contact", _("E-mail of the person who registered it"), lambda r: _email(r["business"].registered_by)),
        Column("address", _("Address"), lambda r: r["business"].address),
        Column("count", _("Months not filed"), lambda r: r["count"], "number", ("count", "name")),
        Column("oldest", _("Oldest month not filed"), lambda r: r["oldest"], "month", ("oldest", "name")),
        Column("months", pgettext_lazy("overdue", "Months"), lambda r: _months_text(r["missed"])),
    ],
    services=BusinessKind.choices, months=True, filter_rows=_filter_overdue,
)
