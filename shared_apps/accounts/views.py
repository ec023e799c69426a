"""Sign-in and sign-out on the central site and on every LAO's host; "my account".

Citizens sign in with DOPA Digital ID on the central site (the one redirect URI
DOPA knows); a one-time ticket then carries the sign-in to the LAO's host the
person came from. Officers may also sign in on their LAO's host with a password
and an authenticator code.
"""
import logging
import re
from urllib.parse import urlencode, urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from joserfc.errors import JoseError

from localservice.throttling import DopaCallbackThrottle, SignInThrottle, throttled_page
from shared_apps.audit.models import AuditEvent
from shared_apps.audit.services import audit_record
from shared_apps.text import TextField
from tenants.selectors import lao_for_host

from . import services
from .dopa import dopa_client
from .services import SignInError

logger = logging.getLogger(__name__)
SESSION_NEXT = "dopa_next"
SESSION_LINK = "dopa_link_ticket"


def _central_url(path: str) -> str:
    return f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}{path}"


def _on_lao_host(request) -> bool:
    return hasattr(getattr(request, "tenant", None), "dla_code")


def _safe_next(request, value: str, default: str = "/") -> str:
    """Only our own hosts: the central site and LAO subdomains (no open redirect)."""
    if not value:
        return default
    host = urlsplit(value).hostname or ""
    ours = host == settings.BASE_DOMAIN or host.endswith(f".{settings.BASE_DOMAIN}")
    allowed = {request.get_host()} | ({urlsplit(value).netloc} if ours else set())
    return value if url_has_allowed_host_and_scheme(value, allowed_hosts=allowed,
                                                    require_https=request.is_secure()) else default


def failed(request, message: str, code: str, status: int = 400, again: str = ""):
    """Refuse a sign-in: a clear message, an audit record, and no session."""
    audit_record(action=AuditEvent.Action.SIGN_IN_FAILED, request=request, actor=None, reason=code)
    return render(request, "accounts/failed.html", {"message": message, "code": code, "again": again},
                  status=status)


def _error_code(value) -> str:
    """An error code from the provider's answer (anyone can write one into the URL): shown and recorded
    only if it looks like one."""
    value = str(value or "")
    return value if re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", value) else "oauth_error"


class IssuerMismatch(Exception):
    """RFC 9207: the answer names another issuer than the provider we asked, or none where it must."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _check_issuer(request, client) -> None:
    """RFC 9207: an authorization answer that names its issuer must name ours; a provider that advertises
    `authorization_response_iss_parameter_supported` must name it. Checked before the code is sent anywhere
    (a mix-up attack would have us send another provider's code to DOPA, or DOPA's to another)."""
    params = request.GET if request.method == "GET" else request.POST
    if "error" in params:
        return  # an error answer leads nowhere, whoever sent it
    metadata = client.load_server_metadata()
    iss = params.get("iss")
    if iss is None:
        if metadata.get("authorization_response_iss_parameter_supported") is True:
            raise IssuerMismatch("iss_missing")
        return
    if iss != metadata.get("issuer"):
        raise IssuerMismatch("iss_mismatch")


class OfficerSignInForm(forms.Form):
    username = TextField(label=gettext_lazy("Username"), max_length=150)
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput, strip=False)
    otp_token = forms.RegexField(label=gettext_lazy("6-digit code from your authenticator app"),
                                 regex=r"^\d{6}$", error_messages={"invalid": gettext_lazy("Enter 6 digits.")})


@throttled_page(SignInThrottle)
def login_page(request):
    """Citizens: DOPA Digital ID. Officers and DLA staff: password and authenticator code."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""), "")
    form = OfficerSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = authenticate(request, username=data["username"], password=data["password"])
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if user is None:
            form.add_error(None, _("Wrong username or password."))
        else:
            device = next((d for d in TOTPDevice.objects.devices_for_user(user, confirmed=True)
                           if d.verify_token(data["otp_token"])), None)
            if device is None:
                # A wrong second factor counts as a failed sign-in (throttled and audited).
                user_login_failed.send(sender=__name__, credentials={"username": data["username"]},
                                       request=request, reason="wrong_totp")
                form.add_error("otp_token", _("That code is wrong or too old, or no authenticator is set up."))
            else:
                services.sign_in(request, user, method="password+totp", device=device)
                return HttpResponseRedirect(next_url or ("/officer/" if _on_lao_host(request) else "/"))  # the officer home
    status = 400 if form.errors else 200
    return render(request, "accounts/login.html", {"form": form, "next": next_url,
                                                   "on_lao_host": _on_lao_host(request)}, status=status)


