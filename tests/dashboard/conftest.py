"""A small portfolio whose every dashboard figure is worked out by hand (see the `world` fixture's docstring)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import User
from initiatives.models import (
    Benefit,
    BenefitRealisation,
    BenefitShare,
    Milestone,
    Participation,
    ProgressUpdate,
    ReportingPeriod,
    Risk,
)
from tests.conftest import mark_second_factor_used
from tests.councils.factories import council
from tests.initiatives.factories import InitiativeFactory

GLASGOW, FIFE, HIGHLAND = "S12000049", "S12000047", "S12000017"
TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def moment(day, hour=12):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def period(starts, ends, opens, due):
    return ReportingPeriod.objects.create(starts_on=starts, ends_on=ends, submission_opens_on=opens,
                                          submission_due_on=due)


def update(initiative, period, state, *, submitted_at=None, reviewed_at=None, spend_to_date="25000.00", **rag):
    ratings = {f"rag_{axis}": rag.get(axis, "green") for axis in ProgressUpdate.RAG_AXES}
    for axis in ProgressUpdate.RAG_AXES:
        if ratings[f"rag_{axis}"] != "green":
            ratings[f"{axis}_commentary"] = "Because."
    return ProgressUpdate.objects.create(
        initiative=initiative, period=period, council=initiative.lead_council, state=state,
        percent_complete=50, spend_to_date=Decimal(spend_to_date),
        submitted_at=submitted_at or (moment(period.submission_due_on - datetime.timedelta(days=2))
                                      if state != "draft" else None),
        reviewed_at=reviewed_at or (moment(period.submission_due_on) if state in ("approved", "returned") else None),
        **ratings,
    )


@pytest.fixture
def world(db):
    """Five initiatives (all figures below are for the whole portfolio):

    A  Glasgow leads, alpha.   Approved: previous period delivery Amber, last period delivery Red (on time).
                               Submitted (awaiting review) for the open period. Cashable benefit £1,000, £400 realised.
    B  Fife leads, beta; Glasgow adopts.  Approved for the previous period only: last period overdue.
                               Returned for the open period. A benefit in hours (not counted in £).
    C  Highland leads, live.   Approved both periods, Green; last period submitted late. Milestone slipped 30
                               days. Open risk 5 × 4. Non-cashable benefit (£) £500, £100 realised.
    D  Glasgow leads, proposed: no updates.
    E  Fife leads, closed: no updates.
    """
    glasgow, fife, highland = council(GLASGOW), council(FIFE), council(HIGHLAND)
    previous = period(days(-95).replace(day=1), days(-95).replace(day=1) + datetime.timedelta(days=27),
                      days(-70), days(-40))
    last = period(days(-60).replace(day=1), days(-60).replace(day=1) + datetime.timedelta(days=27),
                  days(-30), days(-5))
    open_ = period(days(-28).replace(day=1), days(-28).replace(day=1) + datetime.timedelta(days=26),
                   days(-3), days(10))
    start = days(-400)
    a = InitiativeFactory(reference="DO-A001", title="Alpha A", lead_council=glasgow, stage="alpha", start_date=start)
    b = InitiativeFactory(reference="DO-B001", title="Beta B", lead_council=fife, stage="beta", start_date=start)
    c = InitiativeFactory(reference="DO-C001", title="Live C", lead_council=highland, stage="live", start_date=start)
    d = InitiativeFactory(reference="DO-D001", title="Proposed D", lead_council=glasgow, stage="proposed",
                          start_date=start)
    e = InitiativeFactory(reference="DO-E001", title="Closed E", lead_council=fife, stage="closed", start_date=start)
    Participation.objects.create(initiative=b, council=glasgow, role=Participation.Role.ADOPTER)

    a_previous = update(a, previous, "approved", delivery="amber")
    a_last = update(a, last, "approved", delivery="red")
    update(a, open_, "submitted", submitted_at=moment(days(-2)))
    b_previous = update(b, previous, "approved")
    update(b, open_, "returned", submitted_at=moment(days(-3)), reviewed_at=moment(days(-1)))
    c_previous = update(c, previous, "approved")
    c_last = update(c, last, "approved", submitted_at=moment(days(-4)), reviewed_at=moment(days(-4), 15))
    a.current_update, a.previous_update = a_last, a_previous
    b.current_update = b_previous
    c.current_update, c.previous_update = c_last, c_previous
    for initiative in (a, b, c):
        initiative.save()

    Milestone.objects.create(initiative=c, title="Go live", baseline_date=days(10), forecast_date=days(40))
    Milestone.objects.create(initiative=a, title="On track", baseline_date=days(10), forecast_date=days(10))
    Milestone.objects.create(initiative=b, title="Done late", baseline_date=days(-90), forecast_date=days(-60),
                             completed_on=days(-60))
    Risk.objects.create(initiative=c, title="Supplier fails", likelihood=5, impact=4)
    Risk.objects.create(initiative=a, title="Small risk", likelihood=1, impact=2)
    Risk.objects.create(initiative=b, title="Old risk", likelihood=5, impact=5, status="closed")
    cashable = Benefit.objects.create(initiative=a, council=glasgow, title="Postage", category="cash_releasing",
                                      target_value=Decimal("1000"), realised_value=Decimal("400"))
    BenefitRealisation.objects.create(benefit=cashable, recorded_on=previous.ends_on, value=Decimal("150"))
    BenefitRealisation.objects.create(benefit=cashable, recorded_on=last.ends_on, value=Decimal("250"))
    Benefit.objects.create(initiative=c, council=highland, title="Time valued", category="non_cash_releasing",
                           target_value=Decimal("500"), realised_value=Decimal("100"))
    Benefit.objects.create(initiative=b, council=fife, title="Hours", category="non_cash_releasing", unit="hours",
                           target_value=Decimal("90000"), realised_value=Decimal("50000"))
    for benefit in Benefit.objects.filter(initiative__in=[a, b, c]):  # each whole its council's, as the register
        BenefitShare.objects.create(benefit=benefit, council=benefit.council, percent=Decimal("100"))
    return {
        "a": a, "b": b, "c": c, "d": d, "e": e, "periods": (previous, last, open_),
        "glasgow": glasgow, "fife": fife, "highland": highland,
    }


def person(email, **fields):
    return User.objects.create_user(email=email, password="x" * 20, **fields)


@pytest.fixture
def people(world):
    return {
        "staff": person("cdo@example.org", is_digital_office_staff=True),
        "glasgow": person("editor@glasgow.example.org", council=world["glasgow"], council_role="editor"),
        "glasgow_viewer": person("viewer@glasgow.example.org", council=world["glasgow"], council_role="viewer"),
        "highland": person("editor@highland.example.org", council=world["highland"], council_role="editor"),
        "partner": person("partner@example.org", partner=__import__(
            "councils.models", fromlist=["PartnerOrganisation"]).PartnerOrganisation.objects.first()),
    }


@pytest.fixture
def sign_in(client, people):
    def _sign_in(who):
        user = people[who]
        client.force_login(user)
        if user.is_digital_office_staff:
            mark_second_factor_used(client, user)
        return client

    return _sign_in
