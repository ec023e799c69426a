from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shared_apps.geography.services import geography_load


class Command(BaseCommand):
    help = "Load DOPA provinces and districts (provinces.json, districts.json) into the public schema."

    def add_arguments(self, parser):
        parser.add_argument(
            "data_dir", nargs="?", default=str(settings.SHARED_DATA_DIR),
            help="Folder holding provinces.json and districts.json (default: SHARED_DATA_DIR).",
        )

    def handle(self, *args, data_dir, **options):
        folder = Path(data_dir)
        paths = {name: folder / f"{name}.json" for name in ("provinces", "districts")}
        for path in paths.values():
            if not path.exists():
                raise CommandError(f"{path} not found")
        result = geography_load(provinces_path=paths["provinces"], districts_path=paths["districts"])
        self.stdout.write(f"Loaded {result.provinces} provinces and {result.districts} districts.")
