from django.core.management.base import BaseCommand, CommandError

from tenants.models import LAO
from tenants.services import OnboardingError, onboard_lao


class Command(BaseCommand):
    help = "Onboard registered LAOs by DLA code: build the schema for its type, create its domain, activate it."

    def add_arguments(self, parser):
        parser.add_argument("dla_codes", nargs="+", metavar="DLA_CODE")

    def handle(self, *args, dla_codes, **options):
        for code in dla_codes:
            lao = LAO.objects.filter(dla_code=code).first()
            if lao is None:
                raise CommandError(f"No LAO with DLA code {code} in the registry (import it first).")
            try:
                created = onboard_lao(lao=lao, actor=None)
            except OnboardingError as error:
                raise CommandError(str(error)) from None
            lao.refresh_from_db()
            verb = "onboarded" if created else "already onboarded"
            self.stdout.write(f"{lao.dla_code} {lao.full_name_th}: {verb} → {lao.site_url}")
