"""Median time and query count of the main pages, in-process (Django test client), on whatever
database DATABASE_URL names. Intended for the `large` demo data set (docs/design.md §7):

    createdb do_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/do_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_reference_data
    .venv/bin/python manage.py seed_demo --scale large --seed 1
    .venv/bin/python bench/pages.py --runs 7

Prints one line per page: median and min wall time and median CPU time over the runs, and the query count.

`--between` says what happens before each timed request (untimed): nothing (`cached`: the figures cached after the
first run), every cache token renewed (`computed`: as after a change a partner sees), or a draft saved through the
service by Glasgow's editor (`draft`: the update of the update form below, revised each time), as in reporting week.
`draft` writes to the database: use a copy of the data set.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# Test settings: plain static storage (no collectstatic needed), no debug overhead.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digital_office.settings.test")


def main():
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from core.models import User
    from core.second_factor import SESSION_KEY
    from initiatives.models import Initiative

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", nargs="*", default=[], help="only these pages (their URLs as listed below)")
    parser.add_argument("--queries", action="store_true", help="also list each query of the last run, slowest first")
    parser.add_argument("--between", choices=["cached", "computed", "draft"], default="cached",
                        help="before each timed request: nothing, renew every cache token, or save a draft")
    args = parser.parse_args()
    setup_test_environment()

    busiest = max(Initiative.objects.order_by("reference")[:50], key=lambda i: i.updates.count())
    # The update form of an initiative Glasgow reports on, for the open period (the form with its context).
    from initiatives.selectors import open_period

    period = open_period()
    glasgow = Initiative.objects.filter(
        participations__council__gss_code="S12000049", participations__role__in=["lead", "adopter"],
        stage__in=["discovery", "alpha", "beta", "live"],
    ).exclude(updates__period=period, updates__state__in=["submitted", "approved"]).order_by("reference").first()
    update_form = f"/initiatives/{glasgow.reference}/updates/{period.starts_on:%Y-%m-%d}/"
    pages = {
        "cdo@demo.digitaloffice.scot": [
            "/",
            "/dashboard/?council=&measure=maturity",
            "/dashboard/export.xlsx?council=",
            "/councils/glasgow-city/",
            "/initiatives/",
            "/initiatives/?rag_delivery=red&ordering=-budget",
            "/initiatives/?overdue=true",
            "/initiatives/?rating=red&ordering=rating",
            f"/initiatives/{busiest.reference}/",
            "/initiatives/review/",
            "/funding/",
            "/strategy/",
            "/strategy/coverage/",
            "/strategy/maturity/sector/",
            "/api/v1/initiatives/?page_size=500",
            "/contracts/",
            "/contracts/radar/",
            "/practice/",
            "/search/?q=council+tax",
            "/search/?q=shared+data+platform",
            "/search/?q=risk&kind=update",
            "/search/?q=staff+training",
        ],
        "editor@glasgow.demo.digitaloffice.scot": ["/", "/councils/glasgow-city/", "/initiatives/my-council/",
                                                   update_form, "/search/?q=council+tax", "/search/?q=waste+booking"],
    }
    between = _between(args.between, initiative=glasgow, period=period)
    updates = busiest.updates.count()
    print(f"initiatives: {Initiative.objects.count()}, busiest page {busiest.reference} with {updates} updates")
    print(f"between requests: {args.between}")
    print(f"{'page':<60} {'median ms':>10} {'min ms':>8} {'CPU ms':>8} {'queries':>8}")
    for email, urls in pages.items():
        client = Client()
        user = User.objects.get(email=email)
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = str(user.pk)  # as after signing in with the second factor
        session.save()
        for url in urls:
            if args.only and url not in args.only:
                continue
            times, cpu, queries = [], [], 0
            for _ in range(args.runs):
                between()
                with CaptureQueriesContext(connection) as captured:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                queries = len(captured)
            print(f"{url:<60} {statistics.median(times):>10.1f} {min(times):>8.1f} {statistics.median(cpu):>8.1f} "
                  f"{queries:>8}")
            if args.queries:
                timed = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
                sql_ms = sum(float(q["time"]) for q in timed) * 1000
                print(f"    SQL {sql_ms:.0f} ms in all")
                for query in timed:
                    print(f"    {float(query['time']) * 1000:8.1f} ms  {query['sql'][:160]}")


def _between(kind, *, initiative, period):
    """What runs before each timed request (see the module's docstring)."""
    from core import cache as portal_cache
    from core.models import User
    from initiatives import services
    from initiatives.models import ProgressUpdate

    if kind == "computed":
        return lambda: portal_cache.renew(portal_cache.PARTNER_DATA)
    if kind == "cached":
        return lambda: None
    editor = User.objects.get(email="editor@glasgow.demo.digitaloffice.scot")
    saves = iter(range(1, 10**9))

    def save_draft():
        update = ProgressUpdate.objects.filter(initiative=initiative, period=period).first()
        services.update_save_draft(
            user=editor, initiative=initiative, period=period, version=update.version if update else None,
            rag_delivery="green", rag_spend="green", rag_benefits="green", rag_risk="green", percent_complete=50,
            spend_to_date=1000, narrative=f"Draft {next(saves)}",
        )

    return save_draft


if __name__ == "__main__":
    main()
