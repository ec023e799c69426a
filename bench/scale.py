"""National scale on one PostgreSQL: figures and ratios, never pass/fail.

    .venv/bin/python bench/scale.py                 # a few hundred LAOs (make bench)
    .venv/bin/python bench/scale.py --all           # all 7,849 LAOs (≈14 GB of catalog, half an hour or more)
    .venv/bin/python bench/scale.py --all --keep    # … and keep the database for
    .venv/bin/python bench/scale.py --reuse         # the routing part again, on it

In a scratch database `bench_scale` on the configured server (dropped at the end unless
--keep), one run measures:

1. the raw DDL floor — the template schema's own pg_dump script run through psql, one
   transaction per copy — with an almost empty catalog and again once N LAOs exist;
2. bulk onboarding of N LAOs (parallel workers): time per LAO at the start and at the end,
   against the floor;
3. catalog and database size;
4. migrate_schemas with nothing to apply, and with a one-column migration (a nullable
   column on a tenant model), over all N, against django-tenants' executor per schema
   (measured on a sample here, with Django's own has_table check);
5. routing under gunicorn (2 workers, DEBUG off): a light LAO page on one host, and roaming
   over every onboarded host, with connections per request (CONN_MAX_AGE=0), persistent
   and recycled (ours), and persistent never recycled; the PostgreSQL backends' private
   memory after each. The workers share a throw-away redis-server as their cache, as in
   production (local memory per worker without one); each configuration first roams with the
   cache flushed (every LAO's first visit), then visits every host once, then measures.
   Needs `wrk` (Debian package) on the PATH; skipped without it.
"""
import argparse
import contextlib
import logging
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from scratch import ROOT, scratch_database

from django.conf import settings

BENCH_DB = "bench_scale"


def main():
    global BENCH_DB
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--laos", type=int, default=300, help="LAOs to onboard (default 300)")
    parser.add_argument("--all", action="store_true", help="all 7,849 LAOs of the registry")
    parser.add_argument("--workers", type=int, default=2, help="parallel connections (default 2: the cores here)")
    parser.add_argument("--window", type=int, default=40, help="SAOs onboarded one at a time at the start and "
                        "at the end, in batches of 10 paired with the raw DDL floor (default 40)")
    parser.add_argument("--routing-seconds", type=int, default=20,
                        help="seconds of load per routing configuration and host pattern (default 20)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true",
                        help="only the routing part, on the database a --keep run left")
    parser.add_argument("--rounds", type=int, default=5, help="alternating routing rounds per comparison")
    parser.add_argument("--database", default=BENCH_DB, help=f"scratch database name (default {BENCH_DB})")
    args = parser.parse_args()
    BENCH_DB = args.database
    if args.reuse:
        run_routing_only(args)
        return
    if args.keep:
        run_kept(args)
        return
    with scratch_database(BENCH_DB):
        run(args)


def run_kept(args):
    import django

    settings.DATABASES["default"]["TEST"] = {"NAME": BENCH_DB}
    django.setup()
    from django.db import connection

    print(f"Creating scratch database {BENCH_DB} (kept) …", flush=True)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    run(args)


def run_routing_only(args):
    import django

    settings.DATABASES["default"]["NAME"] = BENCH_DB
    django.setup()
    from tenants.models import LAO

    hosts = list(LAO.objects.filter(status="active").order_by("dla_code").values_list("hostname", "lao_type"))
    print(f"Routing on the kept database {BENCH_DB}: {len(hosts):,} onboarded LAOs, "
          f"{catalog_relations():,} relations in the catalog")
    routing(args, [(f"{host}.{settings.BASE_DOMAIN}", lao_type) for host, lao_type in hosts])


