"""A partner's full walk of a list, page after page (in-process, the whole middleware stack, a key with every read
scope), and what it leaves in the cache: the time of each page by quarter of the walk (flat from first to last is
the aim: within 1.5x), the page cache's keys and memory before and after, and the CSV export of the same list
(rows per second and CPU per row) against a floor measured in the same run (the same rows read with values_list
and written by the csv module, no formatting or formula check).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_xlarge REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/walk.py [--list updates] [--page-size 500] [--runs 3] [--no-csv]

Each figure is the median of `--runs` walks (or exports), taken in turn. Set REDIS_URL to measure the cache's keys
and memory (without it the cache is the process's memory and only the page times are measured).
"""

import argparse
import csv
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digital_office.settings.local")


def quarters(times):
    size = max(1, len(times) // 4)
    return [statistics.median(times[i * size:(i + 1) * size] or times[-1:]) for i in range(4)]


def redis_state():
    from django.core.cache import caches

    backend = caches["default"]
    if not hasattr(backend, "_cache"):
        return None
    client = backend._cache.get_client()
    return client.dbsize(), client.info("memory")["used_memory"]


def walk(client, url):
    """Every page from `url` on, following `next`: (wall ms, CPU ms) of each page, and the rows."""
    times, rows = [], 0
    while url:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        body = response.json()
        times.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
        rows += len(body["results"])
        url = body["next"]
    return times, rows


def csv_export(client, url):
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    size = sum(len(chunk) for chunk in response.streaming_content)
    return time.perf_counter() - started, time.process_time() - cpu, size


def csv_floor(queryset, paths):
    """The same rows as values_list tuples written by the csv module: reading and writing, nothing else."""
    started, cpu = time.perf_counter(), time.process_time()
    buffer, size = io.StringIO(), 0
    writer = csv.writer(buffer)
    chunk = []
    for row in queryset.values_list(*paths).iterator(chunk_size=500):
        chunk.append(row)
        if len(chunk) == 500:
            writer.writerows(chunk)
            size += len(buffer.getvalue().encode())
            buffer.seek(0)
            buffer.truncate()
            chunk = []
    writer.writerows(chunk)
    size += len(buffer.getvalue().encode())
    return time.perf_counter() - started, time.process_time() - cpu, size


def main():
    import django

    django.setup()
    from django.core.cache import caches
    from django.db import transaction
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import resolve

    from core import services
    from core.models import PartnerAPIKey
    from core.policies import SYSTEM
    from core.scopes import READ_SCOPES
    from councils.models import PartnerOrganisation

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", default="updates")
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-csv", action="store_true")
    args = parser.parse_args()
    setup_test_environment()

    partner = PartnerOrganisation.objects.get(slug="scottish-government")
    PartnerAPIKey.objects.filter(name="bench walk").delete()
    _key, text = services.key_create(user=SYSTEM, partner=partner, name="bench walk", scopes=list(READ_SCOPES),
                                     rate_limit="100000000/min")
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {text}")
    url = f"/api/v1/{args.list}/?page_size={args.page_size}"
    caches["default"].clear()
    walks = []
    for run in range(1, args.runs + 1):
        before = redis_state()
        times, rows = walk(client, url)
        after = redis_state()
        wall = quarters([t[0] for t in times])
        cpu = quarters([t[1] for t in times])
        walks.append((wall, cpu, len(times), rows, before, after))
        line = (f"walk {run}: {len(times)} pages, {rows} rows; page ms by quarter (wall) "
                f"{' / '.join(f'{q:.0f}' for q in wall)}, CPU {' / '.join(f'{q:.0f}' for q in cpu)}; "
                f"last/first quarter {wall[3] / wall[0]:.2f}x (CPU {cpu[3] / cpu[0]:.2f}x)")
        if before and after:
            line += (f"; cache keys {before[0]} -> {after[0]} (+{after[0] - before[0]}), "
                     f"memory +{(after[1] - before[1]) / 1e6:.1f} MB")
        print(line, flush=True)
    ratios = [w[0][3] / w[0][0] for w in walks]
    cpu_ratios = [w[1][3] / w[1][0] for w in walks]
    print(f"median of {args.runs} walks: last/first quarter {statistics.median(ratios):.2f}x wall, "
          f"{statistics.median(cpu_ratios):.2f}x CPU; first quarter {statistics.median(w[0][0] for w in walks):.0f} ms,"
          f" last {statistics.median(w[0][3] for w in walks):.0f} ms per page")

    if not args.no_csv:
        match = resolve(f"/api/v1/{args.list}/")
        view = match.func.cls(action="list", format_kwarg=None)
        queryset = view.get_queryset()
        rows_total = queryset.count()
        paths = [field.attname for field in queryset.model._meta.concrete_fields]
        exports, floors = [], []
        for run in range(1, args.runs + 1):
            took, cpu, size = csv_export(client, f"/api/v1/{args.list}/?format=csv")
            with transaction.atomic():  # a server-side cursor, as the export's
                floor_took, floor_cpu, floor_size = csv_floor(queryset.order_by("updated_at", "pk"), paths)
            exports.append((took, cpu))
            floors.append((floor_took, floor_cpu))
            print(f"CSV {run}: {rows_total} rows, {size / 1e6:.1f} MB in {took:.1f} s ({rows_total / took:,.0f} rows/s;"
                  f" CPU {cpu * 1e6 / rows_total:.0f} us/row); floor {floor_took:.1f} s "
                  f"({rows_total / floor_took:,.0f} rows/s; CPU {floor_cpu * 1e6 / rows_total:.0f} us/row)", flush=True)
        took = statistics.median(e[0] for e in exports)
        cpu = statistics.median(e[1] for e in exports)
        floor_took = statistics.median(f[0] for f in floors)
        print(f"median of {args.runs} CSV exports: {rows_total / took:,.0f} rows/s ({rows_total / cpu:,.0f} rows per "
              f"CPU second), {floor_took / took:.2f}x the floor's rate")
    PartnerAPIKey.objects.filter(name="bench walk").delete()


if __name__ == "__main__":
    main()
