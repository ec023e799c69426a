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
    """Copy the template's tables, sequences, functions and migration rows into a new schema."""
    CloneSchema().clone_schema(template, schema_name, clone_mode="DATA")
    connection.set_schema_to_public()


def drop_schema_if_exists(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
