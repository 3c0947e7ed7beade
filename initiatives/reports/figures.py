"""What a report says: the portfolio as it stood at the end of the report's period.

An initiative's status for a period is its approved update for that period, or else its latest approved
update of an earlier period (never a later one); its stage is the one its history recorded by the period's
end (the current stage when it has no history from before then); it was overdue when it had to report and
had submitted nothing by the period's deadline. A fixed number of queries, whatever the size of the portfolio.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from councils.selectors import financial_year_label

from ..models import (
    Benefit,
    BenefitRealisation,
    BenefitShare,
    BenefitTarget,
    Initiative,
    Milestone,
    Participation,
    ProgressUpdate,
    Report,
    Risk,
    Stage,
)
from ..selectors import (
    RagCount,
    benefit_figures,
    benefit_list,
    rag_counts,
    submission_deadline,
    update_missing_condition,
)

__all__ = ["BenefitRegisterRow", "InitiativeRow", "OverdueRow", "ReportFigures", "period_end", "report_figures"]

TOP_RISKS = 20
SLIPPED_MILESTONES = 50


@dataclass
class InitiativeRow:
    initiative: Initiative
    stage: str
    stage_label: str
    status: ProgressUpdate | None  # the approved update in force at the end of the period


@dataclass
class OverdueRow:
    initiative: Initiative
    submitted_at: datetime.datetime | None  # when it came in after the deadline, if it has


@dataclass
class BenefitRegisterRow:
    """A benefit as the report's register lists it, in plain values: the register once read a model instance of every
    benefit, share, yearly target and realisation with its council (about 130 MB of a report's memory)."""

    reference: str
    title: str
    category: str
    unit: str
    shares: list  # (council GSS code, percent), largest first
    target_value: object
    targets: list  # (financial year label, value), by year
    realised_value: object
    realisations: list  # (evidence grade label, value), as recorded
    potential_all_councils: object
    responsible_officer: str
    status: str


@dataclass
class ReportFigures:
    report: Report
    generated_at: datetime.datetime
    deadline: datetime.datetime | None
    rows: list[InitiativeRow] = field(default_factory=list)
    stages: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, count)
    rag: list[RagCount] = field(default_factory=list)
    overdue: list[OverdueRow] = field(default_factory=list)
    slipped_milestones: list[Milestone] | None = None  # board pack only
    top_risks: list[Risk] | None = None  # board pack only
    benefits: object = None  # selectors.BenefitFigures: the register's figures, realised to the period's end
    benefit_rows: list[BenefitRegisterRow] = field(default_factory=list)  # every benefit of the initiatives covered

    @property
    def total(self):
        return len(self.rows)


def period_end(period) -> datetime.datetime:
    """The end of a period's last day, in the portal's time zone."""
    day_after = period.ends_on + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))


