"""The officer's workplace on a LAO site: the officer home, "my account" here, and the officer's guide."""
import functools

from django import forms
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from shared_apps.accounts import services as account_services

from .access import ACTION_LABELS, ACTION_ROLES, OBSERVER, ROLE_LABELS, Action
from .decorators import officer_required
from .guide import guide_for, roles as guide_roles
from .workplace import panels_for


@officer_required(Action.OPEN_WORKPLACE)
def home(request):
    """What is waiting for this person's roles, what is late, and one click to each."""
    access = request.lao_access
    return render(request, "officers/home.html", {
        "panels": panels_for(access, lao=request.tenant), "access": access, "today": timezone.localdate(),
        "observer": OBSERVER in access.roles and len(access.roles) == 1,
    })


class CodeForm(forms.Form):
    code = forms.RegexField(label=gettext_lazy("6-digit code from your authenticator app"), regex=r"^\d{6}$",
                            error_messages={"invalid": gettext_lazy("Enter the 6 digits shown by the app.")})


def _role_actions(roles) -> list[tuple[str, list[str]]]:
    """Each role held here, with what it lets the person do (from the role map)."""
    return [(str(ROLE_LABELS[role]), [str(ACTION_LABELS[action]) for action, allowed in ACTION_ROLES.items()
                                      if role in allowed and action != Action.OPEN_WORKPLACE])
            for role in sorted(roles)]


@officer_required(Action.OPEN_WORKPLACE)
def account(request):
    """My account on this LAO's site: the roles held here and the second factor (an authenticator app), with the
    way to set one up. Setting up writes only on POST."""
    user = request.user
    confirmed = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "start" and not confirmed:
            pending = account_services.totp_device_unconfirmed(user=user)
            return redirect("officers:account")
        if step == "confirm" and pending is not None and form.is_valid():
            if account_services.totp_confirm(device=pending, code=form.cleaned_data["code"], request=request):
                messages.success(request, _("Your authenticator app is set up: sign in with its code from now on."))
                return redirect("officers:account")
            form.add_error("code", _("That code is wrong or too old. Try the newest one."))
    context = {
        "roles": _role_actions(request.lao_access.roles), "devices": confirmed, "pending": pending and not confirmed,
        "method": request.session.get("auth_method", ""), "form": form,
        "breadcrumbs": [(_("Officer home"), reverse("officers:home")), (_("My account"), None)],
    }
    if pending and not confirmed:
        context.update(qr_svg=account_services.totp_qr_svg(device=pending),
                       secret=account_services.totp_secret_text(device=pending))
    return render(request, "officers/account.html", context, status=400 if form.errors else 200)


@officer_required(Action.OPEN_WORKPLACE)
def guide(request):
    """The officer's guide for this LAO's type, Thai with English, with the browser tests' screenshots."""
    sections = guide_for(request.tenant.lao_type)
    for section in sections:
        for step in section["steps"]:
            step["has_picture"] = _picture_exists(step["picture"])
    return render(request, "officers/guide.html", {"sections": sections, "roles": guide_roles(),
                                                   "is_pao": request.tenant.lao_type == "provincial_admin_org"})


@functools.lru_cache(maxsize=128)
def _picture_exists(name: str) -> bool:
    return bool(name and finders.find(f"guide/{name}"))
