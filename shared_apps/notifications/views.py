"""The person's notification settings on the central site (one choice for every LAO)."""
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import services
from .channels import channel_names
from .models import LEGAL_KINDS, NotificationKind
from .selectors import preference_for


def _central(request):
    """None on the central site; else the redirect there (settings live on the central site only)."""
    if hasattr(getattr(request, "tenant", None), "dla_code"):
        return HttpResponseRedirect(f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}"
                                    f"{request.path}")
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
    return None


def _messages_of(error: ValidationError) -> tuple[list[str], dict]:
    if hasattr(error, "error_dict"):
        fields = {name: [m for e in errors for m in e.messages] for name, errors in error.error_dict.items()}
        return [m for ms in fields.values() for m in ms], fields
    return list(error.messages), {}


def _kinds():
    return [{"value": value, "label": label, "legal": value in LEGAL_KINDS} for value, label in
            NotificationKind.choices]


def preferences_page(request):
    """Language, channels, the e-mail address (verified by a link or a code) and each kind on or off."""
    elsewhere = _central(request)
    if elsewhere:
        return elsewhere
    preference = preference_for(request.user)
    errors, field_errors, status = [], {}, 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "send_code":
                services.verification_start(user=request.user, address=request.POST.get("email", ""),
                                            request=request)
                messages.success(request, _("A link and a code are on their way to that address."))
            elif action == "confirm_code":
                services.verification_confirm(user=request.user, code=request.POST.get("code", ""), request=request)
                messages.success(request, _("Your address is verified: reminders will be sent there."))
            elif action == "save":
                on = set(request.POST.getlist("kinds"))
                muted = [k for k in NotificationKind.values if k not in on and k not in LEGAL_KINDS]
                unknown = on - set(NotificationKind.values)
                services.preference_update(
                    user=request.user, language=request.POST.get("language", ""),
                    channels=request.POST.getlist("channels"), email=request.POST.get("email", ""),
                    muted_kinds=muted + sorted(unknown), request=request)
                messages.success(request, _("Saved."))
            else:
                raise ValidationError(_("Unknown action."))
            return redirect("notifications:preferences")
        except ValidationError as error:
            errors, field_errors = _messages_of(error)
            status = 400
        preference = preference_for(request.user)
    return render(request, "notifications/preferences.html", {
        "preference": preference, "kinds": _kinds(), "channels": channel_names(), "errors": errors,
        "field_errors": field_errors, "post": request.POST if status == 400 else None,
        "languages": settings.LANGUAGES,
        "breadcrumbs": [(_("My account"), reverse("accounts:me")), (_("Notifications"), None)]}, status=status)


def verify_page(request, token: str):
    """The link from the message: GET asks to confirm (a GET never writes), POST verifies."""
    elsewhere = _central(request)
    if elsewhere:
        return elsewhere
    error, status = "", 200
    if request.method == "POST":
        try:
            services.verification_confirm(user=request.user, token=token[:100], request=request)
            messages.success(request, _("Your address is verified: reminders will be sent there."))
            return redirect("notifications:preferences")
        except ValidationError as refusal:
            error, status = " ".join(refusal.messages), 400
    return render(request, "notifications/verify.html", {
        "error": error, "breadcrumbs": [(_("My account"), reverse("accounts:me")),
                                        (_("Notifications"), reverse("notifications:preferences")),
                                        (_("Verify the address"), None)]}, status=status)
