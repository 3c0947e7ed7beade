import pytest
from django.db import IntegrityError, transaction

from initiatives.models import ProgressUpdate
from tests.initiatives.factories import ProgressUpdateFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db


def test_a_second_update_for_the_same_initiative_and_period_is_refused_by_the_database():
    first = ProgressUpdateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdateFactory(initiative=first.initiative, period=first.period)
    assert ProgressUpdate.objects.filter(initiative=first.initiative).count() == 1


def test_the_same_initiative_reports_once_in_each_period():
    first = ProgressUpdateFactory()
    later = ReportingPeriodFactory(
        starts_on="2026-11-01", ends_on="2026-11-30", submission_opens_on="2026-11-24", submission_due_on="2026-12-10"
    )
    ProgressUpdateFactory(initiative=first.initiative, period=later)
    assert first.initiative.updates.count() == 2


def test_every_change_is_kept_with_its_before_and_after():
    update = ProgressUpdateFactory(rag_delivery="green")
    update.rag_delivery = "amber"
    update.delivery_commentary = "Supplier is late."
    update.save()
    newest, previous = update.history.all()[:2]
    delta = newest.diff_against(previous)
    changed = {change.field: (change.old, change.new) for change in delta.changes}
    assert changed["rag_delivery"] == ("green", "amber")
    assert changed["delivery_commentary"] == ("", "Supplier is late.")
