"""The leaders' dashboard, the map of the councils and the council pages: what needs attention, the headline
figures, the trends, what changed since the last board.

Every figure is aggregated in SQL over the initiatives the filters select (`Scope`), never one query per
initiative, council or period, so a page costs the same number of queries whatever the size of the portfolio.
Lists are capped (LIST_LIMIT) and carry their full count from the same query (a window count).
"""

from __future__ import annotations

import datetime
import hashlib
import operator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from math import cos, pi, sin

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core import selectors as core_selectors
from core.forms import applied_filters
from core.roles import role_of
from councils import selectors as councils_selectors
from initiatives import selectors as portfolio
from initiatives.filtersets import InitiativeFilterSet
from initiatives.models import (
    LIVE_STAGES,
    Benefit,
    BenefitRealisation,
    Initiative,
    Milestone,
    Participation,
    ProgressUpdate,
    Rag,
    ReportingPeriod,
    Risk,
    Stage,
)
from initiatives.policies import WRITING_ROLES
from strategy import selectors as strategy_selectors

from . import policies

# The filters every widget obeys, as the portfolio list names them (initiatives.filtersets.InitiativeFilterSet).
FILTERS = ("theme", "outcome", "lead_council", "council", "stage")
LIST_LIMIT = 10
TREND_PERIODS = 12
AXES = ProgressUpdate.RAG_AXES
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal("0.00")


def axis_label(axis: str) -> str:
    return str(ProgressUpdate._meta.get_field(f"rag_{axis}").verbose_name).capitalize()


def rag_label(rag: str | None) -> str:
    return str(Rag(rag).label) if rag in Rag.values else _("Not rated")


def money_sum(expression, **extra):
    return Coalesce(Sum(expression, **extra), Value(ZERO, output_field=MONEY), output_field=MONEY)


def capped(queryset, limit=LIST_LIMIT) -> tuple[list, int]:
    """The first `limit` rows and how many there are in all, in one query (a window count)."""
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[:limit])
    return rows, (rows[0].total_rows if rows else 0)


# -- the filters in force -------------------------------------------------------------------------------------


@dataclass
class Scope:
    """The initiatives the dashboard counts: the portfolio narrowed by the filters in the URL."""

    params: QueryDict
    filterset: InitiativeFilterSet
    initiatives: object  # a queryset of Initiative
    council: object | None  # the participating council filtered on, if any
    lead_council: object | None

    @property
    def ids(self):
        return self.initiatives.values("pk")

    @property
    def base(self):
        """The same initiatives without the filters' joins, so sums count each initiative once."""
        return Initiative.objects.filter(pk__in=self.ids)

    def query(self, **changes) -> str:
        """The filters in force with some changed: a value of None removes the parameter."""
        params = self.params.copy()
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            elif isinstance(value, list | tuple):
                params.setlist(key, list(value))
            else:
                params[key] = value
        return params.urlencode()

    def portfolio_link(self, **extra) -> str:
        """The portfolio list filtered to exactly the initiatives a figure counts."""
        query = self.query(**extra)
        return reverse("initiatives:list") + (f"?{query}" if query else "")

    def dashboard_link(self, **changes) -> str:
        query = self.query(**changes)
        return reverse("dashboard:dashboard") + (f"?{query}" if query else "")


def dashboard_scope(*, user, data: QueryDict) -> Scope:
    """The filters from the URL. Council staff start from their council's version (the initiatives it leads or
    joins) until they choose another council, or any council (an empty `council`)."""
    params = QueryDict(mutable=True)
    for key in FILTERS:
        values = [value for value in data.getlist(key) if value]
        if values:
            params.setlist(key, values)
    own = policies.home_council_gss(user)
    if own and "council" not in data:
        params["council"] = own
    filterset = InitiativeFilterSet(params, queryset=Initiative.objects.all())
    if not filterset.is_valid():
        for name in filterset.errors:  # a value that names nothing is dropped, not an error page
            params.pop(name, None)
        filterset = InitiativeFilterSet(params, queryset=Initiative.objects.all())
        filterset.is_valid()
    cleaned = filterset.form.cleaned_data
    return Scope(
        params=params,
        filterset=filterset,
        initiatives=filterset.qs,
        council=cleaned.get("council"),
        lead_council=cleaned.get("lead_council"),
    )