def dopa_login(request):
    """On a LAO's host: go through the central site (where DOPA sends people back), then return here."""
    next_path = request.GET.get("next", "/")
    if not next_path.startswith("/") or next_path.startswith("//"):
        next_path = "/"
    if not _on_lao_host(request):
        return redirect(f"{reverse('accounts:dopa-start')}?{urlencode({'next': next_path})}")
    back = request.build_absolute_uri(f"{reverse('accounts:sso')}?{urlencode({'next': next_path})}")
    return HttpResponseRedirect(_central_url(f"{reverse('accounts:dopa-start')}?{urlencode({'next': back})}"))


def _return_to(request, user, next_url: str, method: str = "dopa"):
    """Back to where the person started: this site, or a LAO's host through a one-time ticket."""
    parts = urlsplit(next_url)
    if not parts.netloc or parts.netloc == request.get_host():
        return HttpResponseRedirect(next_url or "/")
    if parts.path != reverse("accounts:sso") or lao_for_host((parts.hostname or "").lower()) is None:
        return HttpResponseRedirect(next_url)  # tickets go only to a LAO's own sign-in endpoint
    token = services.sign_in_ticket_issue(user=user, host=parts.netloc, auth_method=method)
    query = "&".join(filter(None, [parts.query, urlencode({"ticket": token})]))
    return HttpResponseRedirect(f"{parts.scheme}://{parts.netloc}{parts.path}?{query}")


def dopa_start(request):
    """Central site: start the OIDC flow, unless this browser is already signed in with DOPA here."""
    if _on_lao_host(request):
        return dopa_login(request)
    # Without a `next`, the one kept from an attempt that was refused: the person still goes back there.
    next_url = _safe_next(request, request.GET.get("next", "") or request.session.get(SESSION_NEXT, ""), "/")
    link = request.GET.get("link", "")
    if not link and request.user.is_authenticated and request.session.get("auth_method") == "dopa":
        return _return_to(request, request.user, next_url)  # the carry-over: no second trip to DOPA
    request.session[SESSION_NEXT] = next_url
    if link:
        request.session[SESSION_LINK] = link
    else:
        request.session.pop(SESSION_LINK, None)  # a link left by a refused attempt is not this sign-in's
    redirect_uri = request.build_absolute_uri(reverse("accounts:dopa-callback"))
    try:
        from django.utils.translation import get_language

        # OIDC's ui_locales: the provider's pages in the language the person chose here.
        return dopa_client().authorize_redirect(request, redirect_uri, ui_locales=get_language())
    except (requests.RequestException, ValueError, KeyError) as error:
        logger.warning("DOPA discovery failed: %s", error)
        return failed(request, _("DOPA Digital ID cannot be reached right now. Please try again later."),
                      "provider_unreachable", status=503)


