"""What a LAO publishes to the public schema about each person's open items (issue 14), computed from its own
records; shared_apps/person_items holds them and the central "My account" and reminders read only that.

- The services that change a source queue it here (`obligations_changed`, `businesses_changed`,
  `applications_changed`); after their transaction commits, the sources queued in it are recomputed and their
  rows replaced, under the LAO's items lock (whoever writes last has read everything committed). A rolled-back
  transaction queues nothing.
- Items whose figures change with time alone carry `refresh_on` (a surcharge month begins, a new month's
  return opens): the daily run calls `refresh(today)` in the LAOs that have such rows.
- `rebuild()` replaces all of the LAO's rows from its schema; `computed()` is what they must equal.

Keys: obligation:<id> (to pay / a credit), receipt:<id> (paid), return:<business>:<YYYY-MM> (to file),
application:<id> (more information), permit:<id> (ending / notices to remove).
"""
from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.person_items import services as published
from shared_apps.person_items.models import RECENTLY_PAID_DAYS, ItemKind, PersonBusiness, PersonItem

RETURN_REMINDER_DAYS = (5, 1)  # days before a return's deadline, unless the LAO set its own
INVOICE_REMINDER_OFFSETS = (-3, -1, 1, 7)  # days from an invoice's due date
INFO_REMINDER_OFFSETS = (2, 5, 9)  # days after more information was asked (the day itself: the notice)
PERMIT_REMINDER_OFFSETS = (-3, -1)  # days before a permit ends
REMOVAL_EVERY_DAYS, REMOVAL_REMINDERS = 3, 10  # after it ended: every 3 days, 10 times, until removal is confirmed


class _Pending:
    """The on-commit callback of one transaction: the sources it changed, recomputed once after commit."""

    key = "person_items"

    def __init__(self, schema: str):
        self.schema = schema
        self.sources: dict[str, set[int]] = defaultdict(set)
        self.done = False

    def __call__(self):
        self.done = True  # (a test's captured callbacks stay in the list after running)
        publish(schema=self.schema, sources=self.sources)


def _queue(kind: str, ids) -> None:
    ids = {int(i) for i in ids if i is not None}
    if not ids or connection.schema_name == "public":
        return
    pending = None
    if connection.in_atomic_block:
        pending = next((item[1] for item in connection.run_on_commit
                        if isinstance(item[1], _Pending) and item[1].schema == connection.schema_name
                        and not item[1].done), None)
    if pending is None:
        pending = _Pending(connection.schema_name)
        transaction.on_commit(pending)
    pending.sources[kind] |= ids


def obligations_changed(ids) -> None:
    _queue("obligation", ids)


def businesses_changed(ids) -> None:
    _queue("business", ids)


def applications_changed(ids) -> None:
    _queue("application", ids)


# --- what the rows are ------------------------------------------------------------------------------------------------

_LAO_TYPES: dict[str, str] = {}  # schema → LAO type (it never changes): URLs and apps without a query per row


def _lao_type() -> str | None:
    schema = connection.schema_name
    if schema not in _LAO_TYPES:
        from tenants.selectors import current_lao

        lao = current_lao()
        if lao is None:
            return None
        _LAO_TYPES[schema] = lao.lao_type
    return _LAO_TYPES[schema]


def _app_installed(label: str) -> bool:
    """Whether the LAO whose schema is in use has this app (a PAO has businesses, a municipality advertising)."""
    from django.conf import settings

    lao_type = _lao_type()
    return lao_type is not None and f"tenant_apps.{label}" in settings.TENANT_TYPES[lao_type]["APPS"]


def _reverse(name: str, *args) -> str:
    from django.conf import settings
    from django.urls import reverse

    return reverse(name, args=args, urlconf=settings.TENANT_TYPES[_lao_type()]["URLCONF"])


def _days(anchor: datetime.date, offsets) -> list[datetime.date]:
    return sorted({anchor + datetime.timedelta(days=offset) for offset in offsets})


def _filers(business_ids) -> dict[int, list[tuple[int, bool]]]:
    """business id → [(user id, is owner)] of its active filers."""
    from tenant_apps.businesses.models import BusinessFiler

    result: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for business_id, user_id, is_owner in (BusinessFiler.objects.filter(business_id__in=business_ids,
                                                                        revoked_at__isnull=True)
                                           .order_by("user_id").values_list("business_id", "user_id", "is_owner")):
        result[business_id].append((user_id, is_owner))
    return result


