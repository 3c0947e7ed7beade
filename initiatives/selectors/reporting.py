"""The reporting month as a council sees it: My council's task list (what is owed, then how it is grouped), the
review's comparison with the last approved update, and the note that a newer update awaits review. The update
form's state is in update_form.py."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from .. import policies
from ..models import LIVE_STAGES, Initiative, Milestone, Participation, ProgressUpdate, ReportingPeriod
from .portfolio import open_period, reopened_period_ids, today

# An update counts as reported (not overdue, "done" on the task list) once it is submitted; approved stays done.
REPORTED_STATES = (ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.APPROVED)
# What the task list never shows of an update.
LONG_TEXT = ("narrative", "next_steps", *(f"{axis}_commentary" for axis in ProgressUpdate.RAG_AXES))


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
    # May this person write it now (policies.update_writable)? The list links the update form only then: an overdue
    # update of a closed period waits for the Digital Office to reopen the period for its initiative.
    is_editable: bool = False

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
    only observes. Leads and adopters report; observers follow. A fixed number of queries."""
    return tasks_grouped(owed_updates(council=user.council, on=on or today()), user=user)


@dataclass
class OwedUpdates:
    """What a council owes, before the task list groups it (owed_updates)."""

    period: ReportingPeriod | None  # the open period
    reporting: dict  # initiative id -> the live initiatives the council leads or adopts, by reference
    observed: list  # the live initiatives it only observes
    unreported: list  # (initiative, closed period) pairs owed with no update submitted
    updates: dict  # (initiative id, period id) -> the updates the list shows: this period's, and every draft or
    # returned one (of any period)
    reopened: dict  # initiative id -> the ids of the periods the Digital Office reopened for it

    def writable_period_ids(self, initiative_id) -> set:
        """The periods open for writing for one initiative (as selectors.writable_periods says, for them all)."""
        return {*([self.period.pk] if self.period else []), *self.reopened.get(initiative_id, ())}


def owed_updates(*, council, on: datetime.date) -> OwedUpdates:
    """The updates a council owes on `on`, and those it has begun.

    Overdue: a live initiative the council reports on, started by the end of a period whose submission window has
    closed (and the council had joined by then), with no update submitted for it; as far back as
    settings.OVERDUE_LOOKBACK_PERIODS."""
    period = open_period(on=on)
    reporting, observed = _council_participations(council)
    initiatives = {p.initiative_id: p.initiative for p in reporting}
    return OwedUpdates(
        period=period,
        reporting=initiatives,
        observed=observed,
        unreported=_unreported(reporting, _closed_periods(on)),
        updates=_shown_updates(period, [*initiatives, *(i.pk for i in observed)]),
        reopened=reopened_period_ids(list(initiatives)),
    )


def _council_participations(council):
    """The council's part in each live initiative: (the participations it reports for, the initiatives it only
    observes). Each initiative's councils come along, for the policies."""
    participations = list(
        Participation.objects.filter(council=council, initiative__stage__in=LIVE_STAGES)
        .select_related(
            "initiative", "initiative__lead_council", "initiative__current_update", "initiative__current_update__period"
        )
        .prefetch_related(
            Prefetch("initiative__participations", queryset=Participation.objects.only("initiative", "council", "role"))
        )
        .defer("initiative__summary")
        .order_by("initiative__reference")
    )
    reporting = [p for p in participations if policies.council_reports_progress(p.role)]
    observed = [p.initiative for p in participations if not policies.council_reports_progress(p.role)]
    return reporting, observed


def _closed_periods(on):
    """Closed periods, newest first, as far back as the office still chases (settings.OVERDUE_LOOKBACK_PERIODS)."""
    return list(
        ReportingPeriod.objects.filter(submission_due_on__lt=on).order_by("-starts_on")[
            : settings.OVERDUE_LOOKBACK_PERIODS
        ]
    )


