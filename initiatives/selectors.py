"""Reads of the portfolio. Every page and API list starts from these, so query counts stay bounded."""

import datetime

from django.db.models import Prefetch
from django.utils import timezone

from .models import Initiative, Participation, ReportingPeriod


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


def with_overdue_flag(queryset):
    """Annotate `update_overdue`: live, and nothing submitted for the last period whose window closed."""
    from django.db.models import BooleanField, Case, Value, When

    from .filtersets import overdue_condition

    return queryset.annotate(
        update_overdue=Case(
            When(overdue_condition(), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def initiative_list(*, user):
    """The portfolio as every signed-in role may read it, with what a list row shows, in a fixed number of queries."""
    return with_overdue_flag(
        Initiative.objects.select_related("lead_council", "theme", "current_update", "current_update__period")
    ).prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("council")),
        "outcomes",
    )


TREND_PERIODS = 12


def initiative_detail(*, user, reference: str):
    """One initiative with everything its page shows; a fixed number of queries however long its history."""
    from django.shortcuts import get_object_or_404

    from .models import Benefit, Milestone, ProgressUpdate, Risk

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
                queryset=Participation.objects.select_related("council").order_by("role", "council__name"),
            ),
            "outcomes",
            "partners",
            Prefetch("milestones", queryset=Milestone.objects.order_by("baseline_date", "pk")),
            Prefetch("risks", queryset=Risk.objects.order_by("status", "-likelihood", "-impact", "title")),
            Prefetch("benefits", queryset=Benefit.objects.select_related("council").order_by("title")),
        ),
        reference=reference,
    )
    updates = list(
        ProgressUpdate.objects.filter(initiative=initiative)
        .select_related("period", "council", "author", "submitted_by", "reviewed_by")
        .order_by("-period__starts_on")
    )
    return initiative, updates


def rag_trend(updates, *, periods=TREND_PERIODS):
    """The approved RAG ratings of the last `periods` reporting periods, oldest first (from already-loaded updates)."""
    approved = [u for u in updates if u.state == u.State.APPROVED]
    return list(reversed(approved[:periods]))


def change_history(initiative, *, limit=50):
    """Who changed what on the initiative and its registers, when, with the values before and after."""
    from django.utils.translation import gettext as _

    from councils.models import Council, PartnerOrganisation
    from digital_office.history import HistorySource
    from digital_office.history import change_history as history_of
    from strategy.models import Outcome, Theme

    from .models import Benefit, Milestone, Risk

    # Foreign keys are stored as ids and many-to-many changes as lists of through rows: show names.
    names = {
        "theme": dict(Theme.objects.values_list("pk", "title")),
        "lead_council": dict(Council.objects.values_list("pk", "name")),
        "council": dict(Council.objects.values_list("pk", "name")),
        "outcomes": {o.pk: str(o) for o in Outcome.objects.all()},
        "partners": dict(PartnerOrganisation.objects.values_list("pk", "name")),
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
        ],
        display=display,
        limit=limit,
    )


def review_queue():
    """Submitted updates awaiting review, oldest first."""
    from .models import ProgressUpdate

    return (
        ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED)
        .select_related("initiative", "period", "council", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def my_council(*, user, on: datetime.date | None = None) -> dict:
    """What a council's staff need this period: updates due and returned, milestones due soon, and
    how many initiatives their council leads and joins (listed in full on the filtered portfolio)."""
    from django.db.models import Count, Q

    from .models import Milestone, ProgressUpdate, Stage

    on = on or today()
    council = user.council
    period = open_period(on=on)
    live = list(
        Initiative.objects.filter(
            participations__council=council, stage__in=[Stage.DISCOVERY, Stage.ALPHA, Stage.BETA, Stage.LIVE]
        )
        .only("pk", "reference", "title")
        .distinct()
        .order_by("reference")
    )
    period_updates = {}
    if period:
        period_updates = {
            u.initiative_id: u
            for u in ProgressUpdate.objects.filter(period=period, initiative__in=[i.pk for i in live]).only(
                "pk", "initiative_id", "state"
            )
        }
    due = [
        {"initiative": i, "update": period_updates.get(i.pk)}
        for i in live
        if period_updates.get(i.pk) is None or period_updates[i.pk].state == ProgressUpdate.State.DRAFT
    ]
    returned = (
        ProgressUpdate.objects.filter(state=ProgressUpdate.State.RETURNED, initiative__participations__council=council)
        .select_related("initiative", "period", "reviewed_by")
        .distinct()
        .order_by("period__starts_on")
    )
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
    return {
        "council": council,
        "period": period,
        "due": due,
        "returned": returned,
        "milestones": milestones,
        "roles": roles,
        "can_draft": user.council_role == "editor",
    }


def portfolio_dashboard() -> dict:
    """Counts for the dashboard: initiatives by stage, current RAG on each axis, overdue. Three queries."""
    from django.db.models import Count, Q

    from .filtersets import overdue_condition
    from .models import ProgressUpdate, Rag, Stage

    by_stage = dict(Initiative.objects.values_list("stage").annotate(n=Count("pk")).order_by())
    rag_counts = Initiative.objects.aggregate(
        **{
            f"{axis}_{rag}": Count("pk", filter=Q(**{f"current_update__rag_{axis}": rag}))
            for axis in ProgressUpdate.RAG_AXES
            for rag in Rag.values
        }
    )
    axis_labels = {f.name: f.verbose_name for f in ProgressUpdate._meta.fields}
    return {
        "stages": [(value, label, by_stage.get(value, 0)) for value, label in Stage.choices],
        "rag_rows": [
            (axis, axis_labels[f"rag_{axis}"], [(rag, rag_counts[f"{axis}_{rag}"]) for rag in Rag.values])
            for axis in ProgressUpdate.RAG_AXES
        ],
        "overdue_count": Initiative.objects.filter(overdue_condition()).count(),
        "total": sum(by_stage.values()),
    }
