"""DLA's console (/dla/): who sees what, DLA's actions audited, bulk onboarding of a province with a failure
part-way and its retry, exports equal to the page.

Bulk onboarding's workers commit on their own connections, so the province onboarded here is a test-only
one with LAOs of its own and a DLA administrator, all committed and dropped at the module's end (the pattern
of test_national_scale). Requests otherwise run in the test's transaction.
"""
import csv
import io
import threading

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_exists
from openpyxl import load_workbook

from shared_apps.accounts.models import StaffRole
from shared_apps.audit.models import AuditEvent
from shared_apps.console import services as console
from shared_apps.console.models import OnboardingJob
from shared_apps.geography.models import Province
from tenants import services as registry
from tenants.models import LAO, Domain, LAOEvent, LAOStatus
from tests.factories import DEMO, UserFactory, lao_forget
from tests.test_officers import signed_in

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "localhost"}
TEST_PROVINCE = "97"
CODES = [f"65979{n:02d}" for n in range(5)]
PROGRESS_CODES = [f"65978{n:02d}" for n in range(3)]


def own_connection(call):
    box = {}

    def run():
        try:
            box["result"] = call()
        except Exception as error:  # noqa: BLE001 — raised again below
            box["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("result")


def _forget(username):
    from django.contrib.auth import get_user_model

    for code in CODES + PROGRESS_CODES:
        lao_forget(code)
    OnboardingJob.objects.filter(created_by__username=username).order_by("-pk").delete()
    User = get_user_model()
    StaffRole.objects.filter(user__username=username).delete()
    with connection.cursor() as cursor:  # not through the ORM: its cascade would look for LAO tables here
        cursor.execute(f'DELETE FROM "{User._meta.db_table}" WHERE username = %s', [username])
    Province.objects.filter(code=TEST_PROVINCE).delete()


@pytest.fixture(scope="module")
def test_province(django_db_setup, django_db_blocker):
    """A province of its own with 8 SAOs (registered, committed) and a committed DLA administrator."""
    username = "console-test-dla"
    with django_db_blocker.unblock():
        _forget(username)
        province = Province.objects.create(code=TEST_PROVINCE, name_th="จังหวัดทดสอบคอนโซล", name_en="Console test")
        model = LAO.objects.get(dla_code=DEMO["sao"])
        LAO.objects.bulk_create([
            LAO(dla_code=code, lao_type=model.lao_type, name_th=f"ทดสอบคอนโซล {code}", province=province,
                hostname=f"console-test-{code}", schema_name=f"lao_{code}") for code in CODES + PROGRESS_CODES])
        dla = UserFactory(username=username, name_th="ผู้ดูแล สถ. ทดสอบ")
        StaffRole.objects.create(user=dla, kind=StaffRole.Kind.DLA_ADMINISTRATOR)
    yield province, dla
    with django_db_blocker.unblock():
        connections.close_all()
        _forget(username)


@pytest.fixture
def people(db, sao):
    from django_tenants.utils import schema_context

    from tenant_apps.officers.models import Officer

    dla = UserFactory(name_th="ผู้ดูแล สถ.")
    StaffRole.objects.create(user=dla, kind=StaffRole.Kind.DLA_ADMINISTRATOR)
    phrae = UserFactory(name_th="สถจ.แพร่")
    StaffRole.objects.create(user=phrae, kind=StaffRole.Kind.PROVINCIAL_OFFICE, province_id="54")
    officer = UserFactory(name_th="เจ้าหน้าที่ อบต.")
    with schema_context(sao.schema_name):
        Officer.objects.create(user_id=officer.pk, roles=["clerk", "lao_admin"])
    citizen = UserFactory(name_th="ประชาชนทั่วไป")  # signs in with DOPA: no role anywhere
    return {"dla": dla, "phrae": phrae, "officer": officer, "citizen": citizen}


def get(client, path, **params):
    return client.get(path, params, **HOST)


def post(client, path, data):
    return client.post(path, data, **HOST)


CONSOLE_PAGES = ["/dla/", "/dla/laos/", f"/dla/laos/{DEMO['sao']}/"]
DLA_ONLY_PAGES = ["/dla/onboarding/", "/dla/staff/"]


# --- who sees what ----------------------------------------------------------------------------------------

def test_signed_out_visitors_are_sent_to_sign_in(client):
    for path in CONSOLE_PAGES + DLA_ONLY_PAGES:
        response = get(client, path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), path


def test_a_lao_officer_and_a_citizen_see_none_of_the_console(client, people):
    for who in ("officer", "citizen"):
        signed_in(client, people[who])
        for path in CONSOLE_PAGES + DLA_ONLY_PAGES:
            response = get(client, path)
            assert response.status_code == 403, (who, path)
            assert "ไม่มีบทบาท" in response.content.decode() or "no DLA staff role" in response.content.decode()
        response = post(client, f"/dla/laos/{DEMO['sao']}/status/", {"reason": "ทดลอง"})
        assert response.status_code == 403
        assert LAO.objects.get(dla_code=DEMO["sao"]).status == LAOStatus.ACTIVE


def test_a_password_session_without_second_factor_is_asked_to_sign_in(client, people):
    client.force_login(people["dla"])
    assert get(client, "/dla/").status_code == 302


def test_a_provincial_office_sees_only_its_province_and_cannot_act(client, people, pao):
    signed_in(client, people["phrae"])
    home = get(client, "/dla/")
    assert home.status_code == 200
    text = home.content.decode()
    assert "แพร่" in text and "ชลบุรี" not in text
    by_province = home.context["tables"][1]
    assert [row[0] for row in by_province.rows] == ["แพร่ (Phrae)"]
    phrae_laos = LAO.objects.filter(province_id="54").count()
    assert by_province.footer[-1] == phrae_laos == home.context["tables"][0].footer[-1]

    listing = get(client, "/dla/laos/")
    codes = {lao.dla_code for lao in listing.context["listing"].rows}
    assert codes == set(LAO.objects.filter(province_id="54").values_list("dla_code", flat=True))
    other = get(client, "/dla/laos/", province="20")  # Chonburi is not a choice: refused, their own list shown
    assert other.status_code == 400 and {lao.dla_code for lao in other.context["listing"].rows} == codes
    export = get(client, "/dla/laos/", export="csv")
    exported = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert {row[0] for row in exported[1:]} == codes

    assert get(client, f"/dla/laos/{DEMO['sao']}/").status_code == 200  # Phrae
    assert get(client, "/dla/laos/3200408/").status_code == 404  # Pattaya, Chonburi
    page = get(client, f"/dla/laos/{DEMO['sao']}/").content.decode()
    assert "/status/" not in page and "/subdomain/" not in page  # no forms to act
    for path in DLA_ONLY_PAGES:
        assert get(client, path).status_code == 403, path
    assert post(client, f"/dla/laos/{DEMO['sao']}/status/", {"reason": "x"}).status_code == 403
    assert post(client, f"/dla/laos/{DEMO['sao']}/subdomain/", {"hostname": "other"}).status_code == 403
    assert post(client, "/dla/onboarding/", {"province": "54"}).status_code == 403


def test_dla_sees_the_whole_country(client, people):
    signed_in(client, people["dla"])
    home = get(client, "/dla/")
    assert home.context["tables"][0].footer[-1] == LAO.objects.count()
    assert {row[0] for row in home.context["tables"][1].rows} >= {"แพร่ (Phrae)", "ชลบุรี (Chon Buri)"}


# --- DLA's actions, audited ----------------------------------------------------------------------------

def test_suspension_reinstatement_and_subdomain_change_are_recorded_with_who_and_why(client, people, sao):
    signed_in(client, people["dla"])
    path = f"/dla/laos/{sao.dla_code}/"
    assert post(client, path + "status/", {"reason": "  "}).status_code == 400  # a reason is required
    response = post(client, path + "status/", {"reason": "ค้างส่งเอกสาร"})
    assert response.status_code == 302
    sao.refresh_from_db()
    assert sao.status == LAOStatus.SUSPENDED
    event = LAOEvent.objects.filter(lao=sao).first()
    assert (event.kind, event.actor, event.detail["reason"]) == (LAOEvent.Kind.SUSPENDED, people["dla"], "ค้างส่งเอกสาร")
    assert post(client, path + "status/", {"reason": "ส่งครบแล้ว"}).status_code == 302
    assert LAOEvent.objects.filter(lao=sao).first().kind == LAOEvent.Kind.REINSTATED

    assert post(client, path + "subdomain/", {"hostname": "Not valid!"}).status_code == 400
    taken = LAO.objects.get(dla_code=DEMO["pao"]).hostname
    refused = post(client, path + "subdomain/", {"hostname": taken})
    assert refused.status_code == 400 and taken in refused.content.decode()
    old = sao.hostname
    assert post(client, path + "subdomain/", {"hostname": "kanchana-new"}).status_code == 302
    sao.refresh_from_db()
    assert sao.hostname == "kanchana-new" and Domain.objects.filter(tenant=sao, domain=sao.host).exists()
    event = LAOEvent.objects.filter(lao=sao).first()
    assert (event.kind, event.actor, event.detail) == (LAOEvent.Kind.HOSTNAME_CHANGED, people["dla"],
                                                       {"old": old, "new": "kanchana-new"})
    history = get(client, path).content.decode()
    assert "ค้างส่งเอกสาร" in history and "kanchana-new" in history


def test_staff_roles_are_granted_and_taken_away_in_the_audit_trail(client, people):
    signed_in(client, people["dla"])
    newcomer = UserFactory(username="newcomer-pw", email="new@dla.go.th")
    bad = post(client, "/dla/staff/", {"person": "new@dla.go.th", "kind": "provincial_office"})
    assert bad.status_code == 400  # a provincial role needs its province
    assert post(client, "/dla/staff/", {"person": "nobody-at-all", "kind": "dla_administrator"}).status_code == 400
    assert post(client, "/dla/staff/", {"person": "new@dla.go.th", "kind": "provincial_office",
                                         "province": "20"}).status_code == 302
    role = StaffRole.objects.get(user=newcomer)
    assert (role.kind, role.province_id, role.granted_by) == ("provincial_office", "20", people["dla"])
    granted = AuditEvent.objects.filter(action=AuditEvent.Action.STAFF_ROLE_GRANTED, target="newcomer-pw").get()
    assert granted.actor == people["dla"] and granted.detail == {"role": "provincial_office", "province": "20"}
    again = post(client, "/dla/staff/", {"person": "newcomer-pw", "kind": "provincial_office", "province": "20"})
    assert again.status_code == 400  # already has it

    assert post(client, f"/dla/staff/{role.pk}/revoke/", {}).status_code == 302
    assert not StaffRole.objects.filter(user=newcomer).exists()
    revoked = AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_REVOKED, target="newcomer-pw").get()
    assert revoked.actor == people["dla"] and revoked.detail["staff_role"] == "provincial_office"

    own = StaffRole.objects.get(user=people["dla"])
    assert post(client, f"/dla/staff/{own.pk}/revoke/", {}).status_code == 400  # not your own administrator role
    assert StaffRole.objects.filter(pk=own.pk).exists()


