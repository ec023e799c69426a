"""National and provincial dashboards (/dla/figures/, /dla/figures/<province>/): money, filing and permits
from the figures the LAOs publish (shared_apps.oversight.selectors), as tables with a chart or a map beside
them. Every table downloads as CSV/XLSX with exactly the page's rows. Provincial office staff see their
province's page only; DLA administrators the country and every province.
"""
from __future__ import annotations

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from shared_apps.geography.models import Province
from shared_apps.oversight import selectors as figures
from shared_apps.portal.templatetags.thai_dates import thai_month
from tenants.models import LAO, LAOType, Service

from . import charts
from .access import console_view
from .tables import Col, Table, wanted_export, with_exports

MAP_FIGURES = [("revenue", gettext_lazy("Money received (baht)")), ("active", gettext_lazy("LAOs active (%)")),
               ("on_time", gettext_lazy("PAO returns filed on time (%)")),
               ("permits", gettext_lazy("Advertising applications received"))]
TOP = 10
PERMIT_ROWS = 100


class FiguresForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=gettext_lazy("Fiscal year"), coerce=int, required=False)
    service = forms.ChoiceField(label=gettext_lazy("Service"), required=False,
                                choices=[("", gettext_lazy("All services"))] + list(Service.choices))
    lao_type = forms.ChoiceField(label=gettext_lazy("Type"), required=False,
                                 choices=[("", gettext_lazy("All types"))] + list(LAOType.choices))
    figure = forms.ChoiceField(label=gettext_lazy("The map shows"), required=False, choices=MAP_FIGURES)

    def __init__(self, data, years):
        super().__init__(data)
        self.fields["fiscal_year"].choices = [(y, str(y)) for y in years]


def _lao_cols():
    return [Col(_("LAO")), Col(_("Province")), Col(_("Type"))]


def _lao_cells(row):
    return [f"{row['name_th']} ({row['dla_code']})", row["province_th"], row["type_label"]]


