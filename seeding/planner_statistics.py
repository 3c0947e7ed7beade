"""After a bulk load, the planner's statistics: without them PostgreSQL plans the demo data as empty tables
(one `/api/v1/updates/` page took 170 ms before ANALYZE, 0.85 ms after)."""

from django.db import connection

from core import cache as portal_cache


def planner_statistics_refresh() -> bool:
    """ANALYZE the database on PostgreSQL (the other databases need nothing); True when it ran."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True


def bulk_load_finished():
    """After a bulk load (which sends no model signals): the planner's statistics, and new cache tokens (both:
    PARTNER_DATA renews STAFF_DATA) so that no figure cached before the load is served after it."""
    planner_statistics_refresh()
    portal_cache.renew(portal_cache.PARTNER_DATA)
