"""The update form of one initiative for one period: whether this person may write it now (the one policy,
policies.update_writable), what it starts from, and what the writer should have in front of them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext

from .. import policies
from ..models import Initiative, Milestone, ProgressUpdate, ReportingPeriod, Risk
from .portfolio import writable_periods

OPEN_MILESTONES_SHOWN = 5
TOP_RISKS_SHOWN = 5


def last_approved_before(*, initiative, period) -> ProgressUpdate | None:
    """The latest approved update of an earlier period: what this period's update carries forward and is set against."""
    return (
        ProgressUpdate.objects.filter(
            initiative=initiative, state=ProgressUpdate.State.APPROVED, period__starts_on__lt=period.starts_on
        )
        .select_related("period")
        .order_by("-period__starts_on")
        .first()
    )


CARRIED_FORWARD = (
    *(f"rag_{axis}" for axis in ProgressUpdate.RAG_AXES),
    *(f"{axis}_commentary" for axis in ProgressUpdate.RAG_AXES),
    "percent_complete",
    "spend_to_date",
)


def update_form_context(*, initiative, period) -> dict:
    """What the person writing an update should have in front of them: the last approved update (its ratings and
    commentary carry forward into a new update, so a quiet month is quick to report), the open milestones and the
    top open risks. Three queries."""
    previous = last_approved_before(initiative=initiative, period=period)
    milestones = list(
        Milestone.objects.filter(initiative=initiative, completed_on__isnull=True).order_by("forecast_date", "pk")[
            : OPEN_MILESTONES_SHOWN + 1
        ]
    )
    risks = list(
        Risk.objects.filter(initiative=initiative, status=Risk.Status.OPEN)
        .alias(score=F("likelihood") * F("impact"))
        .order_by("-score", "-impact", "title")[: TOP_RISKS_SHOWN + 1]
    )
    return {
        "previous": previous,
        "carried_forward": {name: getattr(previous, name) for name in CARRIED_FORWARD} if previous else {},
        "open_milestones": milestones[:OPEN_MILESTONES_SHOWN],
        "more_milestones": len(milestones) > OPEN_MILESTONES_SHOWN,
        "top_risks": risks[:TOP_RISKS_SHOWN],
        "more_risks": len(risks) > TOP_RISKS_SHOWN,
    }


# What the update form writes.
UPDATE_FIELDS = (
    "rag_delivery",
    "rag_spend",
    "rag_benefits",
    "rag_risk",
    "delivery_commentary",
    "spend_commentary",
    "benefits_commentary",
    "risk_commentary",
    "percent_complete",
    "spend_to_date",
    "narrative",
    "next_steps",
)
# The version a person starts from when the record does not exist yet (the form of an update not yet begun).
NOT_YET_SAVED = 0


def update_moved_on_reason(update) -> str:
    """Why an update can no longer be changed, naming who moved it on and when."""
    if update.state == ProgressUpdate.State.SUBMITTED and update.submitted_at:
        return gettext(
            "%(who)s submitted this update on %(when)s, so it can no longer be changed here. Nothing you "
            "typed was saved: it is still on this page, so you can copy it."
        ) % {
            "who": update.submitted_by or update.council,
            "when": formats.date_format(timezone.localtime(update.submitted_at), "j F Y, H:i"),
        }
    return gettext(
        "This update is %(state)s and can no longer be changed. Nothing you typed was saved: it is still on this "
        "page, so you can copy it."
    ) % {"state": update.get_state_display().lower()}


@dataclass
class UpdateFormState:
    """The update form of one initiative for one period as it stands for one person: the update (None before
    anyone began it), whether they may write it now (policies.update_writable), what the form starts from, and
    what they should have in front of them (update_form_context)."""

    initiative: Initiative
    period: ReportingPeriod
    update: ProgressUpdate | None
    writable: policies.UpdateWritable

    @cached_property
    def context(self) -> dict:
        """Read only for a form that is shown (three queries)."""
        return update_form_context(initiative=self.initiative, period=self.period)

    @property
    def initial(self) -> dict:
        """The update as saved; a new update starts from the last approved one, commentary included, so a quiet
        month is quick to report."""
        if self.update is None:
            return {**self.context["carried_forward"], "version": NOT_YET_SAVED}
        return {**{name: getattr(self.update, name) for name in UPDATE_FIELDS}, "version": self.update.version}

    def leave_notice(self, *, opening: bool) -> str:
        """Why the form is not shown at all (the person goes back to the initiative's updates), or "": its period
        is closed; or, when opening it, the update was submitted or approved."""
        refusal = self.writable.refusal
        if refusal == policies.UpdateWritable.PERIOD_CLOSED:
            return gettext("Updates for %(period)s are closed.") % {"period": self.period.label}
        if opening and refusal == policies.UpdateWritable.MOVED_ON:
            return gettext("This update is %(state)s and can no longer be edited.") % {
                "state": self.update.get_state_display().lower()}
        return ""

    @property
    def refusal_reason(self) -> str:
        """Why a save posted to this form cannot be made, though the form is shown: the update moved on since the
        person opened it (their text stays on the page)."""
        moved_on = self.writable.refusal == policies.UpdateWritable.MOVED_ON
        return update_moved_on_reason(self.update) if moved_on else ""


def update_form_state(*, user, reference, period_start) -> UpdateFormState:
    """The update form's state: 404 for an unknown initiative or period, 403 for someone who does not write this
    initiative's updates."""
    initiative = get_object_or_404(Initiative.objects.select_related("lead_council"), reference=reference)
    period = get_object_or_404(ReportingPeriod, starts_on=period_start)
    update = (
        ProgressUpdate.objects.select_related("submitted_by", "council", "author")
        .filter(initiative=initiative, period=period)
        .first()
    )
    writable = policies.update_writable(
        user, initiative, period=period, update=update,
        writable_period_ids={p.pk for p in writable_periods(initiative)},
    )
    if writable.refusal == policies.UpdateWritable.NOT_A_WRITER:
        raise PermissionDenied
    return UpdateFormState(initiative=initiative, period=period, update=update, writable=writable)


def updates_to_write(*, user, initiative, updates, open_period, writable_periods) -> dict:
    """What the initiative page offers this person to write, by the same policy as the form (policies.update_writable):
    `open`, whether they may write (or continue) the open period's update; `revisable`, the ids of the updates
    (already loaded) they may revise now; `reopened`, the periods the Digital Office reopened for the initiative
    whose update they may write now. No query."""
    period_ids = {period.pk for period in writable_periods}
    by_period = {update.period_id: update for update in updates}

    def writable(period, update):
        return bool(policies.update_writable(user, initiative, period=period, update=update,
                                             writable_period_ids=period_ids))

    return {
        "open": open_period is not None and writable(open_period, by_period.get(open_period.pk)),
        "revisable": {update.pk for update in updates if writable(update.period, update)},
        "reopened": [p for p in writable_periods if p != open_period and writable(p, by_period.get(p.pk))],
    }
