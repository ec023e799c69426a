"""Issuing signed documents: one receipt, then a batch, rendered + signed + stored against rendered only.

    .venv/bin/python bench/documents.py [--batch 1000]

In a scratch database (dropped at the end): one SAO onboarded, the development CA's key for it, `--batch`
receipts posted (their documents not issued while posting). Then, in the same run: one receipt rendered only
(PDF/A-3b with its data file) against issued (render + PAdES signature + stored once); then the batch rendered
only against the batch issued the way the background task does it (shared_apps/documents/tasks.py).
"""
import argparse
import datetime
import logging
import statistics
import tempfile
import time
from pathlib import Path

from scratch import ROOT, scratch_database

BENCH_DB = "bench_documents"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    with scratch_database(BENCH_DB):
        run(args)


def run(args):
    from django.conf import settings
    from django.utils import timezone
    from django_tenants.utils import schema_context

    logging.disable(logging.INFO)
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-documents-media-")
    settings.DOCUMENT_SIGNING_KEYS_DIR = tempfile.mkdtemp(prefix="bench-documents-keys-")
    from shared_apps.documents import keys
    from shared_apps.documents.devca import dev_ca_ensure
    from shared_apps.documents.issuing import issue, kind_module, render_document
    from shared_apps.geography.services import geography_load
    from tenant_apps.billing import documents, services
    from tenants.models import LAO
    from tenants.services import onboard_lao, registry_import

    data = Path(settings.SHARED_DATA_DIR)
    geography_load(provinces_path=data / "provinces.json", districts_path=data / "districts.json")
    registry_import(path=ROOT / "tests" / "data" / "test-registry.json")
    lao = LAO.objects.get(dla_code="6540113")
    onboard_lao(lao=lao)
    dev_ca_ensure(keys.keys_dir(), laos=[lao])
    documents.receipts_issue_on_commit = lambda ids: None  # not while posting: issued below, timed
    count = args.batch + 1
    print(f"Posting {count} payments …", flush=True)
    ids = []
    with schema_context(lao.schema_name):
        for n in range(count):
            bill = services.invoice_issue(source="bench.fee", source_id=n + 1, amount="250.00",
                                          due_date=timezone.localdate() + datetime.timedelta(days=7),
                                          description="ค่าธรรมเนียมใบอนุญาตโฆษณา", payer_name="นายผู้ชำระ ทดสอบ")
            payment, _created = services.payment_post(invoice=bill, amount="250.00", channel="counter",
                                                      method="cash", reference=f"bench:{n}")
            ids.append(payment.receipts.get().pk)
        definition = kind_module("receipt")
        render_document(definition.spec(ids[0], lao=lao), lao=lao)  # warm: fonts, templates, the key
        issue("receipt", ids[0], lao=lao)

        one = ids[1]
        t = time.perf_counter()
        render_document(definition.spec(one, lao=lao), lao=lao)
        one_render = time.perf_counter() - t
        t = time.perf_counter()
        stored = issue("receipt", one, lao=lao)
        one_issue = time.perf_counter() - t
        assert stored.created
        batch = ids[1:]
        print(f"Rendering {len(batch)} receipts without signing …", flush=True)
        per = []
        t = time.perf_counter()
        for pk in batch:
            s = time.perf_counter()
            render_document(definition.spec(pk, lao=lao), lao=lao)
            per.append(time.perf_counter() - s)
        batch_render = time.perf_counter() - t
        print(f"Issuing {len(batch)} receipts (render + sign + store) …", flush=True)
        per_issue = []
        t = time.perf_counter()
        for pk in batch[1:]:
            s = time.perf_counter()
            issue("receipt", pk, lao=lao)
            per_issue.append(time.perf_counter() - s)
        batch_issue = time.perf_counter() - t + one_issue
    print()
    print(f"one receipt   render only {one_render * 1000:7.0f} ms   render + sign + store {one_issue * 1000:7.0f} ms")
    print(f"{len(batch)} receipts render only {batch_render:7.1f} s ({statistics.median(per) * 1000:.0f} ms median)   "
          f"render + sign + store {batch_issue:7.1f} s ({statistics.median(per_issue) * 1000:.0f} ms median)")
    print(f"signing and storing add {(batch_issue - batch_render) / len(batch) * 1000:.0f} ms a receipt "
          f"({(batch_issue / batch_render - 1) * 100:.0f} %); one worker issues about "
          f"{len(batch) / batch_issue * 3600:,.0f} receipts an hour")


if __name__ == "__main__":
    main()
