import os

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tenants.models import LAO, LAOType
from tenants.services import onboard_laos


class Command(BaseCommand):
    help = ("Onboard registered LAOs in bulk — by province, by type, all, or by DLA code — in parallel workers. "
            "Resumable: LAOs already onboarded are skipped; a LAO that fails is left registered with no schema.")

    def add_arguments(self, parser):
        parser.add_argument("dla_codes", nargs="*", metavar="DLA_CODE")
        parser.add_argument("--province", action="append", default=[], metavar="CODE",
                            help="DOPA province code (two digits), or its Thai or English name; repeatable")
        parser.add_argument("--type", action="append", default=[], dest="lao_types", metavar="TYPE",
                            choices=[choice for choice, _label in LAOType.choices], help="LAO type; repeatable")
        parser.add_argument("--all", action="store_true", help="every LAO in the registry")
        parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 2),
                            help="parallel database connections (default: CPUs, at most 4)")

    def handle(self, *args, dla_codes, province, lao_types, all, workers, **options):
        if not (dla_codes or province or lao_types or all):
            raise CommandError("Say which LAOs: DLA codes, --province, --type or --all.")
        laos = LAO.objects.all()
        if dla_codes:
            unknown = sorted(set(dla_codes) - set(LAO.objects.filter(dla_code__in=dla_codes)
                                                  .values_list("dla_code", flat=True)))
            if unknown:
                raise CommandError(f"Not in the registry (import it first): {', '.join(unknown)}")
            laos = laos.filter(dla_code__in=dla_codes)
        if province:
            codes = self._province_codes(province)
            laos = laos.filter(province_id__in=codes)
        if lao_types:
            laos = laos.filter(lao_type__in=lao_types)
        total = laos.filter(status="registered").count()
        verbosity = int(options.get("verbosity", 1))
        bar = tqdm(total=total, unit="LAO", desc="onboarding", disable=verbosity < 1 or total == 0)
        failures = []

        def progress(code, ok):
            bar.update()
            if not ok:
                failures.append(code)
                bar.set_postfix(failed=len(failures))

        try:
            report = onboard_laos(laos=laos, workers=workers, on_progress=progress)
        finally:
            bar.close()
        self.stdout.write(f"LAOs: {report}")
        if report.failed:
            listed = "\n".join(f"  {code}: {error}" for code, error in sorted(report.failed.items()))
            raise CommandError(f"{len(report.failed)} LAOs were not onboarded (run again to retry them):\n{listed}")

    @staticmethod
    def _province_codes(values):
        from shared_apps.geography.models import Province

        codes = []
        for value in values:
            match = Province.objects.filter(code=value).first() or \
                Province.objects.filter(name_th=value).first() or \
                Province.objects.filter(name_en__iexact=value).first()
            if match is None:
                raise CommandError(f"No province “{value}” (use its two-digit DOPA code or its name).")
            codes.append(match.pk)
        return codes
