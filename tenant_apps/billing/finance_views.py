"""The money pages: the LAO's money at a glance, the finance registers the MOI receipt regulation (2547) expects
(the daily summary with its sign-off, the receipt register, the receivables), the e-LAAS export and the revenue
codes. Thin: forms parse, selectors read, services write."""
from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from shared_apps.calendar.selectors import fiscal_year
from shared_apps.exports import be_date, export_response
from shared_apps.portal.templatetags.thai_dates import thai_month
from tenant_apps.advertising.forms import BuddhistDateField  # dates typed and shown in the Buddhist era
from tenant_apps.officers.access import Action
from tenant_apps.officers.decorators import officer_required

from . import finance_selectors as money
from .charts import bar_chart
from .finance_services import daily_summary_sign, revenue_code_update
from .revenues import service_label, services_of

PAGE_SIZE = 100
EXPORTS = ("csv", "xlsx")


def _url(name: str, fallback: str = "/officers/") -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # the officer home arrives with its own change
        return fallback


def _crumbs(*pairs) -> list[tuple[str, str | None]]:
    return [(_("Home"), _url("officers:home")), *pairs]


MONEY_ACTIONS = (Action.VIEW_MONEY, Action.VIEW_FINANCE_REGISTERS, Action.SIGN_DAILY_SUMMARY, Action.EXPORT_ELAAS,
                 Action.MANAGE_REVENUE_CODES)


def _render(request, template: str, context: dict, *, status: int = 200):
    """A money page, with which of the money pages the person's roles open (for the links between them)."""
    access = request.lao_access
    context["money_actions"] = [action for action in MONEY_ACTIONS if access.allows(action)]
    return render(request, template, context, status=status)


def _money_crumb():
    return (_("Money at a glance"), reverse("billing:overview"))