def build(*, fiscal_year: int, province: Province | None, service: str, lao_type: str, figure: str) -> dict:
    code = province.code if province else None
    fy = fiscal_year
    summary = figures.revenue_summary(fiscal_year=fy, province=code, lao_type=lao_type or None, service=service or None)
    filing = figures.filing_summary(fiscal_year=fy, province=code, service=service or None)
    permits = figures.permits_summary(fiscal_year=fy, province=code, lao_type=lao_type or None)
    onboarding = figures.onboarding_counts(province=code)
    money = Col(_("Baht"), "money")
    tables, charts_by_key = [], {}

    tables.append(Table(key="summary", caption=_("Fiscal year %(year)s at a glance") % {"year": fy},
                        columns=[Col(_("Figure")), Col(_("Value"), "number")], rows=[
        [_("Money received (baht)"), summary["amount"]],
        [_("Money received the fiscal year before (baht)"), summary["last_year_amount"]],
        [_("Change on the year before (%)"), summary["change_percent"]],
        [_("Payments"), summary["payments"]],
        [_("LAOs with money received"), summary["laos"]],
        [_("LAOs active"), onboarding["total"]["active"]],
        [_("PAO returns due"), filing["should_file"]],
        [_("PAO returns filed on time (%)"), filing["on_time_percent"]],
        [_("Advertising applications received"), permits["received"]],
        [_("Permits issued"), permits["issued"]],
        [_("Decided within the deadline (%)"), permits["in_time_percent"]],
    ]))

    trend = figures.revenue_by_fiscal_year(province=code, lao_type=lao_type or None, service=service or None, until=fy)
    tables.append(Table(key="revenue-by-fiscal-year", caption=_("Money received by fiscal year (baht)"),
                        columns=[Col(_("Fiscal year")), money, Col(_("Payments"), "number")],
                        rows=[[str(r["fiscal_year"]), r["amount"], r["payments"]] for r in trend]))
    charts_by_key["revenue-by-fiscal-year"] = charts.column_chart(
        chart_id="chart-trend", title=_("Money received by fiscal year"),
        description=_("Bars for the last five fiscal years; the table beside it has the figures."),
        labels=[str(r["fiscal_year"]) for r in trend], series=[{"values": [r["amount"] for r in trend], "css": "chart-now"}])

    months = figures.revenue_by_month(fiscal_year=fy, province=code, lao_type=lao_type or None, service=service or None)
    tables.append(Table(key="revenue-by-month", caption=_("Money received by month (baht)"),
                        columns=[Col(_("Month")), Col(str(fy), "money"), Col(str(fy - 1), "money")],
                        rows=[[thai_month(r["month"]), r["amount"], r["last_year_amount"]] for r in months]))
    charts_by_key["revenue-by-month"] = charts.column_chart(
        chart_id="chart-months", title=_("Money received by month, this fiscal year and the one before"),
        description=_("Pairs of bars from October to September; the table beside it has the figures."),
        labels=[thai_month(r["month"]).split(" ")[0][:3] for r in months],
        series=[{"values": [r["amount"] for r in months], "css": "chart-now"},
                {"values": [r["last_year_amount"] for r in months], "css": "chart-last"}])

    by_type = figures.revenue_by_lao_type(fiscal_year=fy, province=code, service=service or None)
    tables.append(Table(key="revenue-by-type", caption=_("Money received by LAO type (baht)"),
                        columns=[Col(_("Type")), money, Col(_("Payments"), "number"), Col(_("LAOs"), "number")],
                        rows=[[r["label"], r["amount"], r["payments"], r["laos"]] for r in by_type]))
    charts_by_key["revenue-by-type"] = charts.bar_chart(
        chart_id="chart-types", title=_("Money received by LAO type"), description=_("One bar per type."),
        labels=[r["label"] for r in by_type], values=[r["amount"] for r in by_type])

    by_service = figures.revenue_by_service(fiscal_year=fy, province=code, lao_type=lao_type or None)
    tables.append(Table(key="revenue-by-service", caption=_("Money received by service (baht)"),
                        columns=[Col(_("Service")), money, Col(_("Payments"), "number"), Col(_("LAOs"), "number")],
                        rows=[[r["label"], r["amount"], r["payments"], r["laos"]] for r in by_service]))
    charts_by_key["revenue-by-service"] = charts.bar_chart(
        chart_id="chart-services", title=_("Money received by service"), description=_("One bar per service."),
        labels=[r["label"] for r in by_service], values=[r["amount"] for r in by_service])

    ranked = figures.top_laos(fiscal_year=fy, province=code, lao_type=lao_type or None, service=service or None, limit=TOP)
    for key, caption, rows in (("top-laos", _("The LAOs with the most money received"), ranked["top"]),
                               ("bottom-laos", _("The active LAOs with the least money received"), ranked["bottom"])):
        tables.append(Table(key=key, caption=caption, columns=_lao_cols() + [money, Col(_("Payments"), "number")],
                            rows=[_lao_cells(r) + [r["amount"], r["payments"]] for r in rows]))

    filing_rows = figures.filing_by_pao(fiscal_year=fy, province=code, service=service or None)
    tables.append(Table(key="filing-by-pao", caption=_("Filing compliance per PAO (months whose deadline has passed)"),
                        columns=[Col(_("PAO")), Col(_("Province")), Col(_("Businesses registered"), "number"),
                                 Col(_("Returns due"), "number"), Col(_("Filed"), "number"),
                                 Col(_("On time"), "number"), Col(_("Late"), "number"), Col(_("Not filed"), "number"),
                                 Col(_("On time (%)"), "number")],
                        rows=[[f"{r['name_th']} ({r['dla_code']})", r["province_th"], r["businesses"], r["should_file"],
                               r["filed"], r["on_time"], r["late"], r["not_filed"], r["on_time_percent"]]
                              for r in filing_rows]))

    permit_rows = figures.permits_by_lao(fiscal_year=fy, province=code, lao_type=lao_type or None)[:PERMIT_ROWS]
    tables.append(Table(key="permits-by-lao", caption=_("Advertising permits per municipality and SAO (the %(n)s "
                                                         "with the most applications)") % {"n": PERMIT_ROWS},
                        columns=_lao_cols() + [Col(_("Received"), "number"), Col(_("Approved"), "number"),
                                               Col(_("Refused"), "number"), Col(_("Decided in time"), "number"),
                                               Col(_("Decided late"), "number"), Col(_("Permits issued"), "number")],
                        rows=[_lao_cells(r) + [r["received"], r["approved"], r["refused"], r["decided_in_time"],
                                               r["decided_late"], r["issued"]] for r in permit_rows]))

    context = {"tables": tables, "charts": charts_by_key, "summary": summary, "filing": filing, "permits": permits}
    if province is None:
        context.update(_national_map(fy=fy, service=service, lao_type=lao_type, figure=figure, tables=tables,
                                     onboarding=onboarding))
    else:
        context.update(_province_map(province=province, tables=tables))
    return context