@throttled_page(DopaCallbackThrottle, methods=None)
def dopa_callback(request):
    """Central site: DOPA sends the person back here with a code; verify everything, then sign in."""
    if _on_lao_host(request):
        return redirect("/")  # DOPA only ever returns to the central site
    # Read, not taken: they stay in the session until an answer is verified, so a refused one (a stale
    # tab, a cancelled sign-in) does not lose where the person was going.
    next_url = request.session.get(SESSION_NEXT, "/")
    link_token = request.session.get(SESSION_LINK, "")
    again = reverse("accounts:dopa-start")

    def refuse(message, code, status=400):
        return failed(request, message, code, status=status, again=again)

    try:
        client = dopa_client()
        _check_issuer(request, client)
        token = client.authorize_access_token(request, leeway=settings.DOPA_OIDC["LEEWAY_SECONDS"])
    except IssuerMismatch as error:
        logger.warning("Authorization answer with a wrong issuer refused (%s)", error.code)
        return refuse(_("This answer does not come from DOPA Digital ID. Nothing was saved; please start "
                        "again."), error.code)
    except MismatchingStateError:
        return refuse(_("This sign-in could not be verified (it does not match the one this browser "
                        "started). Please start again."), "state_mismatch")
    except OAuthError as error:
        code = _error_code(error.error)
        message = (_("You cancelled the sign-in at DOPA Digital ID.") if code == "access_denied"
                   else _("DOPA Digital ID refused the sign-in (%(code)s). Please start again.") % {"code": code})
        return refuse(message, code)
    except JoseError as error:
        logger.warning("ID token refused: %r", error)
        return refuse(_("The answer from DOPA Digital ID could not be verified (%(reason)s). "
                        "Nothing was saved; please start again.") % {"reason": type(error).__name__},
                      f"id_token_{type(error).__name__}")
    except AuthlibBaseError as error:  # every other refusal Authlib raises: no code, no token, …
        code = _error_code(error.error)
        logger.warning("DOPA answer refused by Authlib: %r", error)
        return refuse(_("The answer from DOPA Digital ID was incomplete (%(code)s). Nothing was saved; please "
                        "start again.") % {"code": code}, code)
    except requests.RequestException:
        return refuse(_("DOPA Digital ID cannot be reached right now. Please try again later."),
                      "provider_unreachable", status=503)
    except (TypeError, ValueError, KeyError) as error:  # a malformed answer from the provider
        logger.warning("Malformed answer from DOPA: %r", error)
        return refuse(_("The answer from DOPA Digital ID could not be read. Nothing was saved; "
                        "please start again."), "malformed_answer")
    claims = token.get("userinfo")
    if not claims:
        return refuse(_("DOPA Digital ID returned no identity. Please start again."), "no_id_token")
    try:
        if link_token:
            ticket = services.sign_in_ticket_redeem(token=link_token, host=request.get_host())
            user = services.dopa_link(user=ticket.user, claims=claims, request=request)
        else:
            user = services.citizen_from_dopa_claims(claims=claims)
    except SignInError as error:
        return refuse(str(error), error.code, status=403)
    services.sign_in(request, user, method="dopa")
    request.session.pop(SESSION_NEXT, None)  # verified: used now
    request.session.pop(SESSION_LINK, None)
    return _return_to(request, user, next_url)


def sso_complete(request):
    """A LAO's host: take the one-time ticket from the central site and sign the person in here."""
    if not _on_lao_host(request):
        return redirect("/")
    try:
        ticket = services.sign_in_ticket_redeem(token=request.GET.get("ticket", ""), host=request.get_host())
    except SignInError as error:
        return failed(request, str(error), error.code, status=403)
    services.sign_in(request, ticket.user, method=ticket.auth_method)
    services.citizen_lao_touch(user=ticket.user, lao=connection.tenant)
    next_path = request.GET.get("next", "/")
    return HttpResponseRedirect(next_path if next_path.startswith("/") and not next_path.startswith("//") else "/")


@require_POST
def link_dopa(request):
    """A LAO's host: an officer signed in with password and TOTP links their DOPA Digital ID."""
    if not request.user.is_authenticated or not services.has_second_factor(request):
        return redirect("accounts:login")
    token = services.sign_in_ticket_issue(user=request.user, host=f"{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}",
                                          auth_method="link")
    back = request.build_absolute_uri(f"{reverse('accounts:sso')}?{urlencode({'next': '/officer/account/'})}")
    return HttpResponseRedirect(_central_url(f"{reverse('accounts:dopa-start')}?"
                                             f"{urlencode({'next': back, 'link': token})}"))


