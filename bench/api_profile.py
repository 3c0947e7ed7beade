"""The partner API's hot lists, in-process (Django test client, the whole middleware stack): median and minimum
time of N requests, the median CPU time of this process per request (the web side's cost, steadier than wall time
on a busy machine: the database's work is not in it), the query count, and optionally a cProfile of them.
For the `large` demo set on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_large .venv/bin/python bench/api_profile.py --runs 20
    ... --profile /tmp/api.prof --only initiatives     (then: python -m pstats /tmp/api.prof)
    ... --computed       every timed request computes its page (the PARTNER_DATA token renewed before each)

A quiet machine is not needed to compare two versions: run both in turn and compare the medians.
"""

import argparse
import cProfile
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digital_office.settings.test")

ENDPOINTS = {
    "floor": "/bench/floor/",  # bench/urls.py: the bare JsonResponse of the same 100 initiatives
    "initiatives": "/api/v1/initiatives/?page_size=100",
    "updates": "/api/v1/updates/?page_size=100",
    "initiative": "/api/v1/initiatives/{reference}/",
    "changes": "/api/v1/changes/?after={after}&page_size=100",
    "changes-page": "/api/v1/changes/?after={page_after}&page_size=100",  # the feed's latest 100 entries
}


def main():
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment

    from core import cache as portal_cache
    from core import services
    from core.models import Change, PartnerAPIKey
    from core.policies import SYSTEM
    from core.scopes import READ_SCOPES
    from councils.models import PartnerOrganisation
    from initiatives.models import Initiative

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", action="append", choices=sorted(ENDPOINTS))
    parser.add_argument("--profile", help="write a cProfile of the timed requests here")
    parser.add_argument("--computed", action="store_true", help="no cached page: the token renewed before each")
    args = parser.parse_args()
    setup_test_environment()
    override_settings(ROOT_URLCONF="bench.urls").enable()

    partner = PartnerOrganisation.objects.get(slug="scottish-government")
    PartnerAPIKey.objects.filter(name="api_profile").delete()
    _key, text = services.key_create(user=SYSTEM, partner=partner, name="api_profile", scopes=list(READ_SCOPES),
                                     rate_limit="1000000/min")
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {text}")
    reference = Initiative.objects.order_by("reference").values_list("reference", flat=True)[48]
    after = client.get("/api/v1/changes/latest/").json()["next_after"]
    before_last = list(Change.objects.order_by("-txid", "-id").values_list("txid", "id")[100:101])
    page_after = "{}.{}".format(*before_last[0]) if before_last else "0.0"
    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU time: steadier when loaded
    print(f"{'endpoint':<45} {'median ms':>10} {'min ms':>8} {'CPU ms':>8} {'queries':>8} {'bytes':>9}")
    for name in args.only or list(ENDPOINTS):
        url = ENDPOINTS[name].format(reference=reference, after=after, page_after=page_after)
        response = client.get(url)  # warm
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        query_count = len(queries)
        times, cpu = [], []
        for _ in range(args.runs):
            if args.computed:
                portal_cache.renew(portal_cache.PARTNER_DATA)
            started, cpu_started = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            response = client.get(url)
            if profiler:
                profiler.disable()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        print(f"{url[:45]:<45} {statistics.median(times):>10.1f} {min(times):>8.1f} {statistics.median(cpu):>8.1f} "
              f"{query_count:>8} "
              f"{len(response.content):>9}")
    PartnerAPIKey.objects.filter(name="api_profile").delete()
    if profiler:
        profiler.dump_stats(args.profile)


if __name__ == "__main__":
    main()
