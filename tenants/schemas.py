"""Building LAO schemas fast: migrate a template once per app set, then clone it.

django-tenants builds a new schema by running every migration (hundreds of ms
to seconds per LAO). Instead each distinct app set (PAO / municipal) has one
template schema, migrated for real; a new LAO's schema is a copy of it made by
django-tenants' clone_schema() SQL function, inside the caller's transaction.
The template's django_migrations rows travel with the copy, so nothing is
faked. A template that falls behind the migrations on disk is migrated before
it is cloned, so a copy is never older than the code.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.clone import CloneSchema
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors.base import run_migrations
from django_tenants.utils import schema_exists

TEMPLATE_PREFIX = "tpl_"


def template_schema_name(lao_type: str) -> str:
    """One template per distinct list of apps; types with the same apps share it."""
    apps = settings.TENANT_TYPES[lao_type]["APPS"]
    digest = hashlib.sha1("\n".join(apps).encode()).hexdigest()[:10]
    return f"{TEMPLATE_PREFIX}{digest}"


@lru_cache(maxsize=1)
def _leaf_migrations() -> frozenset[tuple[str, str]]:
    # Read from disk once per process: migrations don't change while it runs.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.leaf_nodes())


def _applied_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass(%s)", [f'"{schema}".django_migrations']
        )
        if cursor.fetchone()[0] is None:
            return set()
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        return set(cursor.fetchall())


def template_is_current(lao_type: str) -> bool:
    schema = template_schema_name(lao_type)
    return schema_exists(schema) and _leaf_migrations() <= _applied_migrations(schema)


def ensure_template(lao_type: str, *, verbosity: int = 0) -> str:
    """Create or migrate the template for this type; returns its schema name.

    Runs its own transactions (migrations commit), so call it before the
    onboarding transaction, never inside one. A PostgreSQL advisory lock keeps
    two onboardings from building the same template at once.
    """
    schema = template_schema_name(lao_type)
    connection.set_schema_to_public()
    lock_key = int(hashlib.sha1(schema.encode()).hexdigest()[:15], 16)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_key])
    try:
        if not template_is_current(lao_type):
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            options = vars(MigrateSchemasCommand().create_parser("manage.py", "migrate_schemas").parse_args([]))
            options.update(verbosity=verbosity, interactive=False, skip_checks=True)
            run_migrations(args=[], options=options, executor_codename="template", schema_name=schema,
                           tenant_type=lao_type)
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key])
    return schema


def clone_template(*, template: str, schema_name: str) -> None:
    """Copy the template's tables, constraints, indexes and rows (its migration records) into a new schema.

    A lean copy from the catalog: a handful of statements instead of
    django-tenants' generic clone_schema() function, which handles views,
    functions, triggers and serial sequences too and costs ~150 ms even for a
    dozen tables. Names of constraints and indexes are kept, so later
    migrations that address them by name work on the copy. A template holding
    anything this copy does not handle falls back to django-tenants' function.
    """
    with connection.cursor() as cursor:
        if not _lean_copy_supported(cursor, template):
            CloneSchema().clone_schema(template, schema_name, clone_mode="DATA")
            connection.set_schema_to_public()
            return
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
        tables = _fetch(cursor, """
            SELECT c.relname, c.reltuples <> 0 OR c.relpages <> 0 OR c.reltuples = -1
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname""", [template])
        # Read definitions with only the template on the path: its own tables come out
        # unqualified (so they resolve to the copy), anything else schema-qualified.
        cursor.execute(f'SET LOCAL search_path = "{template}"')
        constraints = _fetch(cursor, """
            SELECT c.relname, con.conname, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND con.contype IN ('p', 'u', 'c', 'x', 'f')
            ORDER BY CASE con.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 WHEN 'c' THEN 3 ELSE 4 END,
                     c.relname, con.conname""", [template])
        indexes = _fetch(cursor, """
            SELECT pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
            ORDER BY 1""", [template])
        identities = _fetch(cursor, """
            SELECT a.attrelid::regclass::text, a.attname FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND a.attidentity <> '' AND c.relkind = 'r'""", [template])
        cursor.execute(f'SET LOCAL search_path = "{schema_name}", public')
        statements = [
            f'CREATE TABLE "{schema_name}"."{table}" (LIKE "{template}"."{table}" INCLUDING DEFAULTS '
            f"INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)"
            for table, _has_rows in tables
        ]
        statements += [f'ALTER TABLE "{schema_name}"."{table}" ADD CONSTRAINT "{name}" {definition}'
                       for table, name, definition in constraints]
        statements += [_requalify(definition, template, schema_name) for (definition,) in indexes]
        statements += [f'INSERT INTO "{schema_name}"."{table}" SELECT * FROM "{template}"."{table}"'
                       for table, _has_rows in tables]
        statements += [
            f"SELECT setval(pg_get_serial_sequence('\"{schema_name}\".\"{table}\"', '{column}'), "
            f'COALESCE((SELECT max("{column}") FROM "{schema_name}"."{table}"), 0) + 1, false)'
            for table, column in identities
        ]
        cursor.execute(";\n".join(statements))
        cursor.execute("SET LOCAL search_path = public")
    connection.set_schema_to_public()


def _fetch(cursor, sql, params):
    cursor.execute(sql, params)
    return cursor.fetchall()


def _requalify(index_definition: str, template: str, schema_name: str) -> str:
    for qualified in (f' ON "{template}".', f" ON {template}.", f' ON ONLY "{template}".', f" ON ONLY {template}."):
        index_definition = index_definition.replace(qualified, qualified.replace(template, f'"{schema_name}"')
                                                     .replace('""', '"'))
    return index_definition


def _lean_copy_supported(cursor, template: str) -> bool:
    """Only tables (with identity keys), constraints and indexes: what Django migrations make."""
    cursor.execute("""
        SELECT
          (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %(s)s AND c.relkind NOT IN ('r', 'i', 'S'))
        + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %(s)s)
        + (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %(s)s AND NOT t.tgisinternal)
        + (SELECT count(*) FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %(s)s AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%%')
        + (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %(s)s AND c.relkind = 'S'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
    """, {"s": template})
    return cursor.fetchone()[0] == 0


def drop_schema_if_exists(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