def test_onboarding_forms_are_bounded_and_say_what_is_wrong(client, people):
    signed_in(client, people["dla"])
    cases = [({}, "จังหวัด"), ({"codes": "12345"}, "7"), ({"codes": "9999999"}, "9999999"),
             ({"province": "xx"}, ""), ({"lao_type": "castle"}, ""), ({"codes": "1" * 100_001}, ""),
             ({"codes": DEMO["sao"]}, "")]
    for data, said in cases:
        response = post(client, "/dla/onboarding/", data)
        assert response.status_code == 400, data
        assert said in response.content.decode(), data
    assert not OnboardingJob.objects.exists()
    assert get(client, "/dla/onboarding/999999/").status_code == 404
    assert get(client, "/dla/laos/not-a-code/").status_code == 404


# --- bulk onboarding of a province ---------------------------------------------------------------------

def test_bulk_onboarding_of_a_province_with_a_failure_part_way_then_the_retry_finishes_it(
        client, test_province, settings, monkeypatch, django_capture_on_commit_callbacks):
    province, dla = test_province
    settings.CONSOLE_ONBOARDING_INLINE = "sync"
    broken = CODES[2]
    build = registry._after_schema_built

    def fails_for_one(lao):
        build(lao)
        if lao.dla_code == broken:
            raise RuntimeError("injected failure")

    monkeypatch.setattr(registry, "_after_schema_built", fails_for_one)
    signed_in(client, dla)
    wanted = sorted(CODES)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/dla/onboarding/", {"province": TEST_PROVINCE, "codes": " ".join(CODES)})
    assert response.status_code == 302
    job = OnboardingJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert (job.created_by, job.province, job.dla_codes, job.total) == (dla, province, wanted, 5)
    assert job.status == OnboardingJob.Status.FINISHED_WITH_FAILURES
    assert (job.done, job.failed, job.onboarded) == (4, 1, 4)
    assert list(job.failures) == [broken] and "injected failure" in job.failures[broken]
    statuses = dict(LAO.objects.filter(dla_code__in=CODES).values_list("dla_code", "status"))
    assert statuses == {code: LAOStatus.REGISTERED if code == broken else LAOStatus.ACTIVE for code in CODES}
    assert not schema_exists(f"lao_{broken}")
    assert all(schema_exists(f"lao_{code}") for code in CODES if code != broken)
    assert LAOEvent.objects.filter(lao__dla_code__in=CODES, kind=LAOEvent.Kind.ONBOARDED, actor=dla).count() == 4

    page = get(client, response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and "Refresh" not in page  # finished: no more refreshing
    assert 'max="5" value="5"' in text and broken in text and "injected failure" in text

    monkeypatch.undo()
    settings.CONSOLE_ONBOARDING_INLINE = "sync"
    with django_capture_on_commit_callbacks(execute=True):
        retried = post(client, f"/dla/onboarding/{job.pk}/retry/", {})
    assert retried.status_code == 302
    again = OnboardingJob.objects.get(pk=int(retried["Location"].rstrip("/").split("/")[-1]))
    assert (again.retry_of, again.dla_codes, again.status, again.onboarded) == (
        job, [broken], OnboardingJob.Status.FINISHED, 1)
    assert set(LAO.objects.filter(province=province, dla_code__in=CODES).values_list("status", flat=True)) == {
        LAOStatus.ACTIVE}
    nothing_left = post(client, f"/dla/onboarding/{job.pk}/retry/", {})
    assert nothing_left.status_code == 400 and "onboarded" in nothing_left.content.decode().lower() or \
        "ไม่มี" in nothing_left.content.decode()

    home = get(client, "/dla/")
    row = next(r for r in home.context["tables"][1].rows if r[0].startswith("จังหวัดทดสอบคอนโซล"))
    assert row[1:] == [len(PROGRESS_CODES), len(CODES), 0, len(CODES) + len(PROGRESS_CODES)]


def test_progress_is_counted_on_the_job_while_it_runs(test_province, settings, monkeypatch):
    """The workers count each LAO on the job's row as they go (committed at once, so the page sees it)."""
    province, dla = test_province
    settings.CONSOLE_ONBOARDING_INLINE = "sync"
    seen = []
    real = registry.onboard_laos

    def watched(**kwargs):
        on_progress = kwargs.pop("on_progress")

        def progress(code, ok):
            on_progress(code, ok)
            job = OnboardingJob.objects.filter(created_by=dla).order_by("-pk").first()  # on the worker's connection
            seen.append((job.status, job.done, job.failed))

        return real(on_progress=progress, **kwargs)

    monkeypatch.setattr(registry, "onboard_laos", watched)
    job = own_connection(lambda: console.onboarding_job_request(actor=dla, codes=PROGRESS_CODES))
    job.refresh_from_db()
    assert job.status == OnboardingJob.Status.FINISHED and (job.done, job.total) == (3, 3)
    dones = [done for _status, done, _failed in seen]  # two workers: both may count before either reads
    assert len(dones) == 3 and max(dones) == 3 and all(1 <= done <= 3 for done in dones)
    assert {status for status, _done, _failed in seen} == {OnboardingJob.Status.RUNNING}
    # run again (a task delivered twice): nothing happens
    assert console.onboarding_job_run(job_id=job.pk).status == OnboardingJob.Status.FINISHED


def test_a_job_waits_for_a_celery_worker_when_a_broker_is_configured(people, registered_lao, settings, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    from shared_apps.console import tasks

    sent = []

    class Result:
        id = "task-123"

    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/0"
    monkeypatch.setattr(tasks.run_onboarding_job, "delay", lambda **kwargs: sent.append(kwargs) or Result())
    with django_capture_on_commit_callbacks(execute=True):
        job = console.onboarding_job_request(actor=people["dla"], codes=[registered_lao.dla_code])
    job.refresh_from_db()
    assert sent == [{"job_id": job.pk}] and job.task_id == "task-123" and job.status == OnboardingJob.Status.QUEUED


def test_only_dla_administrators_may_ask_for_a_job(people, registered_lao):
    from django.core.exceptions import PermissionDenied

    for who in ("phrae", "officer", "citizen"):
        with pytest.raises(PermissionDenied):
            console.onboarding_job_request(actor=people[who], codes=[registered_lao.dla_code])


# --- exports equal the page ----------------------------------------------------------------------------

def test_every_table_of_the_home_page_downloads_as_csv_and_xlsx_with_the_page_figures(client, people):
    signed_in(client, people["dla"])
    page = get(client, "/dla/")
    for table in page.context["tables"]:
        shown = [[str(v) for v in row] for row in table.rows + [table.footer]]
        response = get(client, "/dla/", table=table.key, export="csv")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert rows[0] == [str(c.label) for c in table.columns]
        assert rows[1:] == shown
        xlsx = get(client, "/dla/", table=table.key, export="xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
        values = [[str(cell) for cell in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert values == shown
    assert get(client, "/dla/", table="nope", export="csv")["Content-Type"].startswith("text/html")


# --- the dashboards ------------------------------------------------------------------------------------

@pytest.fixture
def published(db, sao, pao, lao):
    """A few published figures (as the LAO side writes them) in Phrae and Chonburi."""
    import datetime
    from decimal import Decimal

    from shared_apps.oversight.selectors import current_fiscal_year
    from shared_apps.oversight.services import revenue_add_rows

    fy = current_fiscal_year()
    october = datetime.date(fy - 544, 10, 1)
    pattaya = lao("3200408")
    for one, service, amount in ((sao, "advertising", "1200.00"), (pao, "hotel_fee", "35000.50"),
                                 (pattaya, "advertising", "800.00")):
        # through the publishing service, which keeps every roll-up the dashboards read
        revenue_add_rows(lao_id=one.pk, rows=[(service, "counter", october, Decimal(amount), 3)])
    return fy


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_national_dashboard_shows_every_province_and_exports_each_table_as_shown(client, people, published):
    signed_in(client, people["dla"])
    page = get(client, "/dla/figures/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'role="img"' in text and "<title id=\"map-provinces-t\">" in text and "amCharts" in text
    tables = {t.key: t for t in page.context["tables"]}
    assert {"summary", "by-province", "revenue-by-fiscal-year", "revenue-by-month", "revenue-by-type",
            "revenue-by-service", "top-laos", "bottom-laos", "filing-by-pao", "permits-by-lao"} <= set(tables)
    assert tables["summary"].rows[0][1] == __import__("decimal").Decimal("37000.50")
    by_province = {row[0]: row for row in tables["by-province"].rows}
    assert by_province["แพร่ (Phrae)"][1] == __import__("decimal").Decimal("36200.50")
    for key, table in tables.items():
        rows = _csv(get(client, "/dla/figures/", table=key, export="csv"))
        assert rows[0] == [str(c.label) for c in table.columns], key
        expected = [["" if v is None else (f"{v:.2f}" if c.kind == "money" else str(v)) for v, c in zip(row, table.columns)]
                    for row in table.rows + ([table.footer] if table.footer else [])]
        assert rows[1:] == expected, key
    for figure in ("active", "on_time", "permits"):
        assert get(client, "/dla/figures/", figure=figure).status_code == 200
    assert get(client, "/dla/figures/", fiscal_year="abc", figure="<script>").status_code == 400


def test_a_provincial_office_sees_its_province_dashboard_only(client, people, published):
    signed_in(client, people["phrae"])
    response = get(client, "/dla/figures/")
    assert response.status_code == 302 and response["Location"] == "/dla/figures/54/"
    page = get(client, "/dla/figures/54/")
    assert page.status_code == 200
    tables = {t.key: t for t in page.context["tables"]}
    assert "by-province" not in tables
    assert tables["summary"].rows[0][1] == __import__("decimal").Decimal("36200.50")  # Pattaya's 800 not counted
    everything = " ".join(str(v) for t in tables.values() for row in t.rows for v in row)
    for code in LAO.objects.exclude(province_id="54").values_list("dla_code", flat=True):
        assert f"({code})" not in everything
    assert "ชลบุรี (" not in everything  # no province row of Chonburi either
    assert "map-laos" in page.content.decode()
    assert get(client, "/dla/figures/20/").status_code == 404
    assert get(client, "/dla/figures/20/", table="summary", export="csv").status_code == 404
    rows = _csv(get(client, "/dla/figures/54/", table="top-laos", export="csv"))
    assert all("แพร่" in row[1] for row in rows[1:])


def test_officers_and_citizens_see_no_dashboard(client, people):
    for who in ("officer", "citizen"):
        signed_in(client, people[who])
        assert get(client, "/dla/figures/").status_code == 403
        assert get(client, "/dla/figures/54/").status_code == 403
