"""Officers per LAO: roles held in the LAO's schema, password + TOTP or DOPA, audited, isolated."""
import datetime
import re

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from shared_apps.accounts.models import StaffRole
from shared_apps.audit.models import AuditEvent
from tenant_apps.officers.models import Invitation, Officer, Role
from tenant_apps.officers.services import officer_invite
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def code_for(device, offset=0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def person(**kwargs):
    user = UserFactory(**kwargs)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def officer_of(lao, *roles, **kwargs):
    user, device = person(**kwargs)
    with schema_context(lao.schema_name):
        Officer.objects.create(user_id=user.pk, roles=list(roles))
    return user, device


def signed_in(client, user, device=None):
    """A session with both factors, as after password + TOTP (or DOPA when no device)."""
    client.force_login(user)
    session = client.session
    if device is not None:
        session["otp_device_id"] = device.persistent_id
        session["auth_method"] = "password+totp"
    else:
        session["auth_method"] = "dopa"
    session.save()
    return client


# --- one LAO's officer is nobody at another ------------------------------------------------------

def officer_routes(urlconf):
    """Every page and API endpoint that needs an officer role, found from the URL conf itself."""
    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view = pattern.callback
                cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
                if getattr(view, "officer_action", None) or (cls and hasattr(cls, "officer_action")):
                    found.append(prefix + str(pattern.pattern))

    walk(get_resolver(urlconf).url_patterns)
    return found


@pytest.mark.parametrize("urlconf, key_a, key_b", [
    ("localservice.urls_municipal", "sao", "town"),
    ("localservice.urls_pao", "pao", "pao"),  # a PAO officer of Phrae at … the other PAO below
])
def test_officer_of_one_lao_is_refused_at_another_on_every_officer_page_and_endpoint(client, lao, urlconf,
                                                                                     key_a, key_b):
    lao_a = lao(key_a)
    lao_b = lao(key_b) if key_a != key_b else None
    if lao_b is None:  # two PAOs: onboard Chonburi PAO for this test
        from tenants.services import onboard_lao

        lao_b = lao("2200101")
        onboard_lao(lao=lao_b)
        lao_b.refresh_from_db()
    user, device = officer_of(lao_a, *Role.values)
    with schema_context(lao_b.schema_name):
        other = Officer.objects.create(user_id=UserFactory().pk, roles=[Role.CLERK])
    signed_in(client, user, device)
    routes = officer_routes(urlconf)
    assert len(routes) >= 6, routes  # the walk finds the pages and the API

    for route in routes:
        path = "/" + re.sub(r"<int:\w+>", str(other.pk), route.replace("<str:kind>", "hotel"))
        for method in ("get", "post"):
            response = getattr(client, method)(path, HTTP_HOST=lao_b.host)
            assert response.status_code in (403, 405), (method, path, response.status_code)
            if method == "get" and response.status_code == 403 and not path.startswith("/api/"):
                assert "officers/denied.html" in [t.name for t in response.templates]
        # … while the same person is welcome at home
        home = client.get("/" + re.sub(r"<int:\w+>", "1", route.replace("<str:kind>", "hotel")), HTTP_HOST=lao_a.host)
        assert home.status_code != 403 or route.endswith("change/"), route
    with schema_context(lao_b.schema_name):
        assert Officer.objects.get(pk=other.pk).roles == [Role.CLERK]  # nothing changed there


# --- signing in with password and TOTP --------------------------------------------------------------

def post_login(client, lao, username, password, code):
    return client.post("/accounts/login/", {"username": username, "password": password, "otp_token": code},
                       HTTP_HOST=lao.host)


def test_password_and_totp_sign_in_on_the_lao_host(client, sao):
    user, device = officer_of(sao, Role.CLERK)

    response = post_login(client, sao, user.username, PASSWORD, code_for(device))

    assert response.status_code == 302 and response["Location"] == "/officer/"  # the officer home
    assert client.get("/officers/audit/", HTTP_HOST=sao.host).status_code == 200
    with schema_context(sao.schema_name):
        event = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN, actor=user).get()
        assert event.detail["method"] == "password+totp" and event.lao_code == sao.dla_code
        assert event.ip_address == "127.0.0.1"


def test_wrong_totp_refuses_sign_in_and_is_recorded(client, sao):
    user, device = officer_of(sao, Role.CLERK)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = post_login(client, sao, user.username, PASSWORD, wrong)

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["otp_token"]
    with schema_context(sao.schema_name):
        assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED, detail__reason="wrong_totp",
                                         target=user.username).exists()


def test_wrong_password_is_refused_with_a_message(client, sao):
    user, device = officer_of(sao, Role.CLERK)
    response = post_login(client, sao, user.username, "not the password", code_for(device))
    assert response.status_code == 400 and "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_repeated_failures_lock_the_account(client, sao, settings):
    user, device = officer_of(sao, Role.CLERK)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, sao, user.username, "wrong password", "000000")

    response = post_login(client, sao, user.username, PASSWORD, code_for(device))  # right, but too late

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "accounts/locked_out.html" in [t.name for t in response.templates]


