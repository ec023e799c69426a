"""Citizens sign in with DOPA Digital ID over OpenID Connect, through real HTTP.

The relying party is Authlib, unmocked; the provider is the local D.DOPA
stand-in (django-oauth-toolkit). Bad answers are made by making the provider
misbehave, never by patching the relying party.
"""
import datetime
import json
import time
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.accounts.models import CitizenLAO, SignInTicket
from shared_apps.audit.models import AuditEvent
from shared_apps.dev_idp.validators import DevDopaValidator

SOMCHAI = "1101700230708"
SOMYING = "3540100123457"
MALEE = "1209900012344"
User = get_user_model()


def start_at_central(browser, live):
    response = browser.get(f"{live.central}/accounts/dopa/start/?next=/accounts/me/")
    assert response.status_code == 200 and "/dev-idp/login/" in response.url
    return response


def signed_in_centrally(browser, live) -> bool:
    response = browser.get(f"{live.central}/accounts/me/", allow_redirects=False)
    return response.status_code == 200


def callback_url(browser, live, pid=SOMCHAI) -> str:
    """Sign in at the provider but stop before the relying party's callback."""
    page = start_at_central(browser, live)
    response = browser.dopa_sign_in(page, pid=pid)  # follows to the provider's authorize endpoint …
    for hop in [*response.history, response]:
        location = hop.headers.get("Location", "")
        if "/accounts/dopa/callback/" in location:
            return location
    # … which redirected to the callback; requests followed it. Start again without following.
    raise AssertionError("no callback redirect seen")


def test_full_flow_creates_one_citizen_and_signs_in(live, browser):
    page = start_at_central(browser, live)
    authorize = unquote(page.url)
    assert "code_challenge_method=S256" in authorize and "nonce=" in authorize and "state=" in authorize

    response = browser.dopa_sign_in(page, pid=SOMCHAI)

    assert response.status_code == 200 and response.url == f"{live.central}/accounts/me/"
    assert "นายสมชาย ใจดี" in response.text and "1-1017-xxxxx-xx-8" in response.text
    assert SOMCHAI not in response.text  # masked, never shown whole
    citizen = User.objects.get(national_id=SOMCHAI)
    assert citizen.name_th == "นายสมชาย ใจดี" and citizen.name_en == "Somchai Jaidee"
    assert not citizen.has_usable_password()
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN, actor=citizen).first()
    assert event is not None and event.detail["method"] == "dopa" and event.lao_code == ""

    browser.cookies.clear(domain="127.0.0.1")  # a second sign-in reuses the same account
    browser.get(f"{live.central}/accounts/logout/")  # GET is refused: sign-out needs a form
    assert User.objects.filter(national_id=SOMCHAI).count() == 1


def test_signing_in_from_a_lao_site_returns_there_and_carries_over(live, browser, sao, pao):
    response = browser.get(f"{live.lao(sao)}/accounts/dopa/?next=/")
    response = browser.dopa_sign_in(response, pid=SOMYING)

    assert response.url == f"{live.lao(sao)}/"
    assert "นางสมหญิง รักถิ่น" in response.text  # signed in on the LAO's own host
    citizen = User.objects.get(national_id=SOMYING)
    assert CitizenLAO.objects.filter(user=citizen, lao=sao).exists()
    with schema_context(sao.schema_name):
        assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN, actor=citizen,
                                         lao_code=sao.dla_code).exists()

    # Another LAO: the central sign-in carries over, with no second trip to DOPA.
    response = browser.get(f"{live.lao(pao)}/accounts/dopa/?next=/ordinances/")
    assert response.url == f"{live.lao(pao)}/ordinances/"
    assert not browser.visited_idp_login(response)
    assert "นางสมหญิง รักถิ่น" in response.text
    assert CitizenLAO.objects.filter(user=citizen, lao=pao).exists()
    assert signed_in_centrally(browser, live)


def refused(response, browser, live, *, status=(400, 403), text=""):
    assert response.status_code in status, (response.status_code, response.url)
    assert 'class="notice error" role="alert"' in response.text  # a message, in the user's language
    if text:
        assert text in response.text
    assert not signed_in_centrally(browser, live)


def _no_follow_sign_in(browser, live, pid=SOMCHAI):
    """Up to the provider's redirect back to us; returns the callback URL."""
    page = start_at_central(browser, live)
    from tests.live import form_values

    fields = form_values(page.text, 'name="passcode"')
    fields.update(pid=pid, passcode="24681357")
    response = browser.post(page.url, data=fields, headers={"Referer": page.url})  # to authorize, then …
    for hop in [*response.history, response]:
        if "/accounts/dopa/callback/" in hop.headers.get("Location", ""):
            return hop.headers["Location"]
    raise AssertionError("no callback")


@pytest.fixture
def stop_at_callback(monkeypatch):
    """Let the provider answer, but keep the browser from following the redirect to our callback."""
    import requests

    real = requests.Session.resolve_redirects

    def resolve(self, response, request, **kwargs):
        for redirected in real(self, response, request, **kwargs):
            yield redirected
            if "/accounts/dopa/callback/" in redirected.headers.get("Location", ""):
                return

    monkeypatch.setattr(requests.Session, "resolve_redirects", resolve)


def test_tampered_state_is_refused(live, browser, stop_at_callback):
    users = User.objects.count()
    url = _no_follow_sign_in(browser, live)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    query["state"] = ["tampered" + query["state"][0][8:]]
    stop_at_callback_url = urlunsplit(parts._replace(query=urlencode({k: v[0] for k, v in query.items()})))

    response = browser.get(stop_at_callback_url)

    refused(response, browser, live)
    assert User.objects.count() == users
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED,
                                     detail__reason="state_mismatch").exists()


