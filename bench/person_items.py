"""One person, every LAO (issue 14): the central "My account" and the daily reminder run, from the published
rows, against gathering the same by visiting every LAO's schema. Figures and ratios, never pass/fail.

    .venv/bin/python bench/person_items.py --keep          # builds all 7,849 LAOs (≈20 min, ≈14 GB), keeps the DB
    .venv/bin/python bench/person_items.py --reuse         # the measurements again on the kept database
    .venv/bin/python bench/person_items.py --laos 300      # a quick run on a few hundred LAOs (not the figure)

In a scratch database (`bench_person_items`; a --keep run leaves it for --reuse) with the real registry, every
LAO onboarded (parallel workers), then:

A. a person with 200 items in 50 LAOs (4 unpaid invoices in each, raised through billing's own service in
   each LAO's schema and published on commit by the platform's publisher), among 100,000 other people's
   published items: "My account" (page and API, median of --runs) against gathering the same person's items
   by visiting the schemas — the 50 where they are known to have dealt (CitizenLAO), and all of them (where
   else would one know?);
B. the daily reminder run over every LAO with 100,000 due items (synthetic published rows, due today, for
   20,000 people, a fifth of them with a verified e-mail address): the `send_reminders` command (eager: one
   task per LAO with work, in turn) — against finding the same items by visiting every schema (one query of
   the owed obligations per schema, the least such a run must do), and the part of ours that finds them.
"""
import argparse
import datetime
import os
import statistics
import time
from pathlib import Path

from scratch import ROOT  # noqa: F401  (puts the project on the path)

BENCH_DB = "bench_person_items"
PERSON_LAOS, PER_LAO = 50, 4
OTHER_ITEMS, OTHER_PEOPLE = 100_000, 20_000


def main():
    global BENCH_DB
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--laos", type=int, default=0, help="onboard only N LAOs (default: all 7,849)")
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="measure on the database a --keep run left")
    parser.add_argument("--build-only", action="store_true", help="build (and keep) the database, measure nothing")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", choices=["A"], help="only part A (My account)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default=BENCH_DB)
    args = parser.parse_args()
    BENCH_DB = args.database
    import django
    from django.conf import settings

    if args.reuse:
        settings.DATABASES["default"]["NAME"] = BENCH_DB
        django.setup()
    else:
        settings.DATABASES["default"]["TEST"] = {"NAME": BENCH_DB}
        django.setup()
        from django.db import connection

        print(f"Creating scratch database {BENCH_DB} …", flush=True)
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_QUIET_HOURS = (0, 0)  # measured at whatever hour it runs
    try:
        if not args.reuse:
            build(args)
        if not args.build_only:
            measure(args)
    finally:
        if not (args.keep or args.reuse or args.build_only):
            from django.db import connection

            connection.set_schema_to_public()
            connection.creation.destroy_test_db(old_name, verbosity=0)


def build(args):
    import logging

    from django.conf import settings
    from tqdm import tqdm

    from shared_apps.geography.services import geography_load
    from tenants.models import LAO
    from tenants.services import onboard_laos, registry_import

    logging.getLogger("tenants").setLevel(logging.WARNING)
    data = Path(settings.SHARED_DATA_DIR)
    geography_load(provinces_path=data / "provinces.json", districts_path=data / "districts.json")
    registry_import(path=data / "lao-registry.json")
    laos = LAO.objects.all()
    if args.laos:
        everyone = list(laos.order_by("dla_code").values_list("pk", flat=True))
        step = len(everyone) / args.laos
        laos = LAO.objects.filter(pk__in=[everyone[int(i * step)] for i in range(args.laos)])
    total = laos.count()
    bar = tqdm(total=total, unit="LAO", desc="onboarding")
    started = time.perf_counter()
    report = onboard_laos(laos=laos, workers=args.workers, on_progress=lambda code, ok: bar.update())
    bar.close()
    print(f"Onboarded {total:,} LAOs in {time.perf_counter() - started:,.0f} s ({report})", flush=True)


# --- the data -------------------------------------------------------------------------------------------------------

