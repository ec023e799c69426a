"""migrate_schemas that migrates onboarded LAOs only, fast: templates first, then the schemas behind.

django-tenants migrates every row of the tenant table with Django's executor, one schema
after another — most registered LAOs have no schema yet (importing the registry builds
none), and with the country onboarded it would take hours. Here the tenant pass
migrates the templates for real, finds the LAO schemas behind the migrations on disk
from their state rows, and replays the templates' SQL on them in parallel workers
(tenants.schema_migrations). Asked for one schema (--schema) or for a target migration
(app_label [migration_name]), it uses Django's executor as django-tenants does, and
records the resulting state.
"""
import os

from django.core.management.base import CommandError
from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name, schema_exists
from tqdm import tqdm

from tenants import schema_migrations
from tenants.models import LAO, LAOStatus
from tenants.workers import run_in_workers


class Command(MigrateSchemasCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 2),
                            help="parallel connections for the LAO schemas behind (default: CPUs, at most 4)")

    def handle(self, *args, **options):
        from django_tenants.management.commands import SyncCommon

        SyncCommon.handle(self, *args, **options)
        public = get_public_schema_name()
        if self.sync_public and not self.schema_name:
            self.schema_name = public
        executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
        if self.sync_public:
            executor.run_migrations(tenants=[public])
        if not self.sync_tenant:
            return
        verbosity = int(options.get("verbosity", 1))
        if self.schema_name and self.schema_name != public:
            # An explicit schema is migrated whatever the LAO's status (TenantMixin.create_schema relies on it).
            if not schema_exists(self.schema_name, self.options.get("database")):
                raise RuntimeError(f'Schema "{self.schema_name}" does not exist')
            laos = list(LAO.objects.filter(schema_name=self.schema_name).values_list("schema_name", "lao_type"))
            executor.run_multi_type_migrations(tenants=laos)
            self._refresh_states([schema for schema, _type in laos], options["workers"])
            return
        if self.args:  # a target migration: Django's executor decides, possibly backwards
            laos = list(LAO.objects.filter(status__in=[LAOStatus.ACTIVE, LAOStatus.SUSPENDED])
                        .order_by("dla_code").values_list("schema_name", "lao_type"))
            executor.run_multi_type_migrations(tenants=laos)
            self._refresh_states([schema for schema, _type in laos], options["workers"])
            return
        schema_migrations.forget_migration_graph()
        report = schema_migrations.migrate_lao_schemas(
            workers=options["workers"], verbosity=verbosity,
            progress=(lambda total: tqdm(total=total, unit="schema", desc="LAO schemas").update)
            if verbosity else None)
        if verbosity:
            self.stdout.write(f"LAO schemas: {report}")
        if report.failed:
            listed = "\n".join(f"  {schema}: {error}" for schema, error in sorted(report.failed.items()))
            raise CommandError(f"{len(report.failed)} schemas were not migrated (run again to retry them):\n{listed}")

    def _refresh_states(self, schemas, workers):
        outcomes = run_in_workers(schemas, schema_migrations.refresh_state, workers=workers)
        failed = [outcome for outcome in outcomes if outcome.error]
        if failed:
            raise CommandError("could not record the migration state of " + ", ".join(o.item for o in failed))