def _national_map(*, fy, service, lao_type, figure, tables, onboarding):
    revenue = {r["province"]: r for r in figures.revenue_by_province(fiscal_year=fy, lao_type=lao_type or None,
                                                                       service=service or None)}
    active = {r["province"]: r for r in onboarding["by_province"]}
    on_time = {r["province"]: r["on_time_percent"] for r in figures.filing_by_pao(fiscal_year=fy,
                                                                                  service=service or None)}
    permits = {}
    for r in figures.permits_by_lao(fiscal_year=fy, lao_type=lao_type or None):
        permits[r["province"]] = permits.get(r["province"], 0) + r["received"]
    provinces = list(Province.objects.order_by("name_th"))

    def active_percent(code):
        row = active.get(code)
        return None if not row or not row["all"] else round(100 * row["active"] / row["all"], 1)

    rows, values = [], {}
    for p in provinces:
        money = revenue.get(p.code, {})
        row = [f"{p.name_th} ({p.name_en})", money.get("amount", 0), money.get("payments", 0),
               active.get(p.code, {}).get("active", 0), active_percent(p.code), on_time.get(p.code),
               permits.get(p.code, 0)]
        rows.append(row)
        values[p.code] = {"revenue": money.get("amount"), "active": active_percent(p.code),
                          "on_time": on_time.get(p.code), "permits": permits.get(p.code)}[figure]
    table = Table(key="by-province", caption=_("By province"),
                  columns=[Col(_("Province")), Col(_("Baht"), "money"), Col(_("Payments"), "number"),
                           Col(_("LAOs active"), "number"), Col(_("LAOs active (%)"), "number"),
                           Col(_("PAO returns on time (%)"), "number"), Col(_("Applications received"), "number")],
                  rows=rows, links=[reverse("console:province_figures", args=[p.code]) for p in provinces])
    tables.insert(1, table)
    label = str(dict(MAP_FIGURES)[figure])
    svg, legend = charts.province_map(
        chart_id="map-provinces", title=_("Map of Thailand: %(figure)s by province") % {"figure": label},
        description=_("Provinces shaded from light (low) to dark (high); grey where there is no figure. The table "
                      "“By province” has every province's figures."),
        values=values, names={p.code: p.name_th for p in provinces})
    return {"map_svg": svg, "map_legend": legend, "map_figure": label, "map_table": table.key}


def _province_map(*, province, tables):
    laos = list(LAO.objects.filter(province=province).order_by("dla_code").values(
        "dla_code", "name_th", "lao_type", "status", "latitude", "longitude"))
    for lao in laos:
        lao["name"] = f"{lao['name_th']} ({lao['dla_code']})"
    svg = charts.lao_points_map(
        chart_id="map-laos", title=_("Map of %(province)s: its LAOs") % {"province": province.name_th},
        description=_("A point for each LAO whose location is in the registry: green active, orange not yet "
                      "onboarded, red suspended. The table of LAOs of the province lists them all."),
        province=province.code, points=[{**lao, "name": lao["name"]} for lao in laos])
    located = sum(1 for lao in laos if lao["latitude"] is not None)
    return {"map_svg": svg, "map_legend": [], "map_points": (located, len(laos))}


def _page(request, *, province):
    access = request.console
    years = figures.fiscal_years_available()
    form = FiguresForm(request.GET, years)
    errors = []
    if form.is_valid():
        data = form.cleaned_data
    else:
        errors = [f"{form.fields[n].label}: {m}" for n, ms in form.errors.items() for m in ms]
        data = {}
    fiscal_year = data.get("fiscal_year") or years[0]
    context = build(fiscal_year=fiscal_year, province=province, service=data.get("service") or "",
                    lao_type=data.get("lao_type") or "", figure=data.get("figure") or "revenue")
    download = wanted_export(request, context["tables"])
    if download is not None:
        return download
    with_exports(request, context["tables"])
    title = province.name_th if province else _("The whole country")
    trail = [(_("DLA's console"), reverse("console:home"))]
    if province and access.national:
        trail.append((_("Figures"), reverse("console:figures")))
    context.update({"form": form, "errors": errors, "fiscal_year": fiscal_year, "province": province,
                    "place": title, "access": access, "here": "dashboard",
                    "dashboards_url": reverse("console:figures"),
                    "chart_tables": set(context["charts"]), "breadcrumbs": trail + [(title, None)]})
    return render(request, "console/dashboard.html", context, status=400 if errors else 200)


@require_GET
@console_view()
def national(request):
    if not request.console.national:  # a provincial office: its own province's page
        first = sorted(request.console.provinces)[0]
        return redirect("console:province_figures", code=first)
    return _page(request, province=None)


@require_GET
@console_view()
def provincial(request, code):
    province = get_object_or_404(Province, code=code)
    if not request.console.sees_province(province.code):
        raise Http404
    return _page(request, province=province)