def person_with_items():
    """A citizen with 4 unpaid invoices in each of 50 LAOs, raised by billing and published on commit."""
    import datetime as dt

    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    from shared_apps.accounts.models import CitizenLAO
    from tenant_apps.billing.services import obligation_charge
    from tenants.models import LAO
    from tests.factories import UserFactory

    from django.contrib.auth import get_user_model

    # kept from an earlier run (a user's delete would cascade into LAO tables the public schema lacks)
    person = (get_user_model().objects.filter(username="bench-person").first()
              or UserFactory(username="bench-person", name_th="นางสาวทดสอบ ทุกที่"))
    laos = list(LAO.objects.filter(status="active").order_by("dla_code"))
    step = max(1, len(laos) // PERSON_LAOS)
    chosen = laos[::step][:PERSON_LAOS]
    today = dt.date.today()
    for index, lao in enumerate(chosen):
        with schema_context(lao.schema_name):
            with transaction.atomic():
                for n in range(PER_LAO):
                    obligation_charge(source="bench.fee", source_id=n + 1, part="fee", amount="150.00",
                                      due_date=today + dt.timedelta(days=3 + n + index % 20),
                                      description=f"ค่าธรรมเนียม {n + 1}", payer=person, payer_name=person.name_th,
                                      payer_key=f"user:{person.pk}", service="advertising")
        CitizenLAO.objects.get_or_create(user=person, lao=lao)
    connection.set_schema_to_public()
    return person, chosen


def others(day: datetime.date):
    """100,000 published items due today for 20,000 other people over every LAO (SQL, generate_series)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from shared_apps.notifications.models import NotificationPreference
    from shared_apps.person_items.models import PersonItem

    users = get_user_model()._meta.db_table
    items = PersonItem._meta.db_table
    preferences = NotificationPreference._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {users} (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                                 date_joined, name_th, name_en)
            SELECT '!', false, 'bench-' || g, '', '', '', false, true, now(), 'ผู้ทดสอบ ' || g, ''
            FROM generate_series(1, %s) g ON CONFLICT (username) DO NOTHING""", [OTHER_PEOPLE])
        cursor.execute(f"""
            INSERT INTO {preferences} (user_id, language, email, email_verified_at, channels, muted_kinds, updated_at)
            SELECT id, 'th', username || '@example.invalid', now(), ARRAY['email'], ARRAY[]::varchar[], now()
            FROM {users} WHERE username LIKE 'bench-%%' AND id %% 5 = 0 ON CONFLICT (user_id) DO NOTHING""", [])
        cursor.execute(f"""
            WITH people AS (SELECT array_agg(id ORDER BY id) AS ids FROM {users} WHERE username LIKE 'bench-%%'
                             AND username <> 'bench-person'),
                 laos AS (SELECT array_agg(id ORDER BY id) AS ids FROM tenants_lao WHERE status = 'active')
            INSERT INTO {items} (lao_id, user_id, key, kind, service, business_id, business_name, title, period,
                                 amount, amount_after_due, due_on, path, remind_on, refresh_on, legal_notice,
                                 published_at)
            SELECT laos.ids[1 + (g %% array_length(laos.ids, 1))], people.ids[1 + (g %% array_length(people.ids, 1))],
                   'obligation:' || g, 'invoice_unpaid', 'advertising', NULL, '', 'ค่าธรรมเนียม #' || g, NULL,
                   100 + g %% 900, NULL, %s::date + 3, '/pay/x' || g || '/', ARRAY[%s::date], NULL, false, now()
            FROM generate_series(1, %s) g, people, laos""", [day, day, OTHER_ITEMS])


# --- the measurements ---------------------------------------------------------------------------------------------

def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def visit_schemas(schemas: list[str], sql: str, params=()) -> tuple[float, int]:
    """One query in each schema (search_path set as a request would), on this connection."""
    from django.db import connection

    found = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(f'SET search_path TO "{schema}", public')
            cursor.execute(sql, params)
            found += len(cursor.fetchall())
        cursor.execute("SET search_path TO public")
    return time.perf_counter() - started, found


