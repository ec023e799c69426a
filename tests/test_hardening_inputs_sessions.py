"""Hardening (issue 10): text typed and bounded, every refusal of the OIDC callback answered and audited,
sessions bound to the host they were signed in on, the development identity provider only with DEBUG,
and the embedded database surviving a broken handle file and stop signals."""
import datetime
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

import pytest
from django_tenants.utils import schema_context

from shared_apps.audit.models import AuditEvent
from shared_apps.text import control_character, shown
from tenant_apps.advertising.models import Application, ApplicationStatus
from tests.factories import UserFactory
from tests.pao import citizen, officer
from tests.test_officers import code_for, officer_of, post_login
from tests.test_signin_dopa import (  # noqa: F401  (stop_at_callback is a fixture)
    SOMCHAI,
    _no_follow_sign_in,
    refused,
    signed_in_centrally,
    start_at_central,
    stop_at_callback,
)

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def as_dopa(client, user):
    client.force_login(user)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()
    return client


def post_json(client, lao, path, data):
    return client.post(path, data, content_type="application/json", HTTP_HOST=lao.host)


# --- the shared check ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, multiline, found", [
    ("นายสมชาย ใจดี", False, None),
    ("ถนน 1\nแพร่\tหมู่ 2\r\n", True, None),
    ("ถนน 1\nแพร่", False, "\n"),
    ("a\x1bb", True, "\x1b"),
    ("a\x00b", True, "\x00"),
    ("a\x7fb", True, "\x7f"),
    ("a\x85b", True, "\x85"),
    ("abc\u202eفدا", False, "\u202e"),
    ("a\ud800b", False, "\ud800"),
])
def test_control_characters_are_found(text, multiline, found):
    assert control_character(text, multiline=multiline) == found


def test_shown_text_has_no_control_characters_left():
    assert shown("x\x1b]0;owned\x07y") == "xU+001B]0;ownedU+0007y"


# --- forms and serializers -------------------------------------------------------------------------------

def test_officer_sign_in_refuses_a_control_character_in_the_username(client, sao):
    response = client.post("/accounts/login/", {"username": "clerk\x1b[2J", "password": "x", "otp_token": "123456"},
                           HTTP_HOST=sao.host)
    assert response.status_code == 400
    assert "U+001B" in " ".join(response.context["form"].errors["username"])


def test_business_registration_api_refuses_control_characters_and_absurd_rooms(client, pao):
    person = citizen()
    as_dopa(client, person)
    own = {"kind": "hotel", "name": "โรงแรมนครแพร่", "address": "29 ถนนราษฎร์ดำเนิน\nตำบลในเวียง",
           "owner_type": "person", "owner_id_number": person.national_id, "owner_name": "นายทดสอบ",
           "operating_since": "2025-01-01", "rooms": 40}
    for field, value in [("name", "โรงแรม\x1b[31mแพร่"), ("owner_name", "นาย\x07ทดสอบ"), ("address", "ถนน\x00"),
                         ("address", "ถนน\x1b"), ("licence_number", "L\x1b1"), ("licence_number", "L" * 101),
                         ("rooms", 2 ** 40), ("rooms", 10_001), ("fuel_kinds", ["petrol"] * 11)]:
        response = post_json(client, pao, "/api/businesses/", {**own, field: value})
        assert response.status_code == 400, (field, value, response.status_code)
        assert field in response.json(), response.json()  # the field is named, with a message
    created = post_json(client, pao, "/api/businesses/", own)  # line breaks belong in an address
    assert created.status_code == 201 and created.json()["address"] == own["address"]


def test_json_bodies_with_lone_surrogates_or_deep_nesting_are_refused(client, pao, sao):
    person = citizen()
    as_dopa(client, person)
    # Echoed back in "not a valid choice", a lone surrogate made the answer itself fail (500).
    for lao, path, body in [(pao, "/api/businesses/", {"kind": "\ud800"}),
                            (sao, "/api/advertising/applications/", advertising_data(method="\ud800")),
                            (sao, "/api/advertising/applications/", advertising_data(message_gist="\udfff x"))]:
        response = post_json(client, lao, path, body)
        assert response.status_code == 400 and "surrogate" in response.json()["detail"], response.content
    deep = client.post("/api/businesses/", "[" * 100_000 + "]" * 100_000, content_type="application/json",
                       HTTP_HOST=pao.host)
    assert deep.status_code == 400 and deep.json()["detail"]
    emoji = post_json(client, sao, "/api/advertising/applications/", advertising_data(message_gist="งานวัด 🎉"))
    assert emoji.status_code == 201  # a surrogate pair is a character like any other


