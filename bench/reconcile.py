"""Reconciliation throughput: a bank statement file of N lines (default 100,000), parsed, matched and posted.

    .venv/bin/python bench/reconcile.py [--lines 100000] [--naive 2000]

Runs in a scratch database (dropped at the end). Prints lines per second for the whole file through
`statement_reconcile()` (batched posting, every obligation locked first) and, for comparison, for the
obvious alternative measured in the same run: posting each line on its own with `payment_post()` (one
transaction and one obligation lock per line).
"""
import argparse
import datetime
import os
import time
from decimal import Decimal
from pathlib import Path

from scratch import ROOT, scratch_database

from django.conf import settings

BENCH_DB = "bench_reconcile"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=2_000, help="lines posted one by one for the comparison")
    args = parser.parse_args()
    with scratch_database(BENCH_DB):
        run(args)


def run(args):
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from shared_apps.geography.services import geography_load
    from shared_apps.payment_formats.statement import build_statement, parse_statement
    from tenant_apps.billing import services
    from tenant_apps.billing.models import Invoice, Obligation, PaymentSettings
    from tenant_apps.billing.reconciliation import statement_reconcile
    from tenants.models import LAO
    from tenants.services import onboard_lao, registry_import

    data_dir = Path(settings.SHARED_DATA_DIR)
    geography_load(provinces_path=data_dir / "provinces.json", districts_path=data_dir / "districts.json")
    registry_import(path=ROOT / "tests" / "data" / "test-registry.json")
    lao = LAO.objects.get(dla_code="6540113")
    onboard_lao(lao=lao)
    lao.refresh_from_db()
    today = timezone.localdate()
    total = args.lines + args.naive
    with schema_context(lao.schema_name):
        start = time.perf_counter()
        due = today + datetime.timedelta(days=5)
        obligations = Obligation.objects.bulk_create([
            Obligation(source="bench", source_id=i, charged=Decimal("200.00") + i % 50, due_date=due, service="bench",
                       description=f"bench {i}", payer_name="ผู้ชำระ") for i in range(total)], batch_size=5000)
        bills = Invoice.objects.bulk_create([
            Invoice(obligation=o, source="bench", source_id=o.source_id, amount=o.charged, due_date=due,
                    service="bench", description=o.description, payer_name="ผู้ชำระ") for o in obligations],
            batch_size=5000)
        PaymentSettings.objects.update_or_create(pk=1, defaults={
            "tax_id": "0994000165501", "biller_suffix": "00", "company_account": "1234567890"})
        conf = services.payment_settings()
        for bill in bills:
            bill.ref1, bill.ref2 = services._ref1(bill.pk, conf), services._ref2(due, conf)
        services._update_rows(Invoice, [(b.pk, b.ref1, b.ref2) for b in bills], [("ref1", "varchar"),
                                                                                  ("ref2", "varchar")])
        print(f"{total:,} invoices created in {time.perf_counter() - start:.1f} s", flush=True)

        lines = [{"sequence": i + 2, "payment_date": today, "payment_time": datetime.time(i // 3600 % 24, i // 60 % 60,
                                                                                          i % 60),
                  "customer_name": "ผู้ชำระ", "ref1": bill.ref1, "ref2": bill.ref2, "ref3": "", "branch": "0001",
                  "teller": f"{i % 9999:04d}", "kind": "C", "transaction_code": "001", "cheque_no": "",
                  "amount": bill.amount, "cheque_bank_code": "", "biller_id": "099400016550100",
                  "payer_bank_code": "006"} for i, bill in enumerate(bills[:args.lines])]
        data = build_statement(bank_code="006", company_account="1234567890", company_name="bench",
                               effective_date=today, lines=lines)
        parse_seconds = min(timed(parse_statement, data) for _ in range(3))
        if os.environ.get("PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
        if os.environ.get("PROFILE_SQL"):
            from collections import defaultdict

            from django.db import connection

            spent = defaultdict(float)

            def clock(execute, sql, params, many, context):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    text = " ".join(sql.split())
                    spent[text[:40] + " … " + text[text.find(" WHERE "):][:100]] += time.perf_counter() - started

            with connection.execute_wrapper(clock):
                seconds = timed(statement_reconcile, data=data, name="bench.txt", actor=None)
            for sql, total in sorted(spent.items(), key=lambda kv: -kv[1])[:12]:
                print(f"{total:7.2f} s  {sql}")
        else:
            seconds = timed(statement_reconcile, data=data, name="bench.txt", actor=None)
        if os.environ.get("PROFILE"):
            profile.disable()
            pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(30)
        print(f"\nReconciling a {args.lines:,}-line statement ({len(data) / 1e6:.1f} MB)")
        print(f"   parse and validate only         {parse_seconds:6.2f} s   {args.lines / parse_seconds:10,.0f} lines/s")
        print(f"   whole reconciliation (batched)  {seconds:6.2f} s   {args.lines / seconds:10,.0f} lines/s")

        naive_bills = bills[args.lines:]
        start = time.perf_counter()
        for i, bill in enumerate(naive_bills):
            services.payment_post(invoice=bill, amount=bill.amount, channel="statement", method="bill_payment",
                                  reference=f"naive:{i}")
        naive = time.perf_counter() - start
        print(f"   one payment_post() per line     {naive:6.2f} s   {len(naive_bills) / naive:10,.0f} lines/s "
              f"({len(naive_bills):,} lines)")
        print(f"   ratio batched / per line: {(args.lines / seconds) / (len(naive_bills) / naive):.1f}×")


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