def _business_of(payer_key: str) -> int | None:
    prefix, _sep, value = (payer_key or "").partition(":")
    return int(value) if prefix == "business" and value.isdigit() else None


def obligation_rows(obligation_ids, *, today: datetime.date) -> tuple[set[str], list[dict]]:
    """(keys, rows) for these obligations and their receipts."""
    from tenant_apps.billing.models import InvoiceStatus, Obligation, Receipt
    from tenant_apps.billing.obligations import pay_by, payable_on
    from tenant_apps.billing.views import slip_token

    obligations = list(Obligation.objects.filter(pk__in=obligation_ids).order_by("pk"))
    keys = {f"obligation:{pk}" for pk in obligation_ids}
    receipts = defaultdict(list)
    for receipt in (Receipt.objects.filter(payment__obligation_id__in=obligation_ids)
                    .select_related("payment").order_by("pk")):
        keys.add(f"receipt:{receipt.pk}")
        receipts[receipt.payment.obligation_id].append(receipt)
    business_ids = {b for b in (_business_of(o.payer_key) for o in obligations) if b is not None}
    filers, names = {}, {}
    if business_ids and _app_installed("businesses"):
        from tenant_apps.businesses.models import Business

        filers = _filers(business_ids)
        names = dict(Business.objects.filter(pk__in=business_ids).values_list("pk", "name"))
    applicants = {}
    advertising_ids = [o.source_id for o in obligations if o.source == "advertising.application"]
    if advertising_ids and _app_installed("advertising"):
        from tenant_apps.advertising.models import Application

        applicants = dict(Application.objects.filter(pk__in=advertising_ids).values_list("pk", "applicant_id"))
    open_invoices = {}
    from tenant_apps.billing.models import Invoice

    for invoice in Invoice.objects.filter(obligation_id__in=obligation_ids, status=InvoiceStatus.OPEN):
        open_invoices[invoice.obligation_id] = invoice
    rows = []
    for obligation in obligations:
        business_id = _business_of(obligation.payer_key)
        if business_id is not None:
            people = [user_id for user_id, _owner in filers.get(business_id, [])]
        elif obligation.payer_id:
            people = [obligation.payer_id]
        elif obligation.payer_key.startswith("user:") and obligation.payer_key[5:].isdigit():
            people = [int(obligation.payer_key[5:])]
        else:  # a juristic applicant: the person who applied for it
            people = [applicants[obligation.source_id]] if obligation.source_id in applicants and \
                obligation.source == "advertising.application" else []
        common = {"service": obligation.service, "business_id": business_id,
                  "business_name": names.get(business_id, "") if business_id else ""}
        balance = obligation.balance
        item = None
        if balance > 0 and obligation.pk in open_invoices:
            payable = max(payable_on(obligation, today), 0)
            due = obligation.due_date
            after = max(payable_on(obligation, max(today, due) + datetime.timedelta(days=1)), 0)
            running = obligation.surcharge_from is not None and obligation.surcharge_percent_per_month is not None
            item = {"kind": ItemKind.INVOICE_UNPAID, "amount": payable,
                    "amount_after_due": after if after != payable else None, "due_on": due,
                    "path": _reverse("billing:slip", slip_token(open_invoices[obligation.pk])),
                    "remind_on": _days(due, INVOICE_REMINDER_OFFSETS),
                    "refresh_on": pay_by(obligation, today) + datetime.timedelta(days=1) if running else None}
        elif balance < 0:
            item = {"kind": ItemKind.CREDIT, "amount": -balance, "due_on": None, "path": _source_path(obligation),
                    "remind_on": [], "refresh_on": None}
        for user_id in people:
            if item is not None:
                rows.append({"user_id": user_id, "key": f"obligation:{obligation.pk}", "title": obligation.description,
                             **common, **item})
            for receipt in receipts.get(obligation.pk, []):
                day = timezone.localdate(receipt.issued_at)
                receipt_path = _reverse("billing:receipt-pdf", receipt.token)
                if receipt.voided_at is None and day >= today - datetime.timedelta(days=RECENTLY_PAID_DAYS):
                    rows.append({"user_id": user_id, "key": f"receipt:{receipt.pk}", "kind": ItemKind.PAID,
                                 "title": receipt.description, "amount": receipt.amount, "due_on": day,
                                 "path": receipt_path, "remind_on": [],
                                 "refresh_on": day + datetime.timedelta(days=RECENTLY_PAID_DAYS + 1), **common})
    return keys, rows


