"""A development certificate authority: a root and a signing certificate per onboarded LAO (and DLA's)."""
from django.core.management.base import BaseCommand, CommandError

from shared_apps.documents.devca import dev_ca_ensure
from shared_apps.documents.keys import keys_dir


class Command(BaseCommand):
    help = ("Create (once) a development root CA and a signing certificate (PKCS#12) for each onboarded LAO, or "
            "those given by DLA code, and DLA's, in DOCUMENT_SIGNING_KEYS_DIR. Never for production.")

    def add_arguments(self, parser):
        parser.add_argument("dla_codes", nargs="*", help="only these LAOs (default: every onboarded LAO)")
        parser.add_argument("--renew", action="store_true", help="issue new certificates even where one exists")
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off (a test installation)")

    def handle(self, *args, **options):
        from django.conf import settings

        from tenants.models import LAO, LAOStatus

        if not settings.DEBUG and not options["force"]:
            raise CommandError("The development CA is for development and tests (DEBUG on, or --force).")
        laos = LAO.objects.filter(status=LAOStatus.ACTIVE)
        if options["dla_codes"]:
            laos = laos.filter(dla_code__in=options["dla_codes"])
        written = dev_ca_ensure(keys_dir(), laos=list(laos), dla=True, renew=options["renew"])
        self.stdout.write(f"{len(written)} file(s) written in {keys_dir()} "
                          f"(root: {keys_dir() / 'root.pem'}); {laos.count()} LAO(s) covered.")