def measure(args):
    import logging

    logging.getLogger("celery").setLevel(logging.WARNING)  # not a line per LAO's task
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from shared_apps.notifications.models import Notification
    from shared_apps.person_items.models import PersonItem
    from shared_apps.person_items.selectors import laos_with_work, reminders_due
    from tenants.models import LAO

    connection.set_schema_to_public()
    day = timezone.localdate()
    Notification.objects.all().delete()
    PersonItem.objects.filter(key__startswith="obligation:", path__startswith="/pay/x").delete()
    person, chosen = person_with_items()
    others(day)
    schemas = list(LAO.objects.filter(status="active").order_by("schema_name").values_list("schema_name", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class")
        relations = cursor.fetchone()[0]
    print(f"\nOne person, every LAO: {len(schemas):,} onboarded LAOs, {relations:,} relations in the catalog, "
          f"{PersonItem.objects.count():,} published items, {os.cpu_count()} CPUs")

    # A. My account
    mine = PersonItem.objects.filter(user=person).count()
    client = Client()
    client.force_login(person)
    session = client.session
    session["auth_method"] = "dopa"
    session.save()
    host = settings.BASE_DOMAIN
    page, response = timed(lambda: client.get("/accounts/me/", HTTP_HOST=host), args.runs)
    assert response.status_code == 200, response.status_code
    api, response = timed(lambda: client.get("/api/me/obligations/", HTTP_HOST=host), args.runs)
    api_ok = response.status_code == 200
    from shared_apps.person_items.selectors import account_for

    selector, account = timed(lambda: account_for(person, today=day), args.runs)
    owed = ("SELECT id FROM billing_obligation WHERE payer_key = %s "
            "AND charged - paid - credited + refunded <> 0")
    known = [lao.schema_name for lao in chosen]

    def gather_known():
        """The same items computed in each schema the person dealt with (what the publisher computes)."""
        from django_tenants.utils import schema_context

        from tenant_apps.billing.models import Obligation
        from tenant_apps.published.person_items import obligation_rows

        rows = []
        for schema in known:
            with schema_context(schema):
                ids = list(Obligation.objects.filter(payer_key=f"user:{person.pk}").values_list("pk", flat=True))
                rows += obligation_rows(ids, today=day)[1]
        connection.set_schema_to_public()
        return rows

    gathered, rows = timed(gather_known, 3)
    visit_all, found_all = visit_schemas(schemas, owed, [f"user:{person.pk}"])
    print(f"\nA. My account, a person with {mine} items in {len(chosen)} LAOs (among {OTHER_ITEMS:,} others' items)")
    print(f"   reading them: the published rows ........ {selector * 1000:8.1f} ms "
          f"({len(account['items'])} items; median of {args.runs})")
    print(f"   gathering them in the {len(known)} schemas dealt with {gathered * 1000:8.1f} ms "
          f"({len(rows)} items; {gathered / selector:,.1f}× ours)")
    print(f"   finding them in all {len(schemas):,} schemas ... {visit_all * 1000:8.1f} ms "
          f"(one query each, {found_all} found; {visit_all / selector:,.0f}× ours)")
    print(f"   page /accounts/me/, whole ............. {page * 1000:8.1f} ms (median of {args.runs})")
    print(f"   API /api/me/obligations/, whole ....... {api * 1000:8.1f} ms" + ("" if api_ok else "  (not found)"))

    if args.only == "A":
        return
    # B. the daily reminder run
    due = reminders_due(day=day).count()
    started = time.perf_counter()
    work = laos_with_work(day=day)
    find_ours = time.perf_counter() - started
    visit_due = ("SELECT id FROM billing_obligation WHERE due_date BETWEEN %s AND %s "
                 "AND charged - paid - credited + refunded > 0")
    find_visit, _found = visit_schemas(schemas, visit_due, [day - datetime.timedelta(days=7),
                                                            day + datetime.timedelta(days=7)])
    mail.outbox = []
    started = time.perf_counter()
    call_command("send_reminders", "--date", day.isoformat(), stdout=open(os.devnull, "w"))
    run_first = time.perf_counter() - started
    sent = len(mail.outbox)
    statuses = dict(Notification.objects.values_list("status").annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id")))
    started = time.perf_counter()
    call_command("send_reminders", "--date", day.isoformat(), stdout=open(os.devnull, "w"))
    run_again = time.perf_counter() - started
    print(f"\nB. The daily reminder run, {due:,} items due today over {len(work):,} LAOs with work")
    print(f"   finding them: the published rows ..... {find_ours * 1000:8.1f} ms")
    print(f"   finding them: visiting every schema .. {find_visit * 1000:8.1f} ms ({len(schemas):,} schemas; "
          f"{find_visit / find_ours:,.0f}× ours)")
    print(f"   send_reminders, whole run ............ {run_first:8.1f} s  ({sent:,} e-mails sent; {statuses})")
    print(f"   the same day again ................... {run_again:8.1f} s  ({len(mail.outbox) - sent} more sent)")
    print(f"   whole run against the visits alone ... {run_first / find_visit:8.1f}×")


if __name__ == "__main__":
    main()