def run(args):
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    import tenants.apps
    from shared_apps.geography.services import geography_load
    from tenants import schemas
    from tenants.models import LAO, LAOType
    from tenants.schema_migrations import migrate_with_executor
    from tenants.services import onboard_laos, registry_import

    logging.getLogger("tenants").setLevel(logging.WARNING)  # not a line per LAO onboarded
    data = Path(settings.SHARED_DATA_DIR)
    geography_load(provinces_path=data / "provinces.json", districts_path=data / "districts.json")
    registry_import(path=data / "lao-registry.json")
    everyone = list(LAO.objects.order_by("dla_code").values_list("pk", flat=True))
    n = len(everyone) if args.all else min(args.laos, len(everyone))
    step = len(everyone) / n
    chosen = [everyone[int(index * step)] for index in range(n)]  # every type, every region
    for lao_type in (LAOType.PAO, LAOType.SAO):
        schemas.ensure_template(lao_type)
    print(f"\nNational scale: {n:,} of {len(everyone):,} LAOs, {args.workers} workers, "
          f"PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} CPUs")

    # 1–2. onboarding: a window at the start and one at the end, serial and paired batch by batch with the
    # raw DDL floor (so both see the same machine), the rest in parallel workers.
    template = schemas.template_schema_name(LAOType.SAO)
    saos = list(LAO.objects.filter(pk__in=chosen, lao_type=LAOType.SAO).order_by("dla_code")
                .values_list("pk", flat=True))
    size = min(args.window, len(saos) // 4)
    start_window, end_window = saos[:size], saos[-size:]
    relations_start = catalog_relations()
    started = time.perf_counter()
    onboard_start, floor_start = paired_window(start_window, template, "start")
    middle = LAO.objects.filter(pk__in=chosen).exclude(pk__in=start_window + end_window)
    bulk_started = time.perf_counter()
    report = onboard_laos(laos=middle, workers=args.workers)
    bulk = time.perf_counter() - bulk_started
    relations_before_end = catalog_relations()
    onboard_end, floor_end = paired_window(end_window, template, "end")
    total = time.perf_counter() - started
    floor = (floor_start + floor_end) / 2
    print(f"\n1–2. Onboarding {n:,} LAOs (bulk part: {report})")
    print(f"   total                     {total / 60:8.1f} min   ({total / n * 1000:6.1f} ms per LAO; the "
          f"{n - 2 * size:,} in the middle with {args.workers} workers: {bulk / max(1, n - 2 * size) * 1000:.1f} ms "
          f"per LAO)")
    print(f"   one SAO at a time, first {size}: {onboard_start * 1000:7.1f} ms per LAO   raw DDL floor "
          f"{floor_start * 1000:6.1f} ms   ({onboard_start / floor_start:.2f}× the floor; "
          f"{relations_start:,} relations in the catalog)")
    print(f"   one SAO at a time, last {size}:  {onboard_end * 1000:7.1f} ms per LAO   raw DDL floor "
          f"{floor_end * 1000:6.1f} ms   ({onboard_end / floor_end:.2f}× the floor; "
          f"{relations_before_end:,} relations)")
    print(f"   per LAO at the end / at the start: {onboard_end / onboard_start:.2f}× "
          f"(the floor's own: {floor_end / floor_start:.2f}×)")
    print(f"   the country's onboarding / its raw DDL floor: {total / (n * floor):.2f}× "
          f"({total / 60:.1f} min vs {n * floor / 60:.1f} min of pg_dump scripts one after another)")

    # 3. catalog and database size
    relations = catalog_relations()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    print(f"\n3. Catalog: {relations:,} relations in pg_class ({(relations - relations_start) / n:.0f} per LAO); "
          f"database {size / 2**30:.2f} GB ({size / n / 2**20:.2f} MB per LAO, no data)")

    # 4. migrations over every schema
    sample = list(LAO.objects.filter(pk__in=chosen, lao_type=LAOType.SAO).order_by("dla_code")[:3])
    django_has_table = tenants.apps._django_has_table
    ours_has_table = MigrationRecorder.has_table

    def executor_per_schema(laos, has_table):
        MigrationRecorder.has_table = has_table
        try:
            times = []
            for lao in laos:
                start = time.perf_counter()
                migrate_with_executor(schema=lao.schema_name, lao_type=lao.lao_type)
                times.append(time.perf_counter() - start)
            return statistics.median(times)
        finally:
            MigrationRecorder.has_table = ours_has_table

    noop, _ = timed(call_command, "migrate_schemas", "--tenant", "--workers", str(args.workers), verbosity=0)
    noop_django = executor_per_schema(sample, django_has_table)
    noop_by_name = executor_per_schema(sample, ours_has_table)
    print(f"\n4. migrate_schemas over {n:,} schemas")
    print(f"   nothing to apply (ours)             {noop:8.1f} s")
    print(f"   django-tenants' executor per schema {noop_django * 1000:8.0f} ms  → {n * noop_django / 60:.1f} min "
          f"for {n:,} ({n * noop_django / noop:.0f}× ours); with has_table by name {noop_by_name * 1000:.0f} ms "
          f"→ {n * noop_by_name / 60:.1f} min")
    from tests.extra_migration import extra_migration

    with extra_migration():
        column_django = executor_per_schema(sample, django_has_table)  # these three are then current
        column, _ = timed(call_command, "migrate_schemas", "--tenant", "--workers", str(args.workers), verbosity=0)
        column_noop, _ = timed(call_command, "migrate_schemas", "--tenant", "--workers", str(args.workers),
                               verbosity=0)
    print(f"   one-column migration (ours, templates first, {n - len(sample):,} replayed) "
          f"{column:8.1f} s  ({column / max(1, n - len(sample)) * 1000:.1f} ms per schema)")
    print(f"   django-tenants' executor per schema {column_django * 1000:8.0f} ms  → "
          f"{n * column_django / 60:.1f} min for {n:,} ({n * column_django / column:.0f}× ours)")
    print(f"   then nothing to apply again         {column_noop:8.1f} s")

    # 5. routing and backend memory
    hosts = list(LAO.objects.filter(pk__in=chosen).order_by("dla_code").values_list("hostname", "lao_type"))
    routing(args, [(f"{host}.{settings.BASE_DOMAIN}", lao_type) for host, lao_type in hosts])


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def catalog_relations():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class")
        return cursor.fetchone()[0]


def _libpq_env():
    database = settings.DATABASES["default"]
    env = dict(os.environ, PGDATABASE=database["NAME"], PGUSER=database.get("USER") or "postgres",
               PGOPTIONS="-c client_min_messages=warning")
    if database.get("HOST"):
        env["PGHOST"] = database["HOST"]
    if database.get("PORT"):
        env["PGPORT"] = str(database["PORT"])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def _tool(name):
    """psql/pg_dump: the embedded server's own (same version) when it is the one in use, else the PATH's."""
    import pgserver

    bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
    if str(settings.DATABASES["default"].get("HOST", "")).startswith("/") and bundled.exists():
        return str(bundled)
    return shutil.which(name) or (str(bundled) if bundled.exists() else name)


def paired_window(pks, template, tag, batch=10):
    """Median seconds per LAO of serial onboarding and of the raw DDL floor, measured batch by batch in turn."""
    from django.db import connection

    from tenants.models import LAO
    from tenants.services import onboard_lao

    onboarding, floor = [], []
    for index in range(0, len(pks), batch):
        chunk = pks[index:index + batch]
        floor.append(ddl_floor(template, len(chunk), f"{tag}_{index}"))
        start = time.perf_counter()
        for lao in LAO.objects.filter(pk__in=chunk):
            onboard_lao(lao=lao)
        onboarding.append((time.perf_counter() - start) / len(chunk))
        connection.set_schema_to_public()
    return statistics.median(onboarding), statistics.median(floor)


def ddl_floor(template: str, copies: int, tag: str) -> float:
    """Seconds per schema for the template's own pg_dump script run through one psql session."""
    env = _libpq_env()
    dump = subprocess.run([_tool("pg_dump"), "--schema", template, "--no-owner", "--no-privileges"],
                          env=env, capture_output=True, text=True, check=True).stdout
    pattern = re.compile(rf"\b{re.escape(template)}\b")
    names = [f"floor_{tag}_{index}" for index in range(copies)]
    script = "".join(f"BEGIN;\n{pattern.sub(name, dump)}\nCOMMIT;\n" for name in names)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write(script)
    try:
        start = time.perf_counter()
        subprocess.run([_tool("psql"), "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", handle.name], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        seconds = (time.perf_counter() - start) / copies
    finally:
        os.unlink(handle.name)
        drop = "".join(f'DROP SCHEMA "{name}" CASCADE;\n' for name in names)
        subprocess.run([_tool("psql"), "-q", "-X", "-c", drop], env=env, check=False, stdout=subprocess.DEVNULL)
    return seconds


def routing(args, hosts):
    """Throughput of a light LAO page, one host against roaming, in alternating rounds (the machine's other
    load falls on both alike), and the backends' private memory after each round.

    The same page: an SAO's home (the commonest type) on one SAO host, and roaming over every SAO host;
    roaming over every host of every type is shown beside (PAO and municipal pages differ a little).
    """
    wrk = shutil.which("wrk")
    if wrk is None:
        print("\n5. Routing: skipped (install Debian's `wrk` to measure it)")
        return
    never = {"DB_CONN_MAX_REQUESTS": "1000000000", "DB_CONN_MAX_SCHEMAS": "1000000000"}
    configurations = [
        ("new connection per request (CONN_MAX_AGE=0)", {"CONN_MAX_AGE": "0"}),
        ("persistent, recycled (ours)", {"CONN_MAX_AGE": "600"}),
        ("persistent, never recycled", {"CONN_MAX_AGE": "600", **never}),
    ]
    saos = [host for host, lao_type in hosts if lao_type == "subdistrict_admin_org"]
    every = [host for host, _type in hosts]
    seconds = max(2, args.routing_seconds // args.rounds)
    print(f"\n5. Routing: GET / of a LAO site under gunicorn (2 workers, DEBUG off), wrk 2 threads × 8 "
          f"connections; {args.rounds} alternating rounds of {seconds} s: one SAO host, roaming over "
          f"{len(saos):,} SAO hosts and over all {len(every):,} hosts (a random one per request); medians")
    folder = Path(tempfile.mkdtemp(prefix="bench-routing-"))
    scripts = {}
    for name, group in (("one", saos[:1]), ("saos", saos), ("every", every)):
        (folder / f"{name}.txt").write_text("\n".join(group) + "\n")
        scripts[name] = folder / f"{name}.lua"
        scripts[name].write_text(ROAM_LUA.replace("HOSTS_FILE", str(folder / f"{name}.txt")))
    rates, cold = {}, {}
    try:
        with redis_cache() as cache_url:
            print("   cache: " + ("Redis (as in production), shared by the workers" if cache_url else
                                  "local memory per worker (no redis-server on the PATH)"))
            for label, extra in configurations:
                with gunicorn({**extra, **({"CACHE_URL": cache_url} if cache_url else {})}) as port:
                    wrk_rate(wrk, scripts["one"], port, 2)  # warm the workers up
                    # Each LAO's first visit: its home's content not cached yet (a new backend's first
                    # touch of the LAO's tables); then one visit to every host, as a day's traffic leaves it.
                    if cache_url:
                        flush_cache(cache_url)
                        cold[label] = (wrk_rate(wrk, scripts["every"], port, seconds),
                                       max(backend_private_memory(settings.DATABASES["default"]["NAME"]), default=0))
                    visit_every_host(port, every)
                    measured, memory = {name: [] for name in scripts}, []
                    for _round in range(args.rounds):
                        for name in scripts:
                            measured[name].append(wrk_rate(wrk, scripts[name], port, seconds))
                        memory.append(max(backend_private_memory(settings.DATABASES["default"]["NAME"]),
                                          default=0))
                rates[label] = {name: statistics.median(values) for name, values in measured.items()}
                one, roam_saos, roam_every = rates[label]["one"], rates[label]["saos"], rates[label]["every"]
                print(f"   {label}\n      one host {one:7.1f} req/s   roaming SAOs {roam_saos:7.1f} req/s "
                      f"({roam_saos / one:.2f}×)   roaming all {roam_every:7.1f} req/s ({roam_every / one:.2f}×)"
                      + (f"\n      roaming all, before any home was cached: {cold[label][0]:7.1f} req/s "
                         f"({cold[label][0] / one:.2f}×), largest backend's private memory after it "
                         f"{cold[label][1] / 1024:.1f} MB" if label in cold else "")
                      + "\n      largest backend's private memory after each round: "
                      + ", ".join(f"{kb / 1024:.1f}" for kb in memory) + " MB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ours, fresh = rates[configurations[1][0]], rates[configurations[0][0]]
    print(f"   roaming / one host (ours): {ours['saos'] / ours['one']:.2f}× over the SAOs, "
          f"{ours['every'] / ours['one']:.2f}× over every host;  ours / a new connection per request, "
          f"roaming: {ours['saos'] / fresh['saos']:.2f}×")


ROAM_LUA = """
local hosts = {}
for line in io.lines("HOSTS_FILE") do hosts[#hosts + 1] = line end
init = function(args) math.randomseed(os.time() + math.floor(os.clock() * 1000000)) end
request = function()
  return wrk.format("GET", "/", {["Host"] = hosts[math.random(#hosts)]})
end
"""


@contextlib.contextmanager
def redis_cache():
    """A throw-away redis-server for the workers' shared cache, as production has; None without one."""
    server_binary = shutil.which("redis-server")
    if server_binary is None:
        yield None
        return
    port = _free_port()
    server = subprocess.Popen([server_binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port)
        yield f"rediscache://127.0.0.1:{port}/1"
    finally:
        server.terminate()
        server.wait(timeout=30)


def flush_cache(cache_url):
    import redis

    redis.Redis.from_url(cache_url.replace("rediscache://", "redis://")).flushdb()


def visit_every_host(port, hosts):
    """GET / once on every host (8 at a time), so each LAO's home has been served once."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    def visit(chunk):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for host in chunk:
            connection.request("GET", "/", headers={"Host": host})
            connection.getresponse().read()
        connection.close()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(visit, [hosts[start::8] for start in range(8)]))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(extra):
    database = settings.DATABASES["default"]
    url = (f"postgres://{database.get('USER') or 'postgres'}:{database.get('PASSWORD') or ''}@"
           f"{database.get('HOST') or ''}:{database.get('PORT') or 5432}/{database['NAME']}")
    if str(database.get("HOST", "")).startswith("/"):  # the embedded server's socket folder
        url = f"postgres://{database.get('USER') or 'postgres'}@{quote(database['HOST'], safe='')}/{database['NAME']}"
    port = _free_port()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench_settings", DATABASE_URL=url, **extra)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "bench")]
                                        + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "localservice.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--log-level", "warning"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def wrk_rate(wrk, script, port, seconds):
    result = subprocess.run([wrk, "-t2", "-c8", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}/"],
                            capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
    if errors:
        print(f"   ({errors.group(1)} responses were not 2xx/3xx)")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1))


def _wait_for(port):
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def backend_private_memory(database_name):
    """Private (not shared-buffer) memory of each client backend on the bench database, in kB."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
                       "AND backend_type = 'client backend'", [database_name])
        pids = [pid for (pid,) in cursor.fetchall()]
    sizes = []
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue  # another machine, or not ours to read
        sizes.append(sum(int(value) for value in re.findall(r"^Private_(?:Clean|Dirty):\s+(\d+) kB", text, re.M)))
    return sizes


if __name__ == "__main__":
    main()
