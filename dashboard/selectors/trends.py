"""Trends over the last 12 periods: ratings, on-time share and benefits realised, with their charts."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Q,
)
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
    periods), and benefits realised to the period's end (cumulative, £), with their charts: the figures of approved
    data (`trends_approved`) completed with the workflow's (`trends_workflow`)."""
    on = on or portfolio.today()
    return trends_complete(trends_approved(scope, on=on), trends_workflow(scope, on=on))


def trends_approved(scope: Scope, *, on: datetime.date) -> dict:
    """The trends of approved data: ratings, owed updates, benefits realised. Four queries. The on-time figures,
    which submissions change, are None until `trends_complete`."""
    periods = trend_periods(on=on)
    if not periods:
        return {"periods": []}
    closed = [p for p in periods if p.submission_due_on < on]
    per_period = {
        row["period_id"]: row
        for row in portfolio.update_records().filter(
            initiative__in=scope.ids, period__in=periods, state=portfolio.UpdateState.APPROVED
        )
        .values("period_id")
        .annotate(
            **{
                f"{axis}_{rag.value}": Count("pk", filter=Q(**{f"rag_{axis}": rag}))
                for axis in AXES
                for rag in portfolio.Rag
            },
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
        rows.append(
            {
                "period": period,
                "rag": rag,
                "required": required.get(f"p{period.pk}"),
                "on_time": None,
                "on_time_rate": None,
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
    return {"periods": periods, "rows": rows, "rag_chart": rag_chart, "benefits_chart": benefits_chart}


def trends_workflow(scope: Scope, *, on: datetime.date) -> dict:
    """Per closed period of the trends: how many owed updates were submitted by the end of its due date (whatever
    became of them later), by period id. One aggregate."""
    closed = [p for p in trend_periods(on=on) if p.submission_due_on < on]
    if not closed:
        return {}
    counts = portfolio.update_records().filter(
        initiative__in=scope.ids, period__in=closed, initiative__stage__in=portfolio.LIVE_STAGES
    ).aggregate(**{
        f"p{p.pk}": Count("pk", filter=Q(period=p, initiative__start_date__lte=p.ends_on,
                                         submitted_at__lt=portfolio.submission_deadline(p)))
        for p in closed
    })
    return {p.pk: counts[f"p{p.pk}"] for p in closed}


def trends_complete(figures: dict, on_time: dict) -> dict:
    """The trends of approved data with the on-time figures (`trends_workflow`), their chart and summaries."""
    if not figures["periods"]:
        return figures
    rows = figures["rows"]
    for row in rows:
        if row["required"] is not None:
            row["on_time"] = on_time.get(row["period"].pk, 0)
            row["on_time_rate"] = percent(row["on_time"], row["required"])
    figures["on_time_chart"] = {
        "type": "line",
        "labels": [row["period"].label for row in rows],
        "datasets": [{"label": _("Updates submitted on time (%)"), "style": "series",
                      "data": [row["on_time_rate"] for row in rows]}],
        "y": {"title": _("Per cent on time"), "min": 0, "max": 100},
        "x": {"title": _("Reporting period")},
    }
    figures["summaries"] = _trend_summaries(rows)
    return figures


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
