"""Status derivation and ledger figures, against hand-computed fixtures."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.models import User
from councils import commitments, selectors
from councils.models import Contribution
from tests.conftest import signed_in_with_two_factor
from tests.councils.factories import ContributionFactory, FundingAgreementFactory, PaymentFactory, council

pytestmark = pytest.mark.django_db

D = Decimal
DUE = datetime.date(2017, 6, 30)
GLASGOW, FIFE, HIGHLAND = "S12000049", "S12000047", "S12000017"


def status_both_ways(contribution, on):
    """The status from the Python rule and from the database annotation: they must agree."""
    annotated = selectors.contributions_with_figures(Contribution.objects.filter(pk=contribution.pk), on=on).get()
    in_python = selectors.contribution_status(contribution, on=on)
    assert annotated.status == in_python, f"database says {annotated.status}, Python says {in_python}"
    return in_python


# -- status -------------------------------------------------------------------------------------


def test_nothing_paid_and_no_invoice_is_due():
    contribution = ContributionFactory(due_date=DUE)
    assert status_both_ways(contribution, datetime.date(2017, 5, 1)) == "due"


def test_an_invoice_sent_makes_it_invoiced_from_the_invoice_date():
    contribution = ContributionFactory(due_date=DUE, invoice_number="INV-1", invoice_date=datetime.date(2017, 5, 1))
    assert status_both_ways(contribution, datetime.date(2017, 4, 30)) == "due"
    assert status_both_ways(contribution, datetime.date(2017, 5, 1)) == "invoiced"


def test_some_payment_before_the_due_date_is_part_paid():
    contribution = ContributionFactory(amount_due=D("25000.00"), due_date=DUE, invoice_date=datetime.date(2017, 5, 1))
    PaymentFactory(contribution=contribution, amount=D("10000.00"), paid_on=datetime.date(2017, 6, 1))
    assert status_both_ways(contribution, datetime.date(2017, 6, 1)) == "part_paid"
    assert status_both_ways(contribution, datetime.date(2017, 5, 31)) == "invoiced"  # the payment is not made yet


def test_on_the_due_date_it_is_not_overdue_and_the_day_after_it_is():
    contribution = ContributionFactory(amount_due=D("25000.00"), due_date=DUE, invoice_date=datetime.date(2017, 5, 1))
    assert status_both_ways(contribution, DUE) == "invoiced"
    assert status_both_ways(contribution, DUE + datetime.timedelta(days=1)) == "overdue"


def test_part_paid_after_the_due_date_is_overdue():
    contribution = ContributionFactory(amount_due=D("25000.00"), due_date=DUE)
    PaymentFactory(contribution=contribution, amount=D("24999.99"), paid_on=datetime.date(2017, 6, 1))
    assert status_both_ways(contribution, DUE) == "part_paid"
    assert status_both_ways(contribution, DUE + datetime.timedelta(days=1)) == "overdue"


def test_paid_in_part_payments_is_paid_even_when_the_last_came_late():
    contribution = ContributionFactory(amount_due=D("25000.00"), due_date=DUE)
    PaymentFactory(contribution=contribution, amount=D("12500.00"), paid_on=datetime.date(2017, 6, 10))
    PaymentFactory(contribution=contribution, amount=D("12500.00"), paid_on=datetime.date(2017, 9, 1))
    assert status_both_ways(contribution, datetime.date(2017, 8, 31)) == "overdue"
    assert status_both_ways(contribution, datetime.date(2017, 9, 1)) == "paid"
    assert status_both_ways(contribution, datetime.date(2030, 1, 1)) == "paid"


@pytest.mark.parametrize("parts", [["0.70", "0.10"], ["0.10", "0.20"], ["12000.00", "345.67"], ["0.01"] * 7])
def test_pence_add_up_exactly(parts):
    """SQLite adds decimals as floating point; 0.70 + 0.10 must still pay 0.80."""
    total = sum((D(p) for p in parts), D("0"))
    contribution = ContributionFactory(amount_due=total, due_date=DUE)
    for part in parts:
        PaymentFactory(contribution=contribution, amount=D(part), paid_on=datetime.date(2017, 6, 1))
    assert status_both_ways(contribution, datetime.date(2018, 1, 1)) == "paid"
    row = selectors.contributions_with_figures(Contribution.objects.filter(pk=contribution.pk), on=DUE).get()
    assert row.paid == total and row.outstanding == D("0.00")


def test_a_nothing_due_contribution_is_paid():
    contribution = ContributionFactory(amount_due=D("0.00"), due_date=DUE)
    assert status_both_ways(contribution, DUE + datetime.timedelta(days=30)) == "paid"


# -- figures ------------------------------------------------------------------------------------


@pytest.fixture
def ledger_fixture():
    """Worked by hand, on 1 July 2017:

    Glasgow 2017/18: due 30,000.00, paid 10,000 + 20,000 (the second late, on 15 July, so not yet) -> 10,000.00 paid,
        20,000.00 outstanding, overdue.
    Fife 2017/18: due 20,000.00, paid 5,000.50 -> 14,999.50 outstanding, overdue.
    Highland 2017/18: due 15,000.00, invoiced, nothing paid -> 15,000.00 outstanding, overdue.
    Glasgow 2016/17: due 28,000.00, paid in full -> paid.
    Glasgow 2018/19: due 31,000.00, not invoiced -> due, not overdue.
    """
    agreement = FundingAgreementFactory(first_year=2016, last_year=2018, budget=D("150000.00"))

    def contribution(code, year, due, **fields):
        return ContributionFactory(agreement=agreement, council=council(code), financial_year=year, amount_due=D(due),
                                   due_date=datetime.date(year, 6, 30), **fields)

    glasgow = contribution(GLASGOW, 2017, "30000.00")
    PaymentFactory(contribution=glasgow, amount=D("10000.00"), paid_on=datetime.date(2017, 5, 1))
    PaymentFactory(contribution=glasgow, amount=D("20000.00"), paid_on=datetime.date(2017, 7, 15))
    fife = contribution(FIFE, 2017, "20000.00")
    PaymentFactory(contribution=fife, amount=D("5000.50"), paid_on=datetime.date(2017, 6, 1))
    contribution(HIGHLAND, 2017, "15000.00", invoice_number="INV-17-017", invoice_date=datetime.date(2017, 5, 1))
    earlier = contribution(GLASGOW, 2016, "28000.00")
    PaymentFactory(contribution=earlier, amount=D("28000.00"), paid_on=datetime.date(2016, 6, 1))
    contribution(GLASGOW, 2018, "31000.00")
    return agreement


ON = datetime.date(2017, 7, 1)


def cdo():
    return signed_in_with_two_factor(
        User.objects.create_user("cdo-test@example.org", "x" * 16, is_digital_office_staff=True)
    )


def test_year_figures_match_the_hand_computed_ones(ledger_fixture):
    data = selectors.year_ledger(user=cdo(), year=2017, on=ON)
    figures = data["figures"]
    assert figures.due == D("65000.00")
    assert figures.paid == D("15000.50")
    assert figures.outstanding == D("49999.50")
    assert figures.overdue == D("49999.50")
    assert figures.paying_members == 3
    assert figures.paid_in_full == 0
    assert [row.council.gss_code for row in data["rows"]] == [FIFE, GLASGOW, HIGHLAND]
    assert [row.status for row in data["rows"]] == ["overdue", "overdue", "overdue"]


def test_the_office_ledger_adds_up_years_agreements_and_councils(ledger_fixture):
    data = selectors.ledger(user=cdo(), on=ON)
    years = {row.financial_year: row.figures for row in data["years"]}
    assert years[2016].due == D("28000.00") and years[2016].paid == D("28000.00") and years[2016].outstanding == 0
    assert years[2016].paid_in_full == 1 and years[2016].paying_members == 1
    assert years[2017].overdue == D("49999.50")
    assert years[2018].due == D("31000.00") and years[2018].overdue == 0 and years[2018].statuses["due"] == 1
    total = data["figures"]
    assert (total.due, total.paid, total.outstanding, total.overdue) == (
        D("124000.00"), D("43000.50"), D("80999.50"), D("49999.50"))
    assert total.paying_members == 3
    agreement_row = data["agreements"][0]
    assert agreement_row.figures.due == D("124000.00")
    councils = {row.council.gss_code: row.figures for row in data["councils"]}
    assert councils[GLASGOW].due == D("89000.00") and councils[GLASGOW].outstanding == D("51000.00")
    assert councils[GLASGOW].overdue == D("20000.00")


def test_later_the_late_payment_counts(ledger_fixture):
    data = selectors.year_ledger(user=cdo(), year=2017, on=datetime.date(2017, 7, 15))
    glasgow = next(row for row in data["rows"] if row.council.gss_code == GLASGOW)
    assert glasgow.status == "paid" and glasgow.paid == D("30000.00")
    assert data["figures"].paid_in_full == 1


def test_committed_budgets_count_initiatives_overlapping_the_period_past_proposal(ledger_fixture):
    from initiatives.models import Initiative
    from strategy.models import Theme

    theme = Theme.objects.first()

    def initiative(ref, stage, start, end, budget):
        return Initiative.objects.create(reference=ref, title=ref, summary="-", theme=theme,
                                         lead_council=council(GLASGOW), stage=stage, start_date=start, end_date=end,
                                         budget=D(budget))

    initiative("T-1", "live", datetime.date(2015, 1, 1), datetime.date(2016, 4, 1), "1000.00")  # overlaps by a day
    initiative("T-2", "beta", datetime.date(2018, 1, 1), None, "2000.00")  # no end date
    initiative("T-3", "proposed", datetime.date(2017, 1, 1), None, "4000.00")  # not committed
    initiative("T-4", "alpha", datetime.date(2019, 4, 1), None, "8000.00")  # after the period
    initiative("T-5", "closed", datetime.date(2014, 1, 1), datetime.date(2016, 3, 31), "16000.00")  # before it
    initiative("T-6", "alpha", None, None, "32000.00")  # not scheduled
    assert commitments.committed_budgets([ledger_fixture]) == {ledger_fixture.pk: D("3000.00")}
    row = selectors.ledger(user=cdo(), on=ON)["agreements"][0]
    assert row.committed == D("3000.00") and row.headroom == D("147000.00")


def test_the_ledger_costs_the_same_queries_however_many_contributions(ledger_fixture, django_assert_max_num_queries):
    user = cdo()
    with django_assert_max_num_queries(4) as few:
        selectors.ledger(user=user, on=ON)
    agreement = FundingAgreementFactory(first_year=2019, last_year=2020)
    for code in ("S12000033", "S12000034", "S12000041", "S12000035", "S12000036"):
        for year in (2019, 2020):
            contribution = ContributionFactory(agreement=agreement, council=council(code), financial_year=year)
            PaymentFactory(contribution=contribution, paid_on=datetime.date(year, 6, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        selectors.ledger(user=user, on=ON)


# -- who sees what ------------------------------------------------------------------------------


def test_council_staff_see_only_their_own_council_and_partners_nothing(ledger_fixture):
    from councils.models import PartnerOrganisation

    glasgow_viewer = User.objects.create_user("v@example.org", "x" * 16, council=council(GLASGOW),
                                              council_role="viewer")
    partner = User.objects.create_user("p@example.org", "x" * 16, partner=PartnerOrganisation.objects.first())
    assert {c.council.gss_code for c in selectors.visible_contributions(user=glasgow_viewer)} == {GLASGOW}
    assert not selectors.visible_contributions(user=partner).exists()
    assert selectors.visible_contributions(user=cdo()).count() == 5
    with pytest.raises(Http404):
        selectors.council_ledger(user=glasgow_viewer, slug=council(FIFE).slug)
    assert len(selectors.council_ledger(user=glasgow_viewer, slug=council(GLASGOW).slug)["rows"]) == 3
    for reader in (glasgow_viewer, partner):
        with pytest.raises(PermissionDenied):
            selectors.ledger(user=reader)
    fife_contribution = Contribution.objects.get(council__gss_code=FIFE)
    with pytest.raises(Http404):
        selectors.contribution_detail(user=glasgow_viewer, pk=fife_contribution.pk)
