"""Reads of the strategy, its measures and digital maturity.

Every page starts from one of these. Each costs a fixed number of queries whatever the size of the
portfolio: roll-ups are aggregate queries, never a query per outcome, initiative or council.
Maturity reads go through `maturity_assessments_visible_to` / `maturity_councils_visible_to`, so a
council's staff can never reach another council's assessment (a 404, or simply absent).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import ExtractYear, RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from councils.models import Council
from digital_office.history import IGNORED, HistorySource, change_history
from initiatives.models import Initiative, ProgressUpdate, Rag, Stage

from . import policies
from .models import (
    MaturityAssessment,
    MaturityDimension,
    MaturityLevel,
    MaturityScore,
    Measure,
    MeasureReading,
    Outcome,
    Strategy,
    Theme,
)
from .templatetags.measures import in_unit

LIVE_STAGES = (Stage.DISCOVERY, Stage.ALPHA, Stage.BETA, Stage.LIVE)
RAG_AXES = ProgressUpdate.RAG_AXES
INITIATIVES_SHOWN_PER_OUTCOME = 10
HISTORY_LIMIT = 50


def require_strategy_reader(user):
    if not policies.can_read_strategy(user):
        raise PermissionDenied(_("Your account has no role in the portal yet: ask the Digital Office."))


def require_maturity_reader(user):
    if not policies.can_read_maturity(user):
        raise PermissionDenied(_("Digital maturity assessments are for councils and the Digital Office only."))


def strategy_current() -> Strategy:
    strategy = Strategy.objects.select_related("digital_business_level").order_by("pk").first()
    if strategy is None:
        raise Http404(_("The strategy has not been loaded: run manage.py load_reference_data."))
    return strategy


def outcome_by_number(number: str) -> Outcome | None:
    """The outcome a link names by its number (?outcome=3), or None."""
    return strategy_current().outcomes.filter(number=int(number)).first() if str(number).isdigit() else None


# -- roll-ups of the portfolio by outcome ----------------------------------------------------


@dataclass
class RagCount:
    axis: str
    label: str
    green: int
    amber: int
    red: int
    not_reported: int


@dataclass
class OutcomeRollup:
    """The initiatives serving one outcome, counted by stage and by current RAG on each axis.

    Every initiative linked to the outcome counts, whatever its stage; its RAG is that of its
    current status (latest approved update, `Initiative.current_update`), and one without an
    approved update counts as "not reported". `live` counts those in discovery, alpha, beta or live.
    """

    outcome: Outcome
    total: int = 0
    live: int = 0
    stages: list = field(default_factory=list)  # (stage value, label, count), in stage order
    rag: list = field(default_factory=list)  # RagCount per axis
    initiatives: list = field(default_factory=list)  # the first few, by reference
    measures: list = field(default_factory=list)


def _rollup_aggregates(prefix: str) -> dict:
    """Conditional counts over the outcome-initiative links: totals, stages and RAG per axis."""
    initiative = f"{prefix}initiative_id"
    aggregates = {
        "total": Count(initiative),
        "live": Count(initiative, filter=Q(**{f"{prefix}initiative__stage__in": LIVE_STAGES})),
    }
    for stage in Stage:
        aggregates[f"stage_{stage.value}"] = Count(initiative, filter=Q(**{f"{prefix}initiative__stage": stage}))
    for axis in RAG_AXES:
        for rag in Rag:
            aggregates[f"{axis}_{rag.value}"] = Count(
                initiative, filter=Q(**{f"{prefix}initiative__current_update__rag_{axis}": rag})
            )
    return aggregates


def _rag_counts(row: dict) -> list[RagCount]:
    labels = {axis: ProgressUpdate._meta.get_field(f"rag_{axis}").verbose_name for axis in RAG_AXES}
    counts = []
    for axis in RAG_AXES:
        green, amber, red = (row.get(f"{axis}_{rag.value}", 0) for rag in (Rag.GREEN, Rag.AMBER, Rag.RED))
        not_reported = row.get("total", 0) - green - amber - red
        counts.append(RagCount(axis, str(labels[axis]).capitalize(), green, amber, red, not_reported))
    return counts


def outcome_rollups(*, strategy: Strategy, with_initiatives=True, with_measures=True) -> list[OutcomeRollup]:
    """Per outcome: initiatives by stage and current RAG, the first few initiatives, and the measures.

    Four queries whatever the number of initiatives: outcomes, one aggregate over the
    outcome-initiative links, the first initiatives per outcome (a window function), measures.
    """
    outcomes = list(strategy.outcomes.order_by("number"))
    links = Initiative.outcomes.through.objects.filter(outcome__strategy=strategy)
    rows = {row["outcome_id"]: row for row in links.values("outcome_id").annotate(**_rollup_aggregates("")).order_by()}
    rollups = {}
    for outcome in outcomes:
        row = rows.get(outcome.pk, {})
        rollups[outcome.pk] = OutcomeRollup(
            outcome=outcome,
            total=row.get("total", 0),
            live=row.get("live", 0),
            stages=[(stage.value, stage.label, row.get(f"stage_{stage.value}", 0)) for stage in Stage],
            rag=_rag_counts(row),
        )
    if with_initiatives:
        position = Window(RowNumber(), partition_by=[F("outcome_id")], order_by=[F("initiative__reference").asc()])
        first = (
            links.annotate(position=position)
            .filter(position__lte=INITIATIVES_SHOWN_PER_OUTCOME)
            .select_related("initiative", "initiative__lead_council", "initiative__current_update")
            .order_by("outcome_id", "initiative__reference")
        )
        for link in first:
            rollups[link.outcome_id].initiatives.append(link.initiative)
    if with_measures:
        for measure in measure_summaries(strategy=strategy):
            rollups[measure.outcome_id].measures.append(measure)
    return [rollups[outcome.pk] for outcome in outcomes]


@dataclass
class CoverageCell:
    theme: Theme
    total: int = 0
    live: int = 0
    rag: RagCount | None = None  # delivery


@dataclass
class CoverageRow:
    outcome: Outcome
    cells: list
    total: int
    live: int


def outcome_coverage(*, strategy: Strategy) -> dict:
    """Outcomes by theme: how many initiatives serve each pair, how many are live, their delivery RAG.

    An outcome is covered when at least one *live* initiative serves it: stage discovery, alpha,
    beta or live. Proposed, paused and closed initiatives do not cover an outcome. Three queries.
    """
    outcomes = list(strategy.outcomes.order_by("number"))
    themes = list(strategy.themes.order_by("order", "title"))
    links = Initiative.outcomes.through.objects.filter(outcome__strategy=strategy)
    aggregates = _rollup_aggregates("")
    cells = {
        (row["outcome_id"], row["initiative__theme_id"]): row
        for row in links.values("outcome_id", "initiative__theme_id").annotate(**aggregates).order_by()
    }
    rows = []
    for outcome in outcomes:
        row_cells = []
        for theme in themes:
            data = cells.get((outcome.pk, theme.pk), {})
            row_cells.append(
                CoverageCell(
                    theme=theme,
                    total=data.get("total", 0),
                    live=data.get("live", 0),
                    rag=_rag_counts(data)[0],
                )
            )
        rows.append(
            CoverageRow(
                outcome=outcome,
                cells=row_cells,
                total=sum(cell.total for cell in row_cells),
                live=sum(cell.live for cell in row_cells),
            )
        )
    return {
        "themes": themes,
        "rows": rows,
        "uncovered": [row.outcome for row in rows if row.live == 0],
        "live_stages": [Stage(stage).label for stage in LIVE_STAGES],
    }


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


def _named(names):
    """display() for change_history: ids of related rows shown by name."""
    return lambda field, value: names.get(field, {}).get(value, value) if value is not None else None


def measure_history(measure: Measure) -> list:
    councils = dict(Council.objects.values_list("pk", "name"))
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


# -- digital maturity: who sees what ---------------------------------------------------------


def maturity_assessments_visible_to(user):
    """All assessments for Digital Office staff, their own council's for council staff, none for anyone else."""
    assessments = MaturityAssessment.objects.all()
    if policies.can_read_all_maturity(user):
        return assessments
    council_id = policies.maturity_council_id_of(user)
    if council_id is not None:
        return assessments.filter(council_id=council_id)
    return assessments.none()


