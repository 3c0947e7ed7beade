"""A partner's sync, timed in-process (Django test client, the whole middleware stack) on whatever database
DATABASE_URL names; intended for the `large` demo data set on PostgreSQL (see bench/README.md):

- a full copy: every list a key with every read scope (contracts:read too) may see, page size 500, following `next`;
- the same full copy from a bulk export (docs/api.md, "Starting from a bulk export"): ask for one (the Celery job
  runs at once here, as in tests: eager), read its status, download every NDJSON file and parse every record;
- a feed catch-up: 10,000 changes (saves of milestones, risks and benefits, each one feed entry) made after a
  position, then read from it to the end, at page size 500 and 1,000.

Prints the median and minimum time over the runs, and the number of requests and rows.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digital_office.settings.test")


def full_copy(client, lists):
    requests = rows = 0
    for url in lists.values():
        params = {"page_size": 500}
        while url:
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            data = response.json()
            requests += 1
            rows += len(data["results"])
            url, params = data["next"], {}
    return requests, rows


def export_copy(client):
    """A full copy from a bulk export: (requests, rows, seconds the job took)."""
    import gzip
    import json

    response = client.post("/api/v1/exports/", {}, content_type="application/json")
    assert response.status_code == 202, response.content[:300]
    export = client.get(response["Location"]).json()
    assert export["status"] == "ready", export
    requests, rows = 2, 0
    for file in export["files"]:
        if file["format"] != "ndjson":
            continue
        download = client.get(file["url"])
        assert download.status_code == 200
        requests += 1
        rows += sum(1 for line in gzip.decompress(b"".join(download.streaming_content)).splitlines()
                    if json.loads(line))
    return requests, rows


def catch_up(client, after, page_size):
    requests = entries = 0
    while True:
        response = client.get("/api/v1/changes/", {"after": after, "page_size": page_size})
        assert response.status_code == 200, response.content[:300]
        data = response.json()
        requests += 1
        entries += len(data["results"])
        after = data["next_after"]
        if not data["has_more"]:
            return requests, entries


def timed(runs, work):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), result


def main():
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    from core import services
    from core.models import Change
    from core.policies import SYSTEM
    from core.scopes import FEED_SCOPES
    from councils.models import PartnerOrganisation
    from initiatives.models import Benefit, Milestone, Risk

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--changes", type=int, default=10_000)
    args = parser.parse_args()
    setup_test_environment()

    partner = PartnerOrganisation.objects.get(slug="scottish-government")
    _key, text = services.key_create(user=SYSTEM, partner=partner, name="Benchmark", scopes=list(FEED_SCOPES),
                                     rate_limit="1000000/min")
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {text}")
    lists = {kind: url for kind, url in client.get("/api/v1/").json()["lists"].items()
             if not kind.startswith("webhook")}
    print(f"database: {connection.vendor}")

    median, fastest, (requests, rows) = timed(args.runs, lambda: full_copy(client, lists))
    print(f"full copy, every list, page size 500: median {median:.1f} s, min {fastest:.1f} s, "
          f"{requests} requests, {rows} rows")
    median, fastest, (requests, rows) = timed(args.runs, lambda: export_copy(client))
    print(f"full copy from a bulk export (job, status, NDJSON downloads): median {median:.1f} s, "
          f"min {fastest:.1f} s, {requests} requests, {rows} rows")

    after = client.get("/api/v1/changes/latest/").json()["next_after"]
    before = Change.objects.count()
    share = {Milestone: args.changes * 6 // 10, Risk: args.changes * 2 // 10}
    share[Benefit] = args.changes - sum(share.values())
    started = time.perf_counter()
    with transaction.atomic():
        for model, count in share.items():
            for item in model.objects.order_by("pk")[:count]:
                item.save()
    made = Change.objects.count() - before
    print(f"made {made} changes ({', '.join(f'{n} {m.__name__.lower()}s' for m, n in share.items())}) "
          f"in {time.perf_counter() - started:.1f} s")
    for page_size in (500, 1000):
        median, fastest, (requests, entries) = timed(args.runs, lambda size=page_size: catch_up(client, after, size))
        print(f"feed catch-up of {made} changes, page size {page_size}: median {median:.2f} s, "
              f"min {fastest:.2f} s, {requests} requests, {entries} entries")


if __name__ == "__main__":
    main()
