"""What the partner API serves of the strategy: themes, outcomes, measures and readings. Never maturity."""

from django.db.models import Prefetch

from ..models import Measure, MeasureReading, Outcome, Theme


def api_themes():
    return Theme.objects.all()


def api_outcomes():
    return Outcome.objects.all()


def api_measures():
    """Measures with their readings. A measure's `updated_at` moves when a reading changes (strategy.receivers)."""
    readings = MeasureReading.objects.select_related("council").order_by("taken_on", "pk")
    return Measure.objects.select_related("outcome").prefetch_related(Prefetch("readings", queryset=readings))


def api_measure_readings():
    return MeasureReading.objects.select_related("measure", "council")