def maturity_councils_visible_to(user):
    """The councils whose assessments the person may read (the same rule as the assessments)."""
    councils = Council.objects.all()
    if policies.can_read_all_maturity(user):
        return councils
    council_id = policies.maturity_council_id_of(user)
    if council_id is not None:
        return councils.filter(pk=council_id)
    return councils.none()


def maturity_assessment_list(*, user):
    require_maturity_reader(user)
    return (
        maturity_assessments_visible_to(user)
        .select_related("council", "overall_level")
        .order_by("-assessed_on", "council__name")
    )


def maturity_assessments_for_export(queryset):
    """An already-filtered (visible) queryset, with what the export columns read."""
    return queryset.select_related("council", "overall_level").prefetch_related(
        Prefetch("scores", queryset=MaturityScore.objects.select_related("level"))
    )


def maturity_dimensions():
    return list(MaturityDimension.objects.order_by("order", "name"))


def maturity_levels():
    return list(MaturityLevel.objects.order_by("rank"))


def _scores_by_dimension(assessment, dimensions):
    levels = {score.dimension_id: score.level for score in assessment.scores.all()}
    return [levels.get(dimension.pk) for dimension in dimensions]


def maturity_assessment_get(*, user, pk: int):
    """One assessment with its scores; a 404 for someone who may not see it (another council's)."""
    require_maturity_reader(user)
    return get_object_or_404(
        maturity_assessments_visible_to(user)
        .select_related("council", "overall_level", "assessed_by")
        .prefetch_related(Prefetch("scores", queryset=MaturityScore.objects.select_related("dimension", "level"))),
        pk=pk,
    )


