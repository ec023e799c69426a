"""Background tasks run in the schema they were sent from (tenant-schemas-celery), eagerly and on a real worker.

The eager tests use the platform's own Celery app (no broker in tests: CELERY_TASK_ALWAYS_EAGER). The worker
test sends through Redis (127.0.0.1:6379) to a worker thread with its own database connection, as in
production; it is skipped when no Redis answers there.
"""
import threading
import uuid

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from localservice.celery import app
from tenants.models import LAO, LAOStatus
from tests.factories import lao_forget

REDIS_URL = "redis://127.0.0.1:6379/13"


def where_am_i() -> dict:
    """The schema the task runs in, and what it reads there: the LAO's profile, or the public registry."""
    from tenant_apps.lao_profile.models import LAOProfile

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        current = cursor.fetchone()[0]
    answer = {"schema": connection.schema_name, "current_schema": current}
    if connection.schema_name == "public":
        answer["registry"] = LAO.objects.count()
    else:
        answer["phone"] = LAOProfile.objects.get(pk=1).phone
    return answer


where_am_i_task = app.task(name="tests.where_am_i")(where_am_i)


def _set_phone(schema_name: str, phone: str) -> None:
    with schema_context(schema_name):
        from tenant_apps.lao_profile.models import LAOProfile

        LAOProfile.objects.update_or_create(pk=1, defaults={"phone": phone})


def test_the_platform_tasks_are_tenant_aware():
    from tenant_schemas_celery.task import TenantTask

    from tenant_apps.advertising.tasks import send_permit_reminders
    from tenants.tasks import onboard_laos_task

    for task in (send_permit_reminders, onboard_laos_task, where_am_i_task):
        assert isinstance(task, TenantTask), task.name
    assert app.conf.task_always_eager  # no broker in tests: tasks run in the caller


@pytest.mark.django_db
def test_a_task_sent_from_a_lao_schema_runs_in_that_schema(sao, town):
    _set_phone(sao.schema_name, "054-000-113")
    _set_phone(town.schema_name, "054-000-102")

    with schema_context(sao.schema_name):
        result = where_am_i_task.delay()
        assert connection.schema_name == sao.schema_name  # the caller is back in its own schema after
    assert result.get() == {"schema": sao.schema_name, "current_schema": sao.schema_name, "phone": "054-000-113"}

    with schema_context(town.schema_name):
        assert where_am_i_task.delay().get()["phone"] == "054-000-102"


@pytest.mark.django_db
def test_a_task_sent_from_the_public_schema_runs_in_public(sao):
    with schema_context(sao.schema_name):
        pass
    assert connection.schema_name == "public"
    answer = where_am_i_task.delay().get()
    assert answer == {"schema": "public", "current_schema": "public", "registry": LAO.objects.count()}
    assert answer["registry"] > 0


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_worker(db):
    """A Celery app like the platform's, on Redis, with a worker thread consuming a queue of its own."""
    if not _redis_answers():
        pytest.skip("no Redis at 127.0.0.1:6379")
    from celery.contrib.testing.worker import start_worker
    from tenant_schemas_celery.app import CeleryApp

    queue = f"test-{uuid.uuid4().hex}"
    # No Django fixup: it would close the test's own connection (inside its transaction) when the worker
    # starts, since the worker is built in this thread; the worker thread's connection closes with it.
    worker_app = CeleryApp("localservice-test", set_as_current=False, fixups=[])
    worker_app.config_from_object("django.conf:settings", namespace="CELERY")
    worker_app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False,
                           task_default_queue=queue, worker_hijack_root_logger=False)
    task = worker_app.task(name="tests.where_am_i")(where_am_i)
    try:
        with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield task
    finally:
        app.set_current()  # the worker made its app the current one: give it back to the platform's
        app.set_default()
        worker_app.close()
        import redis

        broker = redis.Redis.from_url(REDIS_URL)
        leftovers = list(broker.scan_iter(f"*{queue}*"))  # this queue's bindings, nobody else's
        if leftovers:
            broker.delete(*leftovers)


