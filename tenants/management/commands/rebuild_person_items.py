import os

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tenants.models import LAO, LAOStatus
from tenants.workers import Outcome, run_in_workers


class Command(BaseCommand):
    help = ("Recompute what LAOs publish about each person's open items (returns to file, invoices to pay, "
            "information asked, permits ending, credits, recent receipts) from each LAO's own schema, replacing "
            "what was published, in one transaction per LAO. --all goes through every onboarded LAO in batches, "
            "in parallel workers.")

    def add_arguments(self, parser):
        parser.add_argument("--lao", action="append", default=[], dest="dla_codes", metavar="CODE",
                            help="a LAO's DLA code; repeatable")
        parser.add_argument("--all", action="store_true", help="every onboarded LAO (active or suspended)")
        parser.add_argument("--batch", type=int, default=500, metavar="N",
                            help="LAOs handed to the workers at a time (default 500)")
        parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 2),
                            help="parallel database connections (default: CPUs, at most 4)")

    def handle(self, *args, dla_codes, all, batch, workers, **options):
        from tenant_apps.published.person_items import rebuild_lao as rebuild

        if not (dla_codes or all):
            raise CommandError("Say which LAOs: --lao CODE (repeatable) or --all.")
        if batch < 1:
            raise CommandError("--batch is at least 1.")
        laos = LAO.objects.exclude(status=LAOStatus.REGISTERED).order_by("dla_code")
        if dla_codes:
            found = set(LAO.objects.filter(dla_code__in=dla_codes).values_list("dla_code", flat=True))
            if set(dla_codes) - found:
                raise CommandError(f"Not in the registry: {', '.join(sorted(set(dla_codes) - found))}")
            not_onboarded = sorted(set(dla_codes) - set(laos.filter(dla_code__in=dla_codes)
                                                        .values_list("dla_code", flat=True)))
            if not_onboarded:
                raise CommandError(f"Not onboarded (no schema to read): {', '.join(not_onboarded)}")
            laos = laos.filter(dla_code__in=dla_codes)
        laos = list(laos)
        verbosity = int(options.get("verbosity", 1))
        bar = tqdm(total=len(laos), unit="LAO", desc="rebuilding", disable=verbosity < 1 or not laos)
        failures, rows = {}, {"item": 0, "business": 0}

        def done(outcome):
            bar.update()
            if outcome.error is not None:
                failures[outcome.item.dla_code] = outcome.error
            else:
                for kind, count in outcome.result.items():
                    rows[kind] += count

        try:
            for start in range(0, len(laos), batch):
                chunk = laos[start:start + batch]
                if workers <= 1 or len(chunk) == 1:  # on this connection (and inside a caller's transaction)
                    for lao in chunk:
                        try:
                            done(Outcome(lao, result=rebuild(lao)))
                        except Exception as error:
                            done(Outcome(lao, error=error))
                else:
                    run_in_workers(chunk, rebuild, workers=min(workers, len(chunk)), on_done=done)
        finally:
            bar.close()
        if verbosity:
            self.stdout.write(f"Rebuilt {len(laos) - len(failures)} LAO(s): "
                              + ", ".join(f"{count} {kind} row(s)" for kind, count in rows.items()))
        if failures:
            listed = "\n".join(f"  {code}: {error}" for code, error in sorted(failures.items()))
            raise CommandError(f"{len(failures)} LAO(s) failed (their rows are as they were):\n{listed}")
