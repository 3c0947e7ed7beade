"""`make bench`: the portal under load, with production settings, against a floor and a peer.

1. The `large` demo data set (docs/design.md §7) in its own PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/bench_large), loaded once and reused while it is there.
2. gunicorn with `digital_office.settings.bench` (production's, over http on loopback) on 127.0.0.1, with a
   stated number of workers and threads; Redis database 9 (BENCH_REDIS_URL).
3. The floor: /bench/floor/, the API's first 100 initiatives as bare `JsonResponse(list(queryset.values(...)))`;
   the peer: Datasette serving the same 2,000 rows and columns from a SQLite export (installed into its own
   virtualenv under var/bench/, so it stays out of the project's requirements).
4. Load from a separate process, bounded in time: wrk when it is installed, else a Python load generator.
5. A table per page and API endpoint: requests per second, p50 and p99 at the stated concurrency, queries per
   request (the bench settings' X-Queries header), each API endpoint's ratio to the floor and to Datasette; then
   the CSV export of every approved progress update: rows per second and the workers' memory growth, with two
   exports at once and /healthz asked meanwhile. Results as JSON in bench/results/.

    make bench                                   # or: .venv/bin/python bench/run.py --duration 10
    .venv/bin/python bench/run.py --duration 5 --only api
"""

import argparse
import concurrent.futures
import csv
import datetime
import io
import json
import os
import platform
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import regimes  # noqa: E402 (bench/ is not a package on the path when run as a script)
from bench.servers import Server, python_load, request, rss_kb, wrk  # noqa: E402

VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATASETTE_VENV = VAR / "datasette-venv"
DATASETTE_DB = VAR / "initiatives.db"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/bench_large"
DEFAULT_REDIS = "redis://127.0.0.1:6379/9"
CDO = "cdo@demo.digitaloffice.scot"
GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"
# The initiative the issue measured (116 updates in the large set).
INITIATIVE = "DO-0049"

PAGES = [  # (name, path, who)
    ("login", "/accounts/login/", None),
    ("home (dashboard)", "/", CDO),
    ("portfolio list", "/initiatives/", CDO),
    ("filtered list", "/initiatives/?rag_delivery=red&ordering=-budget", CDO),
    ("initiative page", f"/initiatives/{INITIATIVE}/", CDO),
    ("My council (Glasgow editor)", "/initiatives/my-council/", GLASGOW_EDITOR),
    ("home (Glasgow editor)", "/", GLASGOW_EDITOR),
    ("review queue", "/initiatives/review/", CDO),
    ("funding", "/funding/", CDO),
    ("strategy", "/strategy/", CDO),
    # The public part, as a citizen meets it (no cookie): issue 25 wants at least 5x the signed-in portfolio list.
    ("public portfolio (anonymous)", "/public/", None),
    ("public initiative page (anonymous)", "/public/initiatives/{public_initiative}/", None),
]
PUBLIC_PAGES = ("public portfolio (anonymous)", "public initiative page (anonymous)")
SIGNED_IN_PORTFOLIO = "portfolio list"
API = [  # (name, path)
    ("API initiatives list (100)", "/api/v1/initiatives/?page_size=100"),
    ("API one initiative", f"/api/v1/initiatives/{INITIATIVE}/"),
    ("API updates list (100)", "/api/v1/updates/?page_size=100"),
    ("API change feed (100)", "/api/v1/changes/?after={after}&page_size=100"),
    # A full page, computed at every read (the feed has no cache): the feed's latest 100 entries.
    ("API change feed page (100 entries, computed)", "/api/v1/changes/?after={page_after}&page_size=100"),
]
FLOOR = ("floor: bare JsonResponse of 100 initiatives", "/bench/floor/")
DATASETTE = (
    "peer: Datasette, the same 100 rows", "/initiatives/initiatives.json?_shape=array&_size=100&_sort=updated_at",
)
CSV_EXPORT = "/api/v1/updates/?format=csv"


def say(text):
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args, env, settings="digital_office.settings.test", check=True, capture=False):
    return subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": settings},
        check=check, text=True, capture_output=capture,
    )


def psql(database_url, sql, database="postgres"):
    server = database_url.rsplit("/", 1)[0]
    return subprocess.run(
        ["psql", f"{server}/{database}", "-tAc", sql], check=False, capture_output=True, text=True,
    )


# --- the data set ----------------------------------------------------------------------------------------------

