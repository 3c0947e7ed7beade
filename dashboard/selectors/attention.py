"""What needs attention: Red, worsened, overdue, returned and awaiting updates, slipped milestones,
the highest open risks."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    DurationField,
    ExpressionWrapper,
    F,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives import selectors as portfolio
from initiatives.policies import WRITING_ROLES

from .. import policies
from .aggregates import AXES, PERIOD_UPDATE, AttentionList, axis_label, capped, not_reported
from .headline import any_axis
from .scope import Scope

if TYPE_CHECKING:
    from initiatives.models import ReportingPeriod


def _worsening(initiative) -> list[dict]:
    """Each axis on which the current status is worse than the previous one: from what to what."""
    current, previous = initiative.current_update, initiative.previous_update
    changes = []
    for axis in AXES:
        before, after = getattr(previous, f"rag_{axis}"), getattr(current, f"rag_{axis}")
        if portfolio.RAG_RANK[after] > portfolio.RAG_RANK[before]:
            changes.append(
                {"axis": axis_label(axis), "before": before, "after": after, "newly_red": after == portfolio.Rag.RED}
            )
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
    return {**attention_approved(scope, period=period), **attention_workflow(scope, user=user, period=period, on=on)}


def attention_approved(scope: Scope, *, period: ReportingPeriod | None) -> dict:
    """The lists of approved data: Red, worsened, slipped milestones, open risks."""
    base = scope.base
    link = scope.portfolio_link
    red, red_count = capped(
        base.filter(any_axis(portfolio.Rag.RED))
        .select_related("current_update", "current_update__period", "lead_council")
        .order_by("reference")
    )
    worsened, worsened_count = capped(
        base.filter(portfolio.worsened_condition())
        .select_related("current_update", "previous_update", "current_update__period", "previous_update__period")
        .order_by("reference")
    )
    for initiative in worsened:
        initiative.worsening = _worsening(initiative)
    lists = {
        "red": AttentionList(_("Red on any axis"), red, red_count, link(rating="red")),
        "worsened": AttentionList(
            _("Newly Red or worse since the previous period"), worsened, worsened_count, link(worsened="true")
        ),
        "overdue_period": period,
    }
    slip = ExpressionWrapper(F("forecast_date") - F("baseline_date"), output_field=DurationField())
    milestones, milestones_count = capped(
        portfolio.milestone_records().filter(
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
        portfolio.risk_records().filter(initiative__in=scope.ids, status=portfolio.RiskStatus.OPEN)
        .annotate(risk_score=F("likelihood") * F("impact"))
        .select_related("initiative")
        .order_by("-risk_score", "-impact", "initiative__reference", "pk")
    )
    lists["risks"] = AttentionList(_("Highest open risks"), risks, risks_count)
    return lists


def attention_workflow(scope: Scope, *, user, period: ReportingPeriod | None, on: datetime.date) -> dict:
    """The lists the workflow changes: overdue updates (none submitted for `period`), and the returned and
    awaiting updates the person may see. A few capped queries by state, each served by an index."""
    link = scope.portfolio_link
    overdue, overdue_count = [], 0
    if period is not None:
        overdue, overdue_count = capped(
            scope.base.alias(**{PERIOD_UPDATE: portfolio.update_for_period(period)})
            .filter(portfolio.required_to_report_condition(period), not_reported())
            .select_related("lead_council").order_by("reference")
        )
    if overdue:
        writers = portfolio.participation_records().filter(
            initiative__in=[i.pk for i in overdue], role__in=WRITING_ROLES
        ).select_related("council").order_by(portfolio.role_order(), "council__name")
        by_initiative = {}
        for participation in writers:
            by_initiative.setdefault(participation.initiative_id, []).append(participation.council)
        for initiative in overdue:
            initiative.reporting_councils = by_initiative.get(initiative.pk, [])
    lists = {"overdue": AttentionList(_("Overdue updates"), overdue, overdue_count, link(overdue="true"))}
    updates = portfolio.update_records().filter(initiative__in=scope.ids).select_related(
        "initiative", "period", "council"
    )
    visible = _unapproved_visible(updates, user)
    if visible is not None:
        returned, returned_count = capped(
            visible.filter(state=portfolio.UpdateState.RETURNED).order_by("-period__starts_on", "initiative__reference")
        )
        awaiting, awaiting_count = capped(
            visible.filter(state=portfolio.UpdateState.SUBMITTED).order_by("submitted_at", "pk")
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
    return lists
