"""National scale: bulk onboarding in parallel, the template copy cache, and migrations over many schemas.

Workers run on their own connections and commit, so this module onboards LAOs of its own
(committed, dropped at its end) — the pattern of test_money_concurrency. The test's own
connection only reads, or migrates templates inside its transaction (rolled back with it).
"""
import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_exists

from tenants import schemas, services
from tenants.models import LAO, Domain, LAOEvent, LAOStatus, SchemaMigrationState
from tenants.schema_migrations import (applied_migrations, migrate_lao_schemas, migrate_with_executor,
                                       migration_graph, schemas_behind)
from tests.extra_migration import COLUMN, extra_migration
from tests.factories import DEMO, lao_forget
from tests.test_schema_clone import build_by_migrations, catalog

pytestmark = pytest.mark.django_db
SAO_CODES = [f"65497{n:02d}" for n in range(16)]
PAO_CODES = [f"25497{n:02d}" for n in range(8)]
CODES = SAO_CODES + PAO_CODES


@pytest.fixture(scope="module")
def scale_laos(django_db_setup, django_db_blocker):
    """24 LAOs of our own, registered and committed (16 SAOs, 8 PAOs)."""
    with django_db_blocker.unblock():
        _forget()
        for codes, model_code in ((SAO_CODES, DEMO["sao"]), (PAO_CODES, DEMO["pao"])):
            model = LAO.objects.get(dla_code=model_code)
            LAO.objects.bulk_create([
                LAO(dla_code=code, lao_type=model.lao_type, name_th=f"ทดสอบขนาด {code}", province=model.province,
                    district=model.district, hostname=f"scale-test-{code}", schema_name=f"lao_{code}")
                for code in codes])
    yield CODES
    with django_db_blocker.unblock():
        connections.close_all()
        _forget()


def _forget():
    for code in CODES:
        lao_forget(code)


def ours():
    return LAO.objects.filter(dla_code__in=CODES)


def test_bulk_onboarding_in_parallel_is_complete_resumable_and_leaves_nothing_half_built(scale_laos, monkeypatch):
    broken = SAO_CODES[5]
    build = services._after_schema_built

    def fails_for_one(lao):
        build(lao)  # the schema exists and is seeded by now: the failure must take it all back
        if lao.dla_code == broken:
            raise RuntimeError("injected failure")

    monkeypatch.setattr(services, "_after_schema_built", fails_for_one)
    progress = []
    report = services.onboard_laos(laos=ours(), workers=3, on_progress=lambda code, ok: progress.append((code, ok)))

    assert report.failed.keys() == {broken} and "injected failure" in report.failed[broken]
    assert report.onboarded == sorted(set(CODES) - {broken})
    assert sorted(progress) == sorted((code, code != broken) for code in CODES)
    failed = LAO.objects.get(dla_code=broken)
    assert failed.status == LAOStatus.REGISTERED and not schema_exists(failed.schema_name)
    assert not Domain.objects.filter(tenant=failed).exists()
    assert not SchemaMigrationState.objects.filter(schema_name=failed.schema_name).exists()

    monkeypatch.undo()
    again = services.onboard_laos(laos=ours(), workers=3)  # resumes: only what is left
    assert again.onboarded == [broken] and sorted(again.skipped) == sorted(set(CODES) - {broken})
    assert not again.failed

    assert set(ours().values_list("status", flat=True)) == {LAOStatus.ACTIVE}
    assert LAOEvent.objects.filter(lao__dla_code__in=CODES, kind=LAOEvent.Kind.ONBOARDED).count() == len(CODES)
    migrated = {}
    for lao_type in {lao.lao_type for lao in ours()}:
        build_by_migrations(f"zz_migrated_{lao_type[:8]}", lao_type)
        migrated[lao_type] = catalog(f"zz_migrated_{lao_type[:8]}")
    for lao in ours():
        assert catalog(lao.schema_name) == migrated[lao.lao_type], lao.dla_code
    states = dict(SchemaMigrationState.objects.filter(schema_name__in=[f"lao_{c}" for c in CODES])
                  .values_list("schema_name", "digest"))
    assert states == {f"lao_{code}": migration_graph().digest for code in CODES}


def test_the_onboard_laos_command_skips_what_is_onboarded(scale_laos, capsys):
    call_command("onboard_laos", *SAO_CODES[:3], "--workers", "2", verbosity=0)
    assert "already onboarded 3" in capsys.readouterr().out
    # filters narrow each other (only our LAOs here: the command commits)
    call_command("onboard_laos", *CODES, "--province", LAO.objects.get(dla_code=DEMO["sao"]).province_id,
                 "--type", "provincial_admin_org", "--workers", "2", verbosity=0)
    assert f"already onboarded {len(PAO_CODES)}," in capsys.readouterr().out


