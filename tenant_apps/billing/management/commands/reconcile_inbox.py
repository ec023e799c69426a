"""Reconcile the bank files dropped into each LAO's inbox folder: STATEMENT_INBOX/<schema name>/*.

A processed file moves to done/, a rejected one to rejected/ with its errors beside it. Run it from cron
(or Celery beat) after the bank's files arrive.
"""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from tenant_apps.billing.reconciliation import StatementError, statement_reconcile
from tenants.models import LAO, LAOStatus


class Command(BaseCommand):
    help = "Reconcile bank bill-payment files found in STATEMENT_INBOX/<schema name>/ for every active LAO."

    def handle(self, *args, **options):
        inbox = Path(settings.STATEMENT_INBOX)
        for lao in LAO.objects.filter(status=LAOStatus.ACTIVE).order_by("dla_code"):
            folder = inbox / lao.schema_name
            if not folder.is_dir():
                continue
            for path in sorted(p for p in folder.iterdir() if p.is_file()):
                with schema_context(lao.schema_name):
                    try:
                        record = statement_reconcile(data=path.read_bytes(), name=path.name, actor=None)
                    except StatementError as error:
                        target = folder / "rejected"
                        target.mkdir(exist_ok=True)
                        (target / f"{path.name}.errors.txt").write_text("\n".join(error.errors), encoding="utf-8")
                        path.rename(target / path.name)
                        self.stdout.write(f"{lao.dla_code} {path.name}: rejected ({len(error.errors)} problems)")
                        continue
                target = folder / "done"
                target.mkdir(exist_ok=True)
                path.rename(target / path.name)
                self.stdout.write(f"{lao.dla_code} {path.name}: {record.report.get('totals')}")
