"""Roll-ups of the portfolio by outcome, and outcome coverage: aggregate queries, never one per outcome."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from initiatives.models import Initiative, ProgressUpdate, Rag, Stage

from ..models import (
    Outcome,
    Strategy,
    Theme,
)
from .common import (
    INITIATIVES_SHOWN_PER_OUTCOME,
    LIVE_STAGES,
    RAG_AXES,
)
from .measures import measure_summaries

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
