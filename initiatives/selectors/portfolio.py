"""The portfolio itself: periods, the list, an initiative's page, the review queue."""

import datetime
import operator
from decimal import Decimal
from functools import reduce

from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import HistorySource
from core.history import change_history as history_of
from councils import selectors as councils_selectors
from strategy import selectors as strategy_selectors

from .. import policies
from ..models import (
    LIVE_STAGES,
    Benefit,
    Initiative,
    JoinRequest,
    Milestone,
    Participation,
    PeriodReopening,
    ProgressUpdate,
    Rag,
    Report,
    ReportingPeriod,
    Risk,
    Stage,
)


def today() -> datetime.date:
    return timezone.localdate()


def last_closed_period(*, on: datetime.date | None = None):
    """The latest period whose submission window has closed: updates missing for it are overdue."""
    return ReportingPeriod.objects.filter(submission_due_on__lt=on or today()).order_by("-starts_on").first()


def open_period(*, on: datetime.date | None = None):
    """The period updates are being written for now: its window is open, or it is the latest begun."""
    on = on or today()
    return (
        ReportingPeriod.objects.filter(submission_opens_on__lte=on, submission_due_on__gte=on)
        .order_by("-starts_on")
        .first()
        or ReportingPeriod.objects.filter(starts_on__lte=on).order_by("-starts_on").first()
    )


def submission_deadline(period) -> datetime.datetime:
    """The moment a period's window closes: the end of its due date, in the portal's time zone."""
    day_after = period.submission_due_on + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))


def update_missing_condition(period, *, as_of: datetime.datetime | None = None, stage: str = "stage") -> Q:
    """Initiatives that must report for `period` and have not: live (the `stage` field or annotation), started
    by the period's end, and with no submitted or approved update for it (`as_of` a moment: none submitted by
    then, whatever became of it later)."""
    reported = ProgressUpdate.objects.filter(initiative=OuterRef("pk"), period=period)
    if as_of is None:
        reported = reported.filter(state__in=[ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.APPROVED])
    else:
        reported = reported.filter(submitted_at__lt=as_of)
    return Q(**{f"{stage}__in": LIVE_STAGES}, start_date__lte=period.ends_on) & ~Q(Exists(reported))


def update_for_period(period, *, initiative: str = "") -> FilteredRelation:
    """Each initiative's update for `period` (at most one) as a relation to join, for counting many initiatives'
    reporting in one pass rather than one look-up each (`update_missing_condition`): annotate a name with it, then
    filter on `name__state`, `name__submitted_at`, `name__isnull` (no update). `initiative`: the path to the
    initiative from the rows counted ("initiative__" from participations)."""
    return FilteredRelation(f"{initiative}updates", condition=Q(**{f"{initiative}updates__period": period}))


UNSET = object()


def overdue_condition(period=UNSET) -> Q:
    """Live initiatives with no submitted or approved update for the last period whose window has closed (`period`,
    when the caller has it already)."""
    if period is UNSET:
        period = last_closed_period()
    if period is None:
        return Q(pk__in=[])
    return update_missing_condition(period)


def required_to_report_condition(period, *, stage: str = "stage") -> Q:
    """Initiatives that owe an update for `period`: live (the `stage` field or annotation) and started by its end."""
    return Q(**{f"{stage}__in": LIVE_STAGES}, start_date__lte=period.ends_on)


def on_time_condition(period) -> Q:
    """Initiatives that owed an update for `period` and submitted it by the end of its due date (whatever became of
    it later)."""
    return required_to_report_condition(period) & ~update_missing_condition(period, as_of=submission_deadline(period))


def last_closed_on_time_condition(value: bool) -> Q:
    """The "on time" filter and figure: for the last period whose window closed, initiatives that owed an update and
    submitted it on time (True) or not (False)."""
    period = last_closed_period()
    if period is None:
        return Q(pk__in=[])
    if value:
        return on_time_condition(period)
    return update_missing_condition(period, as_of=submission_deadline(period))


RAG_RANK = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}


def worse_on_axis(axis: str) -> Q:
    """The current status is worse than the previous one on this axis (Green to Amber or Red, Amber to Red)."""
    current, previous = f"current_update__rag_{axis}", f"previous_update__rag_{axis}"
    return Q(**{current: Rag.RED, f"{previous}__in": [Rag.GREEN, Rag.AMBER]}) | Q(
        **{current: Rag.AMBER, previous: Rag.GREEN}
    )


def worsened_condition() -> Q:
    """Worse on any axis since the previous approved update (newly Red included)."""
    return reduce(operator.or_, (worse_on_axis(axis) for axis in ProgressUpdate.RAG_AXES))


def slipped_condition() -> Q:
    """An open milestone whose forecast date has slipped past its baseline."""
    return Q(
        Exists(
            Milestone.objects.filter(
                initiative=OuterRef("pk"), completed_on__isnull=True, forecast_date__gt=F("baseline_date")
            )
        )
    )


