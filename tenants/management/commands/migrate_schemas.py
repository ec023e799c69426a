"""migrate_schemas that migrates onboarded LAOs only, and keeps the schema templates current.

django-tenants migrates every row of the tenant table, but most registered LAOs
have no schema yet (importing the registry builds none), so it would fail on
the first of them. Here the tenant pass covers LAOs that are active or
suspended, then brings the per-type templates up to date so the next
onboarding clones a current schema.
"""
from django.conf import settings
from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name, schema_exists

from tenants import schemas
from tenants.models import LAO, LAOStatus


class Command(MigrateSchemasCommand):
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
        if self.schema_name and self.schema_name != public:
            # An explicit schema is migrated whatever the LAO's status (TenantMixin.create_schema relies on it).
            if not schema_exists(self.schema_name, self.options.get("database")):
                raise RuntimeError(f'Schema "{self.schema_name}" does not exist')
            laos = LAO.objects.filter(schema_name=self.schema_name)
        else:
            laos = LAO.objects.filter(status__in=[LAOStatus.ACTIVE, LAOStatus.SUSPENDED]).order_by("dla_code")
        executor.run_multi_type_migrations(tenants=list(laos.values_list("schema_name", "lao_type")))
        if not self.schema_name or self.schema_name == public:
            self._refresh_templates()

    def _refresh_templates(self):
        seen = set()
        for lao_type in settings.TENANT_TYPES:
            if lao_type == "public":
                continue
            template = schemas.template_schema_name(lao_type)
            if template not in seen and schema_exists(template):
                seen.add(template)
                schemas.ensure_template(lao_type, verbosity=int(self.options.get("verbosity", 1)))
