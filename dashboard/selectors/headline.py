"""The headline figures: stage counts, RAG mix, on-time share, budget, spend, benefits, funding."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Q,
)
from django.utils.translation import gettext as _

from councils import selectors as councils_selectors
from initiatives import selectors as portfolio

from .. import policies
from .aggregates import AXES, PERIOD_UPDATE, axis_label, money_sum, not_reported
from .scope import Scope

if TYPE_CHECKING:
    from initiatives.models import ReportingPeriod


def any_axis(rag) -> Q:
    return reduce(operator.or_, (Q(**{f"current_update__rag_{axis}": rag}) for axis in AXES))


@dataclass
class Figure:
    """A number with the portfolio list of exactly the initiatives it counts."""

    label: str
    count: int
    link: str | None = None


@dataclass
class Headline:
    total: Figure
    stages: list
    rag: list  # per axis: {"axis", "label", "cells": [Figure green, amber, red, not rated]}
    red: Figure
    worsened: Figure
    overdue: Figure | None  # None: not yet completed with the workflow's counts (headline_complete)
    slipped: Figure
    on_time: Figure | None
    late: Figure | None
    required: int
    period: ReportingPeriod | None
    budget: Decimal
    spend: Decimal
    benefits: dict
    funding: list | None
    benefits_by_grade: list = ()  # (grade, label, £ realised): estimated, evidenced, audited (dis-benefits apart)

    @property
    def on_time_share(self) -> int | None:
        if not self.required or self.on_time is None:
            return None
        return round(100 * self.on_time.count / self.required)

    @property
    def spend_share(self) -> int | None:
        return round(100 * self.spend / self.budget) if self.budget else None


def headline(scope: Scope, *, user, period: ReportingPeriod | None) -> Headline:
    """The headline figures: those of approved data (`headline_approved`) completed with the workflow's
    (`headline_workflow`)."""
    return headline_complete(headline_approved(scope, user=user, period=period), headline_workflow(scope, period),
                             scope)


def headline_approved(scope: Scope, *, user, period: ReportingPeriod | None) -> Headline:
    """Stage counts, RAG mix, owed updates, budget and spend in one aggregate; benefits in two more; the pooled
    funding position (two more) for those who may read it. Approved data only: the overdue and on-time figures,
    which submissions change, are None until `headline_complete`. `period`: the last closed period."""
    base = scope.base
    aggregates = {
        "total": Count("pk"),
        "budget": money_sum("budget"),
        "spend": money_sum("current_update__spend_to_date"),
        "red": Count("pk", filter=any_axis(portfolio.Rag.RED)),
        "worsened": Count("pk", filter=portfolio.worsened_condition()),
        "slipped": Count("pk", filter=portfolio.slipped_condition()),
        **{f"stage_{stage.value}": Count("pk", filter=Q(stage=stage)) for stage in portfolio.Stage},
        **{
            f"{axis}_{rag.value}": Count("pk", filter=Q(**{f"current_update__rag_{axis}": rag}))
            for axis in AXES
            for rag in portfolio.Rag
        },
    }
    if period is not None:
        aggregates["required"] = Count("pk", filter=portfolio.required_to_report_condition(period))
    row = base.aggregate(**aggregates)
    link = scope.portfolio_link
    stages = []
    for stage in portfolio.Stage:
        count = row[f"stage_{stage.value}"]
        # Counting by stage within a stage filter: each figure's link replaces the filter by its own stage.
        stages.append(Figure(str(stage.label), count, link(stage=[stage.value]) if count else None))
    rag_rows = []
    for axis in AXES:
        cells = [
            Figure(str(rag.label), row[f"{axis}_{rag.value}"], link(**{f"rag_{axis}": rag.value}))
            for rag in portfolio.Rag
        ]
        rated = sum(cell.count for cell in cells)
        # An initiative not rated on one axis has no approved update at all: "not rated" on every axis.
        cells.append(Figure(_("Not rated"), row["total"] - rated, link(rating="not_rated")))
        rag_rows.append({"axis": axis, "label": axis_label(axis), "cells": cells})
    return Headline(
        total=Figure(_("Initiatives"), row["total"], link()),
        stages=stages,
        rag=rag_rows,
        red=Figure(_("Red on any axis"), row["red"], link(rating="red")),
        worsened=Figure(_("Worse than the previous period"), row["worsened"], link(worsened="true")),
        overdue=None,
        slipped=Figure(_("Milestone slipped past its baseline"), row["slipped"], link(slipped="true")),
        on_time=None,
        late=None,
        required=row.get("required", 0),
        period=period,
        budget=row["budget"],
        spend=row["spend"],
        benefits=benefit_totals(portfolio.benefit_records().filter(initiative__in=scope.ids)),
        benefits_by_grade=portfolio.benefits_by_grade(portfolio.benefit_records().filter(initiative__in=scope.ids)),
        funding=councils_selectors.agreement_positions(user=user) if policies.can_see_funding(user) else None,
    )


def headline_workflow(scope: Scope, period: ReportingPeriod | None) -> dict:
    """The headline's counts that submissions change: initiatives overdue for `period` (no update submitted or
    approved) and those that submitted it on time. One aggregate over the initiatives joined to their update."""
    if period is None:
        return {"overdue": 0, "on_time": None}
    owed = portfolio.required_to_report_condition(period)
    return scope.base.alias(**{PERIOD_UPDATE: portfolio.update_for_period(period)}).aggregate(
        overdue=Count("pk", filter=owed & not_reported()),
        on_time=Count("pk", filter=owed & Q(period_update__submitted_at__lt=portfolio.submission_deadline(period))),
    )


def headline_complete(figures: Headline, workflow: dict, scope: Scope) -> Headline:
    """The figures of approved data with the workflow's counts in place."""
    link = scope.portfolio_link
    figures.overdue = Figure(_("Update overdue"), workflow["overdue"], link(overdue="true"))
    if figures.period is not None:
        on_time = workflow["on_time"]
        figures.on_time = Figure(_("On time"), on_time, link(on_time="true"))
        figures.late = Figure(_("Late or missing"), figures.required - on_time, link(on_time="false"))
    return figures


def benefit_totals(benefits) -> dict:
    """Targets and realised values in pounds, cash-releasing and other benefits, and dis-benefits apart (never
    netted); benefits counted in other units are left out. Each benefit counted once, whole, however many councils
    share it; "potential if all 32 adopt" is not a target and is not in these figures."""
    pounds = benefits.filter(unit="£")
    cash = Q(category=portfolio.BenefitCategory.CASH_RELEASING)
    dis = Q(category=portfolio.BenefitCategory.DIS_BENEFIT)
    return pounds.aggregate(
        cashable_target=money_sum("target_value", filter=cash),
        cashable_realised=money_sum("realised_value", filter=cash),
        other_target=money_sum("target_value", filter=~cash & ~dis),
        other_realised=money_sum("realised_value", filter=~cash & ~dis),
        dis_target=money_sum("target_value", filter=dis),
        dis_realised=money_sum("realised_value", filter=dis),
        count=Count("pk"),
    )
