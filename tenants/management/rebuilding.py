"""What the rebuild commands share: which LAOs (--lao CODE … or --all), in batches, in parallel workers, a
progress bar, a summary of the rows written by kind and the failures listed (their rows stay as they were)."""
import os

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tenants.models import LAO, LAOStatus
from tenants.workers import Outcome, run_in_workers


class LAORebuildCommand(BaseCommand):
    """Subclasses give `kinds` (the counts the rebuild returns, by kind), `rebuild(lao) -> dict` and, if needed,
    `after_all(rows)` (run after --all)."""

    kinds: tuple[str, ...] = ()
    what = "rows"  # what a failed LAO keeps as it was

    def rebuild(self, lao) -> dict:
        raise NotImplementedError

    def after_all(self, rows: dict) -> None:
        pass

    def add_arguments(self, parser):
        parser.add_argument("--lao", action="append", default=[], dest="dla_codes", metavar="CODE",
                            help="a LAO's DLA code; repeatable")
        parser.add_argument("--all", action="store_true", help="every onboarded LAO (active or suspended)")
        parser.add_argument("--batch", type=int, default=500, metavar="N",
                            help="LAOs handed to the workers at a time (default 500)")
        parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 2),
                            help="parallel database connections (default: CPUs, at most 4)")

    def handle(self, *args, dla_codes, all, batch, workers, **options):
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
        failures, rows = {}, dict.fromkeys(self.kinds, 0)

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
                            done(Outcome(lao, result=self.rebuild(lao)))
                        except Exception as error:
                            done(Outcome(lao, error=error))
                else:
                    run_in_workers(chunk, self.rebuild, workers=min(workers, len(chunk)), on_done=done)
        finally:
            bar.close()
        if all:
            self.after_all(rows)
        if verbosity:
            self.stdout.write(f"Rebuilt {len(laos) - len(failures)} LAO(s): "
                              + ", ".join(f"{count} {kind} row(s)" for kind, count in rows.items()))
        if failures:
            listed = "\n".join(f"  {code}: {error}" for code, error in sorted(failures.items()))
            raise CommandError(f"{len(failures)} LAO(s) failed (their {self.what} are as they were):\n{listed}")