def _initiatives_then(report: Report):
    """The initiatives the report covers, annotated with their stage, status and overdue flag for its period."""
    period = report.period
    end = period_end(period)
    status = (
        ProgressUpdate.objects.filter(
            initiative=OuterRef("pk"), state=ProgressUpdate.State.APPROVED, period__starts_on__lte=period.starts_on
        )
        .order_by("-period__starts_on")
        .values("pk")[:1]
    )
    stage_then = (
        Initiative.history.filter(id=OuterRef("pk"), history_date__lt=end)
        .order_by("-history_date")
        .values("stage")[:1]
    )
    initiatives = Initiative.objects.filter(Q(start_date__lte=period.ends_on) | Q(created_at__lt=end))
    if report.council_id:
        taking_part = Participation.objects.filter(council_id=report.council_id).filter(
            Q(joined_on__isnull=True) | Q(joined_on__lte=period.ends_on)
        )
        initiatives = initiatives.filter(pk__in=taking_part.values("initiative_id"))
    initiatives = initiatives.annotate(
        status_id=Subquery(status), stage_then=Coalesce(Subquery(stage_then), F("stage"))
    )
    return initiatives.annotate(
        overdue_then=Case(
            When(update_missing_condition(period, as_of=submission_deadline(period), stage="stage_then"), then=True),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).select_related("lead_council").order_by("reference")


def _register_rows(benefits) -> list[BenefitRegisterRow]:
    """The register's rows of these benefits (a queryset, in its order) as plain values: four queries."""
    values = list(benefits.select_related(None).prefetch_related(None).values_list(
        "pk", "initiative__reference", "title", "category", "unit", "target_value", "realised_value",
        "potential_all_councils", "responsible_officer", "status"))
    ids = [row[0] for row in values]
    shares, targets, realisations = ({pk: [] for pk in ids} for _part in range(3))
    # Each in its model's own order (Meta.ordering), as the benefit's related lists read them.
    for benefit_id, code, percent in BenefitShare.objects.filter(benefit__in=ids).values_list(
            "benefit_id", "council__gss_code", "percent"):
        shares[benefit_id].append((code, percent))
    for benefit_id, year, value in BenefitTarget.objects.filter(benefit__in=ids).values_list(
            "benefit_id", "financial_year", "value"):
        targets[benefit_id].append((financial_year_label(year), value))
    grades = dict(BenefitRealisation.Grade.choices)
    for benefit_id, grade, value in BenefitRealisation.objects.filter(benefit__in=ids).values_list(
            "benefit_id", "grade", "value"):
        realisations[benefit_id].append((str(grades.get(grade, grade)), value))
    categories, statuses = dict(Benefit.Category.choices), dict(Benefit.Status.choices)
    return [
        BenefitRegisterRow(reference, title, str(categories.get(category, category)), unit, shares[pk], target,
                           targets[pk], realised, realisations[pk], potential, officer,
                           str(statuses.get(status, status)))
        for pk, reference, title, category, unit, target, realised, potential, officer, status in values
    ]


def report_figures(report: Report) -> ReportFigures:
    """The figures of a report for its period (and council, for a council summary)."""
    figures = ReportFigures(report=report, generated_at=timezone.now(), deadline=None)
    if report.period is None:
        return figures
    figures.deadline = submission_deadline(report.period)
    initiatives = list(_initiatives_then(report))
    status_ids = [i.status_id for i in initiatives if i.status_id]
    statuses = ProgressUpdate.objects.select_related("period").in_bulk(status_ids)
    labels = dict(Stage.choices)
    figures.rows = [
        InitiativeRow(i, i.stage_then, str(labels.get(i.stage_then, i.stage_then)), statuses.get(i.status_id))
        for i in initiatives
    ]
    stage_counts = Counter(row.stage for row in figures.rows)
    figures.stages = [(value, str(label), stage_counts.get(value, 0)) for value, label in Stage.choices]
    counts = Counter(
        f"{axis}_{getattr(row.status, f'rag_{axis}')}"
        for row in figures.rows
        if row.status
        for axis in ProgressUpdate.RAG_AXES
    )
    figures.rag = rag_counts({"total": len(figures.rows), **counts})
    overdue = [i for i in initiatives if i.overdue_then]
    submitted_later = dict(
        ProgressUpdate.objects.filter(period=report.period, initiative__in=[i.pk for i in overdue])
        .exclude(submitted_at__isnull=True)
        .values_list("initiative_id", "submitted_at")
    )
    figures.overdue = [OverdueRow(i, submitted_later.get(i.pk)) for i in overdue]
    ids = [i.pk for i in initiatives]
    covered = benefit_list().filter(initiative__in=ids)
    figures.benefits = benefit_figures(covered, as_of=report.period.ends_on)
    figures.benefit_rows = _register_rows(covered)
    if report.kind == Report.Kind.BOARD_PACK:
        figures.slipped_milestones = list(
            Milestone.objects.filter(initiative__in=ids, completed_on__isnull=True)
            .filter(forecast_date__gt=F("baseline_date"))
            .select_related("initiative")
            .order_by("forecast_date", "initiative__reference", "pk")[:SLIPPED_MILESTONES]
        )
        figures.top_risks = list(
            Risk.objects.filter(initiative__in=ids, status=Risk.Status.OPEN)
            .annotate(exposure=F("likelihood") * F("impact"))
            .select_related("initiative")
            .order_by("-exposure", "-impact", "-likelihood", "initiative__reference", "title")[:TOP_RISKS]
        )
    return figures


