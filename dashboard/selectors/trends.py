"""Trends over the last 12 periods: ratings, on-time share and benefits realised, with their charts."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    F,
    Q,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from initiatives import selectors as portfolio

from .aggregates import AXES, TREND_PERIODS, axis_label, money_sum, percent
from .scope import Scope

if TYPE_CHECKING:
    from initiatives.models import ReportingPeriod


def trend_periods(*, on: datetime.date | None = None) -> list[ReportingPeriod]:
    on = on or portfolio.today()
    return list(reversed(portfolio.period_records().filter(starts_on__lte=on).order_by("-starts_on")[:TREND_PERIODS]))


def trends(scope: Scope, *, on: datetime.date | None = None) -> dict:
    """Per period: the approved ratings on each axis, the share of owed updates submitted by the due date (closed
    periods), and benefits realised to the period's end (cumulative, £). Four queries."""
    on = on or portfolio.today()
    periods = trend_periods(on=on)
    if not periods:
        return {"periods": []}
    closed = [p for p in periods if p.submission_due_on < on]
    approved = Q(state=portfolio.UpdateState.APPROVED)
    owed = Q(initiative__stage__in=portfolio.LIVE_STAGES, initiative__start_date__lte=F("period__ends_on"))
    per_period = {
        row["period_id"]: row
        for row in portfolio.update_records().filter(initiative__in=scope.ids, period__in=periods)
        .annotate(submitted_on=TruncDate("submitted_at"))
        .values("period_id")
        .annotate(
            **{
                f"{axis}_{rag.value}": Count("pk", filter=approved & Q(**{f"rag_{axis}": rag}))
                for axis in AXES
                for rag in portfolio.Rag
            },
            on_time=Count("pk", filter=owed & Q(submitted_on__lte=F("period__submission_due_on"))),
        )
        .order_by()
    }
    required = scope.base.aggregate(
        **{f"p{p.pk}": Count("pk", filter=portfolio.required_to_report_condition(p)) for p in closed}
    ) if closed else {}
    realisations = portfolio.benefit_realisation_records()
    cash = Q(benefit__category=portfolio.BenefitCategory.CASH_RELEASING)
    dis = Q(benefit__category=portfolio.BenefitCategory.DIS_BENEFIT)  # dis-benefits are never netted in
    realised = realisations.filter(benefit__initiative__in=scope.ids, benefit__unit="£").aggregate(
        **{
            f"{kind}{p.pk}": money_sum("value", filter=Q(recorded_on__lte=p.ends_on) & categories)
            for p in periods
            for kind, categories in (("c", cash), ("n", ~cash & ~dis))
        }
    )
    rows = []
    for period in periods:
        data = per_period.get(period.pk, {})
        rag = {axis: {rag.value: data.get(f"{axis}_{rag.value}", 0) for rag in portfolio.Rag} for axis in AXES}
        owed_count = required.get(f"p{period.pk}")
        on_time = data.get("on_time", 0) if owed_count is not None else None
        rows.append(
            {
                "period": period,
                "rag": rag,
                "required": owed_count,
                "on_time": on_time,
                "on_time_rate": percent(on_time, owed_count) if owed_count is not None else None,
                "cashable": realised[f"c{period.pk}"],
                "non_cashable": realised[f"n{period.pk}"],
            }
        )
    labels = [p.label for p in periods]
    rag_chart = {
        "type": "line",
        "labels": labels,
        "datasets": [
            {"label": _("Red on %(axis)s") % {"axis": axis_label(axis).lower()}, "style": "series",
             "data": [row["rag"][axis]["red"] for row in rows]}
            for axis in AXES
        ],
        "y": {"title": _("Initiatives rated Red"), "beginAtZero": True},
        "x": {"title": _("Reporting period")},
    }
    on_time_chart = {
        "type": "line",
        "labels": labels,
        "datasets": [{"label": _("Updates submitted on time (%)"), "style": "series",
                      "data": [row["on_time_rate"] for row in rows]}],
        "y": {"title": _("Per cent on time"), "min": 0, "max": 100},
        "x": {"title": _("Reporting period")},
    }
    benefits_chart = {
        "type": "line",
        "labels": labels,
        "datasets": [
            {"label": _("Cashable (£)"), "style": "series", "data": [float(row["cashable"]) for row in rows]},
            {"label": _("Non-cashable (£)"), "style": "series", "data": [float(row["non_cashable"]) for row in rows]},
        ],
        "y": {"title": _("Realised to date (£)"), "beginAtZero": True},
        "x": {"title": _("Reporting period")},
    }
    return {
        "periods": periods,
        "rows": rows,
        "rag_chart": rag_chart,
        "on_time_chart": on_time_chart,
        "benefits_chart": benefits_chart,
        "summaries": _trend_summaries(rows),
    }


def _trend_summaries(rows) -> dict:
    """One sentence per chart: where the figure started and where it is now."""
    first, last = rows[0], rows[-1]
    reds = ", ".join(
        _("%(axis)s %(before)s to %(after)s") % {
            "axis": axis_label(axis).lower(), "before": first["rag"][axis]["red"], "after": last["rag"][axis]["red"]}
        for axis in AXES
    )
    rated = [row for row in rows if row["on_time_rate"] is not None]
    on_time = _("No period has closed yet.")
    if rated:
        on_time = _("%(rate)s%% of owed updates were submitted on time for %(period)s, against %(start)s%% for "
                    "%(first)s.") % {"rate": rated[-1]["on_time_rate"], "period": rated[-1]["period"].label,
                                     "start": rated[0]["on_time_rate"], "first": rated[0]["period"].label}
    benefits = _("By the end of %(period)s, £%(cashable)s cashable and £%(other)s non-cashable benefits were "
                 "realised, against £%(start_cashable)s and £%(start_other)s by the end of %(first)s.") % {
        "period": last["period"].label, "first": first["period"].label,
        "cashable": f"{last['cashable']:,.0f}", "other": f"{last['non_cashable']:,.0f}",
        "start_cashable": f"{first['cashable']:,.0f}", "start_other": f"{first['non_cashable']:,.0f}",
    }
    return {
        "rag": _("Initiatives rated Red from %(first)s to %(last)s: %(changes)s.") % {
            "first": first["period"].label, "last": last["period"].label, "changes": reds},
        "on_time": on_time,
        "benefits": benefits,
    }
