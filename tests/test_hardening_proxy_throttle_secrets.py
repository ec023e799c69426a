"""Hardening (issue 10, items 1–3): the real client address behind the proxy, throttled keys, bank endpoints,
statement uploads and sign-ins, and the bank secrets sealed at rest."""
import hashlib
import hmac
import json

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.audit.models import AuditEvent
from shared_apps.audit.services import client_address
from shared_apps.portal.templatetags.thai_dates import buddhist_date
from tenant_apps.billing.models import BankCall, Payment, PaymentSettings, StatementFile
from tenant_apps.tobacco_tax.models import TobaccoReturn
from tests.pao import officer, ordinance_settings, registered_business
from tests.test_officers import code_for, officer_of, post_login
from tests.test_payments import SECRET, as_officer, configure, invoice, notify

pytestmark = pytest.mark.django_db
NGINX = "10.0.0.2"  # the proxy in front: every request reaches the application from it
FORWARDED = {"REMOTE_ADDR": NGINX}


@pytest.fixture
def rates(settings):
    """Small limits, so a burst is a handful of calls."""
    def set_rates(**changes):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changes}}
    return set_rates


def behind_proxy(client_ip: str, spoofed: str = "") -> dict:
    """What nginx passes on: whatever the client sent in X-Forwarded-For, then the address it came from."""
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": f"{spoofed}, {client_ip}" if spoofed else client_ip}


# --- 1. the client address ------------------------------------------------------------------------------