# -- headline figures -----------------------------------------------------------------------------------------


def _any_axis(rag) -> Q:
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
    overdue: Figure
    slipped: Figure
    on_time: Figure | None
    late: Figure | None
    required: int
    period: ReportingPeriod | None
    budget: Decimal
    spend: Decimal
    benefits: dict
    funding: list | None

    @property
    def on_time_share(self) -> int | None:
        if not self.required or self.on_time is None:
            return None
        return round(100 * self.on_time.count / self.required)

    @property
    def spend_share(self) -> int | None:
        return round(100 * self.spend / self.budget) if self.budget else None


def headline(scope: Scope, *, user, period: ReportingPeriod | None) -> Headline:
    """Stage counts, RAG mix, on-time share, budget and spend in one aggregate; benefits in another; the pooled
    funding position (two more) for those who may read it. `period`: the last closed period."""
    base = scope.base
    aggregates = {
        "total": Count("pk"),
        "budget": money_sum("budget"),
        "spend": money_sum("current_update__spend_to_date"),
        "red": Count("pk", filter=_any_axis(Rag.RED)),
        "worsened": Count("pk", filter=portfolio.worsened_condition()),
        "overdue": Count("pk", filter=portfolio.overdue_condition(period)),
        "slipped": Count("pk", filter=portfolio.slipped_condition()),
        **{f"stage_{stage.value}": Count("pk", filter=Q(stage=stage)) for stage in Stage},
        **{
            f"{axis}_{rag.value}": Count("pk", filter=Q(**{f"current_update__rag_{axis}": rag}))
            for axis in AXES
            for rag in Rag
        },
    }
    if period is not None:
        aggregates["required"] = Count("pk", filter=portfolio.required_to_report_condition(period))
        aggregates["on_time"] = Count("pk", filter=portfolio.on_time_condition(period))
    row = base.aggregate(**aggregates)
    link = scope.portfolio_link
    stages = []
    for stage in Stage:
        count = row[f"stage_{stage.value}"]
        # Counting by stage within a stage filter: each figure's link replaces the filter by its own stage.
        stages.append(Figure(str(stage.label), count, link(stage=[stage.value]) if count else None))
    rag_rows = []
    for axis in AXES:
        cells = [
            Figure(str(rag.label), row[f"{axis}_{rag.value}"], link(**{f"rag_{axis}": rag.value}))
            for rag in Rag
        ]
        rated = sum(cell.count for cell in cells)
        # An initiative not rated on one axis has no approved update at all: "not rated" on every axis.
        cells.append(Figure(_("Not rated"), row["total"] - rated, link(rating="not_rated")))
        rag_rows.append({"axis": axis, "label": axis_label(axis), "cells": cells})
    required = row.get("required", 0)
    on_time = late = None
    if period is not None:
        on_time = Figure(_("On time"), row["on_time"], link(on_time="true"))
        late = Figure(_("Late or missing"), required - row["on_time"], link(on_time="false"))
    return Headline(
        total=Figure(_("Initiatives"), row["total"], link()),
        stages=stages,
        rag=rag_rows,
        red=Figure(_("Red on any axis"), row["red"], link(rating="red")),
        worsened=Figure(_("Worse than the previous period"), row["worsened"], link(worsened="true")),
        overdue=Figure(_("Update overdue"), row["overdue"], link(overdue="true")),
        slipped=Figure(_("Milestone slipped past its baseline"), row["slipped"], link(slipped="true")),
        on_time=on_time,
        late=late,
        required=required,
        period=period,
        budget=row["budget"],
        spend=row["spend"],
        benefits=benefit_totals(Benefit.objects.filter(initiative__in=scope.ids)),
        funding=councils_selectors.agreement_positions(user=user) if policies.can_see_funding(user) else None,
    )