def _unreported(reporting, closed) -> list:
    """(initiative, period) for each closed period a reporting participation owed an update for and has none
    submitted: initiatives in reference order, the latest periods first. Two queries: which initiatives have gaps
    (how many of the periods each owed were reported, against how many it owed), then what those reported."""

    def owed(participation):
        start = max(filter(None, [participation.initiative.start_date, participation.joined_on]), default=None)
        return [p for p in closed if p.ends_on >= start] if start else []

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
    gaps = [p for p in reporting if reported_counts.get(p.initiative_id, 0) < len(owed(p))]
    if not gaps:
        return []
    reported = set(
        ProgressUpdate.objects.filter(
            initiative__in=[p.initiative_id for p in gaps], period__in=closed, state__in=REPORTED_STATES
        ).values_list("initiative_id", "period_id")
    )
    return [
        (p.initiative, period) for p in gaps for period in owed(p) if (p.initiative_id, period.pk) not in reported
    ]


def _shown_updates(period, initiative_ids) -> dict:
    """The updates the list shows, by (initiative id, period id): this period's, and every draft or returned one (of
    any period), with who saved each last."""
    shown = Q(state__in=[ProgressUpdate.State.DRAFT, ProgressUpdate.State.RETURNED])
    if period:
        shown |= Q(period=period)
    updates = (
        ProgressUpdate.objects.filter(shown, initiative__in=initiative_ids)
        .select_related("period", "council", "author", "submitted_by", "reviewed_by")
        .defer(*LONG_TEXT)
    )
    return {(u.initiative_id, u.period_id): u for u in _set_last_editors(list(updates))}


def tasks_grouped(owed: OwedUpdates, *, user) -> CouncilTasks:
    """How the list groups what is owed: returned updates first (oldest period first), then overdue ones (latest
    period first), then those due this period (each update once, in the first group it belongs to); and, apart,
    the initiatives followed. Whether `user` may write each one now is the policy's answer (_task)."""
    result = CouncilTasks(council=user.council, period=owed.period, can_write=policies.can_draft_for_council(user))
    result.returned = [
        _task(owed, user, owed.reporting[update.initiative_id], update.period, "returned")
        for update in _returned_updates(owed)
    ]
    listed = _keys(result.returned)
    result.overdue = sorted(
        (_task(owed, user, i, period, "overdue") for i, period in owed.unreported if (i.pk, period.pk) not in listed),
        key=lambda t: (-t.period.starts_on.toordinal(), t.initiative.reference),
    )
    listed |= _keys(result.overdue)
    result.due = [_task(owed, user, i, owed.period, "due") for i in _due_initiatives(owed, listed)]
    result.following = [
        Following(initiative=i, update=owed.updates.get((i.pk, owed.period.pk)) if owed.period else None)
        for i in owed.observed
    ]
    return result


def _task(owed, user, initiative, period, group) -> Task:
    update = owed.updates.get((initiative.pk, period.pk))
    writable = policies.update_writable(
        user, initiative, period=period, update=update, writable_period_ids=owed.writable_period_ids(initiative.pk)
    )
    return Task(initiative=initiative, period=period, update=update, group=group, is_editable=bool(writable))


def _keys(tasks) -> set:
    return {(task.initiative.pk, task.period.pk) for task in tasks}


def _returned_updates(owed) -> list:
    """The updates returned to the council for the initiatives it reports on, oldest period first."""
    returned = [
        update for update in owed.updates.values()
        if update.state == ProgressUpdate.State.RETURNED and update.initiative_id in owed.reporting
    ]
    return sorted(returned, key=lambda update: update.period.starts_on)


def _due_initiatives(owed, listed) -> list:
    """The initiatives that owe this period's update (started by its end) and are not listed already."""
    if owed.period is None:
        return []
    period = owed.period

    def owes(initiative):
        started = initiative.start_date is not None and initiative.start_date <= period.ends_on
        return started and (initiative.pk, period.pk) not in listed

    return [initiative for initiative in owed.reporting.values() if owes(initiative)]


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