def test_a_schema_with_no_state_row_is_checked_against_its_own_rows(scale_laos):
    lao = ours().first()
    SchemaMigrationState.objects.filter(schema_name=lao.schema_name).delete()
    assert [item.schema_name for item in schemas_behind(laos=ours())] == [lao.schema_name]


def test_a_warm_template_copy_is_one_script(sao):
    template = schemas.ensure_template(sao.lao_type)
    schemas.clone_template(template=template, schema_name="zz_warm_a")  # fills the cache if it was cold
    with CaptureQueriesContext(connection) as queries:
        schemas.clone_template(template=template, schema_name="zz_warm_b")
    # the template's migration-state key, then the copy itself (django-tenants' search_path aside)
    sent = [query["sql"] for query in queries if not query["sql"].startswith("SET search_path")]
    assert len(sent) == 2 and sent[1].startswith('CREATE SCHEMA "zz_warm_b"'), [sql[:80] for sql in sent]
    assert catalog("zz_warm_b")["columns"] == catalog("zz_warm_a")["columns"]


def test_the_template_copy_is_read_again_when_the_templates_migrations_change(sao):
    template = schemas.ensure_template(sao.lao_type)
    schemas.clone_template(template=template, schema_name="zz_before")
    before = schemas.template_copy(template)
    with extra_migration() as node:
        assert not schemas.template_is_current(sao.lao_type)
        schemas.ensure_template(sao.lao_type)  # migrates the template (inside this test's transaction)
        after = schemas.template_copy(template)
        assert after.state_key != before.state_key and after.digest == migration_graph().digest
        schemas.clone_template(template=template, schema_name="zz_after")
        assert schemas.template_copy(template) is after  # cached while the template stays as it is
        with connection.cursor() as cursor:
            assert node in applied_migrations(cursor, "zz_after")
            assert node not in applied_migrations(cursor, "zz_before")
        assert _has_column("zz_after") and not _has_column("zz_before")


def test_behind_schemas_are_found_by_their_state_and_replayed_in_parallel(scale_laos):
    assert schemas_behind(laos=ours()) == []
    with extra_migration() as node:
        first, *others = ours().filter(lao_type="subdistrict_admin_org").order_by("dla_code")
        migrate_with_executor(schema=first.schema_name, lao_type=first.lao_type)  # current by Django's way
        templates = {name for name in schemas.template_types() if schema_exists(name)}

        behind = schemas_behind(laos=ours())
        assert {item.schema_name for item in behind} == \
            {lao.schema_name for lao in ours()} - {first.schema_name} | templates
        assert {item.schema_name for item in behind if item.is_template} == templates

        report = migrate_lao_schemas(laos=ours(), workers=3, verbosity=0)
        assert report.failed == {}
        assert (report.templates, report.replayed, report.executed) == (len(templates), len(CODES) - 1, 0)
        assert schemas_behind(laos=ours()) == []
        with connection.cursor() as cursor:
            for lao in ours():
                assert node in applied_migrations(cursor, lao.schema_name)
                assert _has_column(lao.schema_name), lao.dla_code
        # replayed SQL and Django's executor leave the same schema
        assert catalog(others[0].schema_name) == catalog(first.schema_name)

        again = migrate_lao_schemas(laos=ours(), workers=3, verbosity=0)
        assert (again.templates, again.replayed, again.executed, again.current) == (0, 0, 0, 0)
    # Our LAOs now hold a migration that is gone from disk: they are dropped with the module.


def test_the_migrations_table_is_found_by_name_on_the_search_path(sao):
    connection.set_schema(sao.schema_name, include_public=False)
    assert MigrationRecorder(connection).has_table()
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "zz_empty"')
    connection.set_schema("zz_empty", include_public=False)
    assert not MigrationRecorder(connection).has_table()
    connection.set_schema_to_public()


def _has_column(schema):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
                       "AND table_name = 'lao_profile_laoprofile' AND column_name = %s", [schema, COLUMN])
        return cursor.fetchone() is not None


def test_a_connection_is_closed_after_serving_its_share_of_schemas_or_requests(pao, sao, settings):
    """On a connection of its own (a test's connection is inside a transaction, which is never closed under it)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.core.signals import request_finished

    settings.DB_CONN_MAX_SCHEMAS, settings.DB_CONN_MAX_REQUESTS = 2, 3

    def serve(schemas_in_turn):
        open_after = []
        for schema in schemas_in_turn:
            connection.set_schema(schema)
            connection.ensure_connection()
            request_finished.send(sender=None)
            open_after.append(connection.connection is not None)
        connection.close()
        return open_after

    with ThreadPoolExecutor(max_workers=1) as pool:
        # a second schema ends the connection; the next request starts counting again
        assert pool.submit(serve, [pao.schema_name, sao.schema_name, sao.schema_name]).result() == \
            [True, False, True]
        # so does a third request on one schema
        assert pool.submit(serve, [sao.schema_name] * 4).result() == [True, True, False, True]
