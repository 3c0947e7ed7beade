"""The reporting month as a council sees it: My council's task list, the update form's context, the review's
comparison with the last approved update, and the note that a newer update awaits review."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from .. import policies
from ..models import LIVE_STAGES, Initiative, Milestone, Participation, ProgressUpdate, ReportingPeriod, Risk
from .portfolio import open_period, today

# An update counts as reported (not overdue, "done" on the task list) once it is submitted; approved stays done.
REPORTED_STATES = (ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.APPROVED)
OPEN_MILESTONES_SHOWN = 5
# What the task list never shows of an update.
LONG_TEXT = ("narrative", "next_steps", *(f"{axis}_commentary" for axis in ProgressUpdate.RAG_AXES))
TOP_RISKS_SHOWN = 5


class TaskState:
    """Where one update stands, as the task list names it (text and tag, never colour alone)."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    RETURNED = "returned"
    SUBMITTED = "submitted"
    APPROVED = "approved"

    LABELS = {
        NOT_STARTED: _("Not started"),
        DRAFT: _("Draft"),
        RETURNED: _("Returned"),
        SUBMITTED: _("Submitted"),
        APPROVED: _("Approved"),
    }
    # Design System tag colours: a word in every tag, so the colour only repeats what the word says.
    TAGS = {
        NOT_STARTED: "ds_tag--grey",
        DRAFT: "ds_tag--blue",
        RETURNED: "ds_tag--orange",
        SUBMITTED: "ds_tag--teal",
        APPROVED: "ds_tag--green",
    }


@dataclass
class Task:
    """One update a council owes (or owed) for one period."""

    initiative: Initiative
    period: ReportingPeriod
    update: ProgressUpdate | None
    group: str  # "returned", "overdue" or "due"
    can_write: bool = False

    @property
    def state(self) -> str:
        return self.update.state if self.update else TaskState.NOT_STARTED

    @property
    def state_label(self):
        return TaskState.LABELS[self.state]

    @property
    def tag_class(self):
        return TaskState.TAGS[self.state]

    @property
    def is_done(self) -> bool:
        return self.state in REPORTED_STATES

    @property
    def is_editable(self) -> bool:
        """An overdue update of a closed period is written only once the Digital Office reopens it (issue 10)."""
        return self.can_write and policies.update_is_editable(self.update) and self.group != "overdue"

    @cached_property
    def slug(self) -> str:
        """Unique on the page, for ids: the same initiative can owe several periods."""
        return f"{self.initiative.reference}-{self.period.starts_on:%Y-%m}".lower()

    @cached_property
    def touched(self):
        """(who, when) last moved this update on, or (None, None) when nobody has begun it."""
        update = self.update
        if update is None:
            return None, None
        if update.state in (ProgressUpdate.State.APPROVED, ProgressUpdate.State.RETURNED) and update.reviewed_at:
            return update.reviewed_by, update.reviewed_at
        if update.state == ProgressUpdate.State.SUBMITTED and update.submitted_at:
            return update.submitted_by, update.submitted_at
        # A draft: whoever saved it last (from its history), else whoever began it.
        return getattr(update, "last_editor", None) or update.author, getattr(update, "last_edited_at", None) or (
            update.updated_at
        )


@dataclass
class Following:
    """An initiative the council observes: shown with its status, nothing to do."""

    initiative: Initiative
    update: ProgressUpdate | None  # this period's, if any


@dataclass
class CouncilTasks:
    council: object
    period: ReportingPeriod | None
    returned: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    due: list = field(default_factory=list)
    following: list = field(default_factory=list)
    can_write: bool = False

    @property
    def tasks(self) -> list[Task]:
        return [*self.returned, *self.overdue, *self.due]

    @property
    def done_count(self) -> int:
        return sum(1 for task in self.tasks if task.is_done)

    @property
    def total_count(self) -> int:
        return len(self.tasks)

    @property
    def to_do(self) -> list[Task]:
        return [task for task in self.tasks if not task.is_done]

    @property
    def next_task(self) -> Task | None:
        """The first task still to do, in the order the list shows them: the first one this person can act on
        (an overdue update of a closed period waits for the Digital Office to reopen it)."""
        return next((task for task in self.to_do if task.is_editable), None) or next(iter(self.to_do), None)