@require_POST
def logout_view(request):
    logout(request)
    return redirect("/")


def me(request):
    """My account (central site): what the person must do at every LAO, soonest first, grouped by the business
    it is for; what they paid recently; then their names from DOPA, the masked national ID, the LAOs dealt with."""
    if _on_lao_host(request):
        return HttpResponseRedirect(_central_url(reverse("accounts:me")))
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.path})}")
    from django.utils import timezone

    from shared_apps.person_items import presentation
    from shared_apps.person_items.links import item_link
    from shared_apps.person_items.selectors import account_for

    today = timezone.localdate()
    account = account_for(request.user, today=today)
    for item in account["items"]:
        item.due_words, item.due_state = presentation.due_note(item, today=today)
        item.action = presentation.action_label(item)
        item.date_label = presentation.date_label(item)
        item.go = _go_path(item.lao.dla_code, item.path)
    for item in account["recently_paid"]:
        item.link = item_link(item)
    for group in account["businesses"]:
        if group.business is not None:
            group.go = _go_path(group.lao.dla_code, group.business.path)
    contacts = request.user.lao_contacts.select_related("lao", "lao__province")
    try:  # the notification preferences page (shared_apps.notifications)
        preferences_url = reverse("notifications:preferences")
    except NoReverseMatch:
        preferences_url = "/accounts/me/notifications/"
    return render(request, "accounts/me.html", {
        **account, "today": today, "contacts": contacts, "preferences_url": preferences_url,
        "staff_roles": request.user.staff_roles.select_related("province")})


def _go_path(dla_code: str, path: str) -> str:
    return f"{reverse('accounts:me-go')}?{urlencode({'lao': dla_code, 'next': path})}"


GO_NEXT_MAX = 300


def _go_next_ok(value: str) -> bool:
    """A path on the LAO's own host: relative, not protocol-relative, no backslash, printable, not too long."""
    return (0 < len(value) <= GO_NEXT_MAX and value.startswith("/") and not value.startswith("//")
            and "\\" not in value and value.isprintable())


def me_go(request):
    """Central site: from My account (or a reminder's e-mail) to an item's page on its LAO's host, signed in
    there through a one-time ticket. A link, so a GET: the only thing it writes is the ticket, as the DOPA
    carry-over does."""
    if _on_lao_host(request):  # tickets are issued by the central site, where the person signed in
        return HttpResponseRedirect(_central_url(request.get_full_path()))
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
    from tenants.models import LAO, LAOStatus

    code, next_path = request.GET.get("lao", ""), request.GET.get("next", "")
    lao = LAO.objects.filter(dla_code=code, status=LAOStatus.ACTIVE).first() if re.fullmatch(r"\d{7}", code) else None
    if lao is None:
        return render(request, "accounts/go_refused.html", {
            "message": _("This link names no local administration that serves people on this platform. "
                         "Open the item again from My account.")}, status=400)
    if not _go_next_ok(next_path):
        return render(request, "accounts/go_refused.html", {
            "message": _("This link does not lead to a page of %(lao)s. Open the item again from My account.")
            % {"lao": lao.full_name_th}}, status=400)
    token = services.sign_in_ticket_issue(user=request.user, host=f"{lao.host}{settings.PUBLIC_PORT}",
                                          next_path=next_path,
                                          auth_method=request.session.get("auth_method") or "password")
    return HttpResponseRedirect(f"{lao.site_url}{reverse('accounts:sso').lstrip('/')}?"
                                f"{urlencode({'next': next_path, 'ticket': token})}")


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes: too many failed sign-ins for this account from this address."""
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