def ensure_data(env) -> dict:
    """The large demo set in the bench database: loaded once, then reused (about 2 to 3 minutes to load)."""
    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    if psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'").stdout.strip() != "1":
        say(f"creating the database {name}")
        subprocess.run(["psql", url.rsplit("/", 1)[0] + "/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)
    manage("migrate", "--noinput", "-v", "0", env=env)
    count = psql(url, "SELECT count(*) FROM initiatives_initiative", database=name).stdout.strip()
    if count != "2000":
        say("loading the large demo data set (seed_demo --scale large --seed 1): a few minutes, once")
        started = time.monotonic()
        manage("load_reference_data", env=env, capture=True)
        manage("seed_demo", "--scale", "large", "--seed", "1", env=env, capture=True)
        say(f"  loaded in {time.monotonic() - started:.0f} s")
    else:
        say(f"reusing the large demo data set in {name}")
    counts = {}
    for table in ("initiatives_initiative", "initiatives_progressupdate", "initiatives_milestone",
                  "initiatives_participation"):
        counts[table.split("_", 1)[1]] = int(psql(url, f"SELECT count(*) FROM {table}", database=name).stdout)
    return counts


PREPARE = r"""
import json, time
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY as USER_KEY
from django.contrib.sessions.backends.db import SessionStore
from core import services, selectors
from core.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from core.models import PartnerAPIKey, User
from core.policies import SYSTEM
from core.scopes import READ_SCOPES
from core.second_factor import SESSION_KEY as SECOND_FACTOR
from councils.models import PartnerOrganisation
PartnerAPIKey.objects.filter(name="make bench").delete()
_key, text = services.key_create(user=SYSTEM, partner=PartnerOrganisation.objects.get(slug="scottish-government"),
                                 name="make bench", scopes=list(READ_SCOPES), rate_limit="100000000/min")
sessions = {}
for email in EMAILS:
    user = User.objects.get(email=email)
    session = SessionStore()
    now = int(time.time())
    session.update({USER_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash(), SECOND_FACTOR: str(user.pk),
                    SIGNED_IN_AT: now, LAST_SEEN_AT: now})
    session.create()
    sessions[email] = session.session_key
from core.models import Change
before_last = list(Change.objects.order_by("-txid", "-id").values_list("txid", "id")[100:101])
feed_page_after = "{}.{}".format(*before_last[0]) if before_last else "0.0"  # the feed's latest 100 entries follow it
print(json.dumps({"key": text, "sessions": sessions, "feed_page_after": feed_page_after}))
"""


def collect_static(env):
    """What the image's build does (production serves hashed, compressed files), redone only when a file in
    static/ or the Design System is newer than the collected manifest (it takes minutes on a busy machine)."""
    manifest = VAR / "static" / "staticfiles.json"
    sources = [ROOT / "static", ROOT / "node_modules" / "@scottish-government" / "design-system" / "dist"]
    newest = max((path.stat().st_mtime for folder in sources if folder.exists() for path in folder.rglob("*")),
                 default=0)
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return
    say("collecting static files for production settings (once)")
    manage("collectstatic", "--noinput", "-v", "0", env=env, settings="digital_office.settings.bench")


def prepare_callers(env) -> dict:
    """A partner key with every read scope, and a signed-in session (second factor used) per person."""
    code = PREPARE.replace("EMAILS", repr([CDO, GLASGOW_EDITOR]))
    result = manage("shell", "-c", code, env=env, settings="digital_office.settings.bench", capture=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def export_for_datasette(env):
    """The floor's 2,000 rows and columns, in SQLite, for Datasette."""
    code = (
        "import json; from bench.urls import FLOOR_COLUMNS; from initiatives.models import Initiative;"
        "from django.core.serializers.json import DjangoJSONEncoder;"
        "rows = list(Initiative.objects.order_by('updated_at', 'id').values(*FLOOR_COLUMNS));"
        "print(json.dumps(rows, cls=DjangoJSONEncoder))"
    )
    rows = json.loads(manage("shell", "-c", code, env=env, capture=True).stdout.strip().splitlines()[-1])
    DATASETTE_DB.unlink(missing_ok=True)
    with sqlite3.connect(DATASETTE_DB) as db:
        columns = list(rows[0])
        declared = ", ".join(column + (" INTEGER PRIMARY KEY" if column == "id" else "") for column in columns)
        db.execute(f"CREATE TABLE initiatives ({declared})")
        db.executemany(f"INSERT INTO initiatives VALUES ({', '.join('?' * len(columns))})",
                       [tuple(row[c] for c in columns) for row in rows])
        db.execute("CREATE INDEX initiatives_updated_at ON initiatives (updated_at, id)")
    return len(rows)


def ensure_datasette() -> Path | None:
    binary = DATASETTE_VENV / "bin" / "datasette"
    if binary.exists():
        return binary
    say("installing Datasette into var/bench/datasette-venv (its own virtualenv, not the project's)")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        subprocess.run([str(DATASETTE_VENV / "bin" / "pip"), "install", "--quiet", "datasette"], check=True,
                       capture_output=True)
    except subprocess.CalledProcessError as error:
        say(f"  Datasette could not be installed ({error}); the peer is left out")
        return None
    return binary


# --- load --------------------------------------------------------------------------------------------------------

def measure(base, path, headers, connections, duration) -> dict:
    url = base + path
    for _ in range(3):  # warm: caches, connections, the planner
        request(url, headers)
    status, response_headers, body, _took = request(url, headers)  # counted as a warm request
    if status != 200:
        raise RuntimeError(f"{path}: {status}")
    load = wrk if shutil.which("wrk") else python_load
    result = load(url, headers, connections, duration)
    queries = response_headers.get("X-Queries")
    return {**result, "queries": int(queries) if queries else None, "bytes": len(body),
            "connections": connections, "path": path}


class CountingReader(io.RawIOBase):
    """The response body as a stream for the csv module (a narrative may hold line breaks: rows are not lines),
    counting its bytes."""

    response = None
    size = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self.response.read(len(buffer))
        self.size += len(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)


def csv_export(base, headers, server, exports=1) -> dict:
    """Every approved progress update as CSV, `exports` at once, with /healthz asked every 0.25 s meanwhile."""
    workers = server.children()
    before = {pid: rss_kb(pid) for pid in workers}
    peak = dict(before)
    health_times, done = [], threading.Event()

    def timed_healthz():
        started = time.perf_counter()
        try:
            urllib.request.urlopen(base + "/healthz", timeout=30).read()
        except urllib.error.HTTPError as error:
            error.read()
        return time.perf_counter() - started

    def watch_timed():
        while not done.is_set():
            for pid in workers:
                peak[pid] = max(peak.get(pid, 0), rss_kb(pid))
            health_times.append(timed_healthz())
            time.sleep(0.25)

    watcher = threading.Thread(target=watch_timed, daemon=True)
    watcher.start()
    started = time.perf_counter()

    def one():
        counted = CountingReader()
        with urllib.request.urlopen(urllib.request.Request(base + CSV_EXPORT, headers=headers),
                                    timeout=600) as response:
            counted.response = response
            rows = sum(1 for _row in csv.reader(io.TextIOWrapper(counted, encoding="utf-8", newline=""))) - 1
        return rows, counted.size, time.perf_counter() - started

    with concurrent.futures.ThreadPoolExecutor(exports) as pool:
        results = list(pool.map(lambda _n: one(), range(exports)))
    done.set()
    watcher.join()
    rows, size, _ = results[0]
    took = max(r[2] for r in results)
    growth = max((peak.get(pid, 0) - before.get(pid, 0)) for pid in workers) / 1024 if workers else None
    return {
        "exports_at_once": exports, "rows": rows, "bytes": size, "seconds": round(took, 2),
        "rows_per_second": round(rows * exports / took), "worker_rss_growth_mb": round(growth, 1),
        "healthz_max_ms": round(max(health_times) * 1000) if health_times else None,
        "healthz_checks": len(health_times),
    }


# --- the run -----------------------------------------------------------------------------------------------------

def machine() -> dict:
    load = os.getloadavg()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "postgresql": postgres,
            "load_average_at_start": [round(x, 2) for x in load], "kernel": platform.release()}


def table(rows, floor_rps, peer_rps):
    header = (f"{'endpoint':<46} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'queries':>7} "
              f"{'÷floor':>7} {'÷peer':>7}")
    lines = [header, "-" * len(header)]
    for name, result in rows:
        if "error" in result:
            lines.append(f"{name:<46} {result['error']}")
            continue
        api = name.startswith("API")
        ratio_floor = f"{result['rps'] / floor_rps:.2f}" if api and floor_rps else ""
        ratio_peer = f"{result['rps'] / peer_rps:.2f}" if api and peer_rps else ""
        queries = "" if result.get("queries") is None else result["queries"]
        lines.append(
            f"{name:<46} {result['connections']:>5} {result['rps']:>8.1f} {result['p50_ms'] or 0:>8.1f} "
            f"{result['p99_ms'] or 0:>8.1f} {queries:>7} {ratio_floor:>7} {ratio_peer:>7}"
            + (f"  ({result['non_2xx']} non-2xx)" if result.get("non_2xx") else "")
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per endpoint (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections for the API (16)")
    parser.add_argument("--page-connections", type=int, default=8, help="concurrent connections for pages (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process (4)")
    parser.add_argument("--only", choices=["pages", "api", "csv"], action="append")
    parser.add_argument("--no-peer", action="store_true", help="leave Datasette out")
    parser.add_argument("--page", action="append", default=[],
                        help="only the pages whose name contains this (repeatable); the floor is then measured at "
                             "the pages' connections too, first")
    args = parser.parse_args()
    only = set(args.only or ["pages", "api", "csv"])

    VAR.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update({
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(VAR / "static"),
        "MEDIA_ROOT": str(VAR / "media"),
        "LOG_LEVEL": "INFO",
        # One load generator on one address: the public pages' per-address limit would measure itself.
        "PUBLIC_RATE_LIMIT_PER_MINUTE": "100000000",
    })
    started_at = datetime.datetime.now(datetime.UTC)
    info = machine()
    say(f"machine: {info['cores']} cores ({info['cpu']}), load average {info['load_average_at_start']}")
    counts = ensure_data(env)
    say(f"data set: {counts}")
    collect_static(env)
    published = json.loads(manage("public_publish", env=env, capture=True).stdout.strip().splitlines()[-1])
    say(f"public portfolio published for {published['period']}")
    callers = prepare_callers(env)
    key_headers = {"Authorization": f"Api-Key {callers['key']}"}

    port = free_port()
    gunicorn = Server("gunicorn", [
        str(GUNICORN), "digital_office.wsgi:application", f"--bind=127.0.0.1:{port}", f"--workers={args.workers}",
        "--worker-class=gthread", f"--threads={args.threads}", "--timeout=60", "--access-logfile=/dev/null",
    ], {**env, "DJANGO_SETTINGS_MODULE": "digital_office.settings.bench"}, port, VAR / "gunicorn.log")
    peer = computed = None
    servers = [gunicorn]
    results = {"pages": {}, "api": {}, "api_computed": {}}
    if "api" in only:  # the same server without the API's page cache: computed pages (bench/regimes.py)
        computed_port = free_port()
        computed = Server("gunicorn (no page cache)", [
            *gunicorn.command[:2], f"--bind=127.0.0.1:{computed_port}", *gunicorn.command[3:],
        ], {**gunicorn.env, "API_PAGE_CACHE": "false"}, computed_port, VAR / "gunicorn-computed.log")
        servers.append(computed)
    try:
        gunicorn.wait("/accounts/login/")
        if computed is not None:
            computed.wait("/accounts/login/")
        base = f"http://127.0.0.1:{port}"
        if "api" in only and not args.no_peer:
            datasette = ensure_datasette()
            if datasette is not None:
                say(f"exported {export_for_datasette(env)} rows to {DATASETTE_DB.relative_to(ROOT)} for Datasette")
                peer_port = free_port()
                peer = Server("datasette", [str(datasette), "serve", "-i", str(DATASETTE_DB), "-h", "127.0.0.1",
                                            "-p", str(peer_port), "--setting", "default_page_size", "100"],
                              env, peer_port, VAR / "datasette.log")
                servers.append(peer)
                peer.wait("/")

        from http.cookies import SimpleCookie  # noqa: PLC0415 (only to quote the cookie value)

        def cookie_for(email):
            if email is None:
                return {}
            cookie = SimpleCookie()
            cookie["__Host-sessionid"] = callers["sessions"][email]
            return {"Cookie": cookie.output(header="", sep=";").strip()}

        say(f"gunicorn: {args.workers} workers x {args.threads} threads (gthread), production settings (bench), "
            f"{args.duration:g} s of load per endpoint with {'wrk' if shutil.which('wrk') else 'a Python generator'}")
        rows = []
        if "pages" in only:
            if args.page:
                floor = measure(base, FLOOR[1], {}, args.page_connections, args.duration)
                results["pages"][FLOOR[0]] = floor
                rows.append((FLOOR[0], floor))
                say(table([(FLOOR[0], floor)], None, None).splitlines()[-1])
            for name, path, who in PAGES:
                if args.page and not any(part in name for part in args.page):
                    continue
                try:
                    path = path.format(public_initiative=published["first_reference"])
                    result = measure(base, path, cookie_for(who), args.page_connections, args.duration)
                except Exception as error:  # noqa: BLE001 (one failing page must not hide the rest)
                    result = {"error": repr(error)[:200]}
                results["pages"][name] = result
                rows.append((name, result))
                say(table([(name, result)], None, None).splitlines()[-1])
            signed_in_rps = results["pages"].get(SIGNED_IN_PORTFOLIO, {}).get("rps")
            for name in PUBLIC_PAGES:
                public_rps = results["pages"].get(name, {}).get("rps")
                if public_rps and signed_in_rps:
                    results["pages"][name]["ratio_to_signed_in_portfolio"] = round(public_rps / signed_in_rps, 2)
                    say(f"{name}: {public_rps / signed_in_rps:.1f}x the signed-in portfolio list's requests per second")
        floor_rps = peer_rps = None
        if "api" in only:
            after = json.loads(request(base + "/api/v1/changes/latest/", key_headers)[2])["next_after"]
            floor = measure(base, FLOOR[1], {}, args.connections, args.duration)
            floor_rps = floor["rps"]
            results["floor"] = floor
            rows.append((FLOOR[0], floor))
            say(table([(FLOOR[0], floor)], None, None).splitlines()[-1])
            if peer is not None:
                peer_result = measure(f"http://127.0.0.1:{peer.port}", DATASETTE[1], {}, args.connections,
                                      args.duration)
                peer_rps = peer_result["rps"]
                results["datasette"] = peer_result
                rows.append((DATASETTE[0], peer_result))
                say(table([(DATASETTE[0], peer_result)], None, None).splitlines()[-1])
            for name, path in API:
                try:
                    path = path.format(after=after, page_after=callers["feed_page_after"])
                    result = measure(base, path, key_headers, args.connections, args.duration)
                    result["ratio_to_floor"] = round(result["rps"] / floor_rps, 3)
                    if peer_rps:
                        result["ratio_to_datasette"] = round(result["rps"] / peer_rps, 3)
                except Exception as error:  # noqa: BLE001
                    result = {"error": repr(error)[:200]}
                results["api"][name] = result
                rows.append((name, result))
                say(table([(name, result)], floor_rps, peer_rps).splitlines()[-1])
                if computed is not None and name in regimes.COMPUTED:
                    result = regimes.measure_one(measure, f"http://127.0.0.1:{computed.port}", path, key_headers,
                                                 args.connections, args.duration, floor_rps)
                    results["api_computed"][name] = result
                    rows.append((f"{name}, computed", result))
                    say(table([(f"{name}, computed", result)], floor_rps, peer_rps).splitlines()[-1])
            results["under_writes"] = regimes.measure_under_writes(
                measure, (PYTHON, ROOT, env, VAR / "writer.log"), base, FLOOR[1], API, key_headers, args.connections,
                args.duration,
            )
        if "csv" in only:
            results["csv_export"] = [csv_export(base, key_headers, gunicorn, exports=n) for n in (1, 2)]
        say("")
        say(table(rows, floor_rps, peer_rps))
        for label, regime in results.get("under_writes", {}).items():
            say(f"\nwhile {label} ({regime['changes_per_second']} changes/s made), ratios to the floor under it:")
            regime_rows = [(f"floor, {label}", regime["floor"])]
            regime_rows += [(f"{name}, {label}", regime[name]) for name in regimes.UNDER_WRITES if name in regime]
            say(table(regime_rows, regime["floor"]["rps"], None))
        for export in results.get("csv_export", []):
            say(f"CSV export of all approved progress updates, {export['exports_at_once']} at once: "
                f"{export['rows']} rows, {export['bytes'] / 1e6:.1f} MB in {export['seconds']} s "
                f"({export['rows_per_second']} rows/s in all), "
                f"worker memory growth {export['worker_rss_growth_mb']} MB, "
                f"/healthz at most {export['healthz_max_ms']} ms ({export['healthz_checks']} checks meanwhile)")
    finally:
        for server in servers:
            server.stop()
    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    document = {
        "started_at": started_at.isoformat(), "command": " ".join(["bench/run.py", *sys.argv[1:]]),
        "machine": info, "data_set": {"scale": "large", "seed": 1, **counts},
        "server": {"gunicorn_workers": args.workers, "threads": args.threads, "worker_class": "gthread",
                   "settings": "digital_office.settings.bench (production)"},
        "load": {"tool": "wrk" if shutil.which("wrk") else "python", "duration_s": args.duration,
                 "api_connections": args.connections, "page_connections": args.page_connections},
        **results,
    }
    out = RESULTS / f"{started_at:%Y-%m-%dT%H%M%SZ}.json"
    out.write_text(json.dumps(document, indent=2) + "\n")
    say(f"\nresults: {out.relative_to(ROOT)}; load average at the end {info['load_average_at_end']}")


if __name__ == "__main__":
    main()