def _source_path(obligation) -> str:
    business_id = _business_of(obligation.payer_key)
    if business_id is not None:
        return _reverse("pao:business", business_id)
    if obligation.source == "advertising.application":
        return _reverse("advertising:application", obligation.source_id)
    return "/"


def _reminder_days_before() -> tuple[int, ...]:
    from tenant_apps.lao_profile.models import LAOProfile

    profile = LAOProfile.objects.filter(pk=1).only("return_reminder_days").first()
    days = getattr(profile, "return_reminder_days", None)
    return tuple(days) if days else RETURN_REMINDER_DAYS


def business_rows(business_ids, *, today: datetime.date) -> tuple[set[str], list[dict], list[dict]]:
    """(key prefixes, item rows, business rows): each registered business's unfiled months, for its filers."""
    from tenant_apps.businesses.models import Business, BusinessStatus
    from tenant_apps.ordinances.selectors import filing_rule_in_force
    from tenant_apps.pao_filing.models import ReturnKind
    from tenant_apps.pao_filing.periods import deadline_for, month_end, month_start, next_month
    from tenant_apps.pao_filing.services import SPECS

    businesses = list(Business.objects.filter(pk__in=business_ids).order_by("pk"))
    prefixes = {f"return:{pk}:" for pk in business_ids}
    filers = _filers(business_ids)
    days_before = _reminder_days_before()
    this_month = month_start(today)
    rules: dict[tuple, object] = {}
    items, people_rows = [], []
    for business in businesses:
        people = filers.get(business.pk, [])
        if business.status in (BusinessStatus.APPROVED, BusinessStatus.CLOSED):
            for user_id, is_owner in people:
                people_rows.append({"user_id": user_id, "business_id": business.pk, "name": business.name,
                                    "kind": business.kind, "is_owner": is_owner,
                                    "path": _reverse("pao:business", business.pk),
                                    "refresh_on": next_month(this_month) if business.status == BusinessStatus.APPROVED
                                    else None})
        if business.status not in (BusinessStatus.APPROVED, BusinessStatus.CLOSED) or not people:
            continue
        spec = SPECS.get(business.kind)
        if spec is None:
            continue
        filed = set(spec.model.objects.filter(business=business, kind=ReturnKind.ORIGINAL)
                    .values_list("period", flat=True))
        period = month_start(business.operating_since)
        last = month_start(this_month - datetime.timedelta(days=1))  # the last month that has ended
        if business.closed_on:
            last = min(last, month_start(business.closed_on))
        while period <= last:
            if period not in filed and month_end(period) >= business.operating_since:
                rule = rules.get((spec.revenue, period))
                if (spec.revenue, period) not in rules:
                    rule = rules[(spec.revenue, period)] = filing_rule_in_force(revenue=spec.revenue, on=period)
                if rule is not None:
                    deadline = deadline_for(period, deadline_day=rule.deadline_day,
                                            moves_to_working_day=rule.moves_to_working_day)
                    path = f"{_reverse('pao:file', business.pk)}?period={period:%Y-%m}"
                    title = f"{spec.model._meta.verbose_name} · {business.name} · {period.month:02d}/{period.year + 543}"
                    for user_id, _owner in people:
                        items.append({"user_id": user_id, "key": f"return:{business.pk}:{period:%Y-%m}",
                                      "kind": ItemKind.RETURN_DUE, "service": spec.revenue,
                                      "business_id": business.pk, "business_name": business.name,
                                      "title": str(title), "period": period, "due_on": deadline, "path": path,
                                      "remind_on": _days(deadline, [-d for d in days_before]),
                                      "refresh_on": None})
            period = next_month(period)
    return prefixes, items, people_rows