def test_business_page_key_name_and_key_id_are_checked(client, pao):
    from tenant_apps.businesses.models import BusinessApiKey
    from tests.pao import registered_business

    with schema_context(pao.schema_name):
        business, owner = registered_business()
    as_dopa(client, owner)
    url = f"/businesses/{business.pk}/"
    for name in ("PMS\x00", "PMS\x1b", "P" * 101):
        response = client.post(url, {"operation": "issue_key", "name": name}, HTTP_HOST=pao.host)
        assert response.status_code == 200 and 'class="notice error"' in response.content.decode()
    for key in ("abc", "9" * 5000, "๑"):
        assert client.post(url, {"operation": "revoke_key", "key": key}, HTTP_HOST=pao.host).status_code == 404
    assert client.post(url, {"operation": "issue_key", "name": "PMS"}, HTTP_HOST=pao.host).status_code == 200
    with schema_context(pao.schema_name):
        assert list(BusinessApiKey.objects.filter(business=business).values_list("name", flat=True)) == ["PMS"]


def test_business_registration_page_refuses_control_characters(client, pao):
    person = citizen()
    as_dopa(client, person)
    response = client.post("/businesses/register/", {
        "kind": "hotel", "name": "โรงแรม\x1bแพร่", "address": "1 ถนน", "owner_type": "person",
        "owner_id_number": person.national_id, "owner_name": "นายทดสอบ", "operating_since": "2025-01-01",
        "rooms": "40"}, HTTP_HOST=pao.host)
    assert response.status_code == 400 and response.context["form"].errors["name"]


def test_officer_invitation_api_refuses_a_control_character_in_the_name(client, sao):
    admin = officer(sao, "lao_admin")
    as_dopa(client, admin)
    refused_invite = post_json(client, sao, "/api/officers/", {"email": "new@example.invalid", "name": "สม\x1bศักดิ์",
                                                              "roles": ["clerk"]})
    assert refused_invite.status_code == 400 and "name" in refused_invite.json()
    accepted = post_json(client, sao, "/api/officers/", {"email": "new@example.invalid", "name": "สมศักดิ์",
                                                        "roles": ["clerk"]})
    assert accepted.status_code == 201


def test_new_officer_account_refuses_a_control_character_in_the_name(client, sao):
    from tests.test_officers import invite

    url = f"/officers/invitations/{invite(sao, ['clerk'])}/"
    response = client.post(url, {"step": "account", "username": "somsak", "name_th": "สมศักดิ์\x1b ขยัน",
                                 "password": "a long Thai passphrase 2569", "password2": "a long Thai passphrase 2569"},
                           HTTP_HOST=sao.host)
    assert response.status_code in (200, 400) and response.context["form"].errors["name_th"]


def advertising_data(**changes):
    start = datetime.date.today() + datetime.timedelta(days=10)
    data = {"method": "scattering", "message_gist": "แจกใบปลิวงานวัด\nวันเสาร์", "width_m": "0.21", "height_m": "0.30",
            "notice_count": 50, "start_date": start.isoformat(),
            "end_date": (start + datetime.timedelta(days=3)).isoformat(),
            "undertakes_removal": True, "locations": [{"description": "ลานวัดกาญจนา"}]}
    data.update(changes)
    return data


def test_advertising_api_refuses_control_characters(client, sao):
    as_dopa(client, citizen())
    for changes, field in [({"message_gist": "ลด\x1bราคา"}, "message_gist"),
                           ({"message_gist": "ลด\x00ราคา"}, "message_gist"),
                           ({"message_gist": "ก" * 5001}, "message_gist"),
                           ({"applicant_type": "juristic", "juristic_name": "บริษัท\x1b"}, "juristic_name"),
                           ({"locations": [{"description": "ลาน\x1bวัด"}]}, "locations")]:
        response = post_json(client, sao, "/api/advertising/applications/", advertising_data(**changes))
        assert response.status_code == 400 and field in response.json(), (changes, response.content)
    created = post_json(client, sao, "/api/advertising/applications/", advertising_data())
    assert created.status_code == 201
    action = post_json(client, sao, f"/api/advertising/applications/{created.json()['id']}/actions/",
                       {"action": "withdraw", "note": "ถอน\x1b"})
    assert action.status_code == 400 and "note" in action.json()


