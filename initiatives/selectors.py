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
        ReportingPeriod.objects.filter(submission_opens_on__lte=on, submission_due_on__gte=on).order_by("-starts_on").first()
        or ReportingPeriod.objects.filter(starts_on__lte=on).order_by("-starts_on").first()
    )


def initiative_list(*, user):
    """The portfolio as every signed-in role may read it, with what a list row shows, in a fixed number of queries."""
    return (
        Initiative.objects.select_related("lead_council", "theme", "current_update", "current_update__period")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("council")),
            "outcomes",
        )
    )