def application_rows(application_ids, *, today: datetime.date) -> tuple[set[str], list[dict]]:
    """More information asked of an applicant; a permit ending, then its notices to remove."""
    from tenant_apps.advertising.models import Application, ApplicationEvent, ApplicationStatus, Permit

    applications = {a.pk: a for a in Application.objects.filter(pk__in=application_ids)}
    permits = {p.application_id: p for p in Permit.objects.filter(application_id__in=application_ids)}
    keys = {f"application:{pk}" for pk in application_ids} | {f"permit:{p.pk}" for p in permits.values()}
    asked = dict(ApplicationEvent.objects.filter(application_id__in=application_ids,
                                                 to_status=ApplicationStatus.MORE_INFO)
                 .order_by("application_id", "at").values_list("application_id", "at"))  # the latest wins
    rows = []
    for pk, application in sorted(applications.items()):
        path = _reverse("advertising:application", pk)
        title = f"{application.get_method_display()} · {application.message_gist[:120]}"
        if application.status == ApplicationStatus.MORE_INFO:
            day = timezone.localdate(asked[pk]) if pk in asked else today
            rows.append({"user_id": application.applicant_id, "key": f"application:{pk}", "service": "advertising",
                         "kind": ItemKind.INFO_REQUESTED, "title": str(title)[:300], "due_on": None, "path": path,
                         "remind_on": _days(day, INFO_REMINDER_OFFSETS), "refresh_on": None})
        permit = permits.get(pk)
        if permit is None or permit.revoked_at is not None or permit.removal_confirmed_at is not None:
            continue
        ended = today > permit.valid_to
        rows.append({"user_id": application.applicant_id, "key": f"permit:{permit.pk}", "service": "advertising",
                     "kind": ItemKind.REMOVAL_NOTICE if ended else ItemKind.PERMIT_ENDING, "legal_notice": ended,
                     "title": f"{permit.display_number} · {str(title)[:200]}", "due_on": permit.valid_to,
                     "path": path,
                     "remind_on": _days(permit.valid_to, list(PERMIT_REMINDER_OFFSETS) + [
                         1 + REMOVAL_EVERY_DAYS * n for n in range(REMOVAL_REMINDERS)]),
                     # the day after it ends the item becomes the notice to remove
                     "refresh_on": None if ended else permit.valid_to + datetime.timedelta(days=1)})
    return keys, rows


# --- publishing -------------------------------------------------------------------------------------------------------

def _compute(sources: dict[str, set[int]], *, today: datetime.date) -> tuple[set[str], set[str], list[dict], set[int], list[dict]]:
    keys, prefixes, rows, business_ids, business_people = set(), set(), [], set(), []
    if sources.get("business") and _app_installed("billing"):
        from tenant_apps.billing.models import Obligation

        # who may act for a business decides who sees its invoices: recompute them with it
        sources = {**sources, "obligation": set(sources.get("obligation", set())) | set(
            Obligation.objects.filter(payer_key__in=[f"business:{pk}" for pk in sources["business"]])
            .values_list("pk", flat=True))}
    if sources.get("obligation"):
        k, r = obligation_rows(sorted(sources["obligation"]), today=today)
        keys |= k
        rows += r
    if sources.get("business") and _app_installed("businesses"):
        p, r, b = business_rows(sorted(sources["business"]), today=today)
        prefixes |= p
        rows += r
        business_ids |= set(sources["business"])
        business_people += b
    if sources.get("application") and _app_installed("advertising"):
        k, r = application_rows(sorted(sources["application"]), today=today)
        keys |= k
        rows += r
    return keys, prefixes, rows, business_ids, business_people


def publish(*, schema: str, sources: dict[str, set[int]], today: datetime.date | None = None) -> int:
    """Recompute these sources of the LAO whose schema this is and replace their published rows."""
    from tenants.selectors import current_lao

    today = today or timezone.localdate()
    with schema_context(schema), transaction.atomic():
        lao = current_lao()
        if lao is None:
            return 0
        published.items_lock(lao_id=lao.pk)  # before reading: the last writer has read everything committed
        keys, prefixes, rows, business_ids, business_people = _compute(sources, today=today)
        if prefixes:
            keys |= set(PersonItem.objects.filter(lao_id=lao.pk, key__regex=r"^return:(%s):" % "|".join(
                str(pk) for pk in sorted(business_ids))).values_list("key", flat=True))
            keys |= {row["key"] for row in rows}
        count = published.items_replace(lao_id=lao.pk, keys=keys, rows=rows)
        if business_ids:
            published.businesses_replace(lao_id=lao.pk, business_ids=business_ids, rows=business_people)
        return count


