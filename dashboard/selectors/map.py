"""The map of the councils: a hex cartogram of what each council leads, joins and owes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Q,
)
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from councils import selectors as councils_selectors
from councils.hexmap import HEX_ROW_STEP, HEX_SIZE
from councils.hexmap import hexagon as _hexagon
from councils.hexmap import name_lines as _name_lines
from initiatives import selectors as portfolio
from initiatives.policies import WRITING_ROLES
from strategy import selectors as strategy_selectors

from .. import policies
from .aggregates import PERIOD_UPDATE, not_reported
from .scope import Scope

if TYPE_CHECKING:
    from initiatives.models import ReportingPeriod




class Measure:
    STATUS = "status"
    INITIATIVES = "initiatives"
    MATURITY = "maturity"

    LABELS = {
        STATUS: gettext_lazy("Reporting status this period"),
        INITIATIVES: gettext_lazy("Initiatives led or joined"),
        MATURITY: gettext_lazy("Digital maturity level"),
    }


# Each class of the map's measures: a label in words and a pattern (never colour alone), lightest first.
STATUS_CLASSES = {
    "none": gettext_lazy("Nothing due"),
    "submitted": gettext_lazy("All submitted"),
    "overdue": gettext_lazy("Some overdue"),
    "returned": gettext_lazy("Some returned"),
}
INITIATIVE_BINS = [(0, 0), (1, 5), (6, 15), (16, 40), (41, None)]


@dataclass
class CouncilCell:
    council: object
    x: float
    y: float
    led: int = 0
    joined: int = 0
    due: int = 0
    overdue: int = 0
    returned: int | None = None  # None: not for this person to see
    maturity: object | None = None  # the latest assessment, for those who may see it
    measure_class: str = ""
    measure_text: str = ""
    link: str = ""
    page_link: str | None = None
    points: str = ""
    lines: list = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.due:
            return "none"
        if self.returned:
            return "returned"
        if self.overdue:
            return "overdue"
        return "submitted"

    @property
    def status_label(self):
        return STATUS_CLASSES[self.status]

    @property
    def initiatives(self) -> int:
        return self.led + self.joined


def _bin_of(count) -> int:
    for index, (low, high) in enumerate(INITIATIVE_BINS):
        if count >= low and (high is None or count <= high):
            return index
    return 0


def bin_label(index) -> str:
    low, high = INITIATIVE_BINS[index]
    if high is None:
        return _("%(low)s or more") % {"low": low}
    if low == high:
        return str(low)
    return _("%(low)s to %(high)s") % {"low": low, "high": high}


def council_map(scope: Scope, *, user, period: ReportingPeriod | None, measure: str = Measure.STATUS) -> dict:
    """The 32 councils as a hex cartogram: the figures of approved data (`council_map_approved`) completed with the
    workflow's (`council_map_workflow`)."""
    return council_map_complete(
        council_map_approved(scope, user=user, period=period, measure=measure), council_map_workflow(scope, period),
        user=user,
    )


def _owes(period: ReportingPeriod) -> Q:
    """A participation whose council owes its initiative's update for `period`."""
    return Q(
        role__in=WRITING_ROLES, initiative__stage__in=portfolio.LIVE_STAGES, initiative__start_date__lte=period.ends_on
    )


def council_map_workflow(scope: Scope, period: ReportingPeriod | None) -> dict:
    """Per council, of the updates it owes for `period` within the filters: how many are overdue (none submitted
    or approved) and how many were returned, by council id. One query, its participations joined to their
    initiative's update."""
    if period is None:
        return {}
    rows = (
        portfolio.participation_records().filter(_owes(period), initiative__in=scope.ids)
        .alias(**{PERIOD_UPDATE: portfolio.update_for_period(period, initiative="initiative__")})
        .values("council_id")
        .annotate(overdue=Count("pk", filter=not_reported()),
                  returned=Count("pk", filter=Q(period_update__state=portfolio.UpdateState.RETURNED)))
        .order_by()
    )
    return {row["council_id"]: (row["overdue"], row["returned"]) for row in rows}


