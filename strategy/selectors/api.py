"""What the partner API serves of the strategy: themes, outcomes, measures and readings. Never maturity."""

from django.db.models import Prefetch

from core.querysets import with_changed_at

from ..models import Measure, MeasureReading, Outcome, Theme


def api_themes(*, caller):
    return Theme.objects.all()


def api_outcomes(*, caller):
    return Outcome.objects.all()


def api_measures(*, caller):
    """Measures with their readings; `changed_at` counts a change to a reading too."""
    readings = MeasureReading.objects.select_related("council").order_by("taken_on", "pk")
    queryset = Measure.objects.select_related("outcome").prefetch_related(Prefetch("readings", queryset=readings))
    return with_changed_at(queryset, MeasureReading, "measure")


def api_measure_readings(*, caller):
    return MeasureReading.objects.select_related("measure", "council")
