"""Benchmarks for the platform foundation; figures and ratios, never pass/fail.

    make bench            (or: .venv/bin/python bench/run.py [--onboard N])

Runs in a scratch database `bench_localservice` on the configured server (the
embedded one without DATABASE_URL), dropped at the end. Measures, in one run:

1. importing the full DLA registry (7,849 LAOs), and re-importing it;
2. onboarding a LAO by cloning its type's template vs django-tenants' default
   (a fresh schema built by running every migration);
3. tenant resolution per request: our cached middleware vs django-tenants'
   TenantMainMiddleware (one query per request);
4. landing-page search latency over the full registry (paginated page vs the
   same query rendering every match unpaginated).
"""
import argparse
import statistics
import time
from pathlib import Path

from scratch import scratch_database

from django.conf import settings

BENCH_DB = "bench_localservice"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--onboard", type=int, default=5, help="LAOs onboarded per method (default 5)")
    parser.add_argument("--requests", type=int, default=3000, help="requests for the resolution benchmark")
    args = parser.parse_args()

    with scratch_database(BENCH_DB):
        run(args)


def run(args):
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, RequestFactory
    from django_tenants.middleware.main import TenantMainMiddleware

    from shared_apps.geography.services import geography_load
    from tenants.middleware import LAOTenantMiddleware
    from tenants.models import LAO, LAOType
    from tenants.services import onboard_lao, registry_import

    data = Path(settings.SHARED_DATA_DIR)
    geography_load(provinces_path=data / "provinces.json", districts_path=data / "districts.json")

    # 1. Registry import
    first, report = timed(registry_import, path=data / "lao-registry.json")
    again, report2 = timed(registry_import, path=data / "lao-registry.json")
    print("\n1. Registry import (lao-registry.json)")
    print(f"   first import   {first:7.2f} s  ({report})  {report.created / first:,.0f} LAOs/s")
    print(f"   re-import      {again:7.2f} s  ({report2})")

    # 2. Onboarding: template clone vs django-tenants' default schema build
    n = args.onboard
    saos = list(LAO.objects.filter(lao_type=LAOType.SAO).order_by("dla_code")[: 2 * n + 1])
    paos = list(LAO.objects.filter(lao_type=LAOType.PAO).order_by("dla_code")[: 2 * n + 1])
    warm, _ = timed(onboard_lao, lao=saos.pop())  # builds the SAO template
    warm_pao, _ = timed(onboard_lao, lao=paos.pop())  # builds the PAO template
    clone_times, default_times = [], []
    for lao in saos[:n] + paos[:n]:
        seconds, _ = timed(onboard_lao, lao=lao)
        clone_times.append(seconds)
    for lao in saos[n:] + paos[n:]:
        # django-tenants' default: CREATE SCHEMA then run every migration in it.
        seconds, _ = timed(lao.create_schema, check_if_exists=True, verbosity=0)
        default_times.append(seconds)
    # django-tenants' own template route (TENANT_BASE_SCHEMA): its generic clone_schema() SQL function.
    from django_tenants.clone import CloneSchema

    from tenants.schemas import template_schema_name

    generic_times = []
    for index in range(n):
        seconds, _ = timed(CloneSchema().clone_schema, template_schema_name(LAOType.SAO), f"bench_generic_{index}")
        generic_times.append(seconds)
    connection.set_schema_to_public()
    clone, default = statistics.median(clone_times), statistics.median(default_times)
    generic = statistics.median(generic_times)
    print(f"\n2. Onboarding one LAO (median of {len(clone_times)} each; first template builds: "
          f"SAO {warm:.2f} s, PAO {warm_pao:.2f} s)")
    print(f"   clone of the type's template (ours, incl. domain + records)  {clone * 1000:8.1f} ms")
    print(f"   django-tenants clone_schema() of the same template (schema only) {generic * 1000:3.1f} ms")
    print(f"   django-tenants default (every migration)                    {default * 1000:8.1f} ms")
    print(f"   ratio default / clone: {default / clone:.1f}×  → 7,849 LAOs: {7849 * clone / 60:.1f} min "
          f"vs {7849 * default / 60:.1f} min")

    # 3. Tenant resolution per request
    host = saos[0].host
    factory = RequestFactory()
    ours = LAOTenantMiddleware(lambda request: None)
    theirs = TenantMainMiddleware(lambda request: None)
    cache.clear()

    def resolve(middleware, count):
        start = time.perf_counter()
        for _ in range(count):
            middleware.process_request(factory.get("/", HTTP_HOST=host))
        return count / (time.perf_counter() - start)

    resolve(ours, 50), resolve(theirs, 50)  # warm up
    ours_rate, theirs_rate = resolve(ours, args.requests), resolve(theirs, args.requests)
    connection.set_schema_to_public()
    print(f"\n3. Tenant resolution ({args.requests} requests for {host})")
    print(f"   cached host look-up (ours)          {ours_rate:10,.0f} resolutions/s")
    print(f"   django-tenants, 1 query per request {theirs_rate:10,.0f} resolutions/s")
    print(f"   ratio: {ours_rate / theirs_rate:.1f}×")

    client = Client()
    queries = ["กาญจนา", "หนอง", "บ้าน", "แพร่", "อบต.นา", "3200408", "chiang", ""]
    from shared_apps.portal import views

    def search_times(page_size, rounds):
        views.PAGE_SIZE, saved = page_size, views.PAGE_SIZE
        try:
            times = []
            for _ in range(rounds):
                for q in queries:
                    seconds, response = timed(client.get, "/", {"q": q}, HTTP_HOST="localhost")
                    assert response.status_code == 200
                    times.append(seconds)
            return times
        finally:
            views.PAGE_SIZE = saved

    page_times = search_times(20, 15)
    all_times = search_times(100_000, 2)  # the obvious alternative: one page with every match
    print(f"\n4. Landing search over {LAO.objects.count():,} LAOs ({len(page_times)} requests, "
          f"{len(queries)} queries incl. empty)")
    print(f"   paginated page (20)   median {statistics.median(page_times) * 1000:6.1f} ms   "
          f"p95 {percentile(page_times, 0.95) * 1000:6.1f} ms")
    print(f"   every match rendered  median {statistics.median(all_times) * 1000:6.1f} ms   "
          f"p95 {percentile(all_times, 0.95) * 1000:6.1f} ms")
    print(f"   ratio: {statistics.median(all_times) / statistics.median(page_times):.1f}×")
    api_times = [timed(client.get, "/api/laos/", {"q": q}, HTTP_HOST="localhost")[0] for q in queries * 5]
    print(f"   /api/laos/ median {statistics.median(api_times) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
