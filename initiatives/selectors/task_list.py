"""The reporting month as a council sees it: My council's task list and the home page's summary of it.

The database says what is owed, in which group, how many of each and which rows one page shows
(task_list_sql.py); only those rows become objects here, and whether the person may write each one is the
policy's answer (policies.update_writable). The home page's summary reads the same counts from the same query.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from .. import policies
from ..models import Initiative, Milestone, Participation, ProgressUpdate, ReportingPeriod
from .portfolio import open_period, reopened_period_ids, today
from .task_list_sql import REPORTED_STATES, TASK_LIST_GROUPS, TaskRow, task_counts_and_rows, to_do_rows

# Each group of My council shows this many tasks a page (Glasgow's editor owes about a thousand).
TASKS_PER_PAGE = 25
# The tasks still to do read at a time while looking for the next one this person can act on.
NEXT_TASK_BATCH = 100
TASK_GROUPS = TASK_LIST_GROUPS[:3]  # returned, overdue, due: what the council owes; "following" owes nothing
# The query parameter that says which page of each group My council shows.
TASK_PAGE_PARAMETERS = {group: f"{group}_page" for group in TASK_LIST_GROUPS}
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
class TaskCounts:
    """How many updates a council owes, by group and state, as the home page and My council's summary say."""

    council: object
    period: ReportingPeriod | None  # the open period
    can_write: bool
    counts: dict  # group -> {update state, or None when not started: how many}

    def count(self, group) -> int:
        return sum(self.counts.get(group, {}).values())

    def done_in(self, group) -> int:
        return sum(number for state, number in self.counts.get(group, {}).items() if state in REPORTED_STATES)

    @property
    def returned_count(self) -> int:
        return self.count("returned")

    @property
    def overdue_count(self) -> int:
        return self.count("overdue")

    @property
    def due_count(self) -> int:
        return self.count("due")

    @property
    def following_count(self) -> int:
        return self.count("following")

    @property
    def total_count(self) -> int:
        return sum(self.count(group) for group in TASK_GROUPS)

    @property
    def done_count(self) -> int:
        return sum(self.done_in(group) for group in TASK_GROUPS)

    @property
    def to_do_count(self) -> int:
        return self.total_count - self.done_count


@dataclass
class TaskGroup:
    """One group of the list: its counts, the page shown (a Django Page over the group's size) and its tasks."""

    name: str
    counts: dict  # {update state, or None when not started: how many}
    page: object
    items: list

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def page_parameter(self) -> str:
        return TASK_PAGE_PARAMETERS[self.name]

    @property
    def states(self) -> list[tuple[str, object, int]]:
        """(state, label, how many) of each state in the group, in the order the states move on."""
        return [
            (state, TaskState.LABELS[state], self.counts[key])
            for state, key in ((TaskState.NOT_STARTED, None), *((s, s) for s in list(TaskState.LABELS)[1:]))
            if self.counts.get(key)
        ]


@dataclass
class CouncilTasks(TaskCounts):
    """My council's task list: the counts, and one page of each group."""

    groups: dict  # group name -> TaskGroup
    user: object = None
    on: datetime.date | None = None

    @property
    def returned(self) -> list[Task]:
        return self.groups["returned"].items

    @property
    def overdue(self) -> list[Task]:
        return self.groups["overdue"].items

    @property
    def due(self) -> list[Task]:
        return self.groups["due"].items

    @property
    def following(self) -> list[Following]:
        return self.groups["following"].items

    @property
    def tasks(self) -> list[Task]:
        """The tasks on the pages shown, in the list's order."""
        return [*self.returned, *self.overdue, *self.due]

    @cached_property
    def next_task(self) -> Task | None:
        return next_council_task(user=self.user, on=self.on)


def _page_number(value) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def council_task_counts(*, user, on: datetime.date | None = None) -> TaskCounts:
    """How many updates the person's council owes, by group and state (the home page's summary). Two queries."""
    on = on or today()
    period = open_period(on=on)
    counts, _rows = task_counts_and_rows(council_id=user.council_id, period=period, on=on, windows={})
    return TaskCounts(
        council=user.council, period=period, can_write=policies.can_draft_for_council(user), counts=counts
    )


