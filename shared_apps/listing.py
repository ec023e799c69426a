"""The lists officers work with: one declaration per list gives its filters, sorting, pagination and exports.

A list is a `ListSpec` (its columns, what the search looks in, its statuses, services and period) applied to
a queryset (or, for a list computed in Python, a sequence). The filters are a form read from the query
string, bounded and typed: a malformed one is named in a message and the list is shown unfiltered (status
400), never a server error. The filter state stays in the query string, so the sort links, the pages and
the exports carry it; an export holds exactly the filtered rows, in the list's order, every page of them.
"""
from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from shared_apps.exports import FORMATS, be_month, export_response
from shared_apps.text import TextField

PAGE_SIZE = 50
MAX_PAGE = 100_000
MAX_QUERY = 100
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@dataclass(frozen=True)
class Column:
    """One column: its label (the export's header too), how a row gives its value, how it is written
    (text, money, number, date, datetime, month) and the fields it sorts by (none: not sortable)."""

    key: str
    label: Any
    value: Callable[[Any], Any]
    kind: str = "text"
    sort: tuple[str, ...] = ()


@dataclass
class ListSpec:
    name: str  # the export's file name
    title: Any  # the export's sheet name
    columns: list[Column]
    default_sort: str  # a column key, "-" in front for descending
    search_text: tuple[str, ...] = ()  # fields searched for what was typed (contains, any case)
    search_digits: tuple[str, ...] = ()  # national ID, tax ID, references: equal to the digits typed
    search_exact: tuple[str, ...] = ()  # references compared with what was typed, as typed
    search_numbers: tuple[str, ...] = ()  # integer fields (an application's number): equal to the number typed
    status_field: str = ""
    statuses: Sequence[tuple[str, Any]] = ()
    default_status: str = ""  # the status a list opens on ("all" then shows every one)
    service_field: str = ""
    services: Sequence[tuple[str, Any]] | Callable = ()  # or a function giving them (e.g. by LAO type)
    date_field: str = ""  # the period filter's field
    date_label: Any = None
    date_is_datetime: bool = False
    months: bool = False  # the period is chosen in months (a monthly return's period)
    page_size: int = PAGE_SIZE
    tiebreak: str = "-pk"  # rows equal on the sort keep one order from page to page
    filter_rows: Callable | None = None  # for lists computed in Python: (rows, cleaned) -> rows
    extra_fields: dict = field(default_factory=dict)  # more filters: name -> form field
    apply_extra: Callable | None = None  # (queryset, cleaned) -> queryset

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


def parse_be_month(text: str) -> datetime.date:
    """A month as typed or linked: 2569-12 or 12/2569 (Buddhist era), or 2026-12 (Christian era)."""
    text = str(text).strip().translate(THAI_DIGITS)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})/(\d{4})", text)
    if not match:
        raise ValueError(text)
    first, second = match.groups()
    year, month = (int(first), int(second)) if len(first) == 4 else (int(second), int(first))
    if year >= 2400:
        year -= 543
    return datetime.date(year, month, 1)


