"""The portfolio's records as plain querysets, with their vocabulary (stages, ratings, states, roles), for the
layers above that aggregate them in SQL themselves (the dashboard): they read the portfolio through these and the
conditions of `portfolio`, never through initiatives.models (an import-linter contract says so)."""

from ..models import (
    LIVE_STAGES,
    Benefit,
    BenefitRealisation,
    Initiative,
    Milestone,
    Participation,
    ProgressUpdate,
    Publication,
    Rag,
    ReportingPeriod,
    Risk,
    Stage,
)

__all__ = [
    "LIVE_STAGES",
    "ParticipationRole",
    "Publication",
    "Rag",
    "RiskStatus",
    "Stage",
    "UpdateState",
    "benefit_category_labels",
    "benefit_realisation_records",
    "benefit_records",
    "initiative_history_records",
    "initiative_records",
    "milestone_history_records",
    "milestone_records",
    "participation_records",
    "period_records",
    "rag_axis_label",
    "risk_history_records",
    "risk_records",
    "update_records",
]

UpdateState = ProgressUpdate.State
ParticipationRole = Participation.Role
RiskStatus = Risk.Status


def rag_axis_label(axis: str) -> str:
    """The name of a RAG axis ("Delivery"), as the update form labels it."""
    return str(ProgressUpdate._meta.get_field(f"rag_{axis}").verbose_name).capitalize()


def initiative_records():
    return Initiative.objects.all()


def update_records():
    return ProgressUpdate.objects.all()


def milestone_records():
    return Milestone.objects.all()


def risk_records():
    return Risk.objects.all()


def benefit_records():
    return Benefit.objects.all()


def benefit_category_labels() -> dict:
    """Each benefit category's value and its label (in the active language)."""
    return dict(Benefit.Category.choices)


def benefit_realisation_records():
    return BenefitRealisation.objects.all()


def participation_records():
    return Participation.objects.all()


def period_records():
    return ReportingPeriod.objects.all()


def initiative_history_records():
    """Every saved version of every initiative (django-simple-history)."""
    return Initiative.history.all()


def milestone_history_records():
    return Milestone.history.all()


def risk_history_records():
    return Risk.history.all()
