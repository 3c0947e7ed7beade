"""Deterministic demo data (`manage.py seed_demo`). Every record it makes is marked `is_demo`.

Same seed and same `today` give the same rows: the generator draws from one `random.Random(seed)`
and walks the reference data in a fixed order. Reseeding first removes the previous demo records.
Amounts, membership dates of the two later members, initiatives and all their reporting are
demo values, not facts.
"""

import calendar
import copy
import datetime
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from allauth.mfa import app_settings as allauth_mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from contracts.models import Contract, ContractUse
from core import services as core_services
from core.models import AccessEvent, Invitation, User, invitation_token_hash
from core.roles import Role
from core.second_factor import needs_second_factor
from councils.models import (
    Contribution,
    Council,
    FundingAgreement,
    PartnerOrganisation,
    PartnershipMembership,
    Payment,
)
from initiatives.models import (
    LIVE_STAGES,
    Benefit,
    BenefitRealisation,
    Initiative,
    Milestone,
    Participation,
    ProgressUpdate,
    Rag,
    Reminder,
    Report,
    ReportingPeriod,
    Risk,
    Stage,
)
from strategy.models import (
    MaturityAssessment,
    MaturityDimension,
    MaturityLevel,
    MaturityScore,
    Measure,
    MeasureReading,
    Outcome,
    Strategy,
    Theme,
)

from .collaboration_demo import demo_collaboration_seed
from .contracts_demo import demo_contracts_seed
from .planner_statistics import bulk_load_finished

DEMO_PASSWORD = "scotland-digital-2020"
# The demo's pending invitation (Glasgow's digital lead invites a viewer): its link's token is published, as the demo
# password is.
DEMO_INVITATION_EMAIL = "newcomer@glasgow.demo.digitaloffice.scot"
DEMO_INVITATION_TOKEN = "demo-invitation-glasgow"
# The demo Digital Office accounts must sign in with two-factor authentication like real staff. Their authenticator
# shares this published secret, so a tester can add it to an authenticator app (or run `manage.py demo_code`).
# Never a real account's: seed_demo refuses production settings.
DEMO_TOTP_SECRET = "DEMOTOTPDIGITALOFFICESCOTLANDTWO"
OFFICE_STARTED = datetime.date(2016, 10, 1)
BATCH = 2000


def demo_totp_code(at: float | None = None) -> str:
    """The code the demo Digital Office accounts' authenticator shows now (or at the Unix time `at`), computed as
    allauth checks it."""
    counter = int(time.time() if at is None else at) // allauth_mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


class DemoRefused(Exception):
    pass


@dataclass(frozen=True)
class Scale:
    initiatives: int
    reporting_months: int | None  # None: every month since the office started
    milestones_per_initiative: tuple[int, int]
    # Start month of initiatives, in months from the first period: (earliest, latest as a share of all periods).
    start_window: tuple[int, float]


SCALES = {
    "small": Scale(initiatives=24, reporting_months=14, milestones_per_initiative=(3, 5), start_window=(-24, 0.5)),
    # The benchmark dataset of docs/design.md §7.
    "large": Scale(initiatives=2000, reporting_months=None, milestones_per_initiative=(10, 10), start_window=(0, 0.97)),
}

DEMO_ACCOUNTS = [
    # email, full name, job title, role fields
    (
        "cdo@demo.digitaloffice.scot",
        "Demo Chief Digital Officer",
        "Chief Digital Officer",
        {"is_digital_office_staff": True},
    ),
    (
        "cto@demo.digitaloffice.scot",
        "Demo Chief Technology Officer",
        "Chief Technology Officer",
        {"is_digital_office_staff": True},
    ),
    (
        "editor@glasgow.demo.digitaloffice.scot",
        "Demo Glasgow Editor",
        "Digital lead",
        {"council": "S12000049", "council_role": "editor", "is_lead": True},
    ),
    (
        "viewer@glasgow.demo.digitaloffice.scot",
        "Demo Glasgow Viewer",
        "Service manager",
        {"council": "S12000049", "council_role": "viewer"},
    ),
    (
        "editor@fife.demo.digitaloffice.scot",
        "Demo Fife Editor",
        "Digital lead",
        {"council": "S12000047", "council_role": "editor"},
    ),
    (
        "editor@highland.demo.digitaloffice.scot",
        "Demo Highland Editor",
        "Digital lead",
        {"council": "S12000017", "council_role": "editor"},
    ),
    (
        "partner@scottish-government.demo.digitaloffice.scot",
        "Demo Scottish Government Partner",
        "Policy officer",
        {"partner": "scottish-government"},
    ),
]

