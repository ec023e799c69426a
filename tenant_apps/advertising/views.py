"""Pages of a municipality's, SAO's or Pattaya's site for advertising permits."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from shared_apps.listing import build_listing, export_listing
from shared_apps.portal.templatetags.thai_dates import buddhist_date
from shared_apps.text import TextField
from tenant_apps.billing.selectors import payment_links
from tenant_apps.officers.access import Action, request_access
from tenant_apps.officers.decorators import officer_required

from . import services
from .forms import BuddhistDateField, DocumentField, ApplicationFormMixin
from .models import (
    ApplicantType,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    DocumentKind,
    Method,
    Permit,
)
from .selectors import (
    applications_of,
    deadline_flag,
    permit_by_number,
    policy_get,
)


def _messages(error) -> list[str]:
    return getattr(error, "messages", None) or [str(error)]


def advertising_conditions(request):
    """What an applicant must know before asking to post, drop or scatter notices here."""
    return render(request, "advertising/conditions.html", {"lao": request.tenant, "policy": policy_get()})


# Realistic bounds of what a person types (the columns hold more): a million leaflets, a year's period.
MAX_NOTICES = 1_000_000
MAX_DAYS = 366
MAX_TEXT = 5000  # a gist, a note, a list of places: a page of text


class ApplicationForm(ApplicationFormMixin, forms.Form):
    applicant_type = forms.ChoiceField(label=gettext_lazy("Applying"), choices=ApplicantType.choices)
    juristic_name = TextField(label=gettext_lazy("Juristic person's name"), required=False, max_length=200)
    juristic_tax_id = TextField(label=gettext_lazy("Juristic person's tax ID"), required=False, max_length=13)
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=Method.choices)
    message_gist = TextField(label=gettext_lazy("Gist of the message"), widget=forms.Textarea(attrs={"rows": 3}),
                             multiline=True, max_length=MAX_TEXT)
    width_m = forms.DecimalField(label=gettext_lazy("Width (m)"), max_digits=5, decimal_places=2, min_value=0.01)
    height_m = forms.DecimalField(label=gettext_lazy("Height (m)"), max_digits=5, decimal_places=2, min_value=0.01)
    notice_count = forms.IntegerField(label=gettext_lazy("Number of notices"), min_value=1, max_value=MAX_NOTICES)
    start_date = BuddhistDateField(label=pgettext_lazy("period", "From"))
    end_date = BuddhistDateField(label=pgettext_lazy("period", "Until"))
    location = TextField(label=gettext_lazy("Place (road, site)"), max_length=300)
    latitude = forms.DecimalField(label=gettext_lazy("Latitude (optional, from the map)"), required=False,
                                  max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=gettext_lazy("Longitude (optional)"), required=False, max_digits=9,
                                   decimal_places=6)
    undertakes_removal = forms.BooleanField(label=gettext_lazy("I undertake to remove the notices when the permit "
                                                               "ends"), required=False)
    sample = DocumentField(kind=DocumentKind.SAMPLE, accept="image/jpeg,image/png", multiple=True,
                           label=gettext_lazy("Sample of the notice"))
    consent = DocumentField(kind=DocumentKind.CONSENT, accept="image/jpeg,image/png,application/pdf",
                            label=gettext_lazy("Landowner's consent (if on private land)"))
    id_document = DocumentField(kind=DocumentKind.ID_DOCUMENT, accept="image/jpeg,image/png,application/pdf",
                                label=gettext_lazy("Company documents (if for a juristic person)"))


def _fields(data: dict) -> dict:
    fields = {k: v for k, v in data.items()
              if k not in ("location", "latitude", "longitude", *ApplicationFormMixin.DOCUMENTS)}
    fields["locations"] = [{"description": data["location"], "latitude": data.get("latitude"),
                            "longitude": data.get("longitude")}]
    return fields


@login_required
def my_applications(request):
    return render(request, "advertising/my_applications.html", {"applications": applications_of(request.user)})


def _form_data(application: Application) -> dict:
    """An application as its form's data, so a draft that cannot be submitted yet shows its problems."""
    location = application.locations.first()
    data = {name: getattr(application, name) for name in services.APPLICATION_FIELDS}
    data.update(location=location.description if location else "", latitude=location.latitude if location else None,
                longitude=location.longitude if location else None)
    return {name: ("on" if value is True else "" if value in (None, False) else value) for name, value in data.items()}


