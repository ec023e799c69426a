"""A one-column migration that exists only while a test or a benchmark needs it.

The app's migrations are copied into a temporary package with one more migration (a
nullable column on one tenant model) and MIGRATION_MODULES points the app at it, so
migrate_schemas sees a migration on disk that the database lacks — as after a deploy —
without touching the source tree.
"""
import contextlib
import shutil
import sys
import tempfile
from pathlib import Path

from django.apps import apps
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings

COLUMN = "zz_scale_note"


@contextlib.contextmanager
def extra_migration(app_label: str = "lao_profile", model: str = "laoprofile", column: str = COLUMN):
    from tenants.schema_migrations import forget_migration_graph

    (leaf,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes(app_label)
    package = f"zz_extra_migrations_{app_label}"
    folder = Path(tempfile.mkdtemp(prefix="extra-migration-"))
    source = Path(apps.get_app_config(app_label).path) / "migrations"
    shutil.copytree(source, folder / package, ignore=shutil.ignore_patterns("__pycache__"))
    number = int(leaf[1][:4]) + 1
    (folder / package / f"{number:04d}_{column}.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [({app_label!r}, {leaf[1]!r})]\n"
        f"    operations = [migrations.AddField({model!r}, {column!r}, "
        "models.CharField(max_length=40, null=True, blank=True))]\n")
    sys.path.insert(0, str(folder))
    try:
        with override_settings(MIGRATION_MODULES={app_label: package}):
            forget_migration_graph()
            yield (app_label, f"{number:04d}_{column}")
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name == package or name.startswith(package + ".")]:
            del sys.modules[name]
        shutil.rmtree(folder, ignore_errors=True)
        forget_migration_graph()
