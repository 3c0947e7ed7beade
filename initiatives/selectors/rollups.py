"""Counts of the portfolio: RAG and stage for the dashboard, and the portfolio by outcome and theme for the
strategy pages. Aggregate queries, never one per outcome, initiative or council."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import get_language

from core import cache as portal_cache
from strategy import selectors as strategy_selectors

from ..models import LIVE_STAGES, Initiative, ProgressUpdate, Rag, Stage

if TYPE_CHECKING:
    from strategy.models import Outcome, Strategy, Theme

RAG_AXES = ProgressUpdate.RAG_AXES
INITIATIVES_SHOWN_PER_OUTCOME = 10


# -- RAG counts: the one way the portfolio counts current ratings -------------------------------


def rag_aggregates(prefix: str = "", *, counted: str = "pk") -> dict:
    """Conditional counts of current RAG on each axis, named `<axis>_<rag>`, for .aggregate() or .annotate().

    `prefix` leads from the queried model to the initiative (`initiative__` from the outcome links);
    `counted` is what is counted. An initiative's RAG is that of its current status (latest approved update).
    """
    return {
        f"{axis}_{rag.value}": Count(counted, filter=Q(**{f"{prefix}current_update__rag_{axis}": rag}))
        for axis in RAG_AXES
        for rag in Rag
    }


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


def _link_aggregates() -> dict:
    """Conditional counts over the outcome-initiative links: totals, stages and RAG per axis."""
    aggregates = {
        "total": Count("initiative_id"),
        "live": Count("initiative_id", filter=Q(initiative__stage__in=LIVE_STAGES)),
    }
    for stage in Stage:
        aggregates[f"stage_{stage.value}"] = Count("initiative_id", filter=Q(initiative__stage=stage))
    return {**aggregates, **rag_aggregates("initiative__", counted="initiative_id")}


def rag_counts(row: dict) -> list[RagCount]:
    """RagCount per axis from a row of `rag_aggregates` (and its `total`, for those not reported yet)."""
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
    rows = {row["outcome_id"]: row for row in links.values("outcome_id").annotate(**_link_aggregates()).order_by()}
    rollups = {}
    for outcome in outcomes:
        row = rows.get(outcome.pk, {})
        rollups[outcome.pk] = OutcomeRollup(
            outcome=outcome,
            total=row.get("total", 0),
            live=row.get("live", 0),
            stages=[(stage.value, stage.label, row.get(f"stage_{stage.value}", 0)) for stage in Stage],
            rag=rag_counts(row),
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
        for measure in strategy_selectors.measure_summaries(strategy=strategy):
            rollups[measure.outcome_id].measures.append(measure)
    return [rollups[outcome.pk] for outcome in outcomes]


ROLLUPS_CACHE_SECONDS = 600


def outcome_rollups_cached(*, strategy: Strategy) -> list[OutcomeRollup]:
    """outcome_rollups, computed once per change: cached under the PARTNER_DATA token (core.cache), which every
    committed change to the portfolio, its measures or the councils it names renews (core.services.change_record).
    The expiry only bounds what a cache outage could leave behind."""
    return portal_cache.cached(
        "outcome-rollups", (strategy.pk, get_language()), lambda: outcome_rollups(strategy=strategy),
        version=portal_cache.PARTNER_DATA, ttl=ROLLUPS_CACHE_SECONDS,
    )


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
    aggregates = _link_aggregates()
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
                    rag=rag_counts(data)[0],
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


# -- the strategy pages ----------------------------------------------------------------------------


def strategy_overview(*, user) -> dict:
    """The strategy, its themes, and per outcome the portfolio serving it and its measures."""
    strategy_selectors.require_strategy_reader(user)
    strategy = strategy_selectors.strategy_current()
    return {
        "strategy": strategy,
        "themes": list(strategy.themes.order_by("order", "title")),
        "rollups": outcome_rollups_cached(strategy=strategy),
        "initiatives_shown": INITIATIVES_SHOWN_PER_OUTCOME,
    }


def strategy_coverage(*, user) -> dict:
    strategy_selectors.require_strategy_reader(user)
    strategy = strategy_selectors.strategy_current()
    return {"strategy": strategy, **outcome_coverage(strategy=strategy)}