def maturity_assessment_detail(*, user, pk: int) -> dict:
    """One assessment with its levels and change history; a 404 for someone who may not see it."""
    assessment = maturity_assessment_get(user=user, pk=pk)
    dimensions = maturity_dimensions()
    return {
        "assessment": assessment,
        "scores": list(zip(dimensions, _scores_by_dimension(assessment, dimensions), strict=True)),
        "history": maturity_assessment_history(assessment),
    }


def maturity_assessment_history(assessment) -> list:
    levels = {level.pk: str(level) for level in MaturityLevel.objects.all()}
    dimensions = dict(MaturityDimension.objects.values_list("pk", "name"))
    ignored = IGNORED | {"assessed_by", "assessment", "dimension"}
    return change_history(
        [
            HistorySource(
                "assessment",
                MaturityAssessment.history.filter(id=assessment.pk),
                lambda record: _("the assessment"),
                ignored=ignored,
            ),
            HistorySource(
                "score",
                MaturityScore.history.filter(assessment_id=assessment.pk),
                lambda record: (
                    _("the level for %(dimension)s") % {"dimension": dimensions.get(record.dimension_id, "?")}
                ),
                ignored=ignored,
            ),
        ],
        display=_named({"overall_level": levels, "level": levels}),
        limit=HISTORY_LIMIT,
    )


def maturity_level_axis(levels) -> dict:
    return {
        "min": 1,
        "max": max([level.rank for level in levels], default=1),
        "stepSize": 1,
        "tickLabels": {str(level.rank): level.name for level in levels},
    }


def maturity_council_progress(*, user, slug: str) -> dict:
    """A council's assessments over time, overall and per dimension; a 404 for another council's staff."""
    require_maturity_reader(user)
    council = get_object_or_404(maturity_councils_visible_to(user), slug=slug)
    assessments = list(
        maturity_assessments_visible_to(user)
        .filter(council=council)
        .select_related("overall_level")
        .prefetch_related(Prefetch("scores", queryset=MaturityScore.objects.select_related("level")))
        .order_by("assessed_on")
    )
    dimensions = maturity_dimensions()
    levels = maturity_levels()
    rows = [{"assessment": a, "levels": _scores_by_dimension(a, dimensions)} for a in assessments]
    labels = [date_format(a.assessed_on, "j M Y") for a in assessments]
    datasets = [{"label": str(_("Overall")), "style": "series", "data": [a.overall_level.rank for a in assessments]}]
    for index, dimension in enumerate(dimensions):
        datasets.append(
            {
                "label": dimension.name,
                "style": "minor",
                "data": [row["levels"][index].rank if row["levels"][index] else None for row in rows],
            }
        )
    chart = {
        "type": "line",
        "labels": labels,
        "datasets": datasets,
        "y": {"title": str(_("Maturity level")), **maturity_level_axis(levels)},
        "x": {"title": str(_("Date of assessment"))},
    }
    return {"council": council, "rows": rows, "dimensions": dimensions, "levels": levels, "chart": chart}


# -- digital maturity: the sector -------------------------------------------------------------


def latest_assessment_each_year():
    """Each council's latest assessment in each calendar year (annotated with `year`).

    A council assessed twice in a year counts once, at its later assessment; a year in which a
    council was not assessed does not count it (there is no carrying forward).
    """
    later_same_year = MaturityAssessment.objects.filter(
        council_id=OuterRef("council_id"),
        assessed_on__gt=OuterRef("assessed_on"),
        assessed_on__year=ExtractYear(OuterRef("assessed_on")),
    )
    return MaturityAssessment.objects.annotate(year=ExtractYear("assessed_on")).filter(~Exists(later_same_year))


@dataclass
class ThresholdYear:
    year: int
    reached: int
    assessed: int
    goal: int


def digital_business_counts(*, strategy: Strategy) -> list[ThresholdYear]:
    """How many councils were digital businesses each year: their latest assessment that year has an
    overall level whose rank is at least the threshold's. The goal is every council (all 32) by the
    strategy's target year. Empty while no threshold is set. Three queries."""
    threshold = strategy.digital_business_level
    if threshold is None:
        return []
    goal = Council.objects.count()
    rows = (
        latest_assessment_each_year()
        .values("year")
        .annotate(
            assessed=Count("council_id"),
            reached=Count("council_id", filter=Q(overall_level__rank__gte=threshold.rank)),
        )
        .order_by("year")
    )
    return [
        ThresholdYear(year=row["year"], reached=row["reached"], assessed=row["assessed"], goal=goal) for row in rows
    ]