def test_a_password_alone_is_not_enough_for_officer_pages(client, sao):
    user, _device = officer_of(sao, Role.LAO_ADMIN)
    client.force_login(user)  # no second factor in this session

    response = client.get("/officers/", HTTP_HOST=sao.host)

    assert response.status_code == 403 and response.context["reason"] == "second_factor"
    assert client.get("/api/officers/", HTTP_HOST=sao.host).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, sao):
    response = client.get("/officers/audit/", HTTP_HOST=sao.host)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- roles per action -----------------------------------------------------------------------------

def test_clerk_reads_the_trail_but_does_not_manage_officers(client, sao):
    user, device = officer_of(sao, Role.CLERK)
    signed_in(client, user, device)

    assert client.get("/officers/audit/", HTTP_HOST=sao.host).status_code == 200
    denied = client.get("/officers/", HTTP_HOST=sao.host)
    assert denied.status_code == 403 and denied.context["reason"] == "role"
    assert str(Role.LAO_ADMIN.label) in denied.content.decode() or "ผู้ดูแล" in denied.content.decode()
    api = client.post("/api/officers/", {"email": "x@example.invalid", "roles": ["clerk"]},
                      content_type="application/json", HTTP_HOST=sao.host)
    assert api.status_code == 403 and "detail" in api.json()
    with schema_context(sao.schema_name):
        assert not Invitation.objects.exists()


def test_lao_administrator_invites_grants_and_revokes(client, sao, django_capture_on_commit_callbacks):
    admin, device = officer_of(sao, Role.LAO_ADMIN)
    clerk, _ = officer_of(sao, Role.CLERK)
    signed_in(client, admin, device)

    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post("/api/officers/", {"email": "new.officer@example.invalid", "roles": ["finance"]},
                              content_type="application/json", HTTP_HOST=sao.host)
    assert invited.status_code == 201
    with schema_context(sao.schema_name):
        clerk_row = Officer.objects.get(user_id=clerk.pk)
    granted = client.post(f"/api/officers/{clerk_row.pk}/roles/", {"operation": "grant", "role": "approver"},
                          content_type="application/json", HTTP_HOST=sao.host)
    assert granted.status_code == 200 and set(granted.json()["roles"]) == {"clerk", "approver"}
    revoked = client.post(f"/officers/{clerk_row.pk}/change/", {"operation": "revoke", "role": "clerk"},
                          HTTP_HOST=sao.host)
    assert revoked.status_code == 302

    with schema_context(sao.schema_name):
        assert Officer.objects.get(pk=clerk_row.pk).roles == ["approver"]
        actions = list(AuditEvent.objects.filter(actor=admin).values_list("action", "detail"))
    assert (AuditEvent.Action.ROLE_GRANTED, {"role": "approver", "officer": clerk_row.pk}) in actions
    assert (AuditEvent.Action.ROLE_REVOKED, {"role": "clerk", "officer": clerk_row.pk}) in actions
    assert any(action == AuditEvent.Action.OFFICER_INVITED for action, _ in actions)
    assert len(mail.outbox) == 1 and "/officers/invitations/" in mail.outbox[0].body


def test_the_last_administrator_cannot_be_removed(client, sao):
    admin, device = officer_of(sao, Role.LAO_ADMIN)
    signed_in(client, admin, device)
    with schema_context(sao.schema_name):
        row = Officer.objects.get(user_id=admin.pk)
    response = client.post(f"/api/officers/{row.pk}/roles/", {"operation": "revoke", "role": "lao_admin"},
                           content_type="application/json", HTTP_HOST=sao.host)
    assert response.status_code == 400 and response.json()["detail"]
    with schema_context(sao.schema_name):
        assert Role.LAO_ADMIN in Officer.objects.get(pk=row.pk).roles


def test_provincial_office_reads_its_provinces_laos_and_cannot_act(client, sao, lao):
    observer, device = person()
    StaffRole.objects.create(user=observer, kind=StaffRole.Kind.PROVINCIAL_OFFICE, province_id="54")
    signed_in(client, observer, device)

    assert client.get("/officers/", HTTP_HOST=sao.host).status_code == 200
    assert client.get("/api/audit/", HTTP_HOST=sao.host).status_code == 200
    refused = client.post("/officers/", {"email": "a@example.invalid", "roles": ["clerk"]}, HTTP_HOST=sao.host)
    assert refused.status_code == 403
    pattaya = lao("pattaya")  # Chonburi: not this office's province
    assert client.get("/officers/", HTTP_HOST=pattaya.host).status_code == 403


def test_dla_administrator_acts_as_any_laos_administrator(client, town):
    dla, device = person()
    StaffRole.objects.create(user=dla, kind=StaffRole.Kind.DLA_ADMINISTRATOR)
    signed_in(client, dla, device)

    response = client.post("/officers/", {"email": "first.admin@example.invalid", "roles": ["lao_admin"]},
                           HTTP_HOST=town.host)

    assert response.status_code == 302
    with schema_context(town.schema_name):
        assert Invitation.objects.get().roles == ["lao_admin"]


