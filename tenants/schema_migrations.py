"""Migrating thousands of LAO schemas in minutes: know who is behind, replay the template's SQL.

Django's executor, run once per schema as django-tenants does, rebuilds the whole
migration state for every schema and asks the catalog whether django_migrations
exists (a scan of every pg_class row): seconds per schema with the country
onboarded. Instead:

1. the templates are migrated for real, first, keeping the SQL each migration ran
   (TemplateMigrationSQL) — unqualified names, the same for every schema of the
   template's app set once that schema is first on the search path;
2. which schemas are behind comes from one indexed query: every LAO schema has a
   SchemaMigrationState row in the public schema (a digest of the migrations on
   disk it holds), written in the same transaction as whatever changed them;
3. each schema behind gets the missing migrations' SQL and their django_migrations
   rows in one transaction, in parallel workers on persistent connections;
4. a migration that cannot be replayed as SQL (Python code) is left to Django's
   executor for the schemas that miss it, one at a time.

A schema with no state row (older than this table) is checked against its own
django_migrations rows, never assumed current.
"""
from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection, router, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython, SeparateDatabaseAndState
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Exists, OuterRef
from django_tenants.utils import get_public_schema_name, schema_exists

from .workers import run_in_workers

logger = logging.getLogger(__name__)
_NAME_RE = re.compile(r"^[A-Za-z0-9_]+$")
_SEARCH_PATH_RE = re.compile(r"^\s*(?:SET\s+(?:LOCAL\s+)?search_path\b|SHOW\s+search_path\b)", re.IGNORECASE)
_INTROSPECTION_RE = re.compile(r"\b(?:pg_catalog|information_schema|pg_[a-z_]+)\b", re.IGNORECASE)


@dataclass(frozen=True)
class MigrationGraph:
    nodes: tuple[tuple[str, str], ...]  # every migration on disk, dependencies first
    digest: str  # what a schema holding all of them records


@lru_cache(maxsize=1)
def migration_graph() -> MigrationGraph:
    """The migrations on disk, read once per process (forget_migration_graph() when they change)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    order, seen = [], set()
    for leaf in sorted(graph.leaf_nodes()):
        for node in graph.forwards_plan(leaf):
            if node not in seen:
                seen.add(node)
                order.append(node)
    return MigrationGraph(nodes=tuple(order), digest=_digest(order))


def forget_migration_graph() -> None:
    migration_graph.cache_clear()


def _digest(nodes) -> str:
    return hashlib.sha1("\n".join(sorted(f"{app}.{name}" for app, name in nodes)).encode()).hexdigest()


def state_digest(applied) -> str:
    """The digest of the migrations on disk that `applied` holds (rows of deleted migrations don't count)."""
    on_disk = set(migration_graph().nodes)
    return _digest(node for node in applied if node in on_disk)


def applied_migrations(cursor, schema: str) -> set[tuple[str, str]]:
    """The schema's own django_migrations rows (a table read, not a catalog scan)."""
    cursor.execute("SELECT to_regclass(%s)", [f'"{schema}".django_migrations'])
    if cursor.fetchone()[0] is None:
        return set()
    cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
    return set(cursor.fetchall())


def record_state_sql(schema: str, digest: str) -> str:
    """An upsert of the schema's state row, as a literal statement to join into a script."""
    from .models import SchemaMigrationState

    if not _NAME_RE.match(schema) or not re.fullmatch(r"[0-9a-f]{40}", digest):
        raise ValueError("not a schema name or digest")
    table = f'"{get_public_schema_name()}"."{SchemaMigrationState._meta.db_table}"'
    return (f"INSERT INTO {table} (schema_name, digest, updated_at) VALUES ('{schema}', '{digest}', now()) "
            f"ON CONFLICT (schema_name) DO UPDATE SET digest = EXCLUDED.digest, updated_at = EXCLUDED.updated_at")


def refresh_state(schema: str) -> str:
    """Record the schema's state from its own rows (after Django's executor changed them)."""
    with connection.cursor() as cursor:
        digest = state_digest(applied_migrations(cursor, schema))
        cursor.execute(record_state_sql(schema, digest))
    return digest


# --- templates: migrated for real, their SQL kept -------------------------------------------------------------

def _runs_python_here(migration, alias: str, operations=None) -> bool:
    """Does the migration run Python code on this schema? (RunPython the router lets through)."""
    for operation in migration.operations if operations is None else operations:
        if isinstance(operation, RunPython) and router.allow_migrate(alias, migration.app_label, **operation.hints):
            return True
        if isinstance(operation, SeparateDatabaseAndState) and _runs_python_here(
                migration, alias, operation.database_operations):
            return True
    return False


class _Capture:
    """Keeps the statements each migration sends to the database, minus introspection and the recorder's."""

    def __init__(self, template: str):
        self.template = template
        self.current = None
        self.statements: dict[tuple[str, str], list[str]] = {}
        self.unreplayable: set[tuple[str, str]] = set()

    def progress(self, action, migration=None, fake=False):
        if action == "apply_start":
            self.current = (migration.app_label, migration.name)
            self.statements[self.current] = []
            if fake or _runs_python_here(migration, connection.alias):
                self.unreplayable.add(self.current)
        elif action in ("apply_success", "unapply_start", "unapply_success"):
            self.current = None

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        node = self.current
        if node is not None and self._kept(sql):
            if many:
                self.unreplayable.add(node)
            else:
                text = sql if params is None else connection.ops.compose_sql(sql, params)
                if self.template in text:  # names this schema: would do the wrong thing elsewhere
                    self.unreplayable.add(node)
                self.statements[node].append(text.strip().rstrip(";"))
        return result

    @staticmethod
    def _kept(sql: str) -> bool:
        if "django_migrations" in sql:
            return False  # the recorder's rows: the replay writes its own
        if _SEARCH_PATH_RE.match(sql):
            return False  # django-tenants pointing the connection at the template: the replay sets its own
        if sql.lstrip()[:6].upper() == "SELECT" and "setval" not in sql.lower():
            return not (_INTROSPECTION_RE.search(sql) or sql.rstrip().upper().endswith("LIMIT 1"))
        return True


def migrate_template(*, schema: str, lao_type: str, verbosity: int = 0) -> int:
    """Run the migrations the template lacks with Django's executor; keep each one's SQL; returns how many."""
    from .models import TemplateMigrationSQL

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    # django_migrations must exist in the template before the loader looks, or it finds public's.
    connection.set_schema(schema, tenant_type=lao_type, include_public=False)
    MigrationRecorder(connection).ensure_schema()
    connection.set_schema(schema, tenant_type=lao_type)
    capture = _Capture(schema)
    executor = MigrationExecutor(connection, progress_callback=capture.progress)
    targets = executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets)
    if verbosity:
        logger.info("migrating template %s: %d migrations", schema, len(plan))
    try:
        with connection.execute_wrapper(capture):
            executor.migrate(targets, plan=plan)
    finally:
        connection.set_schema_to_public()
    for migration, backwards in plan:
        node = (migration.app_label, migration.name)
        if backwards or node not in capture.statements:
            continue
        TemplateMigrationSQL.objects.update_or_create(
            template=schema, app=node[0], name=node[1],
            defaults={"replayable": node not in capture.unreplayable,
                      "sql": ";\n".join(capture.statements[node])})
    refresh_state(schema)
    return len(plan)