@login_required
def application_edit(request, pk=None):
    """The applicant's form. Files are checked before anything is saved (a refused file leaves no draft);
    the draft and its documents are saved together; "Submit" then submits it, and if the LAO's conditions
    stop it, the saved draft's own page shows why, field by field (a retry never makes a second draft)."""
    application = get_object_or_404(Application, pk=pk, applicant_id=request.user.pk) if pk else None
    if application and application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.MORE_INFO):
        messages.info(request, _("This application has been submitted: it can no longer be changed."))
        return redirect("advertising:application", pk=application.pk)
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES)
    elif application and request.GET.get("check"):
        form = ApplicationForm(_form_data(application))
        if form.is_valid():
            try:
                services.check_submittable(application=application)
            except ValidationError as error:
                form.add_problems(error)
    else:
        initial = {}
        if application:
            location = application.locations.first()
            initial = {name: getattr(application, name) for name in services.APPLICATION_FIELDS}
            if location:
                initial.update(location=location.description, latitude=location.latitude,
                               longitude=location.longitude)
        form = ApplicationForm(initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_save_with_documents(
                applicant=request.user, application=application, documents=form.documents(), request=request,
                **_fields(form.cleaned_data))
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _messages(error))
        else:
            if not request.POST.get("submit"):
                messages.success(request, _("Draft saved."))
                return redirect("advertising:application", pk=application.pk)
            try:
                application = services.application_submit(application=application, actor=request.user,
                                                          request=request)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, _("The draft is saved with its documents, but it cannot be submitted "
                                          "yet: put right what is marked, then submit it again."))
                return redirect(reverse("advertising:edit", args=[application.pk]) + "?check=1")
            messages.success(request, _("Submitted. The LAO will decide by %(date)s.")
                             % {"date": buddhist_date(application.decision_due)})
            return redirect("advertising:application", pk=application.pk)
    return render(request, "advertising/application_form.html", {
        "form": form, "application": application, "policy": policy_get(),
    }, status=400 if (request.method == "POST" and form.errors) else 200)


def _note(text: str) -> str:
    """A note typed on the application page, read like a form field (ValidationError if it is not text)."""
    return TextField(required=False, multiline=True, max_length=MAX_TEXT).clean(text)


def _visible_application(request, pk) -> tuple[Application, bool]:
    """The applicant sees their own; officers of this LAO see all. Returns (application, as_officer).
    Anyone else hears the same 404 as for an id that does not exist (pages and API alike)."""
    application = Application.objects.select_related("permit").filter(pk=pk).first()
    if application is None:
        raise Http404
    if application.applicant_id == getattr(request.user, "pk", None):
        return application, False
    if request_access(request).allows(Action.VIEW_APPLICATIONS):
        from shared_apps.accounts.services import has_second_factor

        if has_second_factor(request):
            return application, True
    raise Http404


# Steps that cannot be undone: the page asks once more, with what will follow, before taking them (a
# confirmation step on the server: the site runs no inline script).
IRREVERSIBLE = {
    "withdraw": (gettext_lazy("Withdraw this application?"),
                 gettext_lazy("The LAO stops working on it and any fee still due is cancelled. It cannot be "
                              "submitted again; a new application would be needed."),
                 gettext_lazy("Yes, withdraw it")),
    "refuse": (gettext_lazy("Refuse this application?"),
               gettext_lazy("The order is final: the applicant is told, with the reasons below."),
               gettext_lazy("Yes, refuse it")),
    "revoke": (gettext_lazy("Revoke this permit?"),
               gettext_lazy("The permit stops at once: its public verification page will say it is revoked, "
                            "and the holder is told, with the reasons below. This cannot be undone."),
               gettext_lazy("Yes, revoke the permit")),
}


@login_required
def application_page(request, pk):
    application, as_officer = _visible_application(request, pk)
    action_errors, note = [], ""
    if request.method == "POST":
        operation = request.POST.get("operation", "")
        try:
            note = _note(request.POST.get("note", ""))
            signer_title = _note(request.POST.get("signer_title", ""))[:200]
            if operation in IRREVERSIBLE and request.POST.get("confirmed") != "1":
                question, consequence, button = IRREVERSIBLE[operation]
                return render(request, "advertising/confirm.html", {
                    "application": application, "operation": operation, "note": note,
                    "signer_title": signer_title, "question": question, "consequence": consequence,
                    "button": button, "permit": getattr(application, "permit", None)})
            if operation == "upload":
                for upload in request.FILES.getlist("document"):
                    services.document_upload(application=application, kind=request.POST.get("kind", ""),
                                             upload=upload, actor=request.user, request=request)
            else:
                services.application_act(application=application, action=operation, actor=request.user,
                                         note=note, recommends=request.POST.get("recommends", ""),
                                         photo=request.FILES.get("photo"), signer_title=signer_title,
                                         request=request)
            messages.success(request, _("Saved."))
            return redirect("advertising:application", pk=application.pk)
        except (ValidationError, PermissionDenied) as error:
            action_errors = _messages(error)  # shown beside the form, with what was typed kept
            application.refresh_from_db()
    permit = Permit.objects.filter(application=application).first()
    return render(request, "advertising/application.html", {
        "application": application, "as_officer": as_officer, "permit": permit,
        "permit_status": permit.status_on(timezone.localdate()) if permit else "",
        "events": application.events.select_related("actor"), "documents": application.documents.all(),
        "flag": deadline_flag(application, timezone.localdate()), "access": request_access(request),
        "document_kinds": DocumentKind.choices, "action_errors": action_errors, "note": note,
        "signer_title": services.signer_title_default(request.tenant),
        "pay": payment_links(source=services.INVOICE_SOURCE, source_id=application.pk),
    }, status=400 if action_errors else 200)