def council_tasks(*, user, on: datetime.date | None = None, pages: dict | None = None,
                  per_page: int = TASKS_PER_PAGE) -> CouncilTasks:
    """What a council owes this month, as a task list: updates returned to it (any period) first, then updates
    overdue from any earlier period, then the updates due for the open period; and, apart, the initiatives it
    only observes. Leads and adopters report; observers follow. `pages` says which page of each group to show
    ({group: number}, the first by default), `per_page` tasks each. A fixed number of queries, however many tasks."""
    on = on or today()
    period = open_period(on=on)
    asked = {group: _page_number((pages or {}).get(group)) for group in TASK_LIST_GROUPS}
    counts, rows = task_counts_and_rows(
        council_id=user.council_id, period=period, on=on,
        windows={group: ((number - 1) * per_page, per_page) for group, number in asked.items()},
    )
    shown = {
        group: Paginator(range(sum(counts[group].values())), per_page).get_page(asked[group])
        for group in TASK_LIST_GROUPS
    }
    beyond = {group: page for group, page in shown.items() if page.number != asked[group]}
    if beyond:  # a page past the end shows the last one
        _counts, more = task_counts_and_rows(
            council_id=user.council_id, period=period, on=on,
            windows={group: (page.start_index() - 1 if page.start_index() else 0, per_page)
                     for group, page in beyond.items()},
        )
        rows = [row for row in rows if row.group not in beyond] + more
    items = _tasks_from_rows(rows, user=user, period=period)
    groups = {
        group: TaskGroup(
            name=group, counts=counts[group], page=shown[group],
            items=[item for row, item in zip(rows, items, strict=True) if row.group == group],
        )
        for group in TASK_LIST_GROUPS
    }
    return CouncilTasks(
        council=user.council, period=period, can_write=policies.can_draft_for_council(user), counts=counts,
        groups=groups, user=user, on=on,
    )


def next_council_task(*, user, on: datetime.date | None = None) -> Task | None:
    """The first task still to do, in the order the list shows them: the first one this person can act on (an
    overdue update of a closed period waits for the Digital Office to reopen it), else the first. Read from the
    database a batch at a time, whatever page My council shows."""
    on = on or today()
    period = open_period(on=on)
    first, offset = None, 0
    while rows := to_do_rows(council_id=user.council_id, period=period, on=on, offset=offset, limit=NEXT_TASK_BATCH):
        tasks = _tasks_from_rows(rows, user=user, period=period)
        first = first or tasks[0]
        editable = next((task for task in tasks if task.is_editable), None)
        if editable:
            return editable
        offset += len(rows)
    return first


def _tasks_from_rows(rows: list[TaskRow], *, user, period) -> list:
    """A Task (or, for "following", a Following) for each row, in order. Five queries for them all: the
    initiatives (with their councils, for the policies), the periods, the updates, who saved each last, and the
    periods reopened for them."""
    initiatives = {
        initiative.pk: initiative
        for initiative in Initiative.objects.filter(pk__in={row.initiative_id for row in rows})
        .select_related("lead_council", "current_update", "current_update__period")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.only("initiative", "council", "role"))
        )
        .defer("summary")
    }
    periods = {p.pk: p for p in ReportingPeriod.objects.filter(pk__in={row.period_id for row in rows} - {None})}
    updates = ProgressUpdate.objects.filter(pk__in={row.update_id for row in rows} - {None})
    updates = {
        update.pk: update
        for update in _set_last_editors(
            list(updates.select_related("council", "author", "submitted_by", "reviewed_by").defer(*LONG_TEXT))
        )
    }
    reopened = reopened_period_ids(list(initiatives))

    def item(row):
        initiative, update = initiatives[row.initiative_id], updates.get(row.update_id)
        if row.group == "following":
            return Following(initiative=initiative, update=update)
        task_period = periods[row.period_id]
        writable = policies.update_writable(
            user, initiative, period=task_period, update=update,
            writable_period_ids={*([period.pk] if period else []), *reopened.get(initiative.pk, ())},
        )
        return Task(initiative=initiative, period=task_period, update=update, group=row.group,
                    is_editable=bool(writable))

    return [item(row) for row in rows]


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


def my_council(*, user, on: datetime.date | None = None, pages: dict | None = None) -> dict:
    """My council: the task list (one page of each group, `pages` as council_tasks takes it), the milestones due in
    the next 30 days, and how many initiatives the council leads, adopts and observes (listed in full on the
    filtered portfolio)."""
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
    tasks = council_tasks(user=user, on=on, pages=pages)
    return {"council": council, "tasks": tasks, "milestones": milestones, "roles": roles}


def home_counts(*, user) -> dict:
    """What the home page says needs this person: reviews waiting (Digital Office), or their council's task list
    summary, from the same counts as My council's (council_task_counts)."""
    counts = {}
    if policies.can_review_updates(user):
        counts["awaiting_review_count"] = ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED).count()
    elif policies.can_see_my_council(user):
        counts["council_tasks"] = council_task_counts(user=user)
    return counts
