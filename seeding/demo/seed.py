"""The seeding entry point (demo_seed) and the removal of earlier demo records."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings

from contracts.models import Contract, ContractUse
from core.models import User
from councils.models import (
    Contribution,
    FundingAgreement,
    PartnershipMembership,
    Payment,
)
from initiatives.models import (
    Benefit,
    BenefitRealisation,
    Initiative,
    Milestone,
    Participation,
    ProgressUpdate,
    Reminder,
    Report,
    ReportingPeriod,
    Risk,
)
from people.models import AccessEvent, Invitation
from strategy.models import (
    MaturityAssessment,
    MaturityScore,
    Measure,
    MeasureReading,
)

from ..benefits_demo import demo_benefits_seed
from ..collaboration_demo import demo_collaboration_seed
from ..contracts_demo import demo_contracts_seed
from ..feed import delete_in_batches, demo_rows_enter_feed
from ..planner_statistics import bulk_load_finished
from ..practice_demo import demo_practice_seed
from ..public_demo import demo_publication_seed, demo_publications_clear
from .builder import DemoBuilder
from .constants import (
    DEMO_INVITATION_EMAIL,
    SCALES,
    DemoRefused,
)

# Children before parents, so deletion never trips a PROTECT.
DEMO_MODELS = [
    ProgressUpdate,
    BenefitRealisation,
    Benefit,
    Risk,
    Milestone,
    Participation,
    Initiative,
    ReportingPeriod,
    Payment,
    Contribution,
    FundingAgreement,
    PartnershipMembership,
    MeasureReading,
    Measure,
    MaturityAssessment,
]


def demo_data_exists() -> bool:
    return Initiative.objects.filter(is_demo=True).exists()


def demo_clear():
    """Remove earlier demo records and their history. No history is written for the removal itself."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        _demo_clear()


def _demo_clear():
    AccessEvent.objects.filter(Q(is_demo=True) | Q(email=DEMO_INVITATION_EMAIL)).delete()
    Invitation.objects.filter(Q(is_demo=True) | Q(email=DEMO_INVITATION_EMAIL)).delete()
    User.objects.filter(email=DEMO_INVITATION_EMAIL, is_demo=False).delete()
    Initiative.objects.filter(is_demo=True).update(current_update=None, previous_update=None)
    Reminder.objects.filter(is_demo=True).delete()
    Report.objects.filter(is_demo=True).delete()
    demo_publications_clear()
    delete_in_batches(Contract.objects.filter(is_demo=True))  # with the councils using them, their alerts, documents
    Contract.history.filter(is_demo=True).delete()
    ContractUse.history.filter(is_demo=True).delete()
    for model in DEMO_MODELS:
        if model is ReportingPeriod:
            # A period that real updates use stays.
            delete_in_batches(model.objects.filter(is_demo=True, updates__isnull=True))
        else:
            delete_in_batches(model.objects.filter(is_demo=True))
        delete_in_batches(model.history.filter(is_demo=True))
    MaturityScore.history.filter(assessment_id__isnull=False).exclude(
        assessment_id__in=MaturityAssessment.objects.values("pk")
    ).delete()


def demo_seed(*, scale: str, seed: int, today: datetime.date | None = None) -> dict:
    if settings.PRODUCTION:
        raise DemoRefused(
            "seed_demo refuses to run with production settings: demo data must never reach a live portal."
        )
    if scale not in SCALES:
        raise DemoRefused(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}.")
    builder = DemoBuilder(scale=scale, seed=seed, today=today or datetime.date.today())
    # Many short transactions, never one for the whole load (seeding.feed): a load that stops half-way leaves some
    # demo rows, which the next run clears first.
    demo_clear()
    with transaction.atomic():
        users = builder.accounts()
        joined_later = builder.memberships()
    builder.funding(joined_later)
    builder.measures()
    builder.maturity()
    periods = builder.periods()
    initiatives = builder.initiatives(users, periods)
    builder.updates(initiatives, periods, users)
    builder.registers(initiatives)
    with transaction.atomic():
        builder.counts["contracts"] = demo_contracts_seed(today=builder.today)
    with transaction.atomic():
        builder.counts["practice assets"] = demo_practice_seed(today=builder.today)
    with transaction.atomic():
        builder.counts.update(demo_benefits_seed(today=builder.today))
    with transaction.atomic():
        builder.counts["comments"] = demo_collaboration_seed()
    with transaction.atomic():
        builder.counts["publications"] = demo_publication_seed(today=builder.today)
    demo_rows_enter_feed()
    bulk_load_finished()
    return builder.counts