def benefit_totals(benefits) -> dict:
    """Targets and realised values in pounds, cashable and not (benefits counted in other units are left out)."""
    pounds = benefits.filter(unit="£")
    return pounds.aggregate(
        cashable_target=money_sum("target_value", filter=Q(is_cashable=True)),
        cashable_realised=money_sum("realised_value", filter=Q(is_cashable=True)),
        other_target=money_sum("target_value", filter=Q(is_cashable=False)),
        other_realised=money_sum("realised_value", filter=Q(is_cashable=False)),
        count=Count("pk"),
    )


# -- what needs attention -------------------------------------------------------------------------------------


@dataclass
class AttentionList:
    title: str
    items: list
    count: int
    link: str | None = None


def _worsening(initiative) -> list[dict]:
    """Each axis on which the current status is worse than the previous one: from what to what."""
    current, previous = initiative.current_update, initiative.previous_update
    changes = []
    for axis in AXES:
        before, after = getattr(previous, f"rag_{axis}"), getattr(current, f"rag_{axis}")
        if portfolio.RAG_RANK[after] > portfolio.RAG_RANK[before]:
            changes.append({"axis": axis_label(axis), "before": before, "after": after, "newly_red": after == Rag.RED})
    return changes


def _unapproved_visible(updates, user):
    """Returned and submitted updates a person may see (issue 10): the office all, council staff those of their
    council's initiatives, nobody else any."""
    if policies.can_see_unapproved_states(user):
        return updates
    council_id = policies.unapproved_states_council_id(user)
    if council_id is None:
        return None
    return updates.filter(initiative__participations__council_id=council_id)


def needs_attention(scope: Scope, *, user, period: ReportingPeriod | None, on: datetime.date) -> dict:
    """The named lists; `period` is the last closed period (its missing updates are overdue)."""
    base = scope.base
    link = scope.portfolio_link
    red, red_count = capped(
        base.filter(_any_axis(Rag.RED)).select_related("current_update", "current_update__period", "lead_council")
        .order_by("reference")
    )
    worsened, worsened_count = capped(
        base.filter(portfolio.worsened_condition())
        .select_related("current_update", "previous_update", "current_update__period", "previous_update__period")
        .order_by("reference")
    )
    for initiative in worsened:
        initiative.worsening = _worsening(initiative)
    overdue, overdue_count = capped(
        base.filter(portfolio.overdue_condition(period)).select_related("lead_council").order_by("reference")
    )
    if overdue:
        writers = Participation.objects.filter(
            initiative__in=[i.pk for i in overdue], role__in=WRITING_ROLES
        ).select_related("council").order_by(portfolio.role_order(), "council__name")
        by_initiative = {}
        for participation in writers:
            by_initiative.setdefault(participation.initiative_id, []).append(participation.council)
        for initiative in overdue:
            initiative.reporting_councils = by_initiative.get(initiative.pk, [])
    lists = {
        "red": AttentionList(_("Red on any axis"), red, red_count, link(rating="red")),
        "worsened": AttentionList(
            _("Newly Red or worse since the previous period"), worsened, worsened_count, link(worsened="true")
        ),
        "overdue": AttentionList(_("Overdue updates"), overdue, overdue_count, link(overdue="true")),
        "overdue_period": period,
    }
    updates = ProgressUpdate.objects.filter(initiative__in=scope.ids).select_related("initiative", "period", "council")
    visible = _unapproved_visible(updates, user)
    if visible is not None:
        returned, returned_count = capped(
            visible.filter(state=ProgressUpdate.State.RETURNED).order_by("-period__starts_on", "initiative__reference")
        )
        awaiting, awaiting_count = capped(
            visible.filter(state=ProgressUpdate.State.SUBMITTED).order_by("submitted_at", "pk")
        )
        for update in awaiting:
            update.age_days = (on - timezone.localdate(update.submitted_at)).days if update.submitted_at else None
        lists["returned"] = AttentionList(_("Returned updates"), returned, returned_count)
        lists["awaiting"] = AttentionList(
            _("Updates awaiting review"),
            awaiting,
            awaiting_count,
            reverse("initiatives:review_queue") if policies.can_see_review_links(user) else None,
        )
    slip = ExpressionWrapper(F("forecast_date") - F("baseline_date"), output_field=DurationField())
    milestones, milestones_count = capped(
        Milestone.objects.filter(
            initiative__in=scope.ids, completed_on__isnull=True, forecast_date__gt=F("baseline_date")
        )
        .annotate(slip=slip)
        .select_related("initiative")
        .order_by("-slip", "initiative__reference", "pk")
    )
    lists["milestones"] = AttentionList(
        _("Milestones slipped past their baseline"), milestones, milestones_count, link(slipped="true")
    )
    risks, risks_count = capped(
        Risk.objects.filter(initiative__in=scope.ids, status=Risk.Status.OPEN)
        .annotate(risk_score=F("likelihood") * F("impact"))
        .select_related("initiative")
        .order_by("-risk_score", "-impact", "initiative__reference", "pk")
    )
    lists["risks"] = AttentionList(_("Highest open risks"), risks, risks_count)
    return lists