def test_advertising_pages_refuse_control_characters(client, sao):
    applicant = citizen()
    as_dopa(client, applicant)
    form = {**advertising_data(message_gist="ลด\x1bราคา"), "applicant_type": "person", "location": "ลานวัด"}
    form.pop("locations")
    page = client.post("/advertising/applications/new/", form, HTTP_HOST=sao.host)
    assert page.status_code == 400 and page.context["form"].errors["message_gist"]

    created = post_json(client, sao, "/api/advertising/applications/", advertising_data())
    pk = created.json()["id"]
    url = f"/advertising/applications/{pk}/"
    response = client.post(url, {"operation": "withdraw", "note": "ถอน\x00", "confirmed": "1"}, HTTP_HOST=sao.host)
    assert response.status_code in (200, 400) and "error" in response.content.decode()  # said, not done
    with schema_context(sao.schema_name):
        assert Application.objects.get(pk=pk).status == ApplicationStatus.DRAFT
    done = client.post(url, {"operation": "withdraw", "note": "ถอน\nขอบคุณ", "confirmed": "1"}, HTTP_HOST=sao.host)
    assert done.status_code == 302
    with schema_context(sao.schema_name):
        assert Application.objects.get(pk=pk).status == ApplicationStatus.WITHDRAWN


# --- the OIDC callback: every refusal answered with a message and audited -----------------------------------

def _state(page) -> str:
    return parse_qs(urlsplit(unquote(urlsplit(page.url).query.split("next=", 1)[1])).query)["state"][0]


def test_callback_with_a_valid_state_and_no_code_is_refused_and_audited(live, browser):
    page = start_at_central(browser, live)
    query = urlencode({"state": _state(page), "iss": f"{live.idp}/dev-idp"})

    response = browser.get(f"{live.central}/accounts/dopa/callback/?{query}")

    refused(response, browser, live, status=(400,))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED, detail__reason="missing_code").exists()


def test_an_error_code_made_of_control_characters_is_refused_and_audited(live, browser):
    start_at_central(browser, live)
    response = browser.get(f"{live.central}/accounts/dopa/callback/?error=%00%1b&state=x")
    refused(response, browser, live, status=(400,))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED, detail__reason="oauth_error").exists()


def _with_iss(url, iss):
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items() if k != "iss"}
    if iss is not None:
        query["iss"] = iss
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.mark.parametrize("iss, reason", [("https://evil.example/", "iss_mismatch"), (None, "iss_missing")])
def test_an_answer_naming_another_issuer_or_none_is_refused(live, browser, stop_at_callback, iss, reason):  # noqa: F811
    url = _no_follow_sign_in(browser, live)
    assert parse_qs(urlsplit(url).query)["iss"] == [f"{live.idp}/dev-idp"]  # the provider names itself

    response = browser.get(_with_iss(url, iss))

    refused(response, browser, live, status=(400,))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED, detail__reason=reason).exists()


def test_next_survives_a_refused_callback(live, browser):
    page = start_at_central(browser, live)  # next=/accounts/me/
    failed = browser.get(f"{live.central}/accounts/dopa/callback/?"
                         + urlencode({"state": _state(page), "iss": f"{live.idp}/dev-idp"}))
    assert failed.status_code == 400 and 'href="/accounts/dopa/start/"' in failed.text

    again = browser.get(f"{live.central}/accounts/dopa/start/")  # "Start again", with no next of its own
    response = browser.dopa_sign_in(again, pid=SOMCHAI)

    assert response.url == f"{live.central}/accounts/me/"


# --- sessions bound to their host ---------------------------------------------------------------------------

def test_a_session_from_one_lao_is_not_signed_in_on_another(client, sao, pao):
    user, device = officer_of(sao, "clerk")
    assert post_login(client, sao, user.username, "correct horse battery staple", code_for(device)).status_code == 302
    assert client.get("/officers/audit/", HTTP_HOST=sao.host).status_code == 200

    # The same cookie presented on the PAO's host (the test client sends it anywhere, a browser never would).
    elsewhere = client.get("/businesses/", HTTP_HOST=pao.host)

    assert elsewhere.status_code == 302 and elsewhere["Location"].startswith("/accounts/login/")
    assert client.get("/officers/audit/", HTTP_HOST=sao.host).status_code == 302  # ended everywhere
    with schema_context(pao.schema_name):
        event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED, detail__reason="session_other_host",
                                       target=user.username)
        assert event.detail["signed_in_on"] == sao.host and event.lao_code == pao.dla_code


