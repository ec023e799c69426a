"""The oversight dashboards and the open-data revenue API at national scale, against the same aggregates computed
from the raw daily rows without the monthly roll-up.

    .venv/bin/python bench/oversight.py [--runs 15] [--seed 13]

In a scratch database (dropped at the end): the registry of all 7,849 LAOs (data/lao-registry.json), all marked
active, and three fiscal years (2567–2569) of synthetic published figures filled by SQL (generate_series):
- money by LAO, service, channel and day: PAOs every day for each of their three revenues (counter, bank and
  statement files), municipalities about two days a week, SAOs about three days a month, Pattaya daily;
  the monthly roll-up built from those rows as the publishers keep it;
- filing per PAO, revenue and month (10–400 businesses each); permits per municipality/SAO and month;
  businesses per PAO.
Then, `--runs` times each, median and p95:
- the national dashboard's query set (every selector the national page calls, shared_apps/oversight/selectors.py),
- a provincial one (the same, province 50 Chiang Mai — the most LAOs),
- the revenue API (GET /api/reports/revenue/ grouped by province, and by LAO),
- the same money aggregates computed from the raw daily rows (RevenueChannelDay) without the roll-up.
Takes a few minutes; not part of `make bench`.
"""
import argparse
import statistics
import time

from scratch import scratch_database

BENCH_DB = "bench_oversight"
FISCAL_YEARS = [2567, 2568, 2569]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=float, default=0.13)
    args = parser.parse_args()
    with scratch_database(BENCH_DB):
        run(args)


