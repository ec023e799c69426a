"""Verify a folder of PDFs offline: signature and chain against the platform's trust roots, the embedded data,
and the record in the issuing LAO's schema when that LAO is on this installation."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shared_apps.documents import keys
from shared_apps.documents.verification import UploadError, bytes_check, document_verify, pdf_inspect


class Command(BaseCommand):
    help = "Verify every PDF in a folder (offline: nothing is fetched). One line per file; exit 1 if any is not valid."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--fail", action="store_true", help="exit with status 1 when a file is not valid")

    def handle(self, *args, folder, **options):
        from django_tenants.utils import schema_context

        from tenants.models import LAO

        root = Path(folder)
        if not root.is_dir():
            raise CommandError(f"{folder} is not a folder")
        counts: dict[str, int] = {}
        for path in sorted(root.rglob("*.pdf")):
            name = str(path.relative_to(root))
            try:
                data = bytes_check(path.read_bytes())
            except UploadError as error:
                verdict, line = "unreadable", error.english
            else:
                inspection = pdf_inspect(data, trust_roots=keys.trust_roots())
                code = ((inspection.data or {}).get("lao") or {}).get("dla_code")
                lao = LAO.objects.filter(dla_code=code).first() if code else None
                if lao is not None and lao.schema_name:
                    with schema_context(lao.schema_name):
                        outcome = document_verify(data, lao=lao)
                    verdict = outcome.verdict
                    line = f"{outcome.kind} {outcome.number} · {lao.full_name_th} · {outcome.english}"
                else:
                    verdict = ("not_ours" if not (inspection.signed and inspection.trusted) else
                               "altered" if not (inspection.intact and inspection.whole_file) else "signed")
                    line = f"signed by {inspection.signer or 'nobody'} (no record here to compare)"
                    if inspection.signed and not (inspection.intact and inspection.whole_file):
                        verdict = "altered"
            counts[verdict] = counts.get(verdict, 0) + 1
            self.stdout.write(f"{name} {verdict} {line}")
        self.stdout.write(" · ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "no PDF found")
        if options["fail"] and set(counts) - {"valid"}:
            raise SystemExit(1)
