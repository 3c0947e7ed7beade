"""The demo's published secrets, its scales and the tables its records are drawn from (all demo values)."""

import calendar
import datetime
import time
from dataclasses import dataclass
from decimal import Decimal

from allauth.mfa import app_settings as allauth_mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from initiatives.models import (
    Rag,
    Stage,
)

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
    # Five times the large set (10,000 initiatives, ~494,000 updates): deep pages, exports and reports at scale
    # (bench/README.md, "The 5x set").
    "xlarge": Scale(initiatives=10000, reporting_months=None, milestones_per_initiative=(10, 10),
                    start_window=(0, 0.97)),
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