# -- trends over the last 12 periods --------------------------------------------------------------------------


def trend_periods(*, on: datetime.date | None = None) -> list[ReportingPeriod]:
    on = on or portfolio.today()
    return list(reversed(ReportingPeriod.objects.filter(starts_on__lte=on).order_by("-starts_on")[:TREND_PERIODS]))


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


def trends(scope: Scope, *, on: datetime.date | None = None) -> dict:
    """Per period: the approved ratings on each axis, the share of owed updates submitted by the due date (closed
    periods), and benefits realised to the period's end (cumulative, £). Four queries."""
    on = on or portfolio.today()
    periods = trend_periods(on=on)
    if not periods:
        return {"periods": []}
    closed = [p for p in periods if p.submission_due_on < on]
    approved = Q(state=ProgressUpdate.State.APPROVED)
    owed = Q(initiative__stage__in=LIVE_STAGES, initiative__start_date__lte=F("period__ends_on"))
    per_period = {
        row["period_id"]: row
        for row in ProgressUpdate.objects.filter(initiative__in=scope.ids, period__in=periods)
        .annotate(submitted_on=TruncDate("submitted_at"))
        .values("period_id")
        .annotate(
            **{
                f"{axis}_{rag.value}": Count("pk", filter=approved & Q(**{f"rag_{axis}": rag}))
                for axis in AXES
                for rag in Rag
            },
            on_time=Count("pk", filter=owed & Q(submitted_on__lte=F("period__submission_due_on"))),
        )
        .order_by()
    }
    required = scope.base.aggregate(
        **{f"p{p.pk}": Count("pk", filter=portfolio.required_to_report_condition(p)) for p in closed}
    ) if closed else {}
    realised = BenefitRealisation.objects.filter(benefit__initiative__in=scope.ids, benefit__unit="£").aggregate(
        **{
            f"{kind}{p.pk}": money_sum("value", filter=Q(recorded_on__lte=p.ends_on, benefit__is_cashable=cashable))
            for p in periods
            for kind, cashable in (("c", True), ("n", False))
        }
    )
    rows = []
    for period in periods:
        data = per_period.get(period.pk, {})
        rag = {axis: {rag.value: data.get(f"{axis}_{rag.value}", 0) for rag in Rag} for axis in AXES}
        owed_count = required.get(f"p{period.pk}")
        on_time = data.get("on_time", 0) if owed_count is not None else None
        rows.append(
            {
                "period": period,
                "rag": rag,
                "required": owed_count,
                "on_time": on_time,
                "on_time_rate": _percent(on_time, owed_count) if owed_count is not None else None,
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


# -- changed since the last board -----------------------------------------------------------------------------


def default_since(*, on: datetime.date | None = None) -> datetime.date:
    """The last board date Digital Office staff set; else the first day of last month."""
    board = portfolio.last_board_date()
    if board:
        return board
    on = on or portfolio.today()
    first_of_month = on.replace(day=1)
    return (first_of_month - datetime.timedelta(days=1)).replace(day=1)


def _previous_approved_id():
    """The approved update before this one, by period. For an initiative's current status that is its previous
    status (kept beside it); only an update since superseded needs the look-up in its history."""
    return Case(
        When(initiative__current_update=F("pk"), then=F("initiative__previous_update")),
        default=Subquery(
            ProgressUpdate.objects.filter(
                initiative=OuterRef("initiative"),
                state=ProgressUpdate.State.APPROVED,
                period__starts_on__lt=OuterRef("period__starts_on"),
            )
            .order_by("-period__starts_on")
            .values("pk")[:1]
        ),
    )


def _rating_changes(approved) -> tuple[list, int]:
    """The approved updates whose rating on some axis differs from the approved update before them: the first
    LIST_LIMIT by initiative and period, each with its changes (from what to what), and how many in all. Three
    queries: the updates with their predecessor's id (one look-up each, not one per axis), the predecessors'
    ratings, the listed updates."""
    fields = [f"rag_{axis}" for axis in AXES]
    rows = list(
        approved.annotate(previous_id=_previous_approved_id())
        .filter(previous_id__isnull=False)
        .values("pk", "previous_id", "initiative__reference", "period__starts_on", *fields)
    )
    before = {
        row["pk"]: row
        for row in ProgressUpdate.objects.filter(pk__in=[r["previous_id"] for r in rows]).values("pk", *fields)
    }
    changed = sorted(
        (row for row in rows if any(row[f] != before[row["previous_id"]][f] for f in fields)),
        key=lambda row: (row["initiative__reference"], row["period__starts_on"]),
    )
    listed = changed[:LIST_LIMIT]
    updates = ProgressUpdate.objects.select_related("initiative", "period").in_bulk([row["pk"] for row in listed])
    items = []
    for row in listed:
        update, previous = updates[row["pk"]], before[row["previous_id"]]
        update.changes = [
            {"axis": axis_label(axis), "before": previous[f"rag_{axis}"], "after": row[f"rag_{axis}"]}
            for axis in AXES
            if previous[f"rag_{axis}"] != row[f"rag_{axis}"]
        ]
        items.append(update)
    return items, len(changed)


def changed_since(scope: Scope, *, since: datetime.date) -> dict:
    """What changed from the start of `since`: updates approved, ratings changed (from what to what), risks
    opened and closed, milestones slipped, stages changed, councils joined. One query per list."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    ids = scope.ids
    approved = ProgressUpdate.objects.filter(
        state=ProgressUpdate.State.APPROVED, reviewed_at__gte=start, initiative__in=ids
    ).select_related("initiative", "period")
    approved_list, approved_count = capped(approved.order_by("-reviewed_at", "pk"))
    rag_changes, rag_changes_count = _rating_changes(approved)
    new_risks = capped(
        Risk.objects.filter(initiative__in=ids, created_at__gte=start).select_related("initiative")
        .order_by("-created_at", "pk")
    )
    risk_history = Risk.history.filter(id=OuterRef("pk"), status=Risk.Status.CLOSED)
    closed_risks = capped(
        Risk.objects.filter(initiative__in=ids, status=Risk.Status.CLOSED)
        .filter(Exists(risk_history.filter(history_date__gte=start)))
        .exclude(Exists(risk_history.filter(history_date__lt=start)))
        .select_related("initiative")
        .order_by("initiative__reference", "pk")
    )
    forecast_before = Subquery(
        Milestone.history.filter(id=OuterRef("pk"), history_date__lt=start)
        .order_by("-history_date")
        .values("forecast_date")[:1]
    )
    slipped = capped(
        Milestone.objects.filter(initiative__in=ids, updated_at__gte=start)
        .annotate(forecast_before=forecast_before)
        .filter(forecast_date__gt=F("forecast_before"))
        .select_related("initiative")
        .order_by("initiative__reference", "baseline_date", "pk")
    )
    stage_before = Subquery(
        Initiative.history.filter(id=OuterRef("pk"), history_date__lt=start)
        .order_by("-history_date")
        .values("stage")[:1]
    )
    stages = capped(
        scope.base.filter(updated_at__gte=start)
        .annotate(stage_before=stage_before)
        .filter(stage_before__isnull=False)
        .exclude(stage=F("stage_before"))
        .order_by("reference")
    )
    for initiative in stages[0]:
        initiative.stage_before_label = Stage(initiative.stage_before).label
    joins = capped(
        Participation.objects.filter(initiative__in=ids, created_at__gte=start)
        .exclude(role=Participation.Role.LEAD)
        .select_related("initiative", "council")
        .order_by("-created_at", "pk")
    )
    return {
        "since": since,
        "approved": AttentionList(_("Updates approved"), approved_list, approved_count),
        "rag_changes": AttentionList(_("Ratings changed"), rag_changes, rag_changes_count),
        "new_risks": AttentionList(_("New risks"), *new_risks),
        "closed_risks": AttentionList(_("Risks closed"), *closed_risks),
        "slipped": AttentionList(_("Milestones slipped"), *slipped),
        "stages": AttentionList(_("Stage changes"), *stages),
        "joins": AttentionList(_("Councils joined"), *joins),
    }


# -- the map of the councils ----------------------------------------------------------------------------------

HEX_SIZE = 56  # px from one flat side of a cell to the other
HEX_ROW_STEP = 0.866  # rows overlap: the reference data's layout ("odd-r", rows increasing northwards)


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


def _hexagon(cx, cy, size) -> str:
    """A pointy-topped hexagon `size` wide, centred on (cx, cy), as SVG polygon points."""
    radius = size / 3**0.5
    corners = []
    for k in range(6):
        angle = pi / 180 * (60 * k - 30)
        corners.append(f"{cx + radius * cos(angle):.1f},{cy + radius * sin(angle):.1f}")
    return " ".join(corners)


def _name_lines(short_name: str) -> list[str]:
    """A short name on one line, or two when it is long ("West / Dunbartonshire")."""
    if len(short_name) <= 10 or " " not in short_name:
        return [short_name]
    words = short_name.split(" ")
    best = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    return [" ".join(words[:best]), " ".join(words[best:])]


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
    """The 32 councils as a hex cartogram: per council the initiatives it leads and joins, and its reporting status
    for the last closed period (updates its council writes: overdue, returned), within the filters. Returned
    updates show only where the person may see them (the office: all; council staff: their own council's cell).
    Maturity is a measure for Digital Office staff only. `period`: the last closed period. Two queries, three with
    maturity."""
    measures = [Measure.STATUS, Measure.INITIATIVES]
    if policies.can_see_maturity_map(user):
        measures.append(Measure.MATURITY)
    if measure not in measures:
        measure = Measure.STATUS
    aggregates = {
        "led": Count("pk", filter=Q(role=Participation.Role.LEAD)),
        "joined": Count("pk", filter=~Q(role=Participation.Role.LEAD)),
    }
    participations = Participation.objects.filter(initiative__in=scope.ids)
    if period is not None:
        reported = ProgressUpdate.objects.filter(
            initiative=OuterRef("initiative"), period=period,
            state__in=[ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.APPROVED],
        )
        returned = ProgressUpdate.objects.filter(
            initiative=OuterRef("initiative"), period=period, state=ProgressUpdate.State.RETURNED
        )
        owes = Q(role__in=WRITING_ROLES, initiative__stage__in=LIVE_STAGES, initiative__start_date__lte=period.ends_on)
        participations = participations.alias(reported=Exists(reported), was_returned=Exists(returned))
        aggregates.update(
            due=Count("pk", filter=owes),
            overdue=Count("pk", filter=owes & Q(reported=False)),
            returned=Count("pk", filter=owes & Q(was_returned=True)),
        )
    rows = {row["council_id"]: row for row in participations.values("council_id").annotate(**aggregates).order_by()}
    councils = list(councils_selectors.council_list())
    maturity = {}
    if measure == Measure.MATURITY or policies.can_see_maturity_map(user):
        maturity = strategy_selectors.latest_maturity_levels(user=user) if policies.can_see_maturity_map(user) else {}
    all_returned = policies.can_see_unapproved_states(user)
    own_council = policies.unapproved_states_council_id(user)
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
            overdue=row.get("overdue", 0),
            returned=row.get("returned", 0) if (all_returned or council.pk == own_council) else None,
            maturity=maturity.get(council.pk),
            link=scope.dashboard_link(council=council.gss_code, measure=measure) + "#map",
            page_link=reverse("dashboard:council", args=[council.slug])
            if policies.can_see_council_page(user, council) else None,
            lines=_name_lines(council.short_name),
        )
        cell.points = _hexagon(cell.x, cell.y, HEX_SIZE - 2)
        if measure == Measure.STATUS:
            cell.measure_class = f"status-{cell.status}"
            cell.measure_text = str(cell.status_label)
        elif measure == Measure.INITIATIVES:
            cell.measure_class = f"bin-{_bin_of(cell.initiatives)}"
            cell.measure_text = _("%(count)s initiatives") % {"count": cell.initiatives}
        else:
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


# -- the whole page -------------------------------------------------------------------------------------------


DASHBOARD_CACHE_SECONDS = 600


def _viewer(user) -> tuple:
    """Everything that decides which figures a person may see (this module's policies): people who answer alike
    (the CDO and the CTO; two editors of one council) share cached figures, and nobody else does."""
    return (
        role_of(user), user.council_id, user.partner_id,
        policies.can_see_unapproved_states(user), policies.unapproved_states_council_id(user),
        policies.can_see_funding(user), policies.can_see_maturity_map(user), policies.can_see_review_links(user),
    )


def dashboard(*, user, data: QueryDict, on: datetime.date | None = None) -> dict:
    """The whole page. Its figures are computed once per change, not per view: cached under the portfolio
    generation, which every write to the portfolio's apps renews (core.changes.renew_generation_on_writes), with the
    day, the filters, the viewer's permissions and the language in the key."""
    if not policies.can_see_dashboard(user):
        raise Http404
    on = on or portfolio.today()
    scope = dashboard_scope(user=user, data=data)
    measure = data.get("measure") or Measure.STATUS
    key_parts = (_viewer(user), get_language(), on, scope.params.urlencode(), data.get("since"), measure,
                 core_selectors.portfolio_generation())
    key = "dashboard:" + hashlib.sha256(repr(key_parts).encode()).hexdigest()
    figures = cache.get(key)
    if figures is None:
        figures = _figures(scope, user=user, data=data, measure=measure, on=on)
        cache.set(key, figures, timeout=DASHBOARD_CACHE_SECONDS)
    return {
        "scope": scope,
        "form": scope.filterset.form,
        "filter_fields": [scope.filterset.form[name] for name in FILTERS],
        "applied": applied_filters(scope.filterset.form, scope.params),
        **figures,
        "can_see_unapproved": policies.can_see_unapproved_states(user)
        or policies.unapproved_states_council_id(user) is not None,
    }


def _figures(scope: Scope, *, user, data, measure, on) -> dict:
    period = portfolio.last_closed_period(on=on)
    board = default_since(on=on)
    since = _since_of(data, on=on, default=board)
    return {
        "headline": headline(scope, user=user, period=period),
        "attention": needs_attention(scope, user=user, period=period, on=on),
        "trends": trends(scope, on=on),
        "changes": changed_since(scope, since=since),
        "since": since,
        "default_since": board,
        "map": council_map(scope, user=user, period=period, measure=measure),
    }


def _since_of(data, *, on, default) -> datetime.date:
    text = data.get("since") or ""
    try:
        since = datetime.date.fromisoformat(text)
    except ValueError:
        return default
    return min(since, on)


# -- a council's page -----------------------------------------------------------------------------------------


COUNCIL_PAGE_SIZE = 50


def council_page(*, user, slug: str, page=None, on: datetime.date | None = None) -> dict:
    """One council: its initiatives and roles (COUNCIL_PAGE_SIZE a page: Glasgow takes part in hundreds), its
    reporting record over 12 periods, its contributions, benefits realised and maturity (each under the rules of
    its own pages). Another council's staff get a 404."""
    on = on or portfolio.today()
    council = councils_selectors.council_by_slug(slug)
    if council is None or not policies.can_see_council_page(user, council):
        raise Http404
    participations = Participation.objects.filter(council=council)
    roles = participations.aggregate(
        total=Count("pk"), **{role: Count("pk", filter=Q(role=role)) for role in Participation.Role.values}
    )
    paginator = Paginator(
        participations.select_related("initiative", "initiative__current_update", "initiative__lead_council")
        .order_by(portfolio.role_order(), "initiative__reference"),
        COUNCIL_PAGE_SIZE,
    )
    paginator.count = roles["total"]  # known already: no second COUNT
    participations_page = paginator.get_page(page)
    periods = [p for p in trend_periods(on=on) if p.submission_due_on < on]
    writes = Q(participations__council=council, participations__role__in=WRITING_ROLES)
    owed = Initiative.objects.filter(writes).aggregate(
        **{f"p{p.pk}": Count("pk", filter=portfolio.required_to_report_condition(p)) for p in periods}
    ) if periods else {}
    record = {
        row["period_id"]: row
        for row in ProgressUpdate.objects.filter(
            period__in=periods,
            initiative__participations__council=council,
            initiative__participations__role__in=WRITING_ROLES,
            initiative__stage__in=LIVE_STAGES,
            initiative__start_date__lte=F("period__ends_on"),
            submitted_at__isnull=False,
        )
        .annotate(submitted_on=TruncDate("submitted_at"))
        .values("period_id")
        .annotate(
            on_time=Count("pk", filter=Q(submitted_on__lte=F("period__submission_due_on"))),
            late=Count("pk", filter=Q(submitted_on__gt=F("period__submission_due_on"))),
        )
        .order_by()
    }
    reporting = []
    for period in periods:
        row = record.get(period.pk, {})
        due = owed.get(f"p{period.pk}", 0)
        on_time, late = row.get("on_time", 0), row.get("late", 0)
        reporting.append({
            "period": period, "due": due, "on_time": on_time, "late": late,
            "missing": max(0, due - on_time - late), "rate": _percent(on_time, due),
        })
    funding = None
    if policies.can_see_council_funding(user, council):
        ledger = councils_selectors.council_ledger(user=user, slug=council.slug, on=on)
        funding = {"figures": ledger["figures"], "rows": ledger["rows"][-3:]}
    maturity = None
    if policies.can_see_maturity(user, council):
        maturity = strategy_selectors.latest_maturity_levels(user=user, council_ids=[council.pk]).get(council.pk)
    benefits = Benefit.objects.filter(council=council)
    return {
        "council": council,
        "participations": participations_page,
        "participation_count": roles.pop("total"),
        "roles": roles,
        "portfolio_link": reverse("initiatives:list") + f"?council={council.gss_code}",
        "reporting": list(reversed(reporting)),
        "funding": funding,
        "maturity": maturity,
        "can_see_maturity": policies.can_see_maturity(user, council),
        "benefits": benefit_totals(benefits),
        "top_benefits": list(
            benefits.filter(unit="£").select_related("initiative").order_by("-realised_value", "pk")[:LIST_LIMIT]
        ),
        "dashboard_link": reverse("dashboard:dashboard") + f"?council={council.gss_code}",
    }


def since_label(since: datetime.date) -> str:
    return date_format(since, "j F Y")
