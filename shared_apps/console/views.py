"""DLA's console on the central site (/dla/): thin views over the console's and the registry's services.

Every view is guarded by `console_view` (DLA administrators everywhere; provincial offices read-only, in
their province); a GET never writes; a refused or malformed form is shown again with its message (400).
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shared_apps.accounts.models import StaffRole
from shared_apps.geography.models import Province
from shared_apps.listing import Column, ListSpec, list_page
from tenants import services as registry
from tenants.models import LAO, LAOStatus, LAOType

from . import selectors, services
from .access import console_view
from .forms import HostnameForm, OnboardingForm, StaffGrantForm, StatusForm
from .models import OnboardingJob
from .tables import Col, Table, wanted_export, with_exports


def _crumbs(*trail):
    return [(_("DLA's console"), reverse("console:home")), *trail]


def _errors(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _province_name(province) -> str:
    return f"{province.name_th} ({province.name_en})" if province else ""


# --- the console's home: onboarding progress ---------------------------------------------------------

def progress_tables(access) -> list[Table]:
    progress = selectors.onboarding_progress(access=access)
    status_cols = [Col(_("Registered, not yet onboarded"), "number"), Col(_("Active"), "number"),
                   Col(_("Suspended"), "number"), Col(_("All"), "number")]

    def counts(row):
        values = [row[status] for status in selectors.STATUSES]
        return values + [sum(values)]

    total = counts(progress["total"])
    by_type = Table(key="onboarding-by-type", caption=_("LAOs by type and status"),
                    columns=[Col(_("Type"))] + status_cols,
                    rows=[[label] + counts(row) for _value, label, row in progress["by_type"]],
                    footer=[_("Total")] + total)
    by_province = Table(key="onboarding-by-province", caption=_("LAOs by province and status"),
                        columns=[Col(_("Province"))] + status_cols,
                        rows=[[_province_name(province)] + counts(row) for province, row in progress["by_province"]],
                        footer=[_("Total")] + total,
                        links=[f"{reverse('console:laos')}?province={province.code}"
                               for province, _row in progress["by_province"]])
    return [by_type, by_province]


@require_GET
@console_view()
def home(request):
    tables = progress_tables(request.console)
    download = wanted_export(request, tables)
    if download is not None:
        return download
    total = tables[0].footer
    return render(request, "console/home.html", {
        "tables": with_exports(request, tables), "here": "home", "total": total, "access": request.console,
        "provinces": Province.objects.filter(code__in=request.console.provinces).order_by("name_th"),
        "jobs": selectors.jobs(limit=5) if request.console.can_act else [],
        "breadcrumbs": [(_("DLA's console"), None)],
    })


# --- the LAOs ----------------------------------------------------------------------------------------

def _lao_spec(access) -> ListSpec:
    provinces = access.provinces_filter(Province.objects.order_by("name_th"), "code")
    return ListSpec(
        name="laos", title=gettext_lazy("LAOs"),
        columns=[
            Column("dla_code", gettext_lazy("DLA code"), lambda lao: lao.dla_code, sort=("dla_code",)),
            Column("name", gettext_lazy("Name"), lambda lao: lao.full_name_th, sort=("name_th",)),
            Column("type", gettext_lazy("Type"), lambda lao: lao.get_lao_type_display(), sort=("lao_type",)),
            Column("province", gettext_lazy("Province"), lambda lao: lao.province.name_th,
                   sort=("province__name_th",)),
            Column("status", gettext_lazy("Status"), lambda lao: lao.get_status_display(), sort=("status",)),
            Column("subdomain", gettext_lazy("Subdomain"), lambda lao: lao.hostname, sort=("hostname",)),
            Column("onboarded", gettext_lazy("Onboarded"), lambda lao: lao.onboarded_at, kind="datetime",
                   sort=("onboarded_at",)),
        ],
        default_sort="dla_code", tiebreak="pk",
        search_text=("name_th", "hostname", "dla_code"),
        status_field="status", statuses=LAOStatus.choices,
        extra_fields={
            "province": forms.ChoiceField(label=gettext_lazy("Province"), required=False,
                                          choices=[("", _("All provinces"))] + [(p.code, p.name_th) for p in provinces]),
            "type": forms.ChoiceField(label=gettext_lazy("Type"), required=False,
                                      choices=[("", _("All types"))] + list(LAOType.choices)),
        },
        apply_extra=lambda rows, cleaned: rows.filter(**{key: value for key, value in (
            ("province_id", cleaned.get("province")), ("lao_type", cleaned.get("type"))) if value}),
    )


@require_GET
@console_view()
def laos(request):
    rows = request.console.laos(LAO.objects.select_related("province"))
    return list_page(request, _lao_spec(request.console), rows, "console/laos.html",
                     {"breadcrumbs": _crumbs((_("LAOs"), None))})


def _visible_lao(request, dla_code: str) -> LAO:
    lao = get_object_or_404(LAO.objects.select_related("province", "district"), dla_code=dla_code)
    if not request.console.sees_province(lao.province_id):
        raise Http404
    return lao


def _lao_page(request, lao, *, status_form=None, hostname_form=None, status=200):
    return render(request, "console/lao.html", {
        "lao": lao, "access": request.console, "events": selectors.lao_history(lao=lao)[:100],
        "status_form": status_form or StatusForm(), "hostname_form": hostname_form or HostnameForm(
            initial={"hostname": lao.hostname}),
        "breadcrumbs": _crumbs((_("LAOs"), reverse("console:laos")), (lao.full_name_th, None)),
    }, status=status)


@require_GET
@console_view()
def lao_detail(request, dla_code):
    return _lao_page(request, _visible_lao(request, dla_code))


@require_POST
@console_view(act=True)
def lao_status(request, dla_code):
    lao = _visible_lao(request, dla_code)
    form = StatusForm(request.POST)
    target = {LAOStatus.ACTIVE: LAOStatus.SUSPENDED, LAOStatus.SUSPENDED: LAOStatus.ACTIVE}.get(lao.status)
    if target is None:
        form.is_valid()
        form.add_error(None, _("Only an active LAO can be suspended, and only a suspended one reinstated."))
        return _lao_page(request, lao, status_form=form, status=400)
    if form.is_valid():
        try:
            registry.lao_set_status(lao=lao, status=target, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(lao)s is suspended.") % {"lao": lao.full_name_th}
                             if target == LAOStatus.SUSPENDED else
                             _("%(lao)s is active again.") % {"lao": lao.full_name_th})
            return redirect("console:lao", dla_code=lao.dla_code)
    return _lao_page(request, lao, status_form=form, status=400)


@require_POST
@console_view(act=True)
def lao_hostname(request, dla_code):
    lao = _visible_lao(request, dla_code)
    form = HostnameForm(request.POST)
    if form.is_valid():
        try:
            lao = registry.lao_change_hostname(lao=lao, hostname=form.cleaned_data["hostname"], actor=request.user)
        except ValidationError as error:
            form.add_error("hostname", error)
        else:
            messages.success(request, _("The LAO's address is now %(host)s.") % {"host": lao.host})
            return redirect("console:lao", dla_code=lao.dla_code)
    return _lao_page(request, lao, hostname_form=form, status=400)


# --- bulk onboarding ---------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@console_view(act=True)
def onboarding(request):
    form = OnboardingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.onboarding_job_request(actor=request.user, province=data["province"],
                                                  lao_type=data["lao_type"], codes=data["codes"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("console:job", pk=job.pk)
    return render(request, "console/onboarding.html", {
        "form": form, "jobs": selectors.jobs(limit=20),
        "breadcrumbs": _crumbs((_("Onboarding in bulk"), None)),
    }, status=400 if form.errors else 200)


def _job_page(request, job, *, errors=(), status=200):
    failures = [(code, reason, LAO.objects.filter(dla_code=code).values_list("name_th", flat=True).first() or "")
                for code, reason in sorted(job.failures.items())]
    response = render(request, "console/job.html", {
        "job": job, "failures": failures, "errors": errors,
        "retryable": not job.is_running and (job.failed or job.status == OnboardingJob.Status.BROKEN),
        "breadcrumbs": _crumbs((_("Onboarding in bulk"), reverse("console:onboarding")),
                               (_("Onboarding no. %(number)s") % {"number": job.pk}, None)),
    }, status=status)
    if job.is_running:
        response["Refresh"] = "2"  # the browser asks again (a plain GET) until the job ends: no script needed
    return response


@require_GET
@console_view(act=True)
def job(request, pk):
    return _job_page(request, get_object_or_404(OnboardingJob.objects.select_related("created_by", "province",
                                                                                      "retry_of"), pk=pk))


@require_POST
@console_view(act=True)
def job_retry(request, pk):
    original = get_object_or_404(OnboardingJob, pk=pk)
    try:
        again = services.onboarding_job_retry(job=original, actor=request.user)
    except ValidationError as error:
        return _job_page(request, original, errors=_errors(error), status=400)
    return redirect("console:job", pk=again.pk)


# --- DLA's staff roles -------------------------------------------------------------------------------

def _staff_page(request, form, status=200):
    return render(request, "console/staff.html", {
        "form": form, "roles": selectors.staff_roles(),
        "breadcrumbs": _crumbs((_("DLA staff roles"), None)),
    }, status=status)


@require_http_methods(["GET", "POST"])
@console_view(act=True)
def staff(request):
    form = StaffGrantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = services.find_person(data["person"])
        if person is None:
            form.add_error("person", _("No single account matches; check the username, e-mail or national ID."))
        else:
            try:
                services.staff_role_grant(actor=request.user, user=person, kind=data["kind"],
                                          province=data["province"], request=request)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
            else:
                messages.success(request, _("%(person)s now has the role.") % {"person": person.display_name})
                return redirect("console:staff")
    return _staff_page(request, form, status=400 if form.errors else 200)


@require_POST
@console_view(act=True)
def staff_revoke(request, pk):
    role = get_object_or_404(StaffRole.objects.select_related("user"), pk=pk)
    try:
        services.staff_role_revoke(actor=request.user, role=role, request=request)
    except ValidationError as error:
        form = StaffGrantForm()
        for message in _errors(error):
            messages.error(request, message)
        return _staff_page(request, form, status=400)
    messages.success(request, _("The role was taken away from %(person)s.") % {"person": role.user.display_name})
    return redirect("console:staff")