def test_a_lao_session_cookie_replayed_on_another_lao_host_signs_nobody_in(live, browser, sao, pao):
    response = browser.dopa_sign_in(browser.get(f"{live.lao(sao)}/accounts/dopa/?next=/"), pid=SOMCHAI)
    assert response.url == f"{live.lao(sao)}/" and "นายสมชาย ใจดี" in response.text  # the ticket hop works
    stolen = next(c.value for c in browser.cookies if c.name == "sessionid" and c.domain.startswith(sao.host))

    with type(browser)() as attacker:
        attacker.cookies.set("sessionid", stolen, domain=pao.host)
        replayed = attacker.get(f"{live.lao(pao)}/businesses/", allow_redirects=False)
        assert replayed.status_code == 302 and "/accounts/login/" in replayed.headers["Location"]

    assert browser.get(f"{live.lao(sao)}/advertising/applications/", allow_redirects=False).status_code == 302
    assert signed_in_centrally(browser, live)  # the central session is its own, untouched


def test_sign_in_on_the_lao_host_after_the_central_one_is_bound_to_each_host(client, sao):
    from shared_apps.accounts.middleware import SESSION_HOST

    user, device = officer_of(sao, "clerk")
    post_login(client, sao, user.username, "correct horse battery staple", code_for(device))
    assert client.session[SESSION_HOST] == sao.host


def test_a_session_without_a_host_is_left_alone(client, sao, town):
    """Sessions made in code (the test client's force_login) have no host to compare with."""
    user = UserFactory()
    client.force_login(user)
    assert client.get("/advertising/applications/", HTTP_HOST=sao.host).status_code == 200
    assert client.get("/advertising/applications/", HTTP_HOST=town.host).status_code == 200


# --- the development identity provider only with DEBUG ------------------------------------------------------

def _settings_in_subprocess(**env_changes):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEV_IDENTITY_PROVIDER",
                                                               "LOCALSERVICE_TESTING", "DEBUG")}
    env.update(SECRET_KEY="x" * 60, DATABASE_URL="postgres://nobody@127.0.0.1:1/none", **env_changes)
    code = ("import json, localservice.settings as s; print(json.dumps({'dev': s.DEV_IDENTITY_PROVIDER, "
            "'apps': 'oauth2_provider' in s.INSTALLED_APPS, 'host': '127.0.0.1' in s.ALLOWED_HOSTS, "
            "'discovery': s.DOPA_OIDC['DISCOVERY_URL']}))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("env", [
    {"DEBUG": "false", "DEV_IDENTITY_PROVIDER": "true", "LOCALSERVICE_TESTING": "true"},
    {"DEBUG": "false", "DEV_IDENTITY_PROVIDER": "true"},
])
def test_dev_identity_provider_is_refused_without_debug_whatever_else_is_set(env):
    result = _settings_in_subprocess(**env)
    assert result.returncode != 0 and "DEV_IDENTITY_PROVIDER is for development only" in result.stderr


def test_without_debug_the_dev_identity_provider_is_off_even_when_testing_is_claimed():
    result = _settings_in_subprocess(DEBUG="false", LOCALSERVICE_TESTING="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"dev": False, "apps": False, "host": False,
                                         "discovery": "https://imauth.bora.dopa.go.th/.well-known/openid-configuration"}


def test_with_debug_the_dev_identity_provider_is_on():
    result = _settings_in_subprocess(DEBUG="true")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["dev"] and found["apps"] and found["host"] and "/dev-idp/" in found["discovery"]


# --- the embedded database ---------------------------------------------------------------------------------

class RecordingLock:
    def __init__(self):
        self.held = False
        self.entered = 0

    def __enter__(self):
        self.held, self.entered = True, self.entered + 1

    def __exit__(self, *exc):
        self.held = False


@pytest.mark.parametrize("content", ["", "[123", "{}", '["a"]', "null", "\x00\x00"])
def test_an_empty_or_corrupt_handle_file_counts_as_no_handles(tmp_path, content):
    from localservice.embedded_db import HANDLES, recover_handles

    (tmp_path / HANDLES).write_text(content)
    lock = RecordingLock()

    assert recover_handles(tmp_path, lock=lock) == []

    assert json.loads((tmp_path / HANDLES).read_text()) == [] and lock.entered == 1 and not lock.held
    assert [p.name for p in tmp_path.iterdir()] == [HANDLES]  # written whole, nothing left behind