@pytest.mark.django_db
def test_through_redis_a_worker_runs_each_task_in_the_schema_it_was_sent_from(sao, committed_sql, redis_worker):
    # The worker has its own connection: what it reads must be committed.
    committed_sql(f'UPDATE "{sao.schema_name}".lao_profile_laoprofile SET phone = %s WHERE id = 1', ["054-celery"])
    try:
        with schema_context(sao.schema_name):
            from_lao = redis_worker.delay()
        from_public = redis_worker.delay()
        assert from_lao.get(timeout=30) == {
            "schema": sao.schema_name, "current_schema": sao.schema_name, "phone": "054-celery"}
        assert from_public.get(timeout=30) == {
            "schema": "public", "current_schema": "public", "registry": LAO.objects.count()}
        from_lao.forget()
        from_public.forget()
    finally:
        committed_sql(f'UPDATE "{sao.schema_name}".lao_profile_laoprofile SET phone = %s WHERE id = 1', [""])


@pytest.mark.django_db
def test_bulk_onboarding_task_passes_the_laos_and_actor_and_works_in_public(monkeypatch, sao, registered_lao,
                                                                           dla_admin):
    """The task's wiring: whichever schema it is sent from, it asks the service for these LAOs, in public."""
    import tenants.services
    from tenants.tasks import onboard_laos_task

    calls = []

    def onboard_laos(*, laos, actor=None, workers=2, on_progress=None):
        calls.append((connection.schema_name, sorted(lao.dla_code for lao in laos), actor, workers))

    monkeypatch.setattr(tenants.services, "onboard_laos", onboard_laos, raising=False)
    with schema_context(sao.schema_name):
        summary = onboard_laos_task.delay(dla_codes=[registered_lao.dla_code, sao.dla_code], actor_id=dla_admin.pk,
                                          workers=3).get()
    assert calls == [("public", sorted([registered_lao.dla_code, sao.dla_code]), dla_admin, 3)]
    assert summary == {"requested": 2, "active": 1, "not_active": [registered_lao.dla_code]}  # the service did nothing here; sao was active already


def _in_own_connection(function, *args, **kwargs):
    """Run in a thread of its own (its own connection, autocommit): as a Celery worker would."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001  (re-raised in the test's thread)
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(600)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


CELERY_TEST_CODES = ("6549981", "6549982")


def _register_test_laos(template: LAO) -> None:
    for code in CELERY_TEST_CODES:
        LAO.objects.create(dla_code=code, schema_name=f"lao_{code}", lao_type=template.lao_type,
                           name_th=f"อบต.ทดสอบงานเบื้องหลัง {code}", province_id=template.province_id,
                           district_id=template.district_id, hostname=f"celery-test-{code}",
                           status=LAOStatus.REGISTERED)


def _forget_test_laos() -> None:
    for code in CELERY_TEST_CODES:
        lao_forget(code)


@pytest.mark.django_db
def test_bulk_onboarding_task_onboards_the_laos(registered_lao, dla_admin):
    """The real service, run as a worker runs it: registry rows committed, the task in its own connection."""
    try:
        from tenants.services import onboard_laos  # noqa: F401
    except ImportError:
        pytest.skip("tenants.services.onboard_laos (issue 16, bulk onboarding) is not on this branch yet")
    from tenants.tasks import onboard_laos_task

    _in_own_connection(_forget_test_laos)
    _in_own_connection(_register_test_laos, registered_lao)
    try:
        summary = _in_own_connection(onboard_laos_task.apply, kwargs={
            "dla_codes": list(CELERY_TEST_CODES), "actor_id": None, "workers": 2}).get()
        assert summary == {"requested": 2, "active": 2, "not_active": []}
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname = ANY(%s)",
                           [[f"lao_{code}" for code in CELERY_TEST_CODES]])
            assert cursor.fetchone()[0] == 2
    finally:
        _in_own_connection(_forget_test_laos)


@pytest.mark.django_db
def test_beat_runs_the_daily_jobs_in_public_and_nothing_else(sao, capsys):
    from tenants.tasks import DAILY_COMMANDS, daily_command

    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, name
        assert entry["kwargs"]["name"] in DAILY_COMMANDS, name
    with schema_context(sao.schema_name):
        output = daily_command.delay(name="advertising_reminders").get()
    assert output.strip() == "Reminders sent: 0"
    with pytest.raises(ValueError):
        daily_command.delay(name="flush").get()