TOPICS = [
    "Telecare analogue-to-digital switchover",
    "School payments online",
    "Council tax self-service",
    "Bulky waste uplift booking",
    "Blue Badge applications online",
    "Housing repairs reporting",
    "Planning and building standards portal",
    "Social care case management replacement",
    "Shared data platform",
    "Cyber resilience programme",
    "Digital skills for the workforce",
    "Customer enquiries chatbot",
    "Robotic process automation",
    "Microsoft 365 collaboration",
    "Smart building sensors",
    "Open data publishing",
    "Agile delivery coaching",
    "Rural schools connectivity",
    "Parking permits online",
    "Registration appointments booking",
    "Library services online",
    "Licensing applications online",
    "Digital identity for citizens",
    "Free school meals and clothing grant automation",
    "Scottish Welfare Fund claims online",
    "Roads defect reporting",
    "Care at home scheduling",
    "Records management in the cloud",
    "Payroll and HR self-service",
    "Garden waste permits",
    "Pupil and parent app",
    "Integrated health and care data sharing",
]
VARIANTS = [
    "pathfinder",
    "discovery",
    "phase 2",
    "shared service",
    "national roll-out",
    "pilot",
    "framework",
    "phase 3",
]
MILESTONES = [
    "Discovery report agreed",
    "Alpha assessment passed",
    "Supplier appointed",
    "Private beta opens",
    "Public beta opens",
    "Service assessment passed",
    "Live service launched",
    "Data migration complete",
    "Staff training delivered",
    "Legacy system switched off",
    "Benefits review",
    "Lessons learned published",
]
RISKS = [
    ("Supplier capacity", "The supplier cannot staff the work at the pace planned."),
    ("Legacy integration", "Interfaces with the legacy system take longer than estimated."),
    ("Funding confirmation", "Participating councils have not yet confirmed their share of the budget."),
    ("Skills gap", "Teams lack the digital skills to run the new service."),
    ("Data protection", "The data protection impact assessment raises issues that delay launch."),
    ("Adoption", "Citizens keep using phone and paper channels."),
    ("Cyber security", "A security incident delays the roll-out."),
]
BENEFITS = [
    ("Staff time released", False, "hours"),
    ("Printing and postage saved", True, "£"),
    ("Licence costs avoided", True, "£"),
    ("Transactions moved online", False, "transactions"),
    ("Calls avoided", False, "calls"),
    ("Procurement savings", True, "£"),
    ("Staff time released, valued at cost", False, "£"),
]
MEASURES = [
    # outcome number, title, unit, baseline, target, higher is better
    (1, "Citizen satisfaction with council services online", "%", "61", "80", True),
    (2, "Vulnerable residents supported through digital services", "people", "12000", "30000", True),
    (3, "Share of transactions completed online", "%", "34", "70", True),
    (3, "Average cost per transaction", "£", "6.40", "2.50", False),
    (4, "Services rated as good as or better than commercial equivalents", "%", "20", "60", True),
    (5, "Services delivered jointly with partners", "services", "4", "25", True),
    (6, "Staff completing digital skills training", "%", "15", "75", True),
]
RAG_WEIGHTS = [(Rag.GREEN, 60), (Rag.AMBER, 28), (Rag.RED, 12)]
STAGE_WEIGHTS = [
    (Stage.PROPOSED, 8),
    (Stage.DISCOVERY, 12),
    (Stage.ALPHA, 14),
    (Stage.BETA, 20),
    (Stage.LIVE, 26),
    (Stage.PAUSED, 6),
    (Stage.CLOSED, 14),
]


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 + months
    return datetime.date(month_index // 12, month_index % 12 + 1, 1)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


class DemoBuilder:
    def __init__(self, *, scale: str, seed: int, today: datetime.date):
        self.scale = SCALES[scale]
        self.rng = random.Random(seed)
        self.today = today
        self.councils = list(Council.objects.order_by("gss_code"))
        self.partners = list(PartnerOrganisation.objects.order_by("slug"))
        self.themes = list(Theme.objects.order_by("slug"))
        self.outcomes = list(Outcome.objects.order_by("number"))
        if len(self.councils) != 32 or not self.themes or len(self.outcomes) != 6:
            raise DemoRefused("Load the reference data first: manage.py load_reference_data")
        self.counts = {}

    def weighted(self, pairs):
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights=weights, k=1)[0]

    def save(self, model, objects):
        created = bulk_create_with_history(objects, model, batch_size=BATCH)
        self.counts[model._meta.verbose_name_plural] = self.counts.get(model._meta.verbose_name_plural, 0) + len(
            objects
        )
        return created

    # -- people ---------------------------------------------------------------------------
    def accounts(self):
        by_code = {council.gss_code: council for council in self.councils}
        by_slug = {partner.slug: partner for partner in self.partners}
        users = {}
        for email, full_name, job_title, role in DEMO_ACCOUNTS:
            fields = {
                "full_name": full_name,
                "job_title": job_title,
                "is_demo": True,
                "is_digital_office_staff": role.get("is_digital_office_staff", False),
                "council": by_code.get(role.get("council")),
                "council_role": role.get("council_role", ""),
                "partner": by_slug.get(role.get("partner")),
                "is_lead": role.get("is_lead", False),
                "is_active": True,
                "deactivated_at": None,
            }
            user = User.objects.filter(email=email).first() or User(email=email)
            for name, value in fields.items():
                setattr(user, name, value)
            if not user.pk or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.save()
            if needs_second_factor(user):
                Authenticator.objects.filter(user=user).delete()
                TOTP.activate(user, DEMO_TOTP_SECRET)
                RecoveryCodes.activate(user)
            users[email] = user
        self.counts["demo accounts"] = len(users)
        self.invitation(users)
        return users

    def invitation(self, users):
        """One pending invitation, sent by Glasgow's digital lead. Its link is /accounts/invitations/<token>/ with
        the published DEMO_INVITATION_TOKEN (demo data only)."""
        lead = users["editor@glasgow.demo.digitaloffice.scot"]
        invitation, _token = core_services.invitation_create(
            user=lead, email=DEMO_INVITATION_EMAIL, full_name="Demo Glasgow Newcomer",
            role=Role.COUNCIL_VIEWER, council=lead.council, is_demo=True, send=False,
        )
        sent = timezone.make_aware(datetime.datetime.combine(self.today, datetime.time(9)))
        Invitation.objects.filter(pk=invitation.pk).update(
            token_hash=invitation_token_hash(DEMO_INVITATION_TOKEN), created_at=sent, sent_at=sent, send_count=1,
            expires_at=sent + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        AccessEvent.objects.filter(is_demo=True).update(at=sent)
        self.counts["invitations"] = 1

    # -- councils and money ---------------------------------------------------------------
    def memberships(self):
        # No public source says which two councils joined later: the demo picks two (docs/design.md §2, "councils").
        candidates = [c for c in self.councils if c.gss_code not in ("S12000049", "S12000047", "S12000017")]
        later = self.rng.sample(candidates, 2)
        joined = {later[0].pk: datetime.date(2018, 4, 1), later[1].pk: datetime.date(2019, 10, 1)}
        self.save(
            PartnershipMembership,
            [
                PartnershipMembership(
                    council=council,
                    joined_on=joined.get(council.pk, OFFICE_STARTED),
                    is_founding_member=council.pk not in joined,
                    is_demo=True,
                )
                for council in self.councils
            ],
        )
        return joined

    def funding(self, joined_later):
        current_year = self.today.year if self.today.month >= 4 else self.today.year - 1
        plans = [
            (
                "Founding agreement",
                "The three-year agreement under which the founding councils fund the office.",
                2016,
                2018,
            ),
            ("Two-year extension", "Extension of the founding agreement.", 2019, 2020),
        ]
        # Later agreements are demo: three-year terms up to the current financial year.
        first = 2021
        while first <= current_year:
            plans.append((f"Agreement {first}", "Demo agreement.", first, first + 2))
            first += 3
        agreements, contributions, payments = [], [], []
        for title, description, first_year, last_year in plans:
            agreement = FundingAgreement(
                title=title,
                description=description,
                first_year=first_year,
                last_year=last_year,
                budget=_money(0),
                is_demo=True,
            )
            agreements.append(agreement)
        self.save(FundingAgreement, agreements)
        for agreement in agreements:
            budget = Decimal(0)
            for year in range(agreement.first_year, min(agreement.last_year, current_year) + 1):
                year_start = datetime.date(year, 4, 1)
                for council in self.councils:
                    if joined_later.get(council.pk, OFFICE_STARTED) > datetime.date(year + 1, 3, 31):
                        continue
                    # Demo amounts: a share in proportion to population, rounded to £10.
                    due = _money(round(8000 + council.population * 0.06, -1))
                    budget += due
                    due_date = datetime.date(year, 6, 30)
                    invoiced = year_start + datetime.timedelta(days=30)
                    contribution = Contribution(
                        agreement=agreement,
                        council=council,
                        financial_year=year,
                        amount_due=due,
                        due_date=due_date,
                        is_demo=True,
                        invoice_number=f"DEMO-{year}-{council.gss_code[-3:]}" if invoiced <= self.today else "",
                        invoice_date=invoiced if invoiced <= self.today else None,
                    )
                    contributions.append(contribution)
                    payments.extend(self._payments_for(contribution))
            agreement.budget = budget
        FundingAgreement.objects.bulk_update(agreements, ["budget"])
        self.save(Contribution, contributions)
        for payment in payments:
            payment.contribution_id = payment.contribution.pk
        self.save(Payment, payments)

    def _payments_for(self, contribution):
        if contribution.invoice_date is None:
            return []
        outcome = self.rng.random()
        amount = contribution.amount_due
        if contribution.due_date > self.today:
            outcome = min(outcome, 0.5) if outcome < 0.3 else 0.95  # most of this year not yet paid
        if outcome < 0.70:  # paid on time
            paid_on = contribution.due_date - datetime.timedelta(days=self.rng.randint(0, 40))
            plan = [(amount, paid_on)]
        elif outcome < 0.82:  # paid late
            plan = [(amount, contribution.due_date + datetime.timedelta(days=self.rng.randint(10, 120)))]
        elif outcome < 0.90:  # two instalments
            half = _money(amount / 2)
            plan = [
                (half, contribution.due_date - datetime.timedelta(days=20)),
                (amount - half, contribution.due_date + datetime.timedelta(days=self.rng.randint(30, 90))),
            ]
        elif outcome < 0.95:  # part paid only
            plan = [(_money(amount * Decimal("0.4")), contribution.due_date - datetime.timedelta(days=5))]
        else:  # nothing paid yet
            plan = []
        return [
            Payment(contribution=contribution, amount=value, paid_on=day, reference=f"DEMO-PAY-{index}", is_demo=True)
            for index, (value, day) in enumerate(plan, start=1)
            if day <= self.today
        ]

    # -- strategy -------------------------------------------------------------------------
    def measures(self):
        by_number = {outcome.number: outcome for outcome in self.outcomes}
        measures = [
            Measure(
                outcome=by_number[number],
                title=title,
                unit=unit,
                baseline=Decimal(baseline),
                target=Decimal(target),
                target_date=datetime.date(2020, 12, 31),
                higher_is_better=higher,
                description="Demo measure.",
                is_demo=True,
            )
            for number, title, unit, baseline, target, higher in MEASURES
        ]
        self.save(Measure, measures)
        readings = []
        for measure in measures:
            for year in range(2017, min(self.today.year, 2025) + 1):
                progress = Decimal(min(1.0, (year - 2016) / 5 * self.rng.uniform(0.7, 1.1)))
                value = measure.baseline + (measure.target - measure.baseline) * progress
                readings.append(
                    MeasureReading(
                        measure=measure, taken_on=datetime.date(year, 3, 31), value=_money(value), is_demo=True
                    )
                )
            for council in self.rng.sample(self.councils, 4):
                value = measure.baseline + (measure.target - measure.baseline) * Decimal(self.rng.uniform(0.2, 0.9))
                readings.append(
                    MeasureReading(
                        measure=measure,
                        council=council,
                        taken_on=datetime.date(2020, 3, 31),
                        value=_money(value),
                        is_demo=True,
                    )
                )
        self.save(MeasureReading, readings)

    def maturity(self):
        dimensions = list(MaturityDimension.objects.order_by("order", "pk"))
        levels = list(MaturityLevel.objects.order_by("rank"))
        if not dimensions or not levels:
            return
        # The office sets its own "digital business" threshold; until it has, the demo picks the
        # second-highest level so the sector view has something to count.
        Strategy.objects.filter(digital_business_level__isnull=True).update(digital_business_level=levels[-2])
        assessments, scores = [], []
        for council in self.councils:
            start = self.rng.randint(0, 1)
            for year in range(2017, min(self.today.year - 1, 2025) + 1):
                overall_index = min(len(levels) - 1, start + (year - 2017) * self.rng.randint(1, 3) // 3)
                assessment = MaturityAssessment(
                    council=council,
                    assessed_on=datetime.date(year, 11, 1),
                    overall_level=levels[overall_index],
                    notes="Demo assessment.",
                    is_demo=True,
                )
                assessments.append(assessment)
                for dimension in dimensions:
                    index = max(0, min(len(levels) - 1, overall_index + self.rng.randint(-1, 1)))
                    scores.append(MaturityScore(assessment=assessment, dimension=dimension, level=levels[index]))
        self.save(MaturityAssessment, assessments)
        for score in scores:
            score.assessment_id = score.assessment.pk
        self.save(MaturityScore, scores)

    # -- the portfolio --------------------------------------------------------------------
    def periods(self):
        this_month = self.today.replace(day=1)
        months = self.scale.reporting_months
        first = _add_months(this_month, -(months - 1)) if months else OFFICE_STARTED
        periods = []
        month = first
        while month <= this_month:
            end = _month_end(month)
            periods.append(
                ReportingPeriod(
                    starts_on=month,
                    ends_on=end,
                    submission_opens_on=end - datetime.timedelta(days=6),
                    submission_due_on=end + datetime.timedelta(days=10),
                    is_demo=True,
                )
            )
            month = _add_months(month, 1)
        existing = set(
            ReportingPeriod.objects.filter(starts_on__in=[p.starts_on for p in periods]).values_list(
                "starts_on", flat=True
            )
        )
        self.save(ReportingPeriod, [p for p in periods if p.starts_on not in existing])
        return list(
            ReportingPeriod.objects.filter(starts_on__gte=first, starts_on__lte=this_month).order_by("starts_on")
        )

    def initiatives(self, users, periods):
        rng = self.rng
        first_period = periods[0].starts_on
        owners = [users["cdo@demo.digitaloffice.scot"], users["cto@demo.digitaloffice.scot"]]
        by_code = {council.gss_code: council for council in self.councils}
        # The demo councils of the accounts lead and join a fair share, so every role has work.
        featured = [by_code["S12000049"], by_code["S12000047"], by_code["S12000017"]]
        initiatives, participations, outcome_links, partner_links = [], [], [], []
        for number in range(1, self.scale.initiatives + 1):
            lead = featured[number % 3] if number % 4 == 1 else rng.choice(self.councils)
            # The first few cover every stage; the rest follow a realistic mix.
            stage = list(Stage)[number - 1] if number <= len(Stage) else self.weighted(STAGE_WEIGHTS)
            earliest, latest_share = self.scale.start_window
            start = _add_months(first_period, rng.randint(earliest, max(1, int(len(periods) * latest_share))))
            start = max(start, OFFICE_STARTED)
            topic = TOPICS[(number - 1) % len(TOPICS)]
            variant = VARIANTS[((number - 1) // len(TOPICS)) % len(VARIANTS)]
            suffix = (
                f" {(number - 1) // (len(TOPICS) * len(VARIANTS)) + 1}" if number > len(TOPICS) * len(VARIANTS) else ""
            )
            initiative = Initiative(
                reference=f"DO-{number:04d}",
                title=f"{topic} {variant}{suffix}",
                summary=f"Demo initiative: {topic.lower()}, led by {lead.name} with other councils.",
                theme=rng.choice(self.themes),
                lead_council=lead,
                stage=stage,
                start_date=start,
                end_date=_add_months(start, rng.randint(12, 48)),
                budget=_money(rng.randrange(20_000, 400_000, 5_000)),
                owner=rng.choice(owners),
                is_demo=True,
            )
            initiatives.append(initiative)
        self.save(Initiative, initiatives)

        for index, initiative in enumerate(initiatives):
            participations.append(
                Participation(
                    initiative=initiative,
                    council=initiative.lead_council,
                    role=Participation.Role.LEAD,
                    joined_on=initiative.start_date,
                    is_demo=True,
                )
            )
            others = [c for c in rng.sample(self.councils, rng.randint(1, 6)) if c.pk != initiative.lead_council_id]
            for extra in featured:
                if (
                    index % 3 == featured.index(extra)
                    and extra.pk != initiative.lead_council_id
                    and extra not in others
                ):
                    others.append(extra)
            for council in others:
                role = Participation.Role.ADOPTER if rng.random() < 0.7 else Participation.Role.OBSERVER
                participations.append(
                    Participation(
                        initiative=initiative, council=council, role=role, joined_on=initiative.start_date, is_demo=True
                    )
                )
            for outcome in rng.sample(self.outcomes, rng.randint(1, 3)):
                outcome_links.append(Initiative.outcomes.through(initiative_id=initiative.pk, outcome_id=outcome.pk))
            for partner in rng.sample(self.partners, rng.randint(0, 2)):
                partner_links.append(
                    Initiative.partners.through(initiative_id=initiative.pk, partnerorganisation_id=partner.pk)
                )
        self.save(Participation, participations)
        Initiative.outcomes.through.objects.bulk_create(outcome_links, batch_size=BATCH)
        Initiative.partners.through.objects.bulk_create(partner_links, batch_size=BATCH)
        return initiatives

    def updates(self, initiatives, periods, users):
        rng = self.rng
        cdo, cto = users["cdo@demo.digitaloffice.scot"], users["cto@demo.digitaloffice.scot"]
        editors = {u.council_id: u for u in users.values() if u.council_role == "editor"}
        updates = []
        last_index = len(periods) - 1
        # The last period whose window has closed: in the first days of a month it is two before the open one.
        closed_index = max((i for i, p in enumerate(periods) if p.submission_due_on < self.today), default=-1)
        yesterday = self.today - datetime.timedelta(days=1)
        latest = datetime.datetime.combine(yesterday, datetime.time(17), tzinfo=datetime.UTC)
        # The first active initiatives show each workflow state, whatever the seed draws.
        forced = [
            (ProgressUpdate.State.DRAFT, ProgressUpdate.State.RETURNED),
            (ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.APPROVED),
            (None, ProgressUpdate.State.SUBMITTED),
            (None, None),
        ]
        for initiative in initiatives:
            if initiative.stage == Stage.PROPOSED:
                continue
            stop = initiative.end_date if initiative.stage == Stage.CLOSED else None
            rag = {axis: self.weighted(RAG_WEIGHTS) for axis in ProgressUpdate.RAG_AXES}
            reported = [
                (index, period)
                for index, period in enumerate(periods)
                if period.starts_on >= initiative.start_date.replace(day=1)
                and (stop is None or period.starts_on <= stop)
            ]
            total = max(1, len(reported))
            open_states = forced.pop(0) if forced and stop is None else None
            for position, (index, period) in enumerate(reported, start=1):
                # The open period is still being written; the one before may await review.
                if open_states and index >= last_index - 1:
                    state = open_states[last_index - index]
                elif index == last_index:
                    state = rng.choice([None, None, ProgressUpdate.State.DRAFT, ProgressUpdate.State.SUBMITTED])
                elif index >= min(last_index - 1, closed_index):
                    # The period being reviewed, and the last closed one: some missing (overdue), some returned.
                    state = self.weighted(
                        [
                            (None, 10),
                            (ProgressUpdate.State.SUBMITTED, 25),
                            (ProgressUpdate.State.RETURNED, 15),
                            (ProgressUpdate.State.APPROVED, 50),
                        ]
                    )
                else:
                    state = ProgressUpdate.State.APPROVED if rng.random() < 0.97 else None
                if state is None:
                    continue
                for axis in ProgressUpdate.RAG_AXES:
                    if rng.random() < 0.15:
                        rag[axis] = self.weighted(RAG_WEIGHTS)
                author = editors.get(initiative.lead_council_id)
                fields = {f"rag_{axis}": rag[axis] for axis in ProgressUpdate.RAG_AXES}
                for axis in ProgressUpdate.RAG_AXES:
                    if rag[axis] != Rag.GREEN:
                        fields[f"{axis}_commentary"] = (
                            f"Demo commentary: {axis} is {rag[axis]} because of {rng.choice(RISKS)[0].lower()}."
                        )
                submitted = state != ProgressUpdate.State.DRAFT
                reviewed = state in (ProgressUpdate.State.APPROVED, ProgressUpdate.State.RETURNED)
                # Submitted in the days after the period ends, and never after yesterday: nothing is dated ahead.
                submitted_at = min(
                    datetime.datetime.combine(period.ends_on, datetime.time(10), tzinfo=datetime.UTC)
                    + datetime.timedelta(days=rng.randint(0, 9)),
                    latest,
                )
                updates.append(
                    ProgressUpdate(
                        initiative=initiative,
                        period=period,
                        council=initiative.lead_council,
                        state=state,
                        percent_complete=min(100, round(100 * position / total)),
                        spend_to_date=_money(
                            initiative.budget * Decimal(position) / Decimal(total) * Decimal(rng.uniform(0.8, 1.15))
                        ),
                        narrative=(
                            f"**Demo update** for {period.label}.\n\n"
                            f"- Work this period: {rng.choice(MILESTONES).lower()}.\n"
                            f"- Next: {rng.choice(MILESTONES).lower()}."
                        ),
                        next_steps="Demo next steps.",
                        author=author,
                        submitted_at=submitted_at if submitted else None,
                        submitted_by=author if submitted else None,
                        reviewed_at=min(submitted_at + datetime.timedelta(days=3), latest) if reviewed else None,
                        reviewed_by=rng.choice([cdo, cto]) if reviewed else None,
                        review_comment="Demo: please say what is being done about the Amber spend."
                        if state == ProgressUpdate.State.RETURNED
                        else "",
                        is_demo=True,
                        **fields,
                    )
                )
        self.save(ProgressUpdate, updates)
        latest_approved, previous_approved = {}, {}
        for update in updates:  # in period order for each initiative
            if update.state == ProgressUpdate.State.APPROVED:
                if update.initiative_id in latest_approved:
                    previous_approved[update.initiative_id] = latest_approved[update.initiative_id]
                latest_approved[update.initiative_id] = update
        for initiative in initiatives:
            initiative.current_update = latest_approved.get(initiative.pk)
            initiative.previous_update = previous_approved.get(initiative.pk)
        Initiative.objects.bulk_update(initiatives, ["current_update", "previous_update"], batch_size=BATCH)

    def registers(self, initiatives):
        rng = self.rng
        low, high = self.scale.milestones_per_initiative
        milestones, risks, benefits, realisations = [], [], [], []
        for initiative in initiatives:
            baseline = initiative.start_date
            for number in range(rng.randint(low, high)):
                baseline = baseline + datetime.timedelta(days=rng.randint(30, 120))
                slip = rng.choice([0, 0, 0, 14, 30, 60, 120])
                forecast = baseline + datetime.timedelta(days=slip)
                milestones.append(
                    Milestone(
                        initiative=initiative,
                        title=MILESTONES[number % len(MILESTONES)],
                        baseline_date=baseline,
                        forecast_date=forecast,
                        completed_on=forecast if forecast < self.today and rng.random() < 0.9 else None,
                        is_demo=True,
                    )
                )
            for title, description in rng.sample(RISKS, rng.randint(1, 4)):
                risks.append(
                    Risk(
                        initiative=initiative,
                        title=title,
                        description=description,
                        likelihood=rng.randint(1, 5),
                        impact=rng.randint(1, 5),
                        owner="Demo risk owner",
                        mitigation="Demo mitigation.",
                        status=Risk.Status.CLOSED if rng.random() < 0.25 else Risk.Status.OPEN,
                        is_demo=True,
                    )
                )
            for title, cashable, unit in rng.sample(BENEFITS, rng.randint(1, 3)):
                target = _money(rng.randrange(5_000, 250_000, 500))
                benefit = Benefit(
                    initiative=initiative,
                    council=initiative.lead_council,
                    title=title,
                    is_cashable=cashable,
                    unit=unit,
                    target_value=target,
                    realised_value=_money(target * Decimal(rng.uniform(0, 1.1))),
                    confirmed_by_council=rng.random() < 0.6,
                    is_demo=True,
                )
                benefits.append(benefit)
        self.save(Milestone, milestones)
        self.save(Risk, risks)
        self.save(Benefit, benefits)
        starts = {initiative.pk: initiative.start_date for initiative in initiatives}
        for benefit in benefits:
            realisations.extend(self.quarterly_realisations(benefit, starts[benefit.initiative_id]))
        self.save(BenefitRealisation, realisations)
        self.spread_over_time(initiatives)

    def quarterly_realisations(self, benefit, start):
        """What a benefit has realised, recorded each quarter (at most the last eight) since its initiative began:
        the values add up to its realised value, so the dashboard's trend of realised benefits rises."""
        quarters = []
        day = self.today.replace(day=1, month=((self.today.month - 1) // 3) * 3 + 1)
        while len(quarters) < 8 and day >= start.replace(day=1):
            quarters.append(day)
            day = _add_months(day, -3)
        quarters = sorted(quarters) or [self.today.replace(day=1)]
        share = _money(benefit.realised_value / len(quarters))
        values = [share] * (len(quarters) - 1) + [benefit.realised_value - share * (len(quarters) - 1)]
        return [
            BenefitRealisation(benefit=benefit, recorded_on=day, value=value, is_demo=True)
            for day, value in zip(quarters, values, strict=True)
        ]

    def spread_over_time(self, initiatives):
        """Dates the records as if they had been kept over the years, so "changed since the last board" shows a
        month's changes rather than everything: risks and councils joining dated between the initiative's start and
        today, stages reached and milestones re-forecast at dates in their past (their history says so)."""
        rng = self.rng
        now = datetime.datetime.combine(self.today - datetime.timedelta(days=1), datetime.time(12), tzinfo=datetime.UTC)

        def moment_between(start):
            begin = datetime.datetime.combine(start, datetime.time(9), tzinfo=datetime.UTC)
            return min(now, begin + (now - begin) * rng.random()) if begin < now else now

        starts = {initiative.pk: initiative.start_date for initiative in initiatives}
        for model, queryset in (
            (Risk, Risk.objects.filter(initiative__in=initiatives)),
            (Participation, Participation.objects.filter(initiative__in=initiatives)),
        ):
            rows = list(queryset)
            for row in rows:
                lead = model is Participation and row.role == Participation.Role.LEAD
                start = starts[row.initiative_id]
                row.created_at = (
                    datetime.datetime.combine(start, datetime.time(9), tzinfo=datetime.UTC) if lead
                    else moment_between(start)
                )
            model.objects.bulk_update(rows, ["created_at"], batch_size=BATCH)
            history = {h.id: h for h in model.history.filter(id__in=[row.pk for row in rows])}
            for row in rows:
                if row.pk in history:
                    history[row.pk].history_date = row.created_at
            model.history.bulk_update(list(history.values()), ["history_date"], batch_size=BATCH)
        order = list(Stage)
        first_records = {}
        for record in Initiative.history.filter(id__in=starts).order_by("-history_id"):
            first_records[record.id] = record
        earlier = []
        for initiative in initiatives:
            if initiative.stage == Stage.PROPOSED:
                continue
            record = first_records.get(initiative.pk)
            if record is None:
                continue
            reached = moment_between(initiative.start_date)
            if initiative.pk % 6 == 0:  # a sixth moved on in the last three weeks
                reached = now - datetime.timedelta(days=rng.randint(0, 20))
            before = order[max(0, order.index(initiative.stage) - 1)] if initiative.stage in LIVE_STAGES else Stage.LIVE
            earlier.append((record, before, reached))
        moved = []
        for record, before, reached in earlier:
            later = copy.copy(record)
            later.pk = None
            later.history_date = reached
            later.history_type = "~"
            moved.append(later)
            record.stage = before
            record.history_date = datetime.datetime.combine(
                starts[record.id] - datetime.timedelta(days=30), datetime.time(9), tzinfo=datetime.UTC
            )
        Initiative.history.bulk_update(
            [record for record, _b, _r in earlier], ["stage", "history_date"], batch_size=BATCH
        )
        Initiative.history.model.objects.bulk_create(moved, batch_size=BATCH)
        slipped = list(
            Milestone.history.filter(initiative_id__in=starts, forecast_date__gt=models.F("baseline_date"))
        )
        reforecasts = []
        for record in slipped:
            reforecast = copy.copy(record)
            reforecast.pk = None
            reforecast.history_type = "~"
            reforecast.history_date = min(
                now, datetime.datetime.combine(record.baseline_date - datetime.timedelta(days=45), datetime.time(9),
                                               tzinfo=datetime.UTC)
            )
            reforecasts.append(reforecast)
            record.forecast_date = record.baseline_date
            record.history_date = reforecast.history_date - datetime.timedelta(days=120)
        Milestone.history.bulk_update(slipped, ["forecast_date", "history_date"], batch_size=BATCH)
        Milestone.history.model.objects.bulk_create(reforecasts, batch_size=BATCH)
        # Each record was last changed when its history says, as `updated_at` records for real data.
        for model in (Initiative, Milestone, Risk, Participation):
            last_change = (
                model.history.filter(id=models.OuterRef("pk")).order_by("-history_date").values("history_date")[:1]
            )
            records = model.objects.filter(pk__in=starts) if model is Initiative else model.objects.filter(
                initiative_id__in=starts
            )
            records.update(updated_at=models.Subquery(last_change))


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
    Contract.objects.filter(is_demo=True).delete()  # with the councils using them, their alerts and documents
    Contract.history.filter(is_demo=True).delete()
    ContractUse.history.filter(is_demo=True).delete()
    for model in DEMO_MODELS:
        if model is ReportingPeriod:
            # A period that real updates use stays.
            model.objects.filter(is_demo=True, updates__isnull=True).delete()
        else:
            model.objects.filter(is_demo=True).delete()
        model.history.filter(is_demo=True).delete()
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
    with transaction.atomic():
        demo_clear()
        users = builder.accounts()
        joined_later = builder.memberships()
        builder.funding(joined_later)
        builder.measures()
        builder.maturity()
        periods = builder.periods()
        initiatives = builder.initiatives(users, periods)
        builder.updates(initiatives, periods, users)
        builder.registers(initiatives)
        builder.counts["contracts"] = demo_contracts_seed(today=builder.today)
        builder.counts["comments"] = demo_collaboration_seed()
    bulk_load_finished()
    return builder.counts
