"""Measures, their readings, charts and change history."""

from decimal import Decimal

from django.db.models import F, OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.history import HistorySource, change_history
from councils import selectors as councils_selectors

from ..models import (
    Measure,
    MeasureReading,
    Outcome,
    Strategy,
)
from ..templatetags.measures import in_unit
from .common import HISTORY_LIMIT, _named, require_strategy_reader

# -- measures --------------------------------------------------------------------------------


def measure_progress(measure: Measure, value) -> int | None:
    """How far a value has come from the baseline towards the target, in percent (may pass 100 or go below 0).

    Works for both directions: when lower is better the target is below the baseline, and the sign
    of (target - baseline) turns the fall into progress.
    """
    if value is None or measure.target == measure.baseline:
        return None
    return round((Decimal(value) - measure.baseline) / (measure.target - measure.baseline) * 100)


def measure_summaries(*, strategy: Strategy | None = None, outcome: Outcome | None = None):
    """Measures with their latest sector-wide reading and progress towards the target; one query."""
    latest = MeasureReading.objects.filter(measure=OuterRef("pk"), council__isnull=True).order_by("-taken_on")
    measures = Measure.objects.select_related("outcome").annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_on=Subquery(latest.values("taken_on")[:1]),
    )
    if strategy is not None:
        measures = measures.filter(outcome__strategy=strategy)
    if outcome is not None:
        measures = measures.filter(outcome=outcome)
    measures = list(measures.order_by("outcome__number", "title"))
    for measure in measures:
        measure.progress = measure_progress(measure, measure.latest_value)
    return measures


def _chart_number(value) -> float | None:
    return None if value is None else float(value)


def measure_chart(measure: Measure, readings: list[MeasureReading]) -> dict:
    """Chart data for static/js/charts.js: sector readings as a line, council readings as points, the target line."""
    days = sorted({reading.taken_on for reading in readings} | {measure.target_date})
    labels = [date_format(day, "j M Y") for day in days]
    label_of = dict(zip(days, labels, strict=True))
    sector = {reading.taken_on: reading.value for reading in readings if reading.council_id is None}
    target_label = _("Target: %(target)s by %(date)s") % {
        "target": in_unit(measure.target, measure.unit),
        "date": label_of[measure.target_date],
    }
    return {
        "type": "line",
        "labels": labels,
        "datasets": [
            {
                "label": str(_("Sector-wide")),
                "style": "series",
                "data": [_chart_number(sector.get(day)) for day in days],
            },
            {
                "label": str(_("Council readings")),
                "style": "points",
                "data": [
                    {"x": label_of[r.taken_on], "y": float(r.value), "name": r.council.name}
                    for r in readings
                    if r.council_id is not None
                ],
            },
            {"label": str(target_label), "style": "target", "data": [float(measure.target)] * len(days)},
        ],
        "y": {"title": measure.unit, "beginAtZero": False},
        "x": {"title": str(_("Date of reading"))},
    }


def measure_detail(*, user, pk: int) -> dict:
    require_strategy_reader(user)
    measure = get_object_or_404(Measure.objects.select_related("outcome"), pk=pk)
    readings = list(
        MeasureReading.objects.filter(measure=measure)
        .select_related("council")
        .order_by("taken_on", F("council__name").asc(nulls_first=True))
    )
    latest_sector = next((r for r in reversed(readings) if r.council_id is None), None)
    return {
        "measure": measure,
        "readings": readings,
        "latest_sector": latest_sector,
        "progress": measure_progress(measure, latest_sector.value if latest_sector else None),
        "chart": measure_chart(measure, readings),
        "history": measure_history(measure),
    }


def measure_history(measure: Measure) -> list:
    councils = councils_selectors.council_names()
    outcomes = {o.pk: str(o) for o in Outcome.objects.all()}

    def reading(record):
        where = councils.get(record.council_id) or _("sector-wide")
        return _("reading of %(date)s (%(where)s)") % {"date": date_format(record.taken_on, "j M Y"), "where": where}

    return change_history(
        [
            HistorySource("measure", Measure.history.filter(id=measure.pk), lambda record: _("the measure")),
            HistorySource("reading", MeasureReading.history.filter(measure_id=measure.pk), reading),
        ],
        display=_named({"council": councils, "outcome": outcomes}),
        limit=HISTORY_LIMIT,
    )