def _set_last_editors(updates):
    """Who saved each update last and when, from its history: one query for them all (`last_editor`,
    `last_edited_at`). Read by id, newest first, and picked in Python: a per-row subquery ordered by date makes
    PostgreSQL walk the whole history table."""
    by_id = {update.pk: update for update in updates}
    latest = {}
    rows = (
        ProgressUpdate.history.model.objects.filter(id__in=by_id)
        .order_by("id", "-history_date", "-history_id")
        .values_list("id", "history_user__full_name", "history_user__email", "history_date")
    )
    for update_id, full_name, email, when in rows:
        latest.setdefault(update_id, (full_name or email, when))
    for update_id, update in by_id.items():
        update.last_editor, update.last_edited_at = latest.get(update_id, (None, None))
    return updates


def council_tasks(*, user, on: datetime.date | None = None) -> CouncilTasks:
    """What a council owes this month, as a task list: updates returned to it (any period) first, then updates
    overdue from any earlier period, then the updates due for the open period; and, apart, the initiatives it
    only observes. Leads and adopters report; observers follow. A fixed number of queries.

    Overdue: a live initiative the council reports on, started by the end of a period whose submission window has
    closed (and the council had joined by then), with no update submitted for it; the latest periods first, as far
    back as settings.OVERDUE_LOOKBACK_PERIODS.
    """
    on = on or today()
    council = user.council
    period = open_period(on=on)
    result = CouncilTasks(council=council, period=period, can_write=policies.can_draft_for_council(user))
    participations = list(
        Participation.objects.filter(council=council, initiative__stage__in=LIVE_STAGES)
        .select_related(
            "initiative", "initiative__lead_council", "initiative__current_update", "initiative__current_update__period"
        )
        .defer("initiative__summary")
        .order_by("initiative__reference")
    )
    reporting = [p for p in participations if policies.council_reports_progress(p.role)]
    observed = [p.initiative for p in participations if not policies.council_reports_progress(p.role)]
    initiatives = {p.initiative_id: p.initiative for p in reporting}
    joined = {p.initiative_id: p.joined_on for p in reporting}

    # Closed periods, newest first, as far back as the office still chases (settings.OVERDUE_LOOKBACK_PERIODS).
    closed = list(
        ReportingPeriod.objects.filter(submission_due_on__lt=on).order_by("-starts_on")[
            : settings.OVERDUE_LOOKBACK_PERIODS
        ]
    )

    def owed(initiative):
        """The closed periods this council owed an update for."""
        start = max(filter(None, [initiative.start_date, joined.get(initiative.pk)]), default=None)
        if start is None:
            return []
        return [p for p in closed if p.ends_on >= start]

    # Which initiatives have gaps: how many of the periods each owed were reported, against how many it owed.
    owed_and_reported = Q(
        initiative__updates__period__in=closed,
        initiative__updates__state__in=REPORTED_STATES,
        initiative__updates__period__ends_on__gte=F("initiative__start_date"),
    ) & (Q(joined_on__isnull=True) | Q(initiative__updates__period__ends_on__gte=F("joined_on")))
    reported_counts = dict(
        Participation.objects.filter(pk__in=[p.pk for p in reporting])
        .annotate(reported=Count("initiative__updates", filter=owed_and_reported))
        .values_list("initiative_id", "reported")
    )
    gaps = {pk for pk, initiative in initiatives.items() if reported_counts.get(pk, 0) < len(owed(initiative))}
    reported = set()
    if gaps:
        reported = set(
            ProgressUpdate.objects.filter(initiative__in=gaps, period__in=closed, state__in=REPORTED_STATES)
            .values_list("initiative_id", "period_id")
        )

    # The updates the list shows: this period's, and every draft or returned one (of any period).
    shown = Q(state__in=[ProgressUpdate.State.DRAFT, ProgressUpdate.State.RETURNED])
    if period:
        shown |= Q(period=period)
    updates = {
        (u.initiative_id, u.period_id): u
        for u in _set_last_editors(
            list(
                ProgressUpdate.objects.filter(shown, initiative__in=[*initiatives, *(i.pk for i in observed)])
                .select_related("period", "council", "author", "submitted_by", "reviewed_by")
                .defer(*LONG_TEXT)
            )
        )
    }

    def task(initiative, task_period, group):
        return Task(
            initiative=initiative,
            period=task_period,
            update=updates.get((initiative.pk, task_period.pk)),
            group=group,
            # My council lists only what the council reports on: its editors may write all of it (the update
            # form itself still asks policies.can_draft_update).
            can_write=result.can_write,
        )

    listed = set()
    for (initiative_id, _period_id), update in sorted(updates.items(), key=lambda item: item[1].period.starts_on):
        if update.state == ProgressUpdate.State.RETURNED and initiative_id in initiatives:
            result.returned.append(task(initiatives[initiative_id], update.period, "returned"))
            listed.add((initiative_id, update.period_id))
    for pk in sorted(gaps, key=lambda pk: initiatives[pk].reference):
        for owed_period in owed(initiatives[pk]):
            key = (pk, owed_period.pk)
            if key not in reported and key not in listed:
                result.overdue.append(task(initiatives[pk], owed_period, "overdue"))
                listed.add(key)
    result.overdue.sort(key=lambda t: (-t.period.starts_on.toordinal(), t.initiative.reference))
    if period:
        for initiative in initiatives.values():
            if (initiative.pk, period.pk) not in listed and initiative.start_date and initiative.start_date <= (
                period.ends_on
            ):
                result.due.append(task(initiative, period, "due"))
    result.following = [
        Following(initiative=i, update=updates.get((i.pk, period.pk)) if period else None) for i in observed
    ]
    return result