# --- invitations -----------------------------------------------------------------------------------

def invite(lao, roles, email="invitee@example.invalid"):
    dla, _ = person()
    StaffRole.objects.create(user=dla, kind=StaffRole.Kind.DLA_ADMINISTRATOR)
    with schema_context(lao.schema_name):
        _invitation, token = officer_invite(email=email, roles=roles, actor=dla)
    return token


def test_invitation_accepted_with_a_password_and_an_authenticator(client, sao, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a wrong code; not what this tests
    token = invite(sao, [Role.LAO_ADMIN])
    url = f"/officers/invitations/{token}/"

    page = client.get(url, HTTP_HOST=sao.host)
    assert page.status_code == 200 and page.context["step"] == "account"
    step = client.post(url, {"step": "account", "username": "somsak", "name_th": "สมศักดิ์ ขยัน",
                             "password": "a long Thai passphrase 2569", "password2": "a long Thai passphrase 2569"},
                       HTTP_HOST=sao.host)
    assert step.status_code == 302, step.context["form"].errors
    totp_page = client.get(url, HTTP_HOST=sao.host)
    assert totp_page.context["step"] == "totp" and "<svg" in totp_page.content.decode()
    device = TOTPDevice.objects.get(user__username="somsak")
    assert not device.confirmed

    wrong = client.post(url, {"step": "totp", "code": "000000"}, HTTP_HOST=sao.host)
    assert wrong.status_code == 400 and "_auth_user_id" not in client.session
    done = client.post(url, {"step": "totp", "code": code_for(device)}, HTTP_HOST=sao.host)

    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    with schema_context(sao.schema_name):
        officer = Officer.objects.get(user_id=device.user_id)
        assert officer.roles == [Role.LAO_ADMIN]
        assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_ACCEPTED).exists()
        assert AuditEvent.objects.filter(action=AuditEvent.Action.TOTP_ENROLLED).exists()
    assert client.get("/officers/", HTTP_HOST=sao.host).status_code == 200  # signed in with both factors


def test_invitation_accepted_by_someone_signed_in_with_dopa(client, town):
    token = invite(town, [Role.FINANCE])
    citizen = UserFactory(national_id="3101234567893")
    signed_in(client, citizen)  # DOPA counts as the second factor

    response = client.post(f"/officers/invitations/{token}/", {"step": "accept"}, HTTP_HOST=town.host)

    assert response.status_code == 302
    with schema_context(town.schema_name):
        assert Officer.objects.get(user_id=citizen.pk).roles == [Role.FINANCE]


def test_expired_or_unknown_invitation_is_refused_and_creates_nothing(client, sao):
    from django.contrib.auth import get_user_model

    token = invite(sao, [Role.CLERK])
    with schema_context(sao.schema_name):
        Invitation.objects.filter(email="invitee@example.invalid").update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1))
    users = get_user_model().objects.count()

    page = client.get(f"/officers/invitations/{token}/", HTTP_HOST=sao.host)
    post = client.post(f"/officers/invitations/{token}/", {"step": "account", "username": "late", "name_th": "x",
                                                          "password": "p" * 20, "password2": "p" * 20},
                       HTTP_HOST=sao.host)
    unknown = client.get("/officers/invitations/not-a-token/", HTTP_HOST=sao.host)

    assert page.status_code == 410 and page.context["error"]
    assert post.status_code == 410 and unknown.status_code == 410
    assert get_user_model().objects.count() == users
    with schema_context(sao.schema_name):
        assert Officer.objects.count() == 0


def test_an_invitation_of_one_lao_is_unknown_at_another(client, sao, town):
    token = invite(sao, [Role.CLERK])
    assert client.get(f"/officers/invitations/{token}/", HTTP_HOST=town.host).status_code == 410


# --- the audit trail -------------------------------------------------------------------------------

def test_audit_trail_cannot_be_edited_or_deleted():
    event = AuditEvent.objects.create(action=AuditEvent.Action.SIGN_IN, actor_label="x")
    event.actor_label = "y"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="z")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_each_lao_sees_only_its_own_trail(client, sao, town):
    officer, device = officer_of(sao, Role.CLERK)
    post_login(client, sao, officer.username, PASSWORD, code_for(device))
    with schema_context(town.schema_name):
        AuditEvent.objects.create(action=AuditEvent.Action.SIGN_IN, actor_label="someone at Phrae town",
                                  lao_code=town.dla_code)

    page = client.get("/officers/audit/", HTTP_HOST=sao.host).content.decode()
    api = client.get("/api/audit/", HTTP_HOST=sao.host).json()

    assert "someone at Phrae town" not in page
    assert {event["lao_code"] for event in api} == {sao.dla_code}
