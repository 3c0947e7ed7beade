"""The updates list's keyset page query at the start, the middle and the end of a walk: its time (best of 3) and,
with --explain, `EXPLAIN (ANALYZE, BUFFERS)` of the page query in the middle and at the end.

    DATABASE_URL=postgres://.../bench_xlarge .venv/bin/python bench/explain_page.py [ORDERING] [--explain]
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digital_office.settings.local")


def main():
    import django

    django.setup()
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rest_framework.request import Request

    from core.api.pagination import KeysetPagination, _encode
    from initiatives import selectors
    from initiatives.api.views import ProgressUpdateViewSet

    ordering = next((arg for arg in sys.argv[1:] if not arg.startswith("--")), "updated_at")
    view = ProgressUpdateViewSet()
    view.action, view.format_kwarg = "list", None
    base = view.rows_queryset(selectors.api_updates())
    field, descending = ordering.lstrip("-"), ordering.startswith("-")
    ordered = base.order_by(ordering, "-pk" if descending else "pk")
    total = ordered.count()
    for share in (0.0, 0.5, 0.999):
        position = int(total * share)
        params = {"page_size": "500", "ordering": ordering}
        if position:
            row = ordered.values(field, "pk")[position]
            value = row[field].isoformat() if hasattr(row[field], "isoformat") else str(row[field])
            params["cursor"] = _encode({"o": ordering, "s": timezone.now().isoformat(), "v": value, "i": row["pk"]})
        request = Request(RequestFactory().get("/", params))
        times = []
        for _run in range(3):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                rows = KeysetPagination().paginate_queryset(base, request, view)
                times.append(time.perf_counter() - started)
        print(f"position {position:,} of {total:,}: {min(times) * 1000:.1f} ms, {len(rows)} rows", flush=True)
        if "--explain" in sys.argv and share > 0.4:
            sql = next(q["sql"] for q in captured.captured_queries if "progressupdate" in q["sql"])
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join(line for (line,) in cursor.fetchall()))


if __name__ == "__main__":
    main()