@login_required
def document_download(request, pk, document_id):
    """Uploads are never public: served from this LAO's schema to the applicant or its officers only."""
    application, _as_officer = _visible_application(request, pk)
    document = get_object_or_404(ApplicationDocument, pk=document_id, application=application)
    return FileResponse(document.file.open("rb"), content_type=document.content_type,
                        filename=document.original_name)


@officer_required(Action.VIEW_APPLICATIONS)
def officer_queue(request):
    """The permit queue: every application with its applicant, step and deadline — filtered, sorted, paged
    and exported (shared_apps.listing)."""
    from tenant_apps.officers.navigation import breadcrumbs_for

    from . import lists

    listing = build_listing(request, lists.APPLICATIONS, lists.applications())
    if listing.export:
        return export_listing(listing)
    today = timezone.localdate()
    for application in listing.page:
        application.flag = deadline_flag(application, today)
    return render(request, "advertising/queue.html", {
        "listing": listing, "can_reveal": request.lao_access.allows(Action.REVEAL_NATIONAL_ID),
        "breadcrumbs": breadcrumbs_for(request.resolver_match.view_name, request.lao_access),
    }, status=400 if listing.errors else 200)


@login_required
def permit_pdf(request, pk):
    """The permit as signed at issue: the stored file, the same bytes on every download."""
    from shared_apps.documents.issuing import stored_bytes

    application, _as_officer = _visible_application(request, pk)
    permit = get_object_or_404(Permit, application=application)
    response = HttpResponse(stored_bytes("permit", permit.pk, lao=request.tenant), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="permit-{permit.number}-{permit.fiscal_year}.pdf"'
    return response


def permit_verify(request, fiscal_year, number):
    """Public: anyone who scans the notice's QR sees whether it is allowed, and nothing personal."""
    from shared_apps.documents.views import upload_outcome

    permit = permit_by_number(fiscal_year=fiscal_year, number=number)
    status = permit.status_on(timezone.localdate()) if permit else "unknown"
    outcome, upload_error = upload_outcome(request, expected_kind="permit")
    return render(request, "advertising/verify.html", {"permit": permit, "status": status,
                                                       "number": f"{number}/{fiscal_year}", "outcome": outcome,
                                                       "upload_error": upload_error, "upload_action": request.path},
                  status=400 if upload_error else 200 if permit else 404)


class PolicyForm(forms.Form):
    fee_basis = forms.ChoiceField(label=gettext_lazy("Fee charged"), choices=[("per_sign", gettext_lazy("per notice")),
                                                                                ("per_permit", gettext_lazy("per permit"))])
    fee_amount = forms.DecimalField(label=gettext_lazy("Fee (baht, at most 200)"), max_digits=6, decimal_places=2)
    max_width_m = forms.DecimalField(label=gettext_lazy("Largest width (m)"), max_digits=5, decimal_places=2)
    max_height_m = forms.DecimalField(label=gettext_lazy("Largest height (m)"), max_digits=5, decimal_places=2)
    max_days = forms.IntegerField(label=gettext_lazy("Longest period (days)"), min_value=1, max_value=MAX_DAYS)
    max_notices = forms.IntegerField(label=gettext_lazy("Most notices per application"), min_value=1,
                                     max_value=MAX_NOTICES)
    apply_days_ahead = forms.IntegerField(label=gettext_lazy("Apply at least (days ahead)"), min_value=0, max_value=MAX_DAYS)
    decision_days = forms.IntegerField(label=gettext_lazy("Decision within (days)"), min_value=1, max_value=MAX_DAYS)
    banned_locations = TextField(label=gettext_lazy("Places where notices are not allowed"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}), multiline=True, max_length=MAX_TEXT)
    signer_title = TextField(label=gettext_lazy("Title of the official who signs orders"), max_length=200)


@officer_required(Action.MANAGE_ADVERTISING_POLICY)
def policy_page(request):
    policy = policy_get()
    form = PolicyForm(request.POST or None, initial={name: getattr(policy, name) for name in PolicyForm.base_fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.advertising_policy_update(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("advertising:policy")
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "advertising/policy.html", {"form": form}, status=400 if form.errors else 200)