def _all_sources() -> dict[str, set[int]]:
    sources: dict[str, set[int]] = {}
    if _app_installed("billing"):
        from tenant_apps.billing.models import Obligation, Receipt

        since = timezone.now() - datetime.timedelta(days=RECENTLY_PAID_DAYS + 1)
        owed = (Obligation.objects.annotate(balance_now=F("charged") - F("paid") - F("credited") + F("refunded"))
                .exclude(balance_now=0).values_list("pk", flat=True))
        paid = Receipt.objects.filter(issued_at__gte=since).values_list("payment__obligation_id", flat=True)
        sources["obligation"] = set(owed) | set(paid)
    if _app_installed("businesses"):
        from tenant_apps.businesses.models import Business

        sources["business"] = set(Business.objects.values_list("pk", flat=True))
    if _app_installed("advertising"):
        from tenant_apps.advertising.models import Application, ApplicationStatus, Permit

        waiting = Application.objects.filter(status=ApplicationStatus.MORE_INFO).values_list("pk", flat=True)
        standing = Permit.objects.filter(revoked_at__isnull=True, removal_confirmed_at__isnull=True
                                         ).values_list("application_id", flat=True)
        sources["application"] = set(waiting) | set(standing)
    return sources


def computed(*, today: datetime.date | None = None) -> tuple[list[dict], list[dict]]:
    """(item rows, business rows) this LAO's records stand for today: what the published rows must equal."""
    today = today or timezone.localdate()
    _keys, _prefixes, rows, _ids, businesses = _compute(_all_sources(), today=today)
    return rows, businesses


def rebuild(*, today: datetime.date | None = None) -> tuple[int, int]:
    """Replace every published row of the LAO whose schema is in use from its records (one transaction)."""
    from tenants.selectors import current_lao

    lao = current_lao()
    with transaction.atomic():
        published.items_lock(lao_id=lao.pk)
        rows, businesses = computed(today=today)
        return published.lao_replace_all(lao_id=lao.pk, items=rows, businesses=businesses)


def rebuild_lao(lao, *, today: datetime.date | None = None) -> dict:
    """`rebuild()` in this LAO's schema (the command's and the workers' entry): rows written, by kind."""
    with schema_context(lao.schema_name):
        items, businesses = rebuild(today=today)
    return {"item": items, "business": businesses}


def refresh(*, today: datetime.date | None = None) -> int:
    """The daily roll-over in the LAO whose schema is in use: republish what changes with time alone (a month's
    return opens, a surcharge month starts, a permit ends, a receipt leaves the recent list)."""
    from tenants.selectors import current_lao

    today = today or timezone.localdate()
    lao = current_lao()
    due_keys = set(PersonItem.objects.filter(lao_id=lao.pk, refresh_on__lte=today).values_list("key", flat=True))
    ids: dict[str, set[int]] = defaultdict(set)
    for key in due_keys:
        kind, _sep, rest = key.partition(":")
        if rest.isdigit():
            ids[kind].add(int(rest))
    sources: dict[str, set[int]] = defaultdict(set)
    sources["obligation"] |= ids["obligation"]
    if ids["receipt"]:  # one query for all, not one per receipt
        from tenant_apps.billing.models import Receipt

        sources["obligation"] |= set(Receipt.objects.filter(pk__in=ids["receipt"])
                                     .values_list("payment__obligation_id", flat=True))
    if ids["permit"]:
        from tenant_apps.advertising.models import Permit

        sources["application"] |= set(Permit.objects.filter(pk__in=ids["permit"])
                                      .values_list("application_id", flat=True))
    sources["business"] |= set(PersonBusiness.objects.filter(lao_id=lao.pk, refresh_on__lte=today)
                               .values_list("business_id", flat=True))
    if not any(sources.values()):
        return 0
    return publish(schema=connection.schema_name, sources=sources, today=today)
