"""What changed since the last board: approvals, rating changes, risks, milestones, stages, joins."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Subquery,
    When,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from initiatives import selectors as portfolio

from .aggregates import AXES, LIST_LIMIT, AttentionList, axis_label, capped
from .scope import Scope

if TYPE_CHECKING:
    pass


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
            portfolio.update_records().filter(
                initiative=OuterRef("initiative"),
                state=portfolio.UpdateState.APPROVED,
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
        for row in portfolio.update_records().filter(pk__in=[r["previous_id"] for r in rows]).values("pk", *fields)
    }
    changed = sorted(
        (row for row in rows if any(row[f] != before[row["previous_id"]][f] for f in fields)),
        key=lambda row: (row["initiative__reference"], row["period__starts_on"]),
    )
    listed = changed[:LIST_LIMIT]
    updates = portfolio.update_records().select_related("initiative", "period").in_bulk([row["pk"] for row in listed])
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
    approved = portfolio.update_records().filter(
        state=portfolio.UpdateState.APPROVED, reviewed_at__gte=start, initiative__in=ids
    ).select_related("initiative", "period")
    approved_list, approved_count = capped(approved.order_by("-reviewed_at", "pk"))
    rag_changes, rag_changes_count = _rating_changes(approved)
    new_risks = capped(
        portfolio.risk_records().filter(initiative__in=ids, created_at__gte=start).select_related("initiative")
        .order_by("-created_at", "pk")
    )
    risk_history = portfolio.risk_history_records().filter(id=OuterRef("pk"), status=portfolio.RiskStatus.CLOSED)
    closed_risks = capped(
        portfolio.risk_records().filter(initiative__in=ids, status=portfolio.RiskStatus.CLOSED)
        .filter(Exists(risk_history.filter(history_date__gte=start)))
        .exclude(Exists(risk_history.filter(history_date__lt=start)))
        .select_related("initiative")
        .order_by("initiative__reference", "pk")
    )
    forecast_before = Subquery(
        portfolio.milestone_history_records().filter(id=OuterRef("pk"), history_date__lt=start)
        .order_by("-history_date")
        .values("forecast_date")[:1]
    )
    slipped = capped(
        portfolio.milestone_records().filter(initiative__in=ids, updated_at__gte=start)
        .annotate(forecast_before=forecast_before)
        .filter(forecast_date__gt=F("forecast_before"))
        .select_related("initiative")
        .order_by("initiative__reference", "baseline_date", "pk")
    )
    stage_before = Subquery(
        portfolio.initiative_history_records().filter(id=OuterRef("pk"), history_date__lt=start)
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
        initiative.stage_before_label = portfolio.Stage(initiative.stage_before).label
    joins = capped(
        portfolio.participation_records().filter(initiative__in=ids, created_at__gte=start)
        .exclude(role=portfolio.ParticipationRole.LEAD)
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


def since_label(since: datetime.date) -> str:
    return date_format(since, "j F Y")