class MonthField(forms.Field):
    """A month, chosen from a list of Thai month names with Buddhist-era years (values YYYY-MM)."""

    default_error_messages = {"invalid": gettext_lazy("Choose a month from the list (e.g. 12/2569).")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            month = parse_be_month(str(value)[:20])
        except (ValueError, OverflowError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not 1900 <= month.year <= 2200:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return month


def recent_months(count: int) -> list[datetime.date]:
    """This month and the `count - 1` before it, newest first."""
    from django.utils import timezone

    month = timezone.localdate().replace(day=1)
    months = [month]
    while len(months) < count:
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months


def _date_field(label):
    from tenant_apps.advertising.forms import BuddhistDateField  # dates typed and shown in the Buddhist era

    return BuddhistDateField(label=label, required=False, help_text="")


class ListForm(forms.Form):
    q = TextField(label=gettext_lazy("Search"), required=False, max_length=MAX_QUERY,
                  help_text=gettext_lazy("Name, national ID, tax ID or reference"))
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    sort = forms.ChoiceField(required=False)
    export = forms.ChoiceField(required=False, choices=[("", "")] + [(f, f) for f in FORMATS])

    def __init__(self, spec: ListSpec, data):
        super().__init__(data)
        self.spec = spec
        self.fields["sort"].choices = [("", "")] + [
            (prefix + c.key, c.key) for c in spec.columns if c.sort for prefix in ("", "-")]
        if spec.statuses:
            everything = [("all" if spec.default_status else "", _("All"))]
            self.fields["status"] = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                                                      choices=everything + list(spec.statuses))
        services = spec.services() if callable(spec.services) else spec.services
        if services:
            self.fields["service"] = forms.ChoiceField(label=gettext_lazy("Service"), required=False,
                                                       choices=[("", _("All"))] + list(services))
        if spec.date_field or spec.months:
            if spec.months:
                self.fields["from"] = MonthField(label=pgettext_lazy("period", "From month"), required=False)
                self.fields["to"] = MonthField(label=pgettext_lazy("period", "To month"), required=False)
            else:
                self.fields["from"] = _date_field(pgettext_lazy("period", "From"))
                self.fields["to"] = _date_field(pgettext_lazy("period", "To"))
        self.fields.update({name: copy.deepcopy(extra) for name, extra in spec.extra_fields.items()})

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise ValidationError(_("The period ends before it starts."))
        return data


def _search(spec: ListSpec, text: str) -> Q:
    text = text.strip()
    condition = Q()
    for name in spec.search_text:
        condition |= Q(**{f"{name}__icontains": text})
    digits = re.sub(r"[\s\-]", "", text.translate(THAI_DIGITS))
    if digits.isdigit():
        for name in spec.search_digits:
            condition |= Q(**{name: digits})
    number = text.lstrip("#").strip().translate(THAI_DIGITS)
    if number.isascii() and number.isdigit() and len(number) <= 18:  # within a bigint
        for name in spec.search_numbers:
            condition |= Q(**{name: int(number)})
    for name in spec.search_exact:
        condition |= Q(**{name: text})
    return condition


def filter_queryset(spec: ListSpec, queryset: QuerySet, cleaned: dict) -> QuerySet:
    """The queryset narrowed by the cleaned filters (nothing else: no order, no page)."""
    if cleaned.get("q"):
        queryset = queryset.filter(_search(spec, cleaned["q"]))
    if cleaned.get("status") and cleaned["status"] != "all" and spec.status_field:
        queryset = queryset.filter(**{spec.status_field: cleaned["status"]})
    if cleaned.get("service") and spec.service_field:
        queryset = queryset.filter(**{spec.service_field: cleaned["service"]})
    if spec.date_field:
        lookup = f"{spec.date_field}__date" if spec.date_is_datetime else spec.date_field
        if cleaned.get("from"):
            queryset = queryset.filter(**{f"{lookup}__gte": cleaned["from"]})
        if cleaned.get("to"):
            queryset = queryset.filter(**{f"{lookup}__lte": cleaned["to"]})
    if spec.apply_extra:
        queryset = spec.apply_extra(queryset, cleaned)
    return queryset


def _ordering(spec: ListSpec, sort: str) -> list[str]:
    column = spec.column(sort.lstrip("-"))
    descending = sort.startswith("-")
    return [("-" if descending else "") + name if not name.startswith("-") else
            (name[1:] if descending else name) for name in column.sort]


def sort_rows(spec: ListSpec, rows: list, sort: str) -> list:
    """A list computed in Python, in the order chosen (the first sort field's value, then the others)."""
    column = spec.column(sort.lstrip("-"))
    return sorted(rows, key=lambda row: tuple(_sortable(getattr(row, name, None) if not isinstance(row, dict)
                                                         else row.get(name)) for name in column.sort),
                  reverse=sort.startswith("-"))


def _sortable(value):
    return (value is None, value if value is not None else 0) if not isinstance(value, str) else (False, value)


@dataclass
class Header:
    label: Any
    url: str = ""
    aria_sort: str = ""  # ascending / descending on the column the list is sorted by


@dataclass
class Listing:
    """A list as one page shows it: the form, the errors, the page of rows, the links that keep the filters."""

    spec: ListSpec
    form: ListForm
    path: str
    errors: list[str]
    cleaned: dict
    sort: str
    rows: Any = None  # every filtered row, sorted (a queryset, or a list)
    page: Any = None
    export: str = ""

    @property
    def query(self) -> dict:
        """The filters in force, as query-string parameters (nothing empty)."""
        if self.errors:
            return {}
        values = {}
        for name, value in self.form.data.items():
            if name in ("page", "export", "sort") or name not in self.form.fields:
                continue
            if name == "status" and value == self.spec.default_status:
                continue
            if value not in ("", None):
                values[name] = value
        return values

    def url(self, **changes) -> str:
        params = {**self.query, "sort": self.sort if self.sort != self.spec.default_sort else ""}
        params.update(changes)
        return f"{self.path}?{urlencode({k: v for k, v in params.items() if v not in ('', None)})}"

    @property
    def headers(self) -> dict[str, Header]:
        headers = {}
        for column in self.spec.columns:
            header = Header(label=column.label)
            if column.sort:
                current = self.sort.lstrip("-") == column.key
                descending = self.sort.startswith("-")
                header.url = self.url(sort=("" if descending else "-") + column.key if current else column.key,
                                      page="")
                if current:
                    header.aria_sort = "descending" if descending else "ascending"
            headers[column.key] = header
        return headers

    @property
    def filter_fields(self) -> list[dict]:
        """The filter form's boxes, as the template draws them (what was typed stays in them)."""
        fields = []
        data = self.form.data
        for name, form_field in self.form.fields.items():
            if name in ("page", "sort", "export"):
                continue
            value = str(data.get(name, "") or "")[:MAX_QUERY]
            entry = {"name": name, "id": f"filter-{name}", "label": form_field.label, "value": value,
                     "help": form_field.help_text, "kind": "text"}
            if isinstance(form_field, MonthField):
                chosen = form_field.clean(value) if value and not self.errors else None
                months = recent_months(60)
                if chosen and chosen not in months:
                    months = sorted({*months, chosen}, reverse=True)
                entry.update(kind="select", value=chosen.strftime("%Y-%m") if chosen else "",
                             choices=[("", _("Any month"))] + [(m.strftime("%Y-%m"), be_month(m)) for m in months])
            elif isinstance(form_field, forms.ChoiceField):
                entry.update(kind="select", choices=[(str(v), str(lbl)) for v, lbl in form_field.choices])
            elif name in ("from", "to"):
                entry.update(kind="date", placeholder=pgettext_lazy("date format", "DD/MM/YYYY"))
            else:
                entry["kind"] = "search" if name == "q" else "text"
            fields.append(entry)
        return fields

    @property
    def sort_links(self) -> list[Header]:
        """For a list drawn as cards (no column headers): a link per order it can be put in."""
        return [header for header in self.headers.values() if header.url]

    @property
    def export_links(self) -> list[tuple[str, str]]:
        return [("CSV", self.url(export="csv")), ("Excel (XLSX)", self.url(export="xlsx"))]

    @property
    def filtered(self) -> bool:
        return bool(self.query)

    def page_links(self) -> dict:
        page = self.page
        return {"previous": self.url(page=page.previous_page_number()) if page.has_previous() else "",
                "next": self.url(page=page.next_page_number()) if page.has_next() else "",
                "first": self.url(page="") if page.number > 2 else "",
                "last": self.url(page=page.paginator.num_pages) if page.number < page.paginator.num_pages - 1
                else ""}


def build_listing(request, spec: ListSpec, rows) -> Listing:
    """Read the filters from the query string and apply them: a malformed filter is reported and the list
    is shown unfiltered (and unsorted, on its first page)."""
    data = request.GET.copy()
    if spec.default_status and "status" not in data:
        data["status"] = spec.default_status
    form = ListForm(spec, data)
    errors = []
    if form.is_valid():
        cleaned = form.cleaned_data
    else:
        for name, messages in form.errors.items():
            label = form.fields[name].label if name in form.fields and form.fields[name].label else ""
            errors.extend(f"{label}: {message}" if label else str(message) for message in messages)
        cleaned = {}
    sort = cleaned.get("sort") or spec.default_sort
    if callable(rows):  # a queryset the list builds itself from the filters (e.g. a UNION of tables)
        rows = rows(cleaned).order_by(*_ordering(spec, sort), spec.tiebreak)
    elif isinstance(rows, QuerySet):
        rows = filter_queryset(spec, rows, cleaned).order_by(*_ordering(spec, sort), spec.tiebreak)
    else:
        rows = list(rows)
        if spec.filter_rows:
            rows = spec.filter_rows(rows, cleaned)
        rows = sort_rows(spec, rows, sort)
    listing = Listing(spec=spec, form=form, path=request.path, errors=errors, cleaned=cleaned, sort=sort,
                      rows=rows, export=cleaned.get("export") or "")
    if not listing.export:
        paginator = Paginator(rows, spec.page_size)
        listing.page = paginator.get_page(cleaned.get("page") or 1)
    return listing


def _iterate(rows):
    return rows.iterator(chunk_size=2000) if isinstance(rows, QuerySet) else iter(rows)


def export_listing(listing: Listing):
    spec = listing.spec
    columns = spec.columns
    return export_response(listing.export, name=spec.name, title=str(spec.title),
                           headers=[str(c.label) for c in columns], kinds=[c.kind for c in columns],
                           rows=([c.value(row) for c in columns] for row in _iterate(listing.rows)))


def list_page(request, spec: ListSpec, rows, template: str, context: dict | None = None):
    """A list page: its rows filtered, sorted and paginated, or exported (?export=csv|xlsx) exactly as
    filtered. The export runs under the page's own guard, so whoever may read the list may export it."""
    listing = build_listing(request, spec, rows)
    if listing.export:
        return export_listing(listing)
    return render(request, template, {**(context or {}), "listing": listing},
                  status=400 if listing.errors else 200)