# --- who is behind -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SchemaBehind:
    schema_name: str
    lao_type: str
    is_template: bool = False


def schemas_behind(*, laos=None) -> list[SchemaBehind]:
    """Templates and onboarded LAO schemas (of `laos`, default all) whose recorded state is not the
    migrations on disk.

    One indexed anti-join for the LAOs, whatever their number: no schema is asked.
    """
    from .models import LAO, LAOStatus, SchemaMigrationState
    from .schemas import template_types

    target = migration_graph().digest
    current = SchemaMigrationState.objects.filter(schema_name=OuterRef("schema_name"), digest=target)
    behind = []
    existing = _existing_schemas(list(template_types()))
    for template, types in template_types().items():
        if template in existing and not SchemaMigrationState.objects.filter(schema_name=template,
                                                                              digest=target).exists():
            behind.append(SchemaBehind(template, types[0], is_template=True))
    laos = ((LAO.objects.all() if laos is None else laos).filter(status__in=[LAOStatus.ACTIVE, LAOStatus.SUSPENDED])
            .exclude(Exists(current)).order_by("schema_name").values_list("schema_name", "lao_type"))
    behind += [SchemaBehind(schema_name, lao_type) for schema_name, lao_type in laos]
    return behind


def _existing_schemas(names: list[str]) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [names])
        return {name for (name,) in cursor.fetchall()}


# --- bringing them up to date --------------------------------------------------------------------------------

@dataclass
class MigrateReport:
    templates: int = 0  # templates migrated
    current: int = 0  # behind on record only: their rows held everything (state written)
    replayed: int = 0
    executed: int = 0  # by Django's executor (a migration with Python code, or no SQL kept)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self):
        text = (f"templates migrated {self.templates}, replayed {self.replayed}, by Django's executor "
                f"{self.executed}, already current {self.current}, failed {len(self.failed)} "
                f"in {self.seconds:.1f} s")
        return text