# -- the update form ----------------------------------------------------------------------------------------------


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


# -- the review page and the initiative page ----------------------------------------------------------------------


@dataclass
class ComparedRow:
    """One line of the review's side-by-side comparison."""

    key: str
    label: str
    before: object
    after: object
    kind: str  # "rag", "percent" or "money"
    before_note: str = ""
    after_note: str = ""

    @property
    def changed(self) -> bool:
        return self.before is not None and self.before != self.after

    @property
    def is_new(self) -> bool:
        return self.before is None

    @property
    def difference(self):
        """After minus before, for the figures (percentage points, pounds)."""
        if self.kind == "rag" or self.before is None:
            return None
        return self.after - self.before

    @property
    def went_down(self) -> bool:
        return self.difference is not None and self.difference < 0

    @property
    def abs_difference(self):
        return abs(self.difference) if self.difference is not None else None


def update_comparison(update, previous) -> list[ComparedRow]:
    """The update set beside the last approved one: each rating with its commentary, percent and spend."""
    rows = []
    for axis in ProgressUpdate.RAG_AXES:
        label = str(ProgressUpdate._meta.get_field(f"rag_{axis}").verbose_name).capitalize()
        rows.append(
            ComparedRow(
                key=axis,
                label=label,
                before=getattr(previous, f"rag_{axis}") if previous else None,
                after=getattr(update, f"rag_{axis}"),
                kind="rag",
                before_note=getattr(previous, f"{axis}_commentary") if previous else "",
                after_note=getattr(update, f"{axis}_commentary"),
            )
        )
    rows.append(
        ComparedRow(
            key="percent",
            label=_("Percent complete"),
            before=previous.percent_complete if previous else None,
            after=update.percent_complete,
            kind="percent",
        )
    )
    rows.append(
        ComparedRow(
            key="spend",
            label=_("Spend to date"),
            before=previous.spend_to_date if previous else None,
            after=update.spend_to_date,
            kind="money",
        )
    )
    return rows


def pending_update(updates, current) -> ProgressUpdate | None:
    """The newest submitted update of a later period than the current status (from already-loaded updates, newest
    first): the initiative page says it awaits review."""
    return next(
        (
            u
            for u in updates
            if u.state == ProgressUpdate.State.SUBMITTED
            and (current is None or u.period.starts_on > current.period.starts_on)
        ),
        None,
    )


def my_council(*, user, on: datetime.date | None = None) -> dict:
    """My council: the task list, the milestones due in the next 30 days, and how many initiatives the council
    leads, adopts and observes (listed in full on the filtered portfolio)."""
    on = on or today()
    council = user.council
    milestones = (
        Milestone.objects.filter(
            initiative__participations__council=council,
            completed_on__isnull=True,
            forecast_date__gte=on,
            forecast_date__lte=on + datetime.timedelta(days=30),
        )
        .select_related("initiative")
        .distinct()
        .order_by("forecast_date")
    )
    roles = Participation.objects.filter(council=council).aggregate(
        leads=Count("pk", filter=Q(role=Participation.Role.LEAD)),
        adopts=Count("pk", filter=Q(role=Participation.Role.ADOPTER)),
        observes=Count("pk", filter=Q(role=Participation.Role.OBSERVER)),
    )
    return {"council": council, "tasks": council_tasks(user=user, on=on), "milestones": milestones, "roles": roles}


def home_counts(*, user) -> dict:
    """What the home page says needs this person: reviews waiting (Digital Office), or their council's task list
    summary, the same as My council's."""
    counts = {}
    if policies.can_review_updates(user):
        counts["awaiting_review_count"] = ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED).count()
    elif policies.can_see_my_council(user):
        counts["council_tasks"] = council_tasks(user=user)
    return counts