# An initiative's worst current rating on any axis, as a number that sorts Red first; not rated sorts last.
WORST_RATING = {"red": 0, "amber": 1, "green": 2, "not_rated": 3}


def worst_rating():
    """The worst rating of the current status on any of the four axes (WORST_RATING), for sorting and filtering."""

    def on_any_axis(rag):
        return reduce(operator.or_, (Q(**{f"current_update__rag_{axis}": rag}) for axis in ProgressUpdate.RAG_AXES))

    return Case(
        When(on_any_axis(Rag.RED), then=Value(WORST_RATING["red"])),
        When(on_any_axis(Rag.AMBER), then=Value(WORST_RATING["amber"])),
        When(current_update__isnull=False, then=Value(WORST_RATING["green"])),
        default=Value(WORST_RATING["not_rated"]),
        output_field=IntegerField(),
    )


def with_overdue_flag(queryset):
    """Annotate `update_overdue`: live, and nothing submitted for the last period whose window closed."""
    return queryset.annotate(
        update_overdue=Case(
            When(overdue_condition(), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def role_order():
    """Lead first, then adopters, then observers (not the alphabetical order of their codes)."""
    return Case(
        When(role=Participation.Role.LEAD, then=Value(0)),
        When(role=Participation.Role.ADOPTER, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def with_list_relations(queryset):
    """What a list row of initiatives shows of other records, in a fixed number of queries."""
    related = queryset.select_related("lead_council", "theme", "current_update", "current_update__period")
    return related.prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("council")), "outcomes",
    )


def initiative_list(*, user):
    """The portfolio as every signed-in role may read it, with what a list row shows, in a fixed number of queries."""
    return with_overdue_flag(with_list_relations(Initiative.objects.all()))


TREND_PERIODS = 12


def initiative_detail(*, user, reference: str):
    """One initiative with everything its page shows; a fixed number of queries however long its history."""
    initiative = get_object_or_404(
        with_overdue_flag(Initiative.objects)
        .select_related(
            "lead_council",
            "theme",
            "owner",
            "current_update",
            "current_update__period",
            "current_update__reviewed_by",
        )
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("council").order_by(role_order(), "council__name"),
            ),
            "outcomes",
            "partners",
            Prefetch("milestones", queryset=Milestone.objects.order_by("baseline_date", "pk")),
            Prefetch("risks", queryset=Risk.objects.order_by("status", "-likelihood", "-impact", "title")),
            Prefetch("benefits", queryset=Benefit.objects.select_related("council").prefetch_related(
                "shares__council", "realisations").order_by("title")),
        ),
        reference=reference,
    )
    updates = ProgressUpdate.objects.filter(initiative=initiative)
    if not policies.can_see_unapproved_updates(user, initiative):
        # Drafts, submitted and returned updates, and reviewers' comments, stay with the initiative's councils.
        updates = updates.filter(state=ProgressUpdate.State.APPROVED)
    updates = list(
        updates.select_related("period", "council", "author", "submitted_by", "reviewed_by").order_by(
            "-period__starts_on"
        )
    )
    return initiative, updates


def writable_periods(initiative, *, on: datetime.date | None = None, current=None) -> list:
    """The periods whose update may be written now for this initiative: the open period (`current`, when the
    caller has it already), and any period the Digital Office reopened for it."""
    current = current if current is not None else open_period(on=on)
    periods = [period for period in [current] if period is not None]
    reopened = ReportingPeriod.objects.filter(reopenings__initiative=initiative).exclude(
        pk__in=[period.pk for period in periods]
    )
    return periods + list(reopened.order_by("-starts_on"))


def reopened_period_ids(initiative_ids) -> dict[int, set[int]]:
    """For each initiative, the ids of the periods the Digital Office reopened for it (one query for them all)."""
    reopened = {}
    rows = PeriodReopening.objects.filter(initiative_id__in=initiative_ids).values_list("initiative_id", "period_id")
    for initiative_id, period_id in rows:
        reopened.setdefault(initiative_id, set()).add(period_id)
    return reopened


def update_drafters(update) -> set:
    """Everyone who wrote, revised or submitted an update: its author, its submitter and every save in its history
    except the reviews themselves (a submitted update being returned or approved)."""
    people = {update.author_id, update.submitted_by_id}
    saves = ProgressUpdate.history.filter(id=update.pk).order_by("history_date", "history_id")
    previous = None
    for person, state in saves.values_list("history_user_id", "state"):
        review = previous == ProgressUpdate.State.SUBMITTED and state in (
            ProgressUpdate.State.RETURNED, ProgressUpdate.State.APPROVED)
        if not review:
            people.add(person)
        previous = state
    return {person for person in people if person is not None}


def benefit_councils(*, user, initiative):
    """The councils this person may record a benefit for (policies.can_record_benefit_for)."""
    allowed = [
        council_id for council_id in policies.participating_council_ids(initiative)
        if policies.can_record_benefit_for(user, initiative, council_id)
    ]
    return councils_selectors.council_list().filter(pk__in=allowed)


def join_requests_pending(initiative):
    return (
        JoinRequest.objects.filter(initiative=initiative, state=JoinRequest.State.PENDING)
        .select_related("council", "requested_by")
        .order_by("created_at")
    )


def spend_share(initiative) -> int | None:
    """The spend to date of the current status as a whole percentage of the budget (None without both)."""
    current = initiative.current_update
    if current is None or not initiative.budget:
        return None
    return round(current.spend_to_date * 100 / initiative.budget)


def rag_trend(updates, *, periods=TREND_PERIODS):
    """The approved RAG ratings of the last `periods` reporting periods, oldest first (from already-loaded updates)."""
    approved = [u for u in updates if u.state == u.State.APPROVED]
    return list(reversed(approved[:periods]))


def change_history(initiative, *, limit=50):
    """Who changed what on the initiative and its registers, when, with the values before and after."""
    # Foreign keys are stored as ids and many-to-many changes as lists of through rows: show names.
    council_names = councils_selectors.council_names()
    names = {
        "theme": strategy_selectors.theme_titles(),
        "lead_council": council_names,
        "council": council_names,
        "outcomes": strategy_selectors.outcome_labels(),
        "partners": councils_selectors.partner_names(),
    }
    through_key = {"outcomes": "outcome", "partners": "partnerorganisation"}

    def display(field, value):
        if field in through_key and isinstance(value, list):
            return "; ".join(names[field].get(row.get(through_key[field]), "?") for row in value) or "–"
        if field in names and value is not None:
            return names[field].get(value, value)
        return value

    def titled(noun):
        return lambda record: _("the %(noun)s “%(title)s”") % {"noun": noun, "title": record.title}

    return history_of(
        [
            HistorySource(
                "initiative", Initiative.history.filter(id=initiative.pk), lambda record: _("the initiative")
            ),
            HistorySource("milestone", Milestone.history.filter(initiative_id=initiative.pk), titled(_("milestone"))),
            HistorySource("risk", Risk.history.filter(initiative_id=initiative.pk), titled(_("risk"))),
            HistorySource("benefit", Benefit.history.filter(initiative_id=initiative.pk), titled(_("benefit"))),
            HistorySource(
                "join request", JoinRequest.history.filter(initiative_id=initiative.pk),
                lambda record: _("the request to join from %(council)s") % {
                    "council": council_names.get(record.council_id, "?")},
            ),
            HistorySource(
                "reopened period", PeriodReopening.history.filter(initiative_id=initiative.pk),
                lambda record: _("the reopening of a reporting period (%(reason)s)") % {"reason": record.reason},
            ),
        ],
        display=display,
        limit=limit,
    )


def review_queue():
    """Submitted updates awaiting review, oldest first."""
    return (
        ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED)
        .select_related("initiative", "period", "council", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def committed_budgets(agreements) -> dict[int, Decimal]:
    """What the portfolio has committed in each funding agreement's period, in one query.

    Committed: the budgets of initiatives past the proposal stage whose dates overlap the agreement's
    period (they start on or before its last day, and end on or after its first day or have no end date).
    Proposed initiatives have no commitment yet; an initiative with no start date is not yet scheduled.
    """
    agreements = list(agreements)
    if not agreements:
        return {}
    money = DecimalField(max_digits=14, decimal_places=2)
    sums = {
        f"a{agreement.pk}": Coalesce(
            Sum(
                "budget",
                filter=Q(start_date__lte=agreement.period_end)
                & (Q(end_date__isnull=True) | Q(end_date__gte=agreement.period_start)),
            ),
            Value(Decimal("0.00"), output_field=money),
            output_field=money,
        )
        for agreement in agreements
    }
    totals = Initiative.objects.exclude(stage=Stage.PROPOSED).filter(start_date__isnull=False).aggregate(**sums)
    return {agreement.pk: totals[f"a{agreement.pk}"] for agreement in agreements}


# -- single records, for the listeners of initiatives.events -----------------------------------------


def update_with_period(pk: int) -> ProgressUpdate | None:
    return ProgressUpdate.objects.select_related("initiative", "period").filter(pk=pk).first()


def initiative_reference(pk: int) -> str | None:
    return Initiative.objects.filter(pk=pk).values_list("reference", flat=True).first()


def report_by_pk(pk: int) -> Report | None:
    return Report.objects.filter(pk=pk).first()


def period_starting_in(year: int, month: int) -> ReportingPeriod | None:
    """The reporting period that starts in this month (`manage.py report generate --period 2026-10`)."""
    return (
        ReportingPeriod.objects.filter(starts_on__year=year, starts_on__month=month).order_by("starts_on").first()
    )


def report_state(pk: int) -> Report | None:
    return Report.objects.select_related("period", "council").filter(pk=pk).first()
