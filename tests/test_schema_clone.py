"""A LAO schema cloned from its type's template equals one built by running every migration."""
import pytest
from django.db import connection
from django_tenants.migration_executors.base import run_migrations
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from tenants import schemas
from tenants.schema_migrations import applied_migrations, migration_graph
from tenants.models import LAO, LAOType

pytestmark = pytest.mark.django_db


def catalog(schema):
    """Everything a migration later relies on: columns, constraints and indexes by name, migration rows."""
    with connection.cursor() as cursor:
        cursor.execute(f'SET search_path = "{schema}"')
        cursor.execute("""
            SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity
            FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 2""", [schema])
        columns = cursor.fetchall()
        cursor.execute("""
            SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s ORDER BY 1, 2""", [schema])
        constraints = cursor.fetchall()
        cursor.execute("SELECT tablename, indexname, replace(indexdef, %s, 'S') FROM pg_indexes "
                       "WHERE schemaname = %s ORDER BY 1, 2", [schema, schema])
        indexes = cursor.fetchall()
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY 1, 2')
        migrations = cursor.fetchall()
    connection.set_schema_to_public()
    return {"columns": columns, "constraints": constraints, "indexes": indexes, "migrations": migrations}


def build_by_migrations(schema, lao_type):
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
    options = vars(MigrateSchemasCommand().create_parser("manage.py", "migrate_schemas").parse_args([]))
    options.update(verbosity=0, interactive=False, skip_checks=True)
    run_migrations(args=[], options=options, executor_codename="test", schema_name=schema, tenant_type=lao_type)
    connection.set_schema_to_public()


@pytest.mark.parametrize("lao_type", [LAOType.PAO, LAOType.SAO])
def test_clone_matches_a_schema_built_by_migrations(lao_type):
    template = schemas.ensure_template(lao_type)
    schemas.clone_template(template=template, schema_name="zz_cloned")
    build_by_migrations("zz_migrated", lao_type)

    cloned, migrated = catalog("zz_cloned"), catalog("zz_migrated")

    assert cloned["columns"] == migrated["columns"]
    assert cloned["constraints"] == migrated["constraints"]
    assert cloned["indexes"] == migrated["indexes"]
    assert cloned["migrations"] == migrated["migrations"]
    assert len(cloned["indexes"]) > 3 and len(cloned["constraints"]) > 3


def test_identity_keys_continue_after_the_copied_rows():
    template = schemas.ensure_template(LAOType.SAO)
    schemas.clone_template(template=template, schema_name="zz_cloned")
    with connection.cursor() as cursor:
        cursor.execute('SELECT max(id) FROM "zz_cloned".django_migrations')
        highest = cursor.fetchone()[0]
        cursor.execute("INSERT INTO \"zz_cloned\".django_migrations (app, name, applied) "
                       "VALUES ('x', 'y', now()) RETURNING id")
        assert cursor.fetchone()[0] == highest + 1


def test_a_template_with_more_than_tables_uses_django_tenants_clone():
    template = schemas.ensure_template(LAOType.SAO)
    with connection.cursor() as cursor:
        assert schemas._lean_copy_supported(cursor, template)
        cursor.execute(f'CREATE VIEW "{template}".zz_view AS SELECT 1 AS one')
        assert not schemas._lean_copy_supported(cursor, template)
        # Copies are cached by the template's migrations; what only a migration could add, added by hand here.
        schemas.forget_template_copies()
        try:
            schemas.clone_template(template=template, schema_name="zz_cloned")  # falls back, still works
            cursor.execute("SELECT one FROM zz_cloned.zz_view")
            assert cursor.fetchone() == (1,)
        finally:
            schemas.forget_template_copies()  # the view goes with this test's transaction


def test_templates_and_onboarded_schemas_follow_the_migrations_on_disk(pao, sao):
    schemas.ensure_template(pao.lao_type)
    assert schemas.template_is_current(pao.lao_type)
    for lao in (pao, sao):  # `migrate` brought the session's LAOs up to date
        with connection.cursor() as cursor:
            assert set(migration_graph().nodes) <= applied_migrations(cursor, lao.schema_name)
    assert LAO.objects.filter(status="active").count() >= 4
