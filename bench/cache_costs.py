"""What the cache's renewals cost where the writes happen (issue 21): the API request log's prune (20,000 rows)
and one `update_approve` (renewals of the cache tokens, change-feed entries, queries, on-commit callbacks).
Runs on a test database of its own (created, migrated and dropped), the small demo set seeded into it:

    DATABASE_URL=postgres://... .venv/bin/python bench/cache_costs.py [--rows 20000]
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digital_office.settings.test")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    arguments = parser.parse_args()
    import django

    django.setup()
    import datetime
    from unittest import mock

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from core.models import Change, User
        from initiatives import services as initiative_services
        from initiatives.models import ProgressUpdate
        from partner_access.models import APIRequestLog
        from partner_access.services import api_request_log_prune
        from seeding.demo import demo_seed
        from seeding.reference_data import reference_data_load

        old = timezone.now() - datetime.timedelta(days=400)
        APIRequestLog.objects.bulk_create(
            [APIRequestLog(at=old, key_prefix="bench", method="GET", path="/api/v1/initiatives/", status=200,
                           duration_ms=5)
             for _ in range(arguments.rows)], batch_size=5000,
        )
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            deleted = api_request_log_prune()
            cpu = time.process_time() - started
        print(f"api_request_log_prune: {deleted} rows deleted, {len(captured)} queries, {cpu:.3f} s CPU")

        reference_data_load()
        demo_seed(scale="small", seed=1)
        update = ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED).first()
        drafters = set(update.history.values_list("history_user_id", flat=True)) | {update.submitted_by_id}
        staff = User.objects.filter(is_digital_office_staff=True, is_active=True).exclude(pk__in=drafters).first()
        staff.second_factor_verified = True
        renewals = []
        counted = _count_renewals(renewals)
        entries_before = Change.objects.count()
        with mock.patch(*counted), CaptureQueriesContext(connection) as captured:
            with transaction.atomic():
                initiative_services.update_approve(user=staff, update=update)
                callbacks = len(connection.run_on_commit)
        print(
            f"update_approve: {len(renewals)} token renewals, {Change.objects.count() - entries_before} feed entries, "
            f"{len(captured)} queries, {callbacks} on-commit callbacks"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _count_renewals(renewals):
    """The function that writes new tokens to the cache, wrapped to count its calls (before: core.services'
    _generations_renew; after: core.cache's _write_tokens)."""
    from core import cache as portal_cache
    from core import services

    target = portal_cache if hasattr(portal_cache, "_write_tokens") else services
    name = "_write_tokens" if target is portal_cache else "_generations_renew"
    original = getattr(target, name)

    def counting(*args, **kwargs):
        renewals.append(args)
        return original(*args, **kwargs)

    return f"{target.__name__}.{name}", counting


if __name__ == "__main__":
    main()
