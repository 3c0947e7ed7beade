"""The portfolio by outcome and theme (the strategy pages' roll-ups), against hand-computed fixtures."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import User
from initiatives import selectors, services
from initiatives.models import ProgressUpdate
from strategy import selectors as strategy_selectors
from strategy.models import Theme
from tests.conftest import signed_in_with_two_factor
from tests.initiatives.factories import InitiativeFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.strategy.factories import MeasureFactory, MeasureReadingFactory, outcome

pytestmark = pytest.mark.django_db


def theme(slug):
    return Theme.objects.get(slug=slug)


def initiative(stage, outcomes, theme_slug, rag=None):
    """An initiative serving `outcomes`; `rag` (delivery, spend, benefits, risk) becomes its current status."""
    made = InitiativeFactory(stage=stage, theme=theme(theme_slug))
    made.outcomes.set([outcome(n) for n in outcomes])
    if rag:
        delivery, spend, benefits, risk = rag
        update = ProgressUpdateFactory(
            initiative=made, period=ReportingPeriodFactory(), state=ProgressUpdate.State.APPROVED,
            rag_delivery=delivery, rag_spend=spend, rag_benefits=benefits, rag_risk=risk,
        )
        made.current_update = update
        made.save(update_fields=["current_update"])
    return made


@pytest.fixture
def portfolio():
    """Five initiatives, worked out by hand below:

    A alpha    outcomes 1, 2  services     green amber red   green
    B live     outcome  1     foundations  amber amber green red
    C proposed outcomes 1, 3  services     (no approved update)
    D closed   outcome  2     services     red   green green green
    E paused   outcome  3     leadership   green green green green
    """
    return {
        "A": initiative("alpha", [1, 2], "digital-services", ("green", "amber", "red", "green")),
        "B": initiative("live", [1], "digital-foundations", ("amber", "amber", "green", "red")),
        "C": initiative("proposed", [1, 3], "digital-services"),
        "D": initiative("closed", [2], "digital-services", ("red", "green", "green", "green")),
        "E": initiative("paused", [3], "digital-leadership", ("green", "green", "green", "green")),
    }


def rollups_by_number():
    strategy = strategy_selectors.strategy_current()
    return {r.outcome.number: r for r in selectors.outcome_rollups(strategy=strategy)}


def rag_table(rollup):
    return {r.axis: (r.green, r.amber, r.red, r.not_reported) for r in rollup.rag}


def test_outcome_rollups_count_stages_and_current_rag(portfolio):
    rollups = rollups_by_number()

    one = rollups[1]
    assert (one.total, one.live) == (3, 2)
    assert {stage: n for stage, _label, n in one.stages if n} == {"proposed": 1, "alpha": 1, "live": 1}
    assert rag_table(one) == {
        "delivery": (1, 1, 0, 1), "spend": (0, 2, 0, 1), "benefits": (1, 0, 1, 1), "risk": (1, 0, 1, 1),
    }
    assert [i.reference for i in one.initiatives] == sorted(portfolio[k].reference for k in "ABC")

    two = rollups[2]
    assert (two.total, two.live) == (2, 1)
    assert {stage: n for stage, _label, n in two.stages if n} == {"alpha": 1, "closed": 1}
    assert rag_table(two)["delivery"] == (1, 0, 1, 0)

    three = rollups[3]
    assert (three.total, three.live) == (2, 0)
    assert rag_table(three)["delivery"] == (1, 0, 0, 1)

    for number in (4, 5, 6):
        assert (rollups[number].total, rollups[number].live, rollups[number].initiatives) == (0, 0, [])
        assert rag_table(rollups[number])["risk"] == (0, 0, 0, 0)


def test_a_draft_or_submitted_update_is_not_the_current_status(portfolio):
    ProgressUpdateFactory(
        initiative=portfolio["C"], period=ReportingPeriodFactory(), state=ProgressUpdate.State.SUBMITTED,
        rag_delivery="red",
    )
    assert rag_table(rollups_by_number()[1])["delivery"] == (1, 1, 0, 1)


def test_rollups_cost_the_same_queries_whatever_the_portfolio_size(portfolio):
    strategy = strategy_selectors.strategy_current()
    MeasureFactory(outcome=outcome(1))
    with CaptureQueriesContext(connection) as small:
        selectors.outcome_rollups(strategy=strategy)
    for number in range(15):
        initiative("beta", [1 + number % 6, 2], "digital-services", ("green", "red", "amber", "green"))
        MeasureReadingFactory(measure=MeasureFactory(outcome=outcome(1 + number % 6)))
    with CaptureQueriesContext(connection) as large:
        rollups = selectors.outcome_rollups(strategy=strategy)
    assert len(large.captured_queries) == len(small.captured_queries) <= 4
    assert all(len(r.initiatives) <= selectors.INITIATIVES_SHOWN_PER_OUTCOME for r in rollups)
    assert rollups[1].total == 2 + 15  # A, D and every new one


def test_coverage_matrix_and_outcomes_no_live_initiative_serves(portfolio):
    coverage = selectors.outcome_coverage(strategy=strategy_selectors.strategy_current())
    assert [o.number for o in coverage["uncovered"]] == [3, 4, 5, 6]
    rows = {row.outcome.number: row for row in coverage["rows"]}
    cells = {cell.theme.slug: (cell.total, cell.live) for cell in rows[1].cells}
    assert cells == {"digital-leadership": (0, 0), "digital-foundations": (1, 1), "digital-services": (2, 1)}
    assert (rows[1].total, rows[1].live) == (3, 2)
    services_2 = next(cell for cell in rows[2].cells if cell.theme.slug == "digital-services")
    assert (services_2.total, services_2.live, services_2.rag.green, services_2.rag.red) == (2, 1, 1, 1)
    leadership_3 = next(cell for cell in rows[3].cells if cell.theme.slug == "digital-leadership")
    assert (leadership_3.total, leadership_3.live) == (1, 0)


def test_the_strategy_rollups_are_computed_once_per_change(portfolio, django_capture_on_commit_callbacks):
    """Fault: outcome_rollups ran its aggregates (50 ms of SQL on the large set) on every view of /strategy/. Now
    they are kept until a change commits: an approval (which moves an initiative's current status with a queryset
    update, no save signal) or a stage change shows at once."""
    strategy = strategy_selectors.strategy_current()

    def cached():
        return {r.outcome.number: r for r in selectors.outcome_rollups_cached(strategy=strategy)}

    with CaptureQueriesContext(connection) as first:
        before = cached()
    with CaptureQueriesContext(connection) as again:
        assert rag_table(cached()[1]) == rag_table(before[1])
    # A cached read asks only whether a failed token renewal is owed (core.cache's marker): one query, no aggregate.
    assert len(first.captured_queries) >= 4
    assert [query["sql"] for query in again.captured_queries if "portal_cache" not in query["sql"]] == []
    assert len(again.captured_queries) <= 1

    reviewer = signed_in_with_two_factor(User.objects.create_user(email="do@example.org",
                                                                  is_digital_office_staff=True))
    submitted = ProgressUpdateFactory(
        initiative=portfolio["C"], period=ReportingPeriodFactory(), state=ProgressUpdate.State.SUBMITTED,
        rag_delivery="red",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.update_approve(user=reviewer, update=submitted)
    assert rag_table(cached()[1])["delivery"] == (1, 1, 1, 0)  # C: not reported -> red

    with django_capture_on_commit_callbacks(execute=True):
        portfolio["C"].stage = "beta"
        portfolio["C"].save()
    assert cached()[1].live == before[1].live + 1
    assert cached()[3].live == before[3].live + 1