def test_replayed_callback_is_refused(live, browser, stop_at_callback):
    url = _no_follow_sign_in(browser, live)
    first = browser.get(url)
    assert first.status_code == 200 and signed_in_centrally(browser, live)
    browser.post(f"{live.central}/accounts/logout/", headers={"Referer": live.central},
                 data={"csrfmiddlewaretoken": browser.cookies.get("csrftoken", domain="localhost.local")})

    with type(browser)() as attacker:  # someone replays the same URL
        response = attacker.get(url)
        refused(response, attacker, live)


@pytest.fixture
def provider_claims(monkeypatch):
    """Make the provider put other values in the ID token (its own bug, or an attacker's)."""
    changes = {}
    real = DevDopaValidator.get_id_token_dictionary

    def claims_with_changes(self, token, token_handler, request):
        claims, expiration = real(self, token, token_handler, request)
        claims.update({k: (v() if callable(v) else v) for k, v in changes.items()})
        return claims, expiration

    monkeypatch.setattr(DevDopaValidator, "get_id_token_dictionary", claims_with_changes)
    return changes


@pytest.mark.parametrize("claim, value, reason", [
    ("nonce", "not-the-nonce-we-sent", "id_token_InvalidClaimError"),
    ("aud", "someone-else", "id_token_InvalidClaimError"),
    ("iss", "https://evil.example/", "id_token_InvalidClaimError"),
    ("exp", lambda: int(time.time()) - 3600, "id_token_ExpiredTokenError"),
])
def test_id_token_with_a_wrong_claim_is_refused(live, browser, provider_claims, claim, value, reason):
    users = User.objects.count()
    provider_claims[claim] = value

    response = browser.dopa_sign_in(start_at_central(browser, live), pid=MALEE)

    refused(response, browser, live)
    assert User.objects.count() == users
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED, detail__reason=reason).exists()


def test_badly_signed_id_token_is_refused(live, browser, monkeypatch):
    """The provider publishes another key under the kid it signs with: the signature cannot match."""
    from django.http import JsonResponse
    from jwcrypto import jwk
    from oauth2_provider.settings import oauth2_settings
    from oauth2_provider.views.oidc import JwksInfoView

    def forged(self, request, *args, **kwargs):
        real = jwk.JWK.from_pem(oauth2_settings.OIDC_RSA_PRIVATE_KEY.encode())
        other = jwk.JWK.generate(kty="RSA", size=2048)
        key = {**json.loads(other.export_public()), "alg": "RS256", "use": "sig", "kid": real.thumbprint()}
        return JsonResponse({"keys": [key]})

    monkeypatch.setattr(JwksInfoView, "get", forged)
    users = User.objects.count()

    response = browser.dopa_sign_in(start_at_central(browser, live), pid=MALEE)

    refused(response, browser, live)
    assert User.objects.count() == users


def test_national_id_with_a_wrong_check_digit_is_refused(live, browser, monkeypatch):
    real = DevDopaValidator.get_additional_claims
    monkeypatch.setattr(DevDopaValidator, "get_additional_claims",
                        lambda self, request: {**real(self, request), "pid": "1101700230709"})
    users = User.objects.count()

    response = browser.dopa_sign_in(start_at_central(browser, live), pid=MALEE)

    refused(response, browser, live)
    assert User.objects.count() == users
    assert not User.objects.filter(national_id="1101700230709").exists()


def test_disabled_account_is_refused(live, browser, committed_sql):
    browser.dopa_sign_in(start_at_central(browser, live), pid=MALEE)  # the account exists …
    browser.cookies.clear()
    committed_sql("UPDATE public.accounts_user SET is_active = false WHERE national_id = %s", [MALEE])
    try:
        response = browser.dopa_sign_in(start_at_central(browser, live), pid=MALEE)
        refused(response, browser, live)
    finally:
        committed_sql("UPDATE public.accounts_user SET is_active = true WHERE national_id = %s", [MALEE])


def test_cancelled_at_the_provider_is_refused_with_a_message(live, browser):
    start_at_central(browser, live)
    response = browser.get(f"{live.central}/accounts/dopa/callback/?error=access_denied&state=x")
    refused(response, browser, live)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED, detail__reason="access_denied").exists()


def test_sign_in_ticket_is_single_use_and_bound_to_its_host(live, browser, sao, town):
    response = browser.get(f"{live.lao(sao)}/accounts/dopa/?next=/")
    ticket_url = None
    from tests.live import form_values

    fields = form_values(response.text, 'name="passcode"')
    fields.update(pid=SOMCHAI, passcode="24681357")
    response = browser.post(response.url, data=fields, headers={"Referer": response.url})
    for hop in response.history:
        location = hop.headers.get("Location", "")
        if "ticket=" in location:
            ticket_url = location
    assert ticket_url and response.url == f"{live.lao(sao)}/"

    with type(browser)() as other:
        replay = other.get(ticket_url)
        assert replay.status_code == 403  # already used
        elsewhere = other.get(ticket_url.replace(sao.host, town.host))
        assert elsewhere.status_code == 403  # made for another host
    token = parse_qs(urlsplit(ticket_url).query)["ticket"][0]
    import hashlib

    ticket = SignInTicket.objects.get(token_hash=hashlib.sha256(token.encode()).hexdigest())
    assert ticket.used_at is not None and ticket.expires_at - ticket.created_at <= datetime.timedelta(seconds=60)
    assert ticket.expires_at > timezone.now() - datetime.timedelta(minutes=5)


def test_next_pointing_elsewhere_is_ignored(live, browser):
    response = browser.get(f"{live.central}/accounts/dopa/start/?next=https://evil.example/steal")
    response = browser.dopa_sign_in(response, pid=SOMCHAI)
    assert response.url.startswith(live.central)