def fill(seed: float) -> dict:
    from django.conf import settings
    from django.db import connection

    from shared_apps.geography.services import geography_load
    from tenants.services import registry_import

    data = settings.SHARED_DATA_DIR
    geography_load(provinces_path=data / "provinces.json", districts_path=data / "districts.json")
    registry_import(path=data / "lao-registry.json")
    start, end = "2023-10-01", "2026-09-30"  # fiscal years 2567–2569
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tenants_lao SET status = 'active'")
        cursor.execute("SELECT setseed(%s)", [seed])
        # Money by LAO, service, channel and day. Probability a LAO has money on a day, by type; PAOs each of
        # their three revenues, in 1–3 channels; amounts by type (a PAO's day is larger than a SAO's permit fee).
        cursor.execute(f"""
            INSERT INTO oversight_revenuechannelday (lao_id, service, channel, day, amount, payments)
            SELECT l.id, s.service, c.channel, d::date,
                   round((CASE WHEN l.lao_type = 'provincial_admin_org' THEN 2000 + random() * 60000
                               ELSE 200 * (1 + floor(random() * 5)) END)::numeric, 2),
                   CASE WHEN l.lao_type = 'provincial_admin_org' THEN 1 + floor(random() * 20)::int
                        ELSE 1 + floor(random() * 3)::int END
            FROM tenants_lao l
            JOIN LATERAL (SELECT unnest(CASE WHEN l.lao_type = 'provincial_admin_org'
                                             THEN ARRAY['hotel_fee', 'petroleum_tax', 'tobacco_tax']
                                             ELSE ARRAY['advertising'] END) AS service) s ON true
            CROSS JOIN generate_series('{start}'::date, '{end}'::date, '1 day') d
            JOIN LATERAL (SELECT unnest(ARRAY['counter', 'bank', 'statement']) AS channel) c ON true
            -- The draw depends on the LAO, the day and the channel, so the planner cannot push it down to one
            -- draw per LAO (random() in a condition on one table alone is evaluated once per row of it).
            WHERE random() + 0 * extract(doy FROM d) < (CASE l.lao_type WHEN 'provincial_admin_org' THEN 0.7
                                                                     WHEN 'special_admin_area' THEN 0.6
                                                                     WHEN 'city_municipality' THEN 0.35
                                                                     WHEN 'town_municipality' THEN 0.12
                                                                     WHEN 'subdistrict_municipality' THEN 0.04
                                                                     ELSE 0.03 END)
                                                        * (CASE c.channel WHEN 'counter' THEN 1.0
                                                                          WHEN 'bank' THEN 0.6 ELSE 0.4 END)
        """)
        cursor.execute("""
            INSERT INTO oversight_revenuemonth (lao_id, service, channel, month, fiscal_year, amount, payments)
            SELECT lao_id, service, channel, date_trunc('month', day)::date,
                   extract(year FROM day)::int + 543 + CASE WHEN extract(month FROM day) >= 10 THEN 1 ELSE 0 END,
                   sum(amount), sum(payments)
            FROM oversight_revenuechannelday GROUP BY 1, 2, 3, 4, 5
        """)
        cursor.execute("""
            INSERT INTO oversight_revenuelaoyear (lao_id, service, fiscal_year, amount, payments)
            SELECT lao_id, service, fiscal_year, sum(amount), sum(payments) FROM oversight_revenuemonth GROUP BY 1, 2, 3
        """)
        cursor.execute("""
            INSERT INTO oversight_revenueareamonth (province, lao_type, service, channel, month, fiscal_year, amount,
                                                    payments)
            SELECT l.province_id, l.lao_type, m.service, m.channel, m.month, m.fiscal_year, sum(m.amount),
                   sum(m.payments)
            FROM oversight_revenuemonth m JOIN tenants_lao l ON l.id = m.lao_id GROUP BY 1, 2, 3, 4, 5, 6
        """)
        cursor.execute("""
            INSERT INTO ledger_revenuedaily (lao_id, service, day, amount, payments)
            SELECT lao_id, service, day, sum(amount), sum(payments) FROM oversight_revenuechannelday GROUP BY 1, 2, 3
        """)
        cursor.execute(f"""
            INSERT INTO oversight_businesscount (lao_id, service, registered, pending, closed, updated_at)
            SELECT l.id, s, 10 + floor(random() * 390)::int, floor(random() * 5)::int, floor(random() * 20)::int, now()
            FROM tenants_lao l, unnest(ARRAY['hotel_fee', 'petroleum_tax', 'tobacco_tax']) s
            WHERE l.lao_type = 'provincial_admin_org'
        """)
        cursor.execute(f"""
            INSERT INTO oversight_filingmonth (lao_id, service, period, fiscal_year, deadline, should_file, filed,
                                               on_time, late)
            SELECT b.lao_id, b.service, m::date,
                   extract(year FROM m)::int + 543 + CASE WHEN extract(month FROM m) >= 10 THEN 1 ELSE 0 END,
                   (m + interval '1 month' + interval '19 days')::date, b.registered, f.filed, f.on_time,
                   f.filed - f.on_time
            FROM oversight_businesscount b
            CROSS JOIN generate_series('{start}'::date, '2026-09-01'::date, '1 month') m
            JOIN LATERAL (SELECT floor(b.registered * (0.7 + random() * 0.3))::int AS filed,
                                 floor(b.registered * (0.5 + random() * 0.2))::int AS on_time) f ON true
        """)
        cursor.execute(f"""
            INSERT INTO oversight_permitmonth (lao_id, month, fiscal_year, received, approved, refused,
                                               decided_in_time, decided_late, issued)
            SELECT l.id, m::date,
                   extract(year FROM m)::int + 543 + CASE WHEN extract(month FROM m) >= 10 THEN 1 ELSE 0 END,
                   r, a, f, a + f - late, late, a
            FROM tenants_lao l
            CROSS JOIN generate_series('{start}'::date, '2026-09-01'::date, '1 month') m
            JOIN LATERAL (SELECT 1 + floor(random() * 12)::int AS r) x ON true
            JOIN LATERAL (SELECT floor(x.r * 0.8)::int AS a, floor(x.r * 0.1)::int AS f,
                                 floor(x.r * 0.1 * random())::int AS late) y ON true
            WHERE l.lao_type <> 'provincial_admin_org' AND random() + 0 * extract(month FROM m) < 0.4
        """)
        cursor.execute("ANALYZE")
        counts = {}
        for table in ("tenants_lao", "oversight_revenuechannelday", "oversight_revenuemonth",
                      "oversight_revenueareamonth", "oversight_revenuelaoyear", "ledger_revenuedaily",
                      "oversight_filingmonth", "oversight_permitmonth", "oversight_businesscount"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


def dashboard(province=None, fiscal_year=2569):
    """What the national (or a provincial) dashboard page asks for."""
    from shared_apps.oversight import selectors as s

    return [s.revenue_summary(fiscal_year=fiscal_year, province=province),
            s.revenue_by_month(fiscal_year=fiscal_year, province=province),
            s.revenue_by_fiscal_year(province=province, years=3, until=fiscal_year),
            s.revenue_by_province(fiscal_year=fiscal_year, province=province),
            s.revenue_by_lao_type(fiscal_year=fiscal_year, province=province),
            s.revenue_by_service(fiscal_year=fiscal_year, province=province),
            s.revenue_by_channel(fiscal_year=fiscal_year, province=province),
            s.top_laos(fiscal_year=fiscal_year, province=province, limit=10),
            s.filing_summary(fiscal_year=fiscal_year, province=province),
            s.filing_by_pao(fiscal_year=fiscal_year, province=province),
            s.permits_summary(fiscal_year=fiscal_year, province=province),
            s.permits_by_month(fiscal_year=fiscal_year, province=province),
            s.onboarding_counts(province=province)]


RAW_QUERIES = [  # the money aggregates of the dashboard, from the daily rows (no roll-up)
    """SELECT sum(amount) FILTER (WHERE d.day BETWEEN %(start)s AND %(end)s), sum(payments) FILTER (WHERE d.day
       BETWEEN %(start)s AND %(end)s), sum(amount) FILTER (WHERE d.day BETWEEN %(last_start)s AND %(last_end)s),
       count(DISTINCT d.lao_id) FILTER (WHERE d.day BETWEEN %(start)s AND %(end)s)
       FROM oversight_revenuechannelday d JOIN tenants_lao l ON l.id = d.lao_id
       WHERE d.day BETWEEN %(last_start)s AND %(end)s {province}""",
    """SELECT date_trunc('month', day), sum(amount), sum(payments) FROM oversight_revenuechannelday d
       JOIN tenants_lao l ON l.id = d.lao_id WHERE d.day BETWEEN %(last_start)s AND %(end)s {province} GROUP BY 1""",
    """SELECT extract(year FROM day) + 543 + CASE WHEN extract(month FROM day) >= 10 THEN 1 ELSE 0 END, sum(amount)
       FROM oversight_revenuechannelday d JOIN tenants_lao l ON l.id = d.lao_id
       WHERE d.day BETWEEN %(first_start)s AND %(end)s {province} GROUP BY 1""",
    """SELECT l.province_id, sum(amount), sum(payments), count(DISTINCT l.id) FROM oversight_revenuechannelday d
       JOIN tenants_lao l ON l.id = d.lao_id WHERE d.day BETWEEN %(start)s AND %(end)s {province} GROUP BY 1""",
    """SELECT l.lao_type, sum(amount), sum(payments), count(DISTINCT l.id) FROM oversight_revenuechannelday d
       JOIN tenants_lao l ON l.id = d.lao_id WHERE d.day BETWEEN %(start)s AND %(end)s {province} GROUP BY 1""",
    """SELECT d.service, sum(amount), sum(payments), count(DISTINCT l.id) FROM oversight_revenuechannelday d
       JOIN tenants_lao l ON l.id = d.lao_id WHERE d.day BETWEEN %(start)s AND %(end)s {province} GROUP BY 1""",
    """SELECT d.channel, sum(amount), sum(payments) FROM oversight_revenuechannelday d
       JOIN tenants_lao l ON l.id = d.lao_id WHERE d.day BETWEEN %(start)s AND %(end)s {province} GROUP BY 1""",
    """SELECT l.id, coalesce(sum(d.amount), 0) AS total FROM tenants_lao l LEFT JOIN oversight_revenuechannelday d
       ON d.lao_id = l.id AND d.day BETWEEN %(start)s AND %(end)s WHERE l.status = 'active' {province}
       GROUP BY l.id ORDER BY total DESC LIMIT 10""",
    """SELECT l.id, coalesce(sum(d.amount), 0) AS total FROM tenants_lao l LEFT JOIN oversight_revenuechannelday d
       ON d.lao_id = l.id AND d.day BETWEEN %(start)s AND %(end)s WHERE l.status = 'active' {province}
       GROUP BY l.id ORDER BY total ASC LIMIT 10""",
]


def raw_money(province=None, fiscal_year=2569):
    from django.db import connection

    year = fiscal_year - 543
    params = {"start": f"{year - 1}-10-01", "end": f"{year}-09-30", "last_start": f"{year - 2}-10-01",
              "last_end": f"{year - 1}-09-30", "first_start": f"{year - 3}-10-01", "province": province}
    where = "AND l.province_id = %(province)s" if province else ""
    with connection.cursor() as cursor:
        for sql in RAW_QUERIES:
            cursor.execute(sql.format(province=where), params)
            cursor.fetchall()


def rollup_money(province=None, fiscal_year=2569):
    from shared_apps.oversight import selectors as s

    return [s.revenue_summary(fiscal_year=fiscal_year, province=province),
            s.revenue_by_month(fiscal_year=fiscal_year, province=province),
            s.revenue_by_fiscal_year(province=province, years=3, until=fiscal_year),
            s.revenue_by_province(fiscal_year=fiscal_year, province=province),
            s.revenue_by_lao_type(fiscal_year=fiscal_year, province=province),
            s.revenue_by_service(fiscal_year=fiscal_year, province=province),
            s.revenue_by_channel(fiscal_year=fiscal_year, province=province),
            s.top_laos(fiscal_year=fiscal_year, province=province, limit=10)]


def timed(label, function, runs):
    function()  # warm: caches, plans
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    print(f"  {label:<58} median {median:8.1f} ms   p95 {p95:8.1f} ms", flush=True)
    return median, p95


def run(args):
    from django.conf import settings
    from django.test import Client
    from rest_framework.settings import api_settings

    api_settings.DEFAULT_THROTTLE_RATES["open_data"] = None  # the bench calls faster than any caller may
    started = time.perf_counter()
    counts = fill(args.seed)
    print(f"Filled in {time.perf_counter() - started:.0f} s: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)

    def api(group_by, province=None):
        def call():
            params = {"fiscal_year": 2569, "group_by": group_by, **({"province": province} if province else {})}
            answer = client.get("/api/reports/revenue/", params)
            assert answer.status_code == 200, answer.content[:300]
        return call

    print(f"Fiscal year 2569, {args.runs} runs each:")
    results = {
        "national dashboard (13 selectors)": timed("national dashboard (13 selectors, roll-ups)",
                                                   dashboard, args.runs),
        "provincial dashboard": timed("provincial dashboard, Chiang Mai (13 selectors)",
                                      lambda: dashboard(province="50"), args.runs),
        "api province": timed("GET /api/reports/revenue/?group_by=province", api("province"), args.runs),
        "api lao": timed("GET /api/reports/revenue/?group_by=lao (all LAOs)", api("lao"), args.runs),
        "api month chiang mai": timed("GET /api/reports/revenue/?province=50 (by month)", api("month", "50"),
                                      args.runs),
        "money rollup national": timed("money aggregates, national, from the roll-up", rollup_money, args.runs),
        "money raw national": timed("money aggregates, national, from raw daily rows", raw_money, args.runs),
        "money rollup province": timed("money aggregates, Chiang Mai, from the roll-up",
                                       lambda: rollup_money(province="50"), args.runs),
        "money raw province": timed("money aggregates, Chiang Mai, from raw daily rows",
                                    lambda: raw_money(province="50"), args.runs),
    }
    print("National dashboard, each selector (median of the runs):")
    from shared_apps.oversight import selectors as s

    parts = {"revenue_summary": lambda: s.revenue_summary(fiscal_year=2569),
             "revenue_by_month": lambda: s.revenue_by_month(fiscal_year=2569),
             "revenue_by_fiscal_year": lambda: s.revenue_by_fiscal_year(years=3, until=2569),
             "revenue_by_province": lambda: s.revenue_by_province(fiscal_year=2569),
             "revenue_by_lao_type": lambda: s.revenue_by_lao_type(fiscal_year=2569),
             "revenue_by_service": lambda: s.revenue_by_service(fiscal_year=2569),
             "revenue_by_channel": lambda: s.revenue_by_channel(fiscal_year=2569),
             "top_laos": lambda: s.top_laos(fiscal_year=2569, limit=10),
             "filing_summary": lambda: s.filing_summary(fiscal_year=2569),
             "filing_by_pao": lambda: s.filing_by_pao(fiscal_year=2569),
             "permits_summary": lambda: s.permits_summary(fiscal_year=2569),
             "permits_by_month": lambda: s.permits_by_month(fiscal_year=2569),
             "onboarding_counts": lambda: s.onboarding_counts()}
    for name, function in parts.items():
        timed(name, function, max(3, args.runs // 3))
    national = results["money raw national"][0] / results["money rollup national"][0]
    provincial = results["money raw province"][0] / results["money rollup province"][0]
    print(f"Raw daily rows / roll-up (median): national ×{national:.1f}, provincial ×{provincial:.1f}")


if __name__ == "__main__":
    main()
