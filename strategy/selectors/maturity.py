"""Digital maturity: who sees which assessment (council staff only their own), and the sector view."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.history import IGNORED, HistorySource, change_history
from councils import selectors as councils_selectors

from .. import policies
from ..models import (
    MaturityAssessment,
    MaturityDimension,
    MaturityLevel,
    MaturityScore,
    Strategy,
)
from .common import (
    HISTORY_LIMIT,
    _named,
    require_maturity_reader,
    strategy_current,
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
    councils = councils_selectors.council_list()
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
    """One assessment with its scores; a 404 for anyone who may not see it (another council's staff, partners): a
    denied read of a council's confidential record is not found (docs/design.md §3)."""
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
    """A council's assessments over time, overall and per dimension; a 404 for anyone who may not read them (another
    council's staff, partners: a council's confidential record, docs/design.md §3)."""
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
    goal = councils_selectors.council_list().count()
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
        "council_count": councils_selectors.council_list().count(),
    }


def maturity_overview(*, user) -> dict:
    """What the maturity landing page shows besides the list: the person's council, the threshold, the model."""
    require_maturity_reader(user)
    strategy = strategy_current()
    council_id = policies.maturity_council_id_of(user)
    return {
        "strategy": strategy,
        "own_council": councils_selectors.council_list().filter(pk=council_id).first() if council_id else None,
        "placeholder_names": MaturityDimension.objects.filter(is_placeholder=True).exists()
        or MaturityLevel.objects.filter(is_placeholder=True).exists(),
    }


def latest_maturity_levels(*, user, council_ids=None) -> dict:
    """Each visible council's latest overall level: {council id: latest assessment (with its overall level)}.
    Only the councils whose assessments the person may read (the same rule as the assessments). One query."""
    if not policies.can_read_maturity(user):
        return {}
    later = MaturityAssessment.objects.filter(
        council_id=OuterRef("council_id"), assessed_on__gt=OuterRef("assessed_on")
    )
    latest = maturity_assessments_visible_to(user).filter(~Exists(later)).select_related("overall_level")
    if council_ids is not None:
        latest = latest.filter(council_id__in=council_ids)
    return {assessment.council_id: assessment for assessment in latest}