def maturity_sector(*, user) -> dict:
    """The distribution of overall levels per year. By council name for Digital Office staff only;
    council staff see counts, and which level their own council was at (without naming any council)."""
    require_maturity_reader(user)
    strategy = strategy_current()
    levels = maturity_levels()
    latest = latest_assessment_each_year()
    counts = {}
    for row in latest.values("year", "overall_level_id").annotate(n=Count("pk")).order_by():
        counts[(row["year"], row["overall_level_id"])] = row["n"]
    years = sorted({year for year, _level in counts})
    own = {}
    council_id = policies.maturity_council_id_of(user)
    if council_id is not None:
        ours = latest.filter(council_id=council_id).values("year", "overall_level_id")
        own = {row["year"]: row["overall_level_id"] for row in ours}
    distribution = [
        {
            "year": year,
            "cells": [
                {"level": level, "count": counts.get((year, level.pk), 0), "own": own.get(year) == level.pk}
                for level in levels
            ],
            "total": sum(counts.get((year, level.pk), 0) for level in levels),
        }
        for year in years
    ]
    by_name = None
    if policies.can_read_all_maturity(user):
        table = {}
        for row in latest.values("council__name", "council__slug", "year", "overall_level__rank"):
            entry = table.setdefault(
                row["council__name"], {"name": row["council__name"], "slug": row["council__slug"], "years": {}}
            )
            entry["years"][row["year"]] = row["overall_level__rank"]
        by_name = [
            {**entry, "levels": [entry["years"].get(year) for year in years]} for _name, entry in sorted(table.items())
        ]
    thresholds = digital_business_counts(strategy=strategy)
    palette_levels = [level.name for level in levels]
    distribution_chart = {
        "type": "bar",
        "stacked": True,
        "labels": [str(year) for year in years],
        "datasets": [
            {"label": name, "style": "bar", "data": [row["cells"][index]["count"] for row in distribution]}
            for index, name in enumerate(palette_levels)
        ],
        "y": {"title": str(_("Councils")), "stepSize": 1, "beginAtZero": True},
        "x": {"title": str(_("Year"))},
    }
    threshold_chart = None
    if thresholds:
        threshold_chart = {
            "type": "bar",
            "labels": [str(t.year) for t in thresholds],
            "datasets": [
                {
                    "label": str(_("Councils that are digital businesses")),
                    "style": "bar",
                    "data": [t.reached for t in thresholds],
                },
                {
                    "label": str(
                        _("Goal: all %(count)s councils by %(year)s")
                        % {"count": thresholds[0].goal, "year": strategy.target_year}
                    ),
                    "style": "target",
                    "type": "line",
                    "data": [t.goal for t in thresholds],
                },
            ],
            "y": {"title": str(_("Councils")), "beginAtZero": True, "stepSize": 4},
            "x": {"title": str(_("Year"))},
        }
    target_row = next((t for t in thresholds if t.year == strategy.target_year), None)
    return {
        "strategy": strategy,
        "levels": levels,
        "years": years,
        "distribution": distribution,
        "distribution_chart": distribution_chart,
        "by_name": by_name,
        "shows_own_council": council_id is not None,
        "thresholds": thresholds,
        "threshold_chart": threshold_chart,
        "target_row": target_row,
        "council_count": Council.objects.count(),
    }


def maturity_overview(*, user) -> dict:
    """What the maturity landing page shows besides the list: the person's council, the threshold, the model."""
    require_maturity_reader(user)
    strategy = strategy_current()
    council_id = policies.maturity_council_id_of(user)
    return {
        "strategy": strategy,
        "own_council": Council.objects.filter(pk=council_id).first() if council_id else None,
        "placeholder_names": MaturityDimension.objects.filter(is_placeholder=True).exists()
        or MaturityLevel.objects.filter(is_placeholder=True).exists(),
    }


# -- pages ------------------------------------------------------------------------------------


def strategy_overview(*, user) -> dict:
    require_strategy_reader(user)
    strategy = strategy_current()
    return {
        "strategy": strategy,
        "themes": list(strategy.themes.order_by("order", "title")),
        "rollups": outcome_rollups(strategy=strategy),
        "initiatives_shown": INITIATIVES_SHOWN_PER_OUTCOME,
    }


def strategy_coverage(*, user) -> dict:
    require_strategy_reader(user)
    strategy = strategy_current()
    return {"strategy": strategy, **outcome_coverage(strategy=strategy)}
