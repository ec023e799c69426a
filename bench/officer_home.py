"""The officer home's response time on a busy LAO, against the same page computed with naive per-row queries.

    .venv/bin/python bench/officer_home.py [--returns 50000] [--applications 10000] [--payments 200000] [--runs 30]

In a scratch database (dropped at the end), bulk inserts fill one PAO schema with the returns (hotels, about a
tenth waiting for review), business registrations (as the PAO's applications) and the payments (with short, over
and reversed ones, refunds and statement files), and one SAO schema with the advertising applications and the same
payments. Then `GET /officer/` as an officer holding every role, `--runs` times: median and p95, first as built
(aggregate queries, a fixed number whatever the rows), then with the panels computed the naive way — load every
row and count in Python, one query per row for what it links to (written here only, never used by the site).
Takes a few minutes, so it is not part of `make bench`.
"""
import argparse
import datetime
import statistics
import time
from decimal import Decimal
from pathlib import Path

from scratch import ROOT, scratch_database

from django.conf import settings

BENCH_DB = "bench_officer_home"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--returns", type=int, default=50_000)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--payments", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--naive-runs", type=int, default=5)
    args = parser.parse_args()
    with scratch_database(BENCH_DB):
        run(args)


# --- filling the schemas ---------------------------------------------------------------------------------

def fill_money(*, payments: int, now, today):
    from tenant_apps.billing.models import Invoice, Obligation, Payment, Refund, StatementFile

    count = payments // 4  # four payments per obligation
    obligations = Obligation.objects.bulk_create([
        Obligation(source="bench", source_id=i, description=f"bench {i}", payer_name="ผู้ชำระ", service="bench",
                   due_date=today, charged=Decimal("400.00"),
                   paid=Decimal("400.00") if i % 10 else Decimal("0.00") if i % 20 else Decimal("450.00"))
        for i in range(count)], batch_size=5000)
    invoices = Invoice.objects.bulk_create([
        Invoice(obligation=o, source="bench", source_id=o.source_id, description=o.description, payer_name="ผู้ชำระ",
                amount=o.charged, due_date=today, status="open" if o.source_id % 10 == 0 else "paid")
        for o in obligations], batch_size=5000)
    rows = []
    for n in range(payments):
        invoice = invoices[n % count]
        exception = "underpaid" if n % 50 == 1 else "overpaid" if n % 50 == 2 else ""
        rows.append(Payment(obligation_id=invoice.obligation_id, invoice=invoice, amount=Decimal("100.00"),
                            channel="statement", method="bill_payment", reference=f"bench:{n}",
                            received_at=now - datetime.timedelta(minutes=n % (90 * 24 * 60)), exception=exception,
                            reversed_at=now - datetime.timedelta(days=n % 60) if n % 100 == 3 else None))
    made = Payment.objects.bulk_create(rows, batch_size=5000)
    Refund.objects.bulk_create([Refund(payment=p, amount=Decimal("10.00"), reason="bench",
                                       status="created" if i % 2 else "refunded")
                                for i, p in enumerate(made[::200])], batch_size=5000)
    StatementFile.objects.bulk_create([
        StatementFile(sha256=f"{i:064d}", name=f"bench-{i}.txt", bank_code="006",
                      report={"unmatched": [{"line": j} for j in range(i % 4)], "reversal_unmatched": []})
        for i in range(60)])
    StatementFile.objects.update(uploaded_at=now - datetime.timedelta(days=1))