def _pdf(template: str, context: dict, *, request, filename: str) -> HttpResponse:
    from shared_apps.documents.pdf import BASE_CSS, render_pdf

    html = render_to_string(template, {**context, "css": BASE_CSS, "lao": request.tenant}, request=request)
    response = HttpResponse(render_pdf(html=html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def _month_label(day: datetime.date, short: bool = False) -> str:
    if (get_language() or "th").startswith("th"):
        from pythainlp.util import thai_strftime

        return thai_strftime(datetime.datetime(day.year, day.month, 1), "%b" if short else "%B %Y")
    return day.strftime("%b") if short else thai_month(day)


# --- money at a glance ---------------------------------------------------------------------------------------

@officer_required(Action.VIEW_MONEY)
def overview(request):
    """Collections today, this month and this fiscal year against last year, by service and channel; the
    fiscal year by month; filing compliance (PAOs); what is owed, by age."""
    today = timezone.localdate()
    collected = money.collections(today=today)
    months = money.collections_by_month(year_be=collected.fiscal_year)
    for row in months:
        row["label"] = _month_label(row["month"])
    month_chart = bar_chart(
        chart_id="chart-months",
        title=_("Collections by month, fiscal year %(year)s") % {"year": collected.fiscal_year},
        description=_("Bars per month of fiscal year %(year)s (net baht), beside last year's; the table below "
                      "gives every figure.") % {"year": collected.fiscal_year},
        labels=[_month_label(row["month"], short=True) for row in months],
        series=[{"name": str(collected.fiscal_year), "values": [r["total"] for r in months], "css": "chart-now"},
                {"name": str(collected.fiscal_year - 1), "values": [r["last_year"] for r in months],
                 "css": "chart-last"}])
    aged = money.aged_balances(today=today)
    age_rows = [{"label": label, "total": aged[key], "count": aged[f"{key}_count"]}
                for key, label in _age_labels().items()]
    aged_chart = bar_chart(
        chart_id="chart-aged", title=_("Outstanding balances by age"),
        description=_("Bars per age of what is owed (baht); the table beside gives every figure."),
        labels=[row["label"] for row in age_rows],
        series=[{"name": _("Owed"), "values": [row["total"] for row in age_rows], "css": "chart-owed"}])
    compliance = []
    if "tenant_apps.pao_filing" in _apps_of(request.tenant):
        compliance = _compliance(today)
    return _render(request, "billing/overview.html", {
        "title": _("Money at a glance"), "collected": collected, "months": months, "month_chart": month_chart,
        "aged": aged, "age_rows": age_rows, "aged_chart": aged_chart, "compliance": compliance,
        "fy_start": money.fiscal_year_start(collected.fiscal_year),
        "last_year_day": money.same_day_last_year(today),
        "breadcrumbs": _crumbs((_("Money at a glance"), None))})


def _apps_of(lao) -> list[str]:
    from django.conf import settings

    return settings.TENANT_TYPES.get(getattr(lao, "lao_type", ""), {}).get("APPS", [])


def _age_labels() -> dict:
    return {"not_due": _("Not yet due"), "days_0_30": _("0–30 days"), "days_31_90": _("31–90 days"),
            "days_over_90": _("Over 90 days")}


def _compliance(today: datetime.date) -> list[dict]:
    from tenant_apps.pao_filing.selectors import filing_compliance

    year = fiscal_year(today)
    periods = [m for m in money.fiscal_months(year) if m <= today.replace(day=1)]
    if len(periods) < 3:  # early in the year: the last months of the year before too
        periods = [m for m in money.fiscal_months(year - 1)[len(periods) - 3:]] + periods
    rows = filing_compliance(periods=periods, today=today)
    for row in rows:
        row["label"] = service_label(row["revenue"])
        for month in row["months"]:
            month["label"] = _month_label(month["period"])
            month["missing"] = max(month["should"] - month["filed"], 0)
    return rows


# --- the daily summary ---------------------------------------------------------------------------------------

class DayForm(forms.Form):
    day = BuddhistDateField(label=gettext_lazy("Day (Buddhist era)"), required=False)


def _day(request) -> tuple[DayForm, datetime.date]:
    """The day asked for (Buddhist era), else today; the box shows the day the page is about."""
    form = DayForm(request.GET if request.GET.get("day") else None)
    day = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["day"]:
        day = form.cleaned_data["day"]
    if not form.is_bound:
        form = DayForm(initial={"day": day})
    return form, day


def _day_query(day: datetime.date) -> str:
    return f"?day={be_date(day)}"


@officer_required(Action.VIEW_FINANCE_REGISTERS)
def daily_summary(request):
    """รายงานสรุปการรับเงินประจำวัน: the money received on a day by revenue and channel, its receipts (voided ones
    shown), the day's ledger to reconcile, and the finance officer's sign-off."""
    access = request.lao_access
    if request.method == "POST":
        if not access.allows(Action.SIGN_DAILY_SUMMARY):
            raise PermissionDenied
        form = DayForm(request.POST)
        if not form.is_valid() or not form.cleaned_data["day"]:
            messages.error(request, _("Write the date as day/month/year in the Buddhist era, e.g. 21/12/2569."))
            return redirect("billing:daily_summary")
        day = form.cleaned_data["day"]
        try:
            sign_off = daily_summary_sign(day=day, actor=request.user, request=request)
            messages.success(request, _("Signed off: %(count)s receipts, %(total)s baht.") % {
                "count": sign_off.receipt_count, "total": f"{sign_off.total_amount:,.2f}"})
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(reverse("billing:daily_summary") + _day_query(day))
    form, day = _day(request)
    summary = money.daily_summary(day)
    export = request.GET.get("export", "")
    title = _("Daily summary of money received")
    if export == "pdf":
        summary["receipts"] = list(money.receipts_received_on(day))
        return _pdf("billing/daily_summary_pdf.html", {"summary": summary, "day": day}, request=request,
                    filename=f"daily-summary-{be_date(day).replace('/', '-')}")
    if export in EXPORTS:
        return _receipts_export(export, money.receipts_received_on(day), name="daily-summary",
                                title=f"{title} {be_date(day)}")
    receipts = Paginator(money.receipts_received_on(day), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "billing/daily_summary.html", {
        "title": title, "form": form, "day": day, "summary": summary, "receipts": receipts,
        "can_sign": access.allows(Action.SIGN_DAILY_SUMMARY) and day <= timezone.localdate(),
        "day_query": _day_query(day), "day_be": be_date(day),
        "previous_query": _day_query(day - datetime.timedelta(days=1)),
        "next_query": _day_query(day + datetime.timedelta(days=1)) if day < timezone.localdate() else "",
        **{key: summary[key] for key in ("sign_offs", "latest", "current", "superseded")},
        "breadcrumbs": _crumbs(_money_crumb(), (title, None))})


# --- receipts: the register, and the rows of an export -----------------------------------------------------------

def _status(receipt) -> str:
    if receipt.voided_at:
        return _("Void: %(reason)s") % {"reason": receipt.void_reason}
    return _("Valid")


def _receipt_columns():
    return [
        (_("Fiscal year"), "number", lambda r: r.fiscal_year),
        (pgettext("receipt", "Book"), "number", lambda r: r.book),
        (pgettext("receipt", "Number"), "number", lambda r: r.number_in_book),
        (_("Issued on"), "date", lambda r: r.issued_at),
        (_("Money received on"), "date", lambda r: r.payment.received_at),
        (_("Payer"), "text", lambda r: r.payer_name),
        (_("For"), "text", lambda r: r.description),
        (_("Revenue"), "text", lambda r: service_label(r.payment.obligation.service)),
        (_("Channel"), "text", lambda r: money.channel_label(r.payment.channel)),
        (_("Method"), "text", lambda r: money.method_label(r.payment.method)),
        (_("Amount (baht)"), "money", lambda r: r.amount),
        (_("Status"), "text", _status),
        (_("Voided on"), "date", lambda r: r.voided_at),
    ]


def _receipts_export(fmt: str, receipts, *, name: str, title: str):
    columns = _receipt_columns()
    return export_response(fmt, name=name, title=title, headers=[c[0] for c in columns],
                           kinds=[c[1] for c in columns],
                           rows=([c[2](r) for c in columns] for r in receipts.iterator(chunk_size=2000)))


class RegisterForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Fiscal year (Buddhist era)"), coerce=int, required=False)
    month = forms.TypedChoiceField(label=gettext_lazy("Month"), coerce=int, required=False, empty_value=None)

    def __init__(self, data, *, years):
        super().__init__(data)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        year = years[0]
        if data and str(data.get("year", "")).isdigit() and int(data["year"]) in years:
            year = int(data["year"])
        self.fields["month"].choices = [("", _("Whole year"))] + [
            (m.month, _month_label(m)) for m in money.fiscal_months(year)]


@officer_required(Action.VIEW_FINANCE_REGISTERS)
def receipt_register(request):
    """ทะเบียนใบเสร็จรับเงิน: a fiscal year's receipts in number order, voided ones shown with the reason."""
    years = money.register_years()
    form = RegisterForm(request.GET or None, years=years)
    year, month = years[0], None
    if form.is_valid():
        year, month = form.cleaned_data["year"] or years[0], form.cleaned_data["month"]
    receipts = money.receipt_register(year_be=year, month=month)
    title = _("Receipt register")
    export = request.GET.get("export", "")
    heading = f"{title} {_('fiscal year')} {year}" + (
        f" · {_month_label(next(m for m in money.fiscal_months(year) if m.month == month))}" if month else "")
    if export in EXPORTS:
        return _receipts_export(export, receipts, name=f"receipt-register-{year}", title=heading)
    totals = money.register_totals(receipts)
    if export == "pdf":
        return _pdf("billing/receipt_register_pdf.html", {"receipts": receipts, "totals": totals,
                                                          "heading": heading, "year": year},
                    request=request, filename=f"receipt-register-{year}")
    query = f"?year={year}" + (f"&month={month}" if month else "")
    return _render(request, "billing/receipt_register.html", {
        "title": title, "heading": heading, "form": form, "year": year, "totals": totals, "query": query,
        "receipts": Paginator(receipts, PAGE_SIZE).get_page(request.GET.get("page")),
        "breadcrumbs": _crumbs(_money_crumb(), (title, None))})


# --- receivables ---------------------------------------------------------------------------------------------------

def _receivable_columns():
    return [
        (_("Payer"), "text", lambda r: r["payer"]),
        (_("Bills owed"), "number", lambda r: r["count"]),
        (_("Oldest due date"), "date", lambda r: r["oldest_due"]),
        (_("Not yet due"), "money", lambda r: r["not_due"]),
        (_("0–30 days"), "money", lambda r: r["days_0_30"]),
        (_("31–90 days"), "money", lambda r: r["days_31_90"]),
        (_("Over 90 days"), "money", lambda r: r["days_over_90"]),
        (_("Owed (baht)"), "money", lambda r: r["total"]),
    ]


@officer_required(Action.VIEW_FINANCE_REGISTERS)
def receivables(request):
    """ลูกหนี้: what each payer owes (the obligations' recorded balances), by age, largest first."""
    today = timezone.localdate()
    rows = money.receivables(today=today)
    title = _("Receivables")
    export = request.GET.get("export", "")
    if export in EXPORTS:
        columns = _receivable_columns()
        return export_response(export, name="receivables", title=title, headers=[c[0] for c in columns],
                               kinds=[c[1] for c in columns],
                               rows=([c[2](r) for c in columns] for r in rows.iterator(chunk_size=2000)))
    totals = money.receivables_total(today=today)
    if export == "pdf":
        return _pdf("billing/receivables_pdf.html", {"rows": rows, "totals": totals, "today": today},
                    request=request, filename=f"receivables-{be_date(today).replace('/', '-')}")
    return _render(request, "billing/receivables.html", {
        "title": title, "today": today, "totals": totals,
        "rows": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "breadcrumbs": _crumbs(_money_crumb(), (title, None))})


# --- e-LAAS ----------------------------------------------------------------------------------------------------------

ELAAS_COLUMNS = [  # documented on the page and in the README; the e-LAAS import layout itself is unverified
    ("วันที่รับเงิน", "date"), ("ปีงบประมาณ", "number"), ("เล่มที่", "number"), ("เลขที่", "number"),
    ("รหัสรายรับ", "text"), ("ประเภทรายรับ", "text"), ("ผู้ชำระเงิน", "text"), ("รายการ", "text"),
    ("จำนวนเงิน", "money"), ("ช่องทางการรับเงิน", "text"), ("วิธีชำระ", "text"), ("เลขอ้างอิงการชำระ", "text"),
    ("สถานะ", "text"), ("เหตุที่ยกเลิก", "text"),
]


def elaas_rows(receipts, codes: dict):
    for r in receipts.iterator(chunk_size=2000):
        service = r.payment.obligation.service
        code = codes.get(service)
        yield [r.payment.received_at, r.fiscal_year, r.book, r.number_in_book, code.code if code else "",
               code.name if code else service_label(service), r.payer_name, r.description, r.amount,
               money.channel_label(r.payment.channel), money.method_label(r.payment.method), r.payment.reference,
               "ยกเลิก" if r.voided_at else "ปกติ", r.void_reason if r.voided_at else ""]


class ElaasForm(forms.Form):
    start = BuddhistDateField(label=gettext_lazy("From (Buddhist era)"))
    end = BuddhistDateField(label=gettext_lazy("To (Buddhist era)"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                raise ValidationError(_("The last day comes before the first."))
            if (data["end"] - data["start"]).days > 366:
                raise ValidationError(_("At most a year at a time."))
        return data


@officer_required(Action.EXPORT_ELAAS)
def elaas_export(request):
    """Receipts by day for DLA's accounting system e-LAAS, as CSV (UTF-8): the columns are listed on the page;
    the revenue codes are this LAO's (billing:revenue_codes)."""
    from django.utils.translation import override

    today = timezone.localdate()
    form = ElaasForm(request.GET if "start" in request.GET else None,
                     initial={"start": today.replace(day=1), "end": today})
    title = _("Export for e-LAAS")
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        with override("th"):  # e-LAAS is Thai: channel and method labels in Thai whatever the page's language
            rows = list(elaas_rows(money.receipts_received_between(start, end), money.revenue_codes()))
        return export_response("csv", name=f"e-laas-{be_date(start).replace('/', '-')}", title=title,
                               headers=[c[0] for c in ELAAS_COLUMNS], kinds=[c[1] for c in ELAAS_COLUMNS],
                               rows=rows)
    return _render(request, "billing/elaas_export.html", {
        "title": title, "form": form, "columns": ELAAS_COLUMNS, "codes": _codes_of(request.tenant),
        "breadcrumbs": _crumbs(_money_crumb(), (title, None))}, status=400 if form.is_bound else 200)


def _codes_of(lao) -> list[dict]:
    stored = money.revenue_codes()
    return [{"service": s, "label": service_label(s), "row": stored.get(s)} for s in services_of(lao)]


# --- revenue codes -----------------------------------------------------------------------------------------------

@officer_required(Action.MANAGE_REVENUE_CODES)
def revenue_codes(request):
    """This LAO's e-LAAS revenue code (รหัสรายรับ) for each of its services."""
    errors, failed = {}, ""
    if request.method == "POST":
        service = request.POST.get("service", "")
        try:
            if service not in services_of(request.tenant):
                raise ValidationError(_("There is no such service."))
            revenue_code_update(service=service, code=request.POST.get("code", ""),
                                name=request.POST.get("name", ""), actor=request.user, request=request)
            messages.success(request, _("Saved: %(service)s.") % {"service": service_label(service)})
            return redirect("billing:revenue_codes")
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            failed = service
    title = _("e-LAAS revenue codes")
    rows = _codes_of(request.tenant)
    for row in rows:
        row["errors"] = errors if row["service"] == failed else {}
        row["posted"] = request.POST if row["service"] == failed else {}
    return _render(request, "billing/revenue_codes.html", {
        "title": title, "rows": rows, "other_errors": errors.get("__all__", []) if failed else [],
        "breadcrumbs": _crumbs(_money_crumb(), (title, None))}, status=400 if errors else 200)

