"""A scratch database for a benchmark: created with every migration, dropped at the end."""
import contextlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localservice.settings_test")


@contextlib.contextmanager
def scratch_database(name: str):
    import django
    from django.conf import settings

    settings.DATABASES["default"]["TEST"] = {"NAME": name}
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    print(f"Creating scratch database {name} …", flush=True)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.set_schema_to_public()
        connection.creation.destroy_test_db(old_name, verbosity=0)