def fill_pao(*, returns: int, applications: int, payments: int, now, today):
    from tenant_apps.businesses.models import Business
    from tenant_apps.hotel_fee.models import HotelReturn
    from tenant_apps.pao_filing.periods import month_start

    hotels = max(returns // 24, 1)
    owners = applications  # the PAO's applications: business registrations, a twentieth of them waiting
    Business.objects.bulk_create([
        Business(kind="hotel", name=f"โรงแรม {i}", address="แพร่", owner_type="person", owner_id_number="1101700230708",
                 owner_name="เจ้าของ", operating_since=datetime.date(2020, 1, 1), registered_by_id=1,
                 status="pending" if i % 20 == 0 else "approved", rooms=20)
        for i in range(max(hotels, owners))], batch_size=5000)
    businesses = list(Business.objects.filter(status="approved").values_list("pk", flat=True)[:hotels])
    period = month_start(today)
    periods = []
    for _ in range(returns // len(businesses) + 1):
        period = month_start(period - datetime.timedelta(days=1))
        periods.append(period)
    rows = []
    for n in range(returns):
        business, p = businesses[n % len(businesses)], periods[n // len(businesses)]
        rows.append(HotelReturn(business_id=business, period=p, status="filed" if n % 10 == 0 else "accepted",
                                tax_amount=Decimal("100.00"), deadline=p + datetime.timedelta(days=40),
                                filed_on=p + datetime.timedelta(days=35), amount_due=Decimal("100.00")))
    HotelReturn.objects.bulk_create(rows, batch_size=5000)
    fill_money(payments=payments, now=now, today=today)


def fill_sao(*, applications: int, payments: int, now, today):
    from tenant_apps.advertising.models import Application, ApplicationEvent

    statuses = ["submitted", "more_info", "opinion_given", "approved", "issued", "refused", "withdrawn", "draft"]
    made = Application.objects.bulk_create([
        Application(applicant_id=1, method="posting", message_gist="bench", width_m=1, height_m=1, notice_count=2,
                    start_date=today, end_date=today + datetime.timedelta(days=30), status=statuses[i % len(statuses)],
                    submitted_at=now - datetime.timedelta(hours=i % 2000), opinion_at=now, order_at=now,
                    decision_due=today + datetime.timedelta(days=i % 20 - 5))
        for i in range(applications)], batch_size=5000)
    ApplicationEvent.objects.bulk_create([ApplicationEvent(application=a, from_status="submitted",
                                                           to_status="more_info")
                                          for a in made if a.status == "more_info"], batch_size=5000)
    fill_money(payments=payments, now=now, today=today)


# --- the naive panels: every row loaded, one query per row for what it links to (the bench's only) ----------

def naive_panels(access, *, lao, today=None):
    from django.utils import timezone

    from tenant_apps.officers.workplace import Item, Panel

    today = today or timezone.localdate()
    now = timezone.now()
    panels = []

    def oldest(values):
        values = [v for v in values if v is not None]
        return min(values) if values else None

    if lao.lao_type == "provincial_admin_org":
        from tenant_apps.businesses.models import Business
        from tenant_apps.pao_filing.selectors import SPECS

        pending = [b for b in Business.objects.all() if b.status == "pending"]
        panels.append(Panel("registrations", "registrations", items=[
            Item("waiting", len(pending), oldest=oldest(b.registered_at for b in pending))]))
        items = []
        for kind, spec in SPECS.items():
            waiting = [r for r in spec.model.objects.all() if r.status == "filed"]
            for ret in waiting:
                ret.business  # the row's business, one query each (what a list would show)
            items.append(Item(kind, len(waiting), oldest=oldest(r.filed_at for r in waiting)))
        panels.append(Panel("returns", "returns", items=items))
    else:
        from tenant_apps.advertising.models import Application

        apps = [a for a in Application.objects.all() if a.status != "draft"]
        items = []
        for status in ("submitted", "more_info", "opinion_given", "approved"):
            at = [a for a in apps if a.status == status]
            if status == "more_info":
                for a in at:
                    list(a.events.all())  # when was more information asked: one query each
            items.append(Item(status, len(at), oldest=oldest(a.submitted_at for a in at)))
        panels.append(Panel("applications", "applications", items=items))
    from tenant_apps.billing.models import Invoice, Obligation, Payment, Refund, StatementFile

    open_ = [i for i in Invoice.objects.all() if i.status == "open"]
    since = now - datetime.timedelta(days=30)
    recent = [p for p in Payment.objects.all() if p.received_at >= since or (p.reversed_at and p.reversed_at >= since)]
    for payment in recent:
        if payment.exception or payment.reversed_at:
            payment.obligation  # what it was for: one query each
    files = [f for f in StatementFile.objects.all() if f.uploaded_at >= since]
    refunds = [r for r in Refund.objects.all() if r.status == "created"]
    for refund in refunds:
        refund.payment  # one query each
    credits = [o for o in Obligation.objects.all() if o.balance < 0]
    panels.append(Panel("money", "money", items=[
        Item("open", len(open_), oldest=oldest(i.created_at for i in open_)),
        Item("short", sum(1 for p in recent if p.exception == "underpaid" and p.received_at >= since)),
        Item("over", sum(1 for p in recent if p.exception in ("overpaid", "already_settled") and p.received_at >= since)),
        Item("reversed", sum(1 for p in recent if p.reversed_at and p.reversed_at >= since)),
        Item("unmatched", sum(len(f.report.get("unmatched", [])) + len(f.report.get("reversal_unmatched", []))
                              for f in files)),
        Item("refunds", len(refunds)), Item("credits", len(credits))]))
    return panels


# --- measuring -------------------------------------------------------------------------------------------

def measure(client, host, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get("/officer/", HTTP_HOST=host)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    times.sort()
    return statistics.median(times), times[max(int(round(0.95 * len(times))) - 1, 0)]


def count_queries(client, host) -> int:
    from django.db import connection

    seen = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: seen.append(1) or execute(
            sql, params, many, context)):
        client.get("/officer/", HTTP_HOST=host)
    return len(seen)


def run(args):
    from unittest import mock

    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from shared_apps.geography.services import geography_load
    from tenant_apps.officers.models import Officer, Role
    from tenants.models import LAO
    from tenants.services import onboard_lao, registry_import
    from tests.factories import UserFactory

    data_dir = Path(settings.SHARED_DATA_DIR)
    geography_load(provinces_path=data_dir / "provinces.json", districts_path=data_dir / "districts.json")
    registry_import(path=ROOT / "tests" / "data" / "test-registry.json")
    officer = UserFactory(username="bench-officer")
    now, today = timezone.now(), timezone.localdate()
    laos = []
    for code, fill in [("2540101", "pao"), ("6540113", "sao")]:
        lao = LAO.objects.get(dla_code=code)
        onboard_lao(lao=lao)
        lao.refresh_from_db()
        start = time.perf_counter()
        with schema_context(lao.schema_name):
            Officer.objects.create(user_id=officer.pk, roles=list(Role.values))
            if fill == "pao":
                from tests.pao import ordinance_settings

                ordinance_settings()  # filing rules: the home's filing-deadline panel counts who has not filed
                fill_pao(returns=args.returns, applications=args.applications, payments=args.payments, now=now,
                         today=today)
                what = f"{args.returns:,} returns, {args.applications:,} registrations, {args.payments:,} payments"
            else:
                fill_sao(applications=args.applications, payments=args.payments, now=now, today=today)
                what = f"{args.applications:,} applications, {args.payments:,} payments"
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"{lao.full_name_th}: {what} inserted in {time.perf_counter() - start:.0f} s", flush=True)
        laos.append((lao, what))
    connection.set_schema_to_public()

    client = Client()
    client.force_login(officer)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()
    print(f"\nGET /officer/ as an officer with every role ({args.runs} runs; naive {args.naive_runs})")
    for lao, what in laos:
        measure(client, lao.host, 2)  # warm
        queries = count_queries(client, lao.host)
        median, p95 = measure(client, lao.host, args.runs)
        with mock.patch("tenant_apps.officers.workplace_views.panels_for", naive_panels):
            naive_queries = count_queries(client, lao.host)
            naive_median, naive_p95 = measure(client, lao.host, args.naive_runs)
        print(f"  {lao.full_name_th} ({what})")
        print(f"     aggregate selectors   median {median * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms   "
              f"{queries:6,} queries")
        print(f"     naive, row by row     median {naive_median * 1000:8.1f} ms   p95 {naive_p95 * 1000:8.1f} ms   "
              f"{naive_queries:6,} queries   ({naive_median / median:,.0f}× slower)")


if __name__ == "__main__":
    main()