def test_dead_processes_are_forgotten_and_live_ones_kept(tmp_path):
    from localservice.embedded_db import HANDLES, recover_handles

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / HANDLES).write_text(json.dumps([os.getpid(), dead.pid]))
    assert recover_handles(tmp_path, lock=RecordingLock()) == [os.getpid()]
    assert json.loads((tmp_path / HANDLES).read_text()) == [os.getpid()]
    assert recover_handles(tmp_path / "nowhere", lock=RecordingLock()) == []  # no file: nothing to do


def test_at_exit_an_unreadable_file_counts_as_this_process_alone(tmp_path):
    from localservice.embedded_db import HANDLES, recover_handles

    (tmp_path / HANDLES).write_text("")
    assert recover_handles(tmp_path, assume=[os.getpid()], lock=RecordingLock()) == [os.getpid()]


SIGNAL_SCRIPT = textwrap.dedent("""
    import atexit, sys, time
    from pathlib import Path
    from localservice import embedded_db

    data = Path(sys.argv[1])
    def pgserver_cleanup():  # stands for pgserver's own exit hook, registered first
        print("cleanup started", flush=True)
        time.sleep(1.0)
        print("server stopped", flush=True)
    atexit.register(pgserver_cleanup)
    embedded_db.exit_on_sigterm()
    with embedded_db.stop_signals_held():
        print("starting", flush=True)
        time.sleep(float(sys.argv[2]))
        atexit.register(embedded_db.before_server_cleanup, data)
    print("ready", flush=True)
    time.sleep(30)
""")


def _run_and_signal(tmp_path, signum, *, start_seconds=0.0, again=True):
    (tmp_path / ".handle_pids.json").write_text("")
    process = subprocess.Popen([sys.executable, "-c", SIGNAL_SCRIPT, str(tmp_path), str(start_seconds)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marker = "starting" if start_seconds else "ready"
    while (line := process.stdout.readline().strip()) != marker:
        assert line, process.stderr.read()
    process.send_signal(signum)
    if again:
        assert process.stdout.readline().strip() in ("ready", "cleanup started")
        time.sleep(0.2)
        process.send_signal(signal.SIGTERM)  # a second signal while the server stops
        process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err, process.pid


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_lets_the_server_stop_even_if_another_follows(tmp_path, signum):
    code, out, err, pid = _run_and_signal(tmp_path, signum)
    assert "server stopped" in out, (out, err)
    assert code != 0
    # Repaired at exit, before pgserver's turn: this process alone (the real pgserver then takes it out).
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == [pid]


def test_a_stop_signal_while_the_server_starts_waits_for_the_start(tmp_path):
    code, out, err, _pid = _run_and_signal(tmp_path, signal.SIGTERM, start_seconds=1.0, again=False)
    assert code == 128 + signal.SIGTERM
    assert "ready" not in out and "server stopped" in out, (out, err)  # stopped once started, not half-way


def test_the_embedded_server_restarts_after_an_empty_handle_file_and_stops_on_sigterm(tmp_path):
    """The reproduction from the issue (`: > .pgdata/.handle_pids.json; manage.py check`), on a real
    pgserver in a folder of its own: about a second for each start."""
    pytest.importorskip("pgserver")
    script = textwrap.dedent("""
        import sys, time
        from pathlib import Path
        from localservice import embedded_db
        server = embedded_db.start(Path(sys.argv[1]))
        print(server.get_postmaster_info().pid, flush=True)
        if sys.argv[2] == "wait":
            time.sleep(30)
    """)
    data = tmp_path / "pgdata"

    def run(mode):
        return subprocess.Popen([sys.executable, "-c", script, str(data), mode], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    first = run("exit")
    assert first.wait(timeout=60) == 0, first.stderr.read()
    (data / ".handle_pids.json").write_text("")  # as a process killed half-way through its write leaves it

    second = run("wait")
    postmaster = int(second.stdout.readline())
    assert json.loads((data / ".handle_pids.json").read_text()) == [second.pid]
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=60) == 128 + signal.SIGTERM
    import psutil

    deadline = time.monotonic() + 10
    while psutil.pid_exists(postmaster) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not psutil.pid_exists(postmaster)  # the server stopped with its last user
    assert json.loads((data / ".handle_pids.json").read_text()) == []
