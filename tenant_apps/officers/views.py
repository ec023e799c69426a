"""Officer pages of a LAO site: officers and roles, invitations, the audit trail."""
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shared_apps.accounts import services as account_services
from shared_apps.listing import build_listing, export_listing, list_page
from shared_apps.text import TextField

from . import lists
from .access import Action
from .decorators import officer_required
from .models import Invitation, Officer, Role
from .services import (InvitationError, invitation_accept, invitation_check, national_id_reveal, officer_deactivate,
                       officer_grant_role, officer_invite, officer_revoke_role)


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    name = TextField(label=gettext_lazy("Name"), required=False, max_length=200)
    roles = forms.MultipleChoiceField(label=gettext_lazy("Roles"), choices=Role.choices,
                                      widget=forms.CheckboxSelectMultiple)


def _crumbs(request) -> list:
    from .navigation import breadcrumbs_for

    return breadcrumbs_for(request.resolver_match.view_name, request.lao_access)


@officer_required(Action.VIEW_OFFICERS)
def officer_list(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not request.lao_access.allows(Action.MANAGE_OFFICERS):
            raise PermissionDenied
        if form.is_valid():
            try:
                officer_invite(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
                return redirect("officers:list")
    listing = build_listing(request, lists.OFFICERS, lists.officers())
    if listing.export:
        return export_listing(listing)
    for officer in listing.page:
        officer.person = officer.user
    return render(request, "officers/officer_list.html", {
        "listing": listing, "invitations": Invitation.objects.filter(accepted_at__isnull=True)[:50],
        "form": form, "roles": Role.choices, "can_manage": request.lao_access.allows(Action.MANAGE_OFFICERS),
        "breadcrumbs": _crumbs(request),
    }, status=400 if listing.errors else 200)


@require_POST
@officer_required(Action.MANAGE_OFFICERS)
def officer_change(request, pk):
    officer = get_object_or_404(Officer, pk=pk)
    operation, role = request.POST.get("operation"), request.POST.get("role", "")
    try:
        if operation == "grant":
            officer_grant_role(officer=officer, role=role, actor=request.user, request=request)
        elif operation == "revoke":
            officer_revoke_role(officer=officer, role=role, actor=request.user, request=request)
        elif operation == "deactivate":
            officer_deactivate(officer=officer, actor=request.user, request=request)
        else:
            raise ValidationError(_("Unknown change."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Saved."))
    return redirect("officers:list")


@officer_required(Action.VIEW_AUDIT)
def audit_list(request):
    return list_page(request, lists.AUDIT, lists.audit_events(), "officers/audit.html",
                     {"breadcrumbs": _crumbs(request)})


@require_POST
@never_cache
@officer_required(Action.REVEAL_NATIONAL_ID)
def reveal_national_id(request):
    """The full national ID behind a masked one (a POST, recorded in the audit trail), then back to the page."""
    from .identities import formatted

    page = str(request.POST.get("page", ""))[:300]
    if not page.startswith("/") or page.startswith("//") or "\\" in page:
        page = ""  # only a page of this site
    try:
        name, national_id = national_id_reveal(actor=request.user, subject=str(request.POST.get("subject", ""))[:40],
                                               page=page, request=request)
    except LookupError:
        raise Http404 from None
    return render(request, "officers/national_id.html", {"name": name, "national_id": formatted(national_id),
                                                         "back": page})


class NewAccountForm(forms.Form):
    username = TextField(label=gettext_lazy("Username"), max_length=150)
    name_th = TextField(label=gettext_lazy("Your name (Thai)"), max_length=200)
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=gettext_lazy("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password2"):
            raise ValidationError(_("The two passwords differ."))
        if get_user_model().objects.filter(username__iexact=data.get("username", "")).exists():
            raise ValidationError(_("That username is taken."))
        if data.get("password"):
            validate_password(data["password"], get_user_model()(username=data.get("username", "")))
        return data


class CodeForm(forms.Form):
    code = forms.RegexField(label=gettext_lazy("6-digit code from your authenticator app"), regex=r"^\d{6}$",
                            error_messages={"invalid": gettext_lazy("Enter the 6 digits shown by the app.")})


def invitation(request, token):
    """Accept an invitation: as the person signed in, with DOPA Digital ID, or with a new password account
    and an authenticator app (TOTP)."""
    try:
        invite = invitation_check(token=token)
    except InvitationError as error:
        return render(request, "officers/invitation.html", {"error": str(error)}, status=410)
    pending_key = f"officer-enrolment-{invite.pk}"
    context = {"invitation": invite, "roles": [Role(r).label for r in invite.roles]}

    if request.user.is_authenticated and request.method == "POST" and request.POST.get("step") == "accept":
        if not account_services.has_second_factor(request):
            context["error"] = _("Sign in with DOPA Digital ID or your authenticator code before accepting.")
        else:
            invitation_accept(token=token, user=request.user, request=request)
            messages.success(request, _("Welcome: you are now an officer of this LAO."))
            return redirect("officers:home")  # the officer home: what waits for the roles just accepted
        return render(request, "officers/invitation.html", context, status=400)

    pending_user_id = request.session.get(pending_key)
    if pending_user_id and not request.user.is_authenticated:
        user = get_user_model().objects.get(pk=pending_user_id)
        device = account_services.totp_device_unconfirmed(user=user)
        form = CodeForm(request.POST or None)
        if request.method == "POST" and request.POST.get("step") == "totp" and form.is_valid():
            if account_services.totp_confirm(device=device, code=form.cleaned_data["code"], request=request):
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                account_services.mark_second_factor(request, device=device)
                del request.session[pending_key]
                invitation_accept(token=token, user=user, request=request)
                messages.success(request, _("Welcome: you are now an officer of this LAO."))
                return redirect("officers:home")
            form.add_error("code", _("That code is wrong or too old. Try the newest one."))
        context.update(step="totp", form=form, qr_svg=account_services.totp_qr_svg(device=device),
                       secret=account_services.totp_secret_text(device=device))
        return render(request, "officers/invitation.html", context, status=400 if form.errors else 200)

    form = NewAccountForm(request.POST or None, initial={"username": invite.email})
    if request.method == "POST" and request.POST.get("step") == "account" and form.is_valid():
        user = account_services.officer_account_create(
            username=form.cleaned_data["username"], email=invite.email, name_th=form.cleaned_data["name_th"],
            password=form.cleaned_data["password"])
        request.session[pending_key] = user.pk
        return redirect(request.path)
    context.update(step="account", form=form)
    return render(request, "officers/invitation.html", context, status=400 if form.errors else 200)
