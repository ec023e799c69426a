"""Everything `make run` needs after migrations: geography, the registry, demo LAOs onboarded."""
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.models import LAO

DEMO_LAOS = ["2540101", "4540102", "6540113", "3200408"]  # Phrae PAO, Phrae town, SAO Kanchana, Pattaya
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


class Command(BaseCommand):
    help = "Load geography and the LAO registry, onboard the demo LAOs and print their addresses."

    def handle(self, *args, **options):
        data = settings.SHARED_DATA_DIR
        if not (data / "lao-registry.json").exists():
            self.stdout.write(f"{data} not found: loading the four demo LAOs only.")
            data = FIXTURES
        if not LAO.objects.exists() or data != FIXTURES:
            call_command("load_geography", str(data))
            registry = data / "lao-registry.json" if data != FIXTURES else FIXTURES / "demo-registry.json"
            call_command("import_laos", str(registry))
        call_command("onboard_lao", *DEMO_LAOS)
        self._demo_administrator()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Local Service is running:"))
        self.stdout.write(f"  landing page   {settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}/")
        self.stdout.write(f"  DLA admin      {settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{settings.PUBLIC_PORT}/admin/")
        for lao in LAO.objects.filter(dla_code__in=DEMO_LAOS).order_by("dla_code"):
            self.stdout.write(f"  {lao.dla_code}  {lao.site_url:<45} {lao.full_name_th}")

    def _demo_administrator(self):
        if not settings.DEBUG:
            return
        User = get_user_model()
        if User.objects.filter(username="dla-admin").exists():
            self.stdout.write("  DLA administrator: dla-admin (password as printed when it was created)")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("dla-admin", "dla-admin@example.invalid", password)
        self.stdout.write(f"  DLA administrator: dla-admin / {password}  (development only)")
