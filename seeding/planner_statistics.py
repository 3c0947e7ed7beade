"""After a bulk load, the planner's statistics: without them PostgreSQL plans the demo data as empty tables
(one `/api/v1/updates/` page took 170 ms before ANALYZE, 0.85 ms after)."""

from django.db import connection


def planner_statistics_refresh() -> bool:
    """ANALYZE the database on PostgreSQL (the other databases need nothing); True when it ran."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