@pytest.mark.parametrize("proxies, trusted, meta, expected", [
    (0, [], {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "203.0.113.5"),
    (1, [], behind_proxy("203.0.113.5", spoofed="198.51.100.1"), "203.0.113.5"),
    (2, [], {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.5, 192.0.2.200"}, "203.0.113.5"),
    (2, [], {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, NGINX),  # around the first proxy
    (1, [], {"REMOTE_ADDR": NGINX}, NGINX),
    (1, ["10.0.0.0/24"], behind_proxy("203.0.113.5"), "203.0.113.5"),
    (1, ["10.9.0.0/24"], behind_proxy("203.0.113.5"), NGINX),  # not from our proxy: the header is the caller's
    (1, [], behind_proxy("not-an-address"), NGINX),
    (1, [], {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "2001:db8::7"}, "2001:db8::7"),
])
def test_client_address_follows_proxy_count_and_trusted_proxies(settings, proxies, trusted, meta, expected):
    settings.PROXY_COUNT, settings.TRUSTED_PROXIES = proxies, trusted
    request = RequestFactory().get("/", **meta)
    assert client_address(request) == expected


def test_the_audit_records_the_client_address_behind_the_proxy(client, sao, settings):
    settings.PROXY_COUNT = 1
    user, device = officer_of(sao, "clerk")

    response = client.post("/accounts/login/", {"username": user.username, "password": "correct horse battery staple",
                                                "otp_token": code_for(device)},
                           HTTP_HOST=sao.host, **behind_proxy("203.0.113.10", spoofed="198.51.100.7"))

    assert response.status_code == 302
    with schema_context(sao.schema_name):
        event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN, actor=user)
        assert event.ip_address == "203.0.113.10"


def test_the_bank_allow_list_admits_the_banks_address_behind_the_proxy_and_refuses_others(client, sao, settings):
    settings.PROXY_COUNT = 1
    configure(sao, allowed_sources="192.0.2.0/28")
    bill = invoice(sao)
    body = {"transaction_id": "T-PROXY", "ref1": bill.ref1, "ref2": bill.ref2, "amount": "200.00"}
    raw = json.dumps({"command": "verify", **body}).encode()
    signed = {"HTTP_X_SIGNATURE": "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()}

    def call(**meta):
        return client.post("/api/bank/json/verify/", raw, content_type="application/json", HTTP_HOST=sao.host,
                           **signed, **meta)

    admitted = call(**behind_proxy("192.0.2.7"))
    elsewhere = call(**behind_proxy("203.0.113.9"))
    spoofing = call(**behind_proxy("203.0.113.9", spoofed="192.0.2.7"))  # the bank's address typed in front
    nginx_itself = call(**FORWARDED)  # what every call looked like before: never the bank

    assert admitted.status_code == 200 and admitted.json()["code"] == "0000"
    assert [r.json()["code"] for r in (elsewhere, spoofing, nginx_itself)] == ["9002"] * 3
    with schema_context(sao.schema_name):
        assert list(BankCall.objects.order_by("id").values_list("source_address", flat=True)) == [
            "192.0.2.7", "203.0.113.9", "203.0.113.9", NGINX]


def test_an_attackers_failures_from_one_address_do_not_lock_the_officer_out_at_another(client, sao, settings):
    settings.PROXY_COUNT = 1
    user, device = officer_of(sao, "clerk")

    def attempt(password, address, code="000000"):
        return client.post("/accounts/login/", {"username": user.username, "password": password, "otp_token": code},
                           HTTP_HOST=sao.host, **behind_proxy(address))

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("guessed password", "198.51.100.66")
    locked = attempt("correct horse battery staple", "198.51.100.66", code_for(device))
    officer_elsewhere = attempt("correct horse battery staple", "203.0.113.20", code_for(device))

    assert locked.status_code == 429  # the attacker's address is locked for this account …
    assert officer_elsewhere.status_code == 302  # … the officer at the office is not
    with schema_context(sao.schema_name):
        assert AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN, actor=user).ip_address == "203.0.113.20"


# --- 2. throttling --------------------------------------------------------------------------------------

def _wrong_json(client, lao, command, address, *, size=0):
    body = {"transaction_id": "T-X", "ref1": "000000000019", "amount": "200.00", "padding": "x" * size}
    return notify(client, lao, command, body, secret="w" * 40, address=address)


def _wrong_ktb(client, lao, address):
    fields = {"user": "ktb", "password": "guess", "comcode": "12345", "command": "confirm", "tranxid": "K-1",
              "amount": "200.00", "ref1": "000000000019"}
    return client.post("/api/bank/ktb/notify/", fields, HTTP_HOST=lao.host, REMOTE_ADDR=address)


@pytest.mark.parametrize("endpoint", ["json verify", "json confirm", "ktb notify"])
def test_a_burst_of_wrong_credentials_on_a_bank_endpoint_gets_429_and_only_a_bounded_log(
        client, sao, settings, rates, endpoint):
    rates(bank_failures="5/min")
    configure(sao, ktb_user="ktb", ktb_password="the-real-password")
    bill = invoice(sao)

    def wrong(address="198.51.100.9"):
        if endpoint == "ktb notify":
            return _wrong_ktb(client, sao, address)
        return _wrong_json(client, sao, endpoint.split()[1], address, size=10_000)

    answers = [wrong() for _ in range(8)]

    refused, throttled = answers[:5], answers[5:]
    assert all(r.status_code == (200 if endpoint == "ktb notify" else 401) for r in refused)
    assert all(r.status_code == 429 and int(r["Retry-After"]) > 0 for r in throttled)
    code = "respcode" if endpoint == "ktb notify" else "code"
    assert {r.json()[code] for r in throttled} == {"9003"}
    # the right credentials from the same address wait too; the bank at its own address does not
    good = {"transaction_id": "T-OK", "ref1": bill.ref1, "ref2": bill.ref2, "amount": "200.00"}
    assert notify(client, sao, "verify", good, address="198.51.100.9").status_code == 429
    assert notify(client, sao, "verify", good, address="192.0.2.7").json()["code"] == "0000"
    with schema_context(sao.schema_name):
        logged = list(BankCall.objects.order_by("id"))
        assert [call.result_code for call in logged] == ["9001"] * 5 + ["0000"]
        assert all(len(call.body.encode()) <= settings.BANK_UNAUTHENTICATED_BODY_LIMIT for call in logged[:5])
        assert "guess" not in "".join(call.body for call in logged)
        assert not Payment.objects.exists()


def test_refused_bank_calls_are_counted_per_laos_and_per_address(client, sao, town, rates):
    rates(bank_failures="2/min")
    configure(sao)
    configure(town, hmac_secret="t" * 40)
    for _ in range(2):
        _wrong_json(client, sao, "verify", "198.51.100.9")
    assert _wrong_json(client, sao, "verify", "198.51.100.9").status_code == 429
    assert _wrong_json(client, town, "verify", "198.51.100.9").status_code == 401  # another LAO's count
    assert _wrong_json(client, sao, "verify", "198.51.100.10").status_code == 401  # another address


def test_an_address_outside_the_allow_list_is_throttled_too(client, sao, rates):
    rates(bank_failures="3/min")
    configure(sao, allowed_sources="192.0.2.7")
    bill = invoice(sao)
    body = {"transaction_id": "T-1", "ref1": bill.ref1, "amount": "200.00"}
    codes = [notify(client, sao, "verify", body, address="203.0.113.9").status_code for _ in range(5)]
    assert codes == [403, 403, 403, 429, 429]
    with schema_context(sao.schema_name):
        assert BankCall.objects.count() == 3


@pytest.fixture
def phrae(pao):
    with schema_context(pao.schema_name):
        ordinance_settings()
    return pao


def test_a_burst_of_wrong_api_keys_gets_429_with_retry_after_and_files_nothing(client, phrae, rates):
    rates(api_key_failures="5/min")
    with schema_context(phrae.schema_name):
        business, _owner = registered_business("tobacco")
    path = f"/api/businesses/{business.pk}/returns/"

    def call(key, address="198.51.100.9"):
        return client.post(path, {"period": "2025-01", "nil": True}, content_type="application/json",
                           HTTP_HOST=phrae.host, HTTP_AUTHORIZATION=f"Api-Key {key}", REMOTE_ADDR=address)

    answers = [call(f"lsk_wrong{n}") for n in range(8)]

    assert [r.status_code for r in answers] == [401] * 5 + [429] * 3
    assert all(int(r["Retry-After"]) > 0 for r in answers[5:])
    assert call("lsk_other", address="198.51.100.10").status_code == 401  # counted per address
    with schema_context(phrae.schema_name):
        assert not TobaccoReturn.objects.exists()


def test_calls_with_a_valid_api_key_are_limited_per_key(client, phrae, rates):
    from tests.test_pao_api_and_pages import api, issue_key

    rates(api_key="3/min")
    with schema_context(phrae.schema_name):
        business, owner = registered_business("tobacco")
    key, _key_id = issue_key(client, phrae, business, owner)

    codes = [api(client, phrae, "get", f"/api/businesses/{business.pk}/returns/", key=key).status_code
             for _ in range(4)]

    assert codes == [200, 200, 200, 429]


def test_statement_uploads_are_limited_per_officer_across_the_api_and_the_page(client, sao, rates):
    rates(statement_upload="2/hour")
    configure(sao)
    as_officer(client, officer(sao, "finance"))

    def upload_api():
        return client.post("/api/billing/statements/", {"file": _file()}, HTTP_HOST=sao.host)

    first, second, third = upload_api(), upload_api(), upload_api()
    page = client.post("/billing/statements/", {"statement": _file()}, HTTP_HOST=sao.host)

    assert first.status_code == 400 and second.status_code == 400  # read (and refused: not a bank file)
    assert third.status_code == 429 and int(third["Retry-After"]) > 0
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert "throttled.html" in [t.name for t in page.templates]
    assert client.get("/billing/statements/", HTTP_HOST=sao.host).status_code == 200  # reading is not limited
    with schema_context(sao.schema_name):
        assert not StatementFile.objects.exists()


def _file():
    import io

    upload = io.BytesIO(b"not a statement file")
    upload.name = "statement.txt"
    return upload


def test_officer_sign_in_attempts_are_limited_per_address_with_a_page_saying_when(client, sao, rates):
    rates(sign_in="3/min")
    user, device = officer_of(sao, "clerk")
    for n in range(3):
        assert post_login(client, sao, f"nobody{n}", "wrong", "000000").status_code == 400

    response = post_login(client, sao, user.username, "correct horse battery staple", code_for(device))

    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "throttled.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session
    assert "ลองใหม่" in response.content.decode()  # Thai first: when to try again
    assert client.get("/accounts/login/", HTTP_HOST=sao.host).status_code == 200  # the form still shows


def test_dopa_callbacks_are_limited_per_address(client, rates, settings):
    rates(dopa_callback="2/min")
    calls = [client.get("/accounts/dopa/callback/?state=x&code=y", HTTP_HOST=settings.BASE_DOMAIN)
             for _ in range(3)]
    assert [c.status_code == 429 for c in calls] == [False, False, True]
    assert "Retry-After" in calls[2]


# --- 3. secrets sealed at rest --------------------------------------------------------------------------

def _stored(lao) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT hmac_secret, hmac_secret_previous, ktb_password FROM "{lao.schema_name}".'
                       f'billing_paymentsettings WHERE id = 1')
        return dict(zip(PaymentSettings.SECRETS, cursor.fetchone()))


def test_the_database_column_holds_no_plain_text(sao, settings):
    configure(sao, hmac_secret_previous="p" * 40, ktb_user="ktb", ktb_password="ktb-password-1")

    stored = _stored(sao)

    plain = {"hmac_secret": SECRET, "hmac_secret_previous": "p" * 40, "ktb_password": "ktb-password-1"}
    key = Fernet(settings.FIELD_ENCRYPTION_KEYS[0])
    for name, value in stored.items():
        assert plain[name] not in value
        assert key.decrypt(value.encode()).decode() == plain[name]
    with schema_context(sao.schema_name):
        assert PaymentSettings.objects.get().ktb_password == "ktb-password-1"  # plain in Python


def _settings_form(**changes) -> dict:
    return {"tax_id": "0994000165501", "biller_suffix": "00", "bank_code": "006", "company_code": "12345",
            "company_account": "1234567890", "ref1_length": "12", "ref1_check_digit": "on",
            "ref2_scheme": "due_date", "allowed_sources": "", "ktb_user": "ktb", "credit_policy": "refund",
            **changes}


def test_the_settings_page_never_shows_a_secret_and_says_when_and_by_whom_it_was_set(client, sao):
    configure(sao, ktb_user="ktb", ktb_password="ktb-password-1")
    admin = officer(sao, "lao_admin")
    admin.name_th = "นางสาวผู้ดูแล ระบบ"
    admin.save(update_fields=["name_th"])
    as_officer(client, admin)

    before = client.get("/billing/settings/", HTTP_HOST=sao.host)
    saved = client.post("/billing/settings/", _settings_form(hmac_secret="n" * 40, keep_previous_secret="on"),
                        HTTP_HOST=sao.host)
    after = client.get("/billing/settings/", HTTP_HOST=sao.host)

    assert before.status_code == 200 and saved.status_code == 302 and after.status_code == 200
    for page in (before, after):
        html = page.content.decode()
        for secret in [SECRET, "n" * 40, "ktb-password-1", *_stored(sao).values()]:
            assert secret not in html
    html = after.content.decode()
    assert buddhist_date(timezone.localdate(), "th") in html and "นางสาวผู้ดูแล ระบบ" in html
    with schema_context(sao.schema_name):
        stored = PaymentSettings.objects.get()
        # the new secret, the old one kept as the previous, the KTB password untouched (left blank)
        assert (stored.hmac_secret, stored.hmac_secret_previous, stored.ktb_password) == (
            "n" * 40, SECRET, "ktb-password-1")
        assert stored.hmac_secret_set_by_id == admin.pk and stored.ktb_password_set_at is None
        event = AuditEvent.objects.filter(action="payment_settings_changed").latest("id")
        assert "n" * 40 not in json.dumps(event.detail) and "hmac_secret" in event.detail["fields"]


def test_blank_keeps_clear_removes_and_both_at_once_is_refused(client, sao):
    configure(sao, ktb_user="ktb", ktb_password="ktb-password-1", hmac_secret_previous="p" * 40)
    as_officer(client, officer(sao, "lao_admin"))

    both = client.post("/billing/settings/", _settings_form(ktb_password="new-one", ktb_password_clear="on"),
                       HTTP_HOST=sao.host)
    kept = client.post("/billing/settings/", _settings_form(), HTTP_HOST=sao.host)
    with schema_context(sao.schema_name):
        assert PaymentSettings.objects.get().ktb_password == "ktb-password-1"
    cleared = client.post("/billing/settings/", _settings_form(hmac_secret_previous_clear="on"), HTTP_HOST=sao.host)

    assert both.status_code == 400 and kept.status_code == 302 and cleared.status_code == 302
    with schema_context(sao.schema_name):
        stored = PaymentSettings.objects.get()
        assert stored.hmac_secret == SECRET and stored.hmac_secret_previous == "" and stored.ktb_password
    assert _stored(sao)["hmac_secret_previous"] == ""


def test_rotating_the_notification_secret_keeps_verifying_both_until_the_previous_is_cleared(client, sao):
    configure(sao)
    bill = invoice(sao)
    admin = officer(sao, "lao_admin")
    as_officer(client, admin)
    client.post("/billing/settings/", _settings_form(hmac_secret="n" * 40, keep_previous_secret="on"),
                HTTP_HOST=sao.host)
    client.logout()
    body = {"transaction_id": "T-ROT", "ref1": bill.ref1, "amount": "200.00"}

    assert notify(client, sao, "verify", body, secret=SECRET).json()["code"] == "0000"  # the bank not switched yet
    assert notify(client, sao, "verify", body, secret="n" * 40).json()["code"] == "0000"  # switched

    as_officer(client, admin)
    client.post("/billing/settings/", _settings_form(hmac_secret_previous_clear="on"), HTTP_HOST=sao.host)
    client.logout()
    assert notify(client, sao, "verify", body, secret=SECRET).status_code == 401
    assert notify(client, sao, "verify", body, secret="n" * 40).json()["code"] == "0000"


def test_rotate_secrets_re_encrypts_with_the_new_key_and_the_old_key_can_go(client, sao, settings):
    old_key, new_key = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    configure(sao, hmac_secret_previous="p" * 40, ktb_user="ktb", ktb_password="ktb-password-1")
    bill = invoice(sao)
    before = _stored(sao)

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_secrets")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key dropped

    after = _stored(sao)
    for name in PaymentSettings.SECRETS:
        assert after[name] != before[name]
        with pytest.raises(InvalidToken):
            Fernet(old_key).decrypt(after[name].encode())
    assert Fernet(new_key).decrypt(after["ktb_password"].encode()) == b"ktb-password-1"
    body = {"transaction_id": "T-KEY", "ref1": bill.ref1, "amount": "200.00"}
    assert notify(client, sao, "verify", body, secret=SECRET).json()["code"] == "0000"
    assert notify(client, sao, "verify", body, secret="p" * 40).json()["code"] == "0000"
    with schema_context(sao.schema_name):
        assert AuditEvent.objects.filter(action="payment_settings_changed", detail__resealed=True).exists()


def test_a_secret_sealed_with_a_dropped_key_fails_loudly_and_the_command_names_the_lao(sao, settings):
    from django.core.management.base import CommandError

    from shared_apps.sealing import SealingError

    configure(sao)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with schema_context(sao.schema_name), pytest.raises(SealingError):
        PaymentSettings.objects.get()
    with pytest.raises(CommandError, match=sao.dla_code):
        call_command("rotate_secrets")


def test_the_data_migration_seals_values_stored_in_plain_text(sao):
    import importlib

    migration = importlib.import_module("tenant_apps.billing.migrations.0006_sealed_secrets")
    configure(sao, ktb_user="ktb", ktb_password="ktb-password-1")
    with connection.cursor() as cursor:  # as saved before sealing existed
        cursor.execute(f'UPDATE "{sao.schema_name}".billing_paymentsettings SET hmac_secret = %s, ktb_password = %s, '
                       f'hmac_secret_set_at = NULL WHERE id = 1', [SECRET, "ktb-password-1"])

    with schema_context(sao.schema_name):
        migration.seal_plain_values(None, type("Editor", (), {"connection": connection})())
        stored = PaymentSettings.objects.get()

    assert SECRET not in _stored(sao)["hmac_secret"] and "ktb-password-1" not in _stored(sao)["ktb_password"]
    assert stored.hmac_secret == SECRET and stored.ktb_password == "ktb-password-1"
    assert stored.hmac_secret_set_at == stored.updated_at


def test_without_debug_the_platform_refuses_to_start_without_encryption_keys():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "x" * 50, "FIELD_ENCRYPTION_KEYS": "",
           "DJANGO_SETTINGS_MODULE": "localservice.settings", "DEV_IDENTITY_PROVIDER": "false"}
    env.pop("LOCALSERVICE_TESTING", None)
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS" in result.stderr