def _scripts() -> dict[str, dict[tuple[str, str], tuple[bool, str]]]:
    from .models import TemplateMigrationSQL

    scripts: dict[str, dict] = {}
    for template, app, name, replayable, sql in TemplateMigrationSQL.objects.values_list(
            "template", "app", "name", "replayable", "sql"):
        scripts.setdefault(template, {})[(app, name)] = (replayable, sql)
    return scripts


def replay_missing(*, schema: str, lao_type: str, scripts: dict) -> str:
    """Bring one schema up to the migrations on disk with the template's SQL, in one transaction.

    Returns "current", "replayed", or "executor" when a missing migration has no replayable
    SQL (nothing is changed then; the caller runs Django's executor for this schema).
    """
    from .schemas import template_schema_name

    graph = migration_graph()
    known = scripts.get(template_schema_name(lao_type), {})
    with transaction.atomic(), connection.cursor() as cursor:
        applied = applied_migrations(cursor, schema)
        missing = [node for node in graph.nodes if node not in applied]
        if not missing:
            cursor.execute(record_state_sql(schema, graph.digest))
            return "current"
        if any(not known.get(node, (False, ""))[0] for node in missing):
            return "executor"
        for app, name in missing:
            if not (_NAME_RE.match(app) and _NAME_RE.match(name)):
                return "executor"
        rows = ", ".join(f"('{app}', '{name}', now())" for app, name in missing)
        parts = [f'SET LOCAL search_path = "{schema}", public']
        parts += [known[node][1] for node in missing if known[node][1]]
        parts += [f'INSERT INTO "{schema}".django_migrations (app, name, applied) VALUES {rows}',
                  record_state_sql(schema, graph.digest), "SET LOCAL search_path = public"]
        cursor.execute(";\n".join(parts))
    return "replayed"


def migrate_with_executor(*, schema: str, lao_type: str, verbosity: int = 0) -> None:
    """Django's executor for one schema (django-tenants' way), then its state recorded."""
    from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
    from django_tenants.migration_executors.base import run_migrations

    options = vars(MigrateSchemasCommand().create_parser("manage.py", "migrate_schemas").parse_args([]))
    options.update(verbosity=verbosity, interactive=False, skip_checks=True)
    run_migrations(args=[], options=options, executor_codename="standard", schema_name=schema,
                   tenant_type=lao_type)
    connection.set_schema_to_public()
    refresh_state(schema)


def migrate_lao_schemas(*, laos=None, workers: int = 2, verbosity: int = 1, progress=None) -> MigrateReport:
    """Templates first, then every LAO schema behind (of `laos`, default all), replayed in parallel;
    failures listed, resumable.

    `progress(total)` may return a callable called once per schema done (a progress bar).
    """
    from .models import LAO, LAOStatus
    from .schemas import ensure_template, template_types

    started = time.perf_counter()
    report = MigrateReport()
    connection.set_schema_to_public()
    behind = schemas_behind(laos=laos)
    onboarded_types = set(LAO.objects.filter(status__in=[LAOStatus.ACTIVE, LAOStatus.SUSPENDED])
                          .values_list("lao_type", flat=True).distinct()) if behind else set()
    templates_behind = {item.schema_name for item in behind if item.is_template}
    for template, types in template_types().items():
        # A template behind is migrated; one missing is built when LAOs of its types need its SQL.
        if template in templates_behind or (onboarded_types & set(types) and not schema_exists(template)):
            ensure_template(types[0], verbosity=verbosity)
            refresh_state(template)  # also for one that was current but had no state row yet
            report.templates += 1
    laos = [item for item in behind if not item.is_template]
    scripts = _scripts() if laos else {}
    tick = progress(len(laos)) if (progress and laos) else None

    def on_done(outcome):
        if tick:
            tick()

    outcomes = run_in_workers(
        laos, lambda item: replay_missing(schema=item.schema_name, lao_type=item.lao_type, scripts=scripts),
        workers=workers, on_done=on_done)
    for outcome in outcomes:
        if outcome.error is not None:
            report.failed[outcome.item.schema_name] = str(outcome.error).strip()
        elif outcome.result == "executor":
            try:
                migrate_with_executor(schema=outcome.item.schema_name, lao_type=outcome.item.lao_type,
                                      verbosity=max(0, verbosity - 1))
                report.executed += 1
            except Exception as error:  # listed; the next run tries again
                logger.warning("migrating %s failed: %s", outcome.item.schema_name, error, exc_info=error)
                report.failed[outcome.item.schema_name] = str(error).strip()
                connection.close()
        else:
            setattr(report, outcome.result, getattr(report, outcome.result) + 1)
    connection.set_schema_to_public()
    report.seconds = time.perf_counter() - started
    return report
