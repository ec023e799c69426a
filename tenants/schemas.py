"""Building LAO schemas fast: migrate a template once per app set, then copy it.

django-tenants builds a new schema by running every migration (hundreds of ms
to seconds per LAO). Instead each distinct app set (PAO / municipal) has one
template schema, migrated for real (schema_migrations.migrate_template, which
keeps the SQL each migration ran so LAO schemas can replay it); a new LAO's
schema is a copy of it, one SQL script inside the caller's transaction. The
template's django_migrations rows travel with the copy, so nothing is faked. A
template that falls behind the migrations on disk is migrated before it is
copied, so a copy is never older than the code.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

TEMPLATE_PREFIX = "tpl_"


def template_schema_name(lao_type: str) -> str:
    """One template per distinct list of apps; types with the same apps share it."""
    apps = settings.TENANT_TYPES[lao_type]["APPS"]
    digest = hashlib.sha1("\n".join(apps).encode()).hexdigest()[:10]
    return f"{TEMPLATE_PREFIX}{digest}"


def template_types() -> dict[str, list[str]]:
    """Each template schema with the LAO types it serves."""
    templates: dict[str, list[str]] = {}
    for lao_type in settings.TENANT_TYPES:
        if lao_type != "public":
            templates.setdefault(template_schema_name(lao_type), []).append(lao_type)
    return templates


def template_is_current(lao_type: str) -> bool:
    from .schema_migrations import applied_migrations, migration_graph

    schema = template_schema_name(lao_type)
    if not schema_exists(schema):
        return False
    with connection.cursor() as cursor:
        return set(migration_graph().nodes) <= applied_migrations(cursor, schema)


def ensure_template(lao_type: str, *, verbosity: int = 0) -> str:
    """Create or migrate the template for this type; returns its schema name.

    Runs its own transactions (migrations commit), so call it before the
    onboarding transaction, never inside one. A PostgreSQL advisory lock keeps
    two onboardings from building the same template at once; a current template
    (the usual case) is answered without taking it.
    """
    from .schema_migrations import migrate_template

    schema = template_schema_name(lao_type)
    connection.set_schema_to_public()
    if template_is_current(lao_type):
        return schema
    lock_key = int(hashlib.sha1(schema.encode()).hexdigest()[:15], 16)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_key])
    try:
        if not template_is_current(lao_type):
            migrate_template(schema=schema, lao_type=lao_type, verbosity=verbosity)
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key])
    return schema


@dataclass(frozen=True)
class TemplateCopy:
    """What copying one template takes, read from the catalog once per template migration state."""

    template: str
    state_key: tuple  # (number of migration rows, md5 of them): a migrated template is another copy
    digest: str  # the migration-state digest every copy starts with
    script: str | None  # the whole copy as one SQL script, or None: use django-tenants' clone function


_copies: dict[str, TemplateCopy] = {}
SCHEMA_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_PLACEHOLDER = "__new_lao_schema__"


def _template_state_key(cursor, template: str) -> tuple:
    cursor.execute(f"""SELECT count(*), md5(coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), ''))
                       FROM "{template}".django_migrations""")
    return tuple(cursor.fetchone())


def template_copy(template: str) -> TemplateCopy:
    """The template's copy script, from this process's cache while the template's migrations are unchanged.

    Reading definitions from the catalog costs more with every schema in the database
    (the queries scan pg_class, pg_depend and pg_attribute by schema name): done once per
    template version, onboarding the 7,849th LAO costs what the first did. The key is the
    template's own migration rows — one small table read — so a migrated template is
    read again, here and in every other process.
    """
    with connection.cursor() as cursor:
        key = _template_state_key(cursor, template)
        cached = _copies.get(template)
        if cached is not None and cached.state_key == key:
            return cached
        from .schema_migrations import applied_migrations, state_digest

        digest = state_digest(applied_migrations(cursor, template))
        script = _copy_script(cursor, template, digest) if _lean_copy_supported(cursor, template) else None
        copy = TemplateCopy(template=template, state_key=key, digest=digest, script=script)
    _copies[template] = copy
    return copy


def forget_template_copies() -> None:
    _copies.clear()


def clone_template(*, template: str, schema_name: str) -> None:
    """Copy the template's tables, constraints, indexes and rows (its migration records) into a new schema.

    A lean copy: a handful of statements instead of django-tenants' generic clone_schema()
    function, which handles views, functions, triggers and serial sequences too and costs
    ~150 ms even for a dozen tables; and one round trip, the script being read from the
    catalog once per template version (template_copy). Names of constraints and indexes are
    kept, so later migrations that address them by name work on the copy. The new schema's
    migration state is recorded in the same transaction. A template holding anything this
    copy does not handle falls back to django-tenants' function.
    """
    if not SCHEMA_NAME_RE.match(schema_name):
        raise ValueError(f"not a schema name this platform makes: {schema_name!r}")
    copy = template_copy(template)
    from .schema_migrations import record_state_sql

    with connection.cursor() as cursor:
        if copy.script is None:
            CloneSchema().clone_schema(template, schema_name, clone_mode="DATA")
            cursor.execute(record_state_sql(schema_name, copy.digest))
        else:
            cursor.execute(copy.script.replace(_PLACEHOLDER, schema_name))
    connection.set_schema_to_public()


def _copy_script(cursor, template: str, digest: str) -> str:
    """The statements that copy `template` into the schema named _PLACEHOLDER, as one script."""
    from .schema_migrations import record_state_sql

    new = _PLACEHOLDER
    tables = [name for (name,) in _fetch(cursor, """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname""", [template])]
    # Only tables holding rows in the template (its migration records) are copied row by row.
    with_rows = set()
    if tables:
        with_rows = {name for (name,) in _fetch(cursor, " UNION ALL ".join(
            f"SELECT %s WHERE EXISTS (SELECT 1 FROM \"{template}\".\"{table}\")" for table in tables), tables)}
    # Read definitions with only the template on the path: its own tables come out
    # unqualified (so they resolve to the copy), anything else schema-qualified.
    cursor.execute(f'SET LOCAL search_path = "{template}"')
    try:
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
            SELECT c.relname, a.attname FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND a.attidentity <> '' AND c.relkind = 'r' ORDER BY 1, 2""", [template])
    finally:
        cursor.execute("SET LOCAL search_path = public")
    statements = [f'CREATE SCHEMA "{new}"', f'SET LOCAL search_path = "{new}", public']
    statements += [
        f'CREATE TABLE "{new}"."{table}" (LIKE "{template}"."{table}" INCLUDING DEFAULTS '
        f"INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)"
        for table in tables
    ]
    statements += [f'ALTER TABLE "{new}"."{table}" ADD CONSTRAINT "{name}" {definition}'
                   for table, name, definition in constraints]
    statements += [_requalify(definition, template, new) for (definition,) in indexes]
    statements += [f'INSERT INTO "{new}"."{table}" SELECT * FROM "{template}"."{table}"'
                   for table in tables if table in with_rows]
    statements += [
        f"SELECT setval(pg_get_serial_sequence('\"{new}\".\"{table}\"', '{column}'), "
        f'COALESCE((SELECT max("{column}") FROM "{new}"."{table}"), 0) + 1, false)'
        for table, column in identities if table in with_rows
    ]
    statements += [record_state_sql(new, digest), "SET LOCAL search_path = public"]
    return ";\n".join(statements)


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