def council_map_approved(scope: Scope, *, user, period: ReportingPeriod | None, measure: str = Measure.STATUS) -> dict:
    """The 32 councils as a hex cartogram: per council the initiatives it leads and joins and the updates it owes
    for the last closed period (`period`), within the filters. The reporting status (overdue, returned), which
    submissions change, is left to `council_map_complete`. Maturity is a measure for Digital Office staff only. Two
    queries, three with maturity."""
    measures = [Measure.STATUS, Measure.INITIATIVES]
    if policies.can_see_maturity_map(user):
        measures.append(Measure.MATURITY)
    if measure not in measures:
        measure = Measure.STATUS
    aggregates = {
        "led": Count("pk", filter=Q(role=portfolio.ParticipationRole.LEAD)),
        "joined": Count("pk", filter=~Q(role=portfolio.ParticipationRole.LEAD)),
    }
    if period is not None:
        aggregates["due"] = Count("pk", filter=_owes(period))
    participations = portfolio.participation_records().filter(initiative__in=scope.ids)
    rows = {row["council_id"]: row for row in participations.values("council_id").annotate(**aggregates).order_by()}
    councils = list(councils_selectors.council_list())
    maturity = {}
    if measure == Measure.MATURITY or policies.can_see_maturity_map(user):
        maturity = strategy_selectors.latest_maturity_levels(user=user) if policies.can_see_maturity_map(user) else {}
    min_col = min(c.hex_col for c in councils)
    max_row = max(c.hex_row for c in councils)
    cells = []
    for council in councils:
        row = rows.get(council.pk, {})
        x = (council.hex_col - min_col) + (0.5 if council.hex_row % 2 else 0)
        y = (max_row - council.hex_row) * HEX_ROW_STEP
        cell = CouncilCell(
            council=council,
            x=round(x * HEX_SIZE + HEX_SIZE * 0.6, 1),
            y=round(y * HEX_SIZE + HEX_SIZE * 0.7, 1),
            led=row.get("led", 0),
            joined=row.get("joined", 0),
            due=row.get("due", 0),
            maturity=maturity.get(council.pk),
            link=scope.dashboard_link(council=council.gss_code, measure=measure) + "#map",
            page_link=reverse("dashboard:council", args=[council.slug])
            if policies.can_see_council_page(user, council) else None,
            lines=_name_lines(council.short_name),
        )
        cell.points = _hexagon(cell.x, cell.y, HEX_SIZE - 2)
        if measure == Measure.INITIATIVES:
            cell.measure_class = f"bin-{_bin_of(cell.initiatives)}"
            cell.measure_text = _("%(count)s initiatives") % {"count": cell.initiatives}
        elif measure == Measure.MATURITY:
            rank = cell.maturity.overall_level.rank if cell.maturity else 0
            cell.measure_class = f"level-{rank}"
            cell.measure_text = cell.maturity.overall_level.name if cell.maturity else _("Not assessed")
        cells.append(cell)
    if measure == Measure.STATUS:
        legend = [(f"status-{key}", label) for key, label in STATUS_CLASSES.items()]
    elif measure == Measure.INITIATIVES:
        legend = [(f"bin-{index}", bin_label(index)) for index in range(len(INITIATIVE_BINS))]
    else:
        legend = [("level-0", _("Not assessed"))] + [
            (f"level-{level.rank}", level.name) for level in strategy_selectors.maturity_levels()
        ]
    width = (max(c.hex_col for c in councils) - min_col + 1.5) * HEX_SIZE + HEX_SIZE * 0.2
    height = (max_row - min(c.hex_row for c in councils)) * HEX_ROW_STEP * HEX_SIZE + HEX_SIZE * 1.4
    return {
        "cells": cells,
        "measure": measure,
        "measure_label": Measure.LABELS[measure],
        "measures": [(key, Measure.LABELS[key]) for key in measures],
        "legend": legend,
        "period": period,
        "width": round(width),
        "height": round(height),
        "shows_maturity": policies.can_see_maturity_map(user),
        "selected": scope.council,
    }


def council_map_complete(figures: dict, workflow: dict, *, user) -> dict:
    """The map of approved data with each council's overdue and returned updates (`council_map_workflow`) and the
    reporting status they make. Returned updates show only where the person may see them (the office: all; council
    staff: their own council's cell)."""
    all_returned = policies.can_see_unapproved_states(user)
    own_council = policies.unapproved_states_council_id(user)
    for cell in figures["cells"]:
        overdue, returned = workflow.get(cell.council.pk, (0, 0))
        cell.overdue = overdue
        cell.returned = returned if (all_returned or cell.council.pk == own_council) else None
        if figures["measure"] == Measure.STATUS:
            cell.measure_class = f"status-{cell.status}"
            cell.measure_text = str(cell.status_label)
    return figures
