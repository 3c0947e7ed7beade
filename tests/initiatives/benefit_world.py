"""A small benefits register whose every figure is worked out by hand (see `benefit_world`'s docstring)."""

import datetime
from decimal import Decimal

import pytest

from core.models import User
from initiatives import benefit_services
from initiatives.models import Benefit, BenefitShare, BenefitTarget, Participation
from tests.conftest import signed_in_with_two_factor
from tests.councils.factories import council
from tests.initiatives.factories import InitiativeFactory

GLASGOW, FIFE, HIGHLAND = "S12000049", "S12000047", "S12000017"


def person(email, **fields):
    return User.objects.create_user(email=email, password="x" * 20, **fields)


def benefit(initiative, title, category, target, *, unit="£", keeper=None, shares=(), years=(), potential=None):
    made = Benefit.objects.create(initiative=initiative, council=keeper, title=title, category=category, unit=unit,
                                  target_value=Decimal(target), potential_all_councils=potential)
    for code, percent in shares:
        BenefitShare.objects.create(benefit=made, council=council(code), percent=Decimal(percent))
    for year, value in years:
        BenefitTarget.objects.create(benefit=made, financial_year=year, value=Decimal(value))
    return made


@pytest.fixture(name="benefit_world")
def benefit_world_fixture(db):
    """Initiative A (Glasgow leads, Fife adopts, Highland observes) and B (Glasgow alone):

    - S, shared, cash-releasing, £1,000 committed (2025/26 £400, 2026/27 £600), Glasgow 60% and Fife 40%, potential
      if all adopt £32,000; realised £200 on 1 June 2025 (Glasgow, estimated) and £300 on 1 May 2026 (Fife,
      evidenced with a link);
    - G, B's, citizen or service quality, £200 committed, no yearly profile, Glasgow's whole; £100 on 1 May 2026
      (Glasgow, evidenced, confirmed by Glasgow, audited by the office);
    - D, A's dis-benefit, £300 expected in 2025/26, Glasgow's whole; £50 incurred on 1 September 2025 (estimated);
    - H, A's, 1,000 hours, Glasgow's whole; 500 hours realised (never summed with pounds).

    By hand: benefits £1,200 committed and £600 realised (estimated £200, evidenced £300, audited £100); dis-benefits
    £300 and £50 apart; 2025/26 £400 targeted, £200 realised (dis £300, £50); 2026/27 £600 and £400; £200 committed
    without a yearly profile. Glasgow's shares: cash-releasing £600 and £300, other £200 and £100, dis £300 and £50;
    Fife's: cash-releasing £400 and £200. Glasgow's and Fife's benefits add up to the portfolio's £1,200 and £600."""
    glasgow, fife, highland = council(GLASGOW), council(FIFE), council(HIGHLAND)
    a = InitiativeFactory(reference="DO-B001", title="Shared contact centre", lead_council=glasgow, stage="live")
    Participation.objects.create(initiative=a, council=fife, role=Participation.Role.ADOPTER)
    Participation.objects.create(initiative=a, council=highland, role=Participation.Role.OBSERVER)
    b = InitiativeFactory(reference="DO-B002", title="Waste app", lead_council=glasgow, stage="live")
    people = {
        "staff": person("cdo@example.org", is_digital_office_staff=True),
        "glasgow": person("editor@glasgow.example.org", council=glasgow, council_role="editor"),
        "glasgow_viewer": person("viewer@glasgow.example.org", council=glasgow, council_role="viewer"),
        "fife": person("editor@fife.example.org", council=fife, council_role="editor"),
        "highland": person("editor@highland.example.org", council=highland, council_role="editor"),
    }
    staff = signed_in_with_two_factor(people["staff"])
    s = benefit(a, "Contact centre savings", Benefit.Category.CASH_RELEASING, "1000", keeper=glasgow,
                shares=[(GLASGOW, "60"), (FIFE, "40")], years=[(2025, "400"), (2026, "600")],
                potential=Decimal("32000"))
    g = benefit(b, "Fewer missed bins", Benefit.Category.QUALITY, "200", keeper=glasgow, shares=[(GLASGOW, "100")])
    d = benefit(a, "Double running", Benefit.Category.DIS_BENEFIT, "300", keeper=glasgow, shares=[(GLASGOW, "100")],
                years=[(2025, "300")])
    h = benefit(a, "Staff hours released", Benefit.Category.NON_CASH_RELEASING, "1000", unit="hours",
                keeper=glasgow, shares=[(GLASGOW, "100")])
    record = benefit_services.realisation_record
    s1 = record(user=people["glasgow"], benefit=s, council=glasgow, recorded_on=datetime.date(2025, 6, 1),
                value=Decimal("200"))
    s2 = record(user=people["fife"], benefit=s, council=fife, recorded_on=datetime.date(2026, 5, 1),
                value=Decimal("300"), grade="evidenced", evidence_note="Invoices stopped",
                evidence_link="https://example.org/fife-invoices")
    g1 = record(user=people["glasgow"], benefit=g, council=glasgow, recorded_on=datetime.date(2026, 5, 1),
                value=Decimal("100"), grade="evidenced", evidence_note="Complaints log",
                evidence_link="https://example.org/complaints")
    benefit_services.realisation_confirm(user=people["glasgow"], realisation=g1)
    benefit_services.realisation_audit(user=staff, realisation=g1)
    record(user=staff, benefit=d, council=glasgow, recorded_on=datetime.date(2025, 9, 1), value=Decimal("50"))
    record(user=people["glasgow"], benefit=h, council=glasgow, recorded_on=datetime.date(2026, 5, 1),
           value=Decimal("500"))
    return {"a": a, "b": b, "s": s, "g": g, "d": d, "h": h, "s1": s1, "s2": s2, "g1": g1, "people": people,
            "glasgow": glasgow, "fife": fife, "highland": highland}
