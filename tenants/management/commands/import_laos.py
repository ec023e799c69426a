from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.registry import RegistryFileError
from tenants.services import registry_import


class Command(BaseCommand):
    help = ("Register or update LAOs from DLA's open-data CSV (one row per LAO × tambon) or the JSON "
            "snapshot lao-registry.json. The file is validated whole first; no schema is built.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="DLA's CSV (UTF-8 or TIS-620) or lao-registry.json")

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{file} not found")
        try:
            report = registry_import(path=file)
        except RegistryFileError as error:
            raise CommandError(f"{file.name} rejected: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"{file.name}: {report}"))
