"""Roll-ups of the portfolio by outcome, coverage, measures and maturity counts, against hand-computed fixtures."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import ProgressUpdate
from strategy import selectors
from strategy.models import Strategy, Theme
from tests.councils.factories import council
from tests.initiatives.factories import InitiativeFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.strategy.factories import MaturityAssessmentFactory, MeasureFactory, MeasureReadingFactory, level, outcome

pytestmark = pytest.mark.django_db

GLASGOW, FIFE, HIGHLAND, ANGUS = "S12000049", "S12000047", "S12000017", "S12000041"


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
    strategy = selectors.strategy_current()
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
    strategy = selectors.strategy_current()
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
    coverage = selectors.outcome_coverage(strategy=selectors.strategy_current())
    assert [o.number for o in coverage["uncovered"]] == [3, 4, 5, 6]
    rows = {row.outcome.number: row for row in coverage["rows"]}
    cells = {cell.theme.slug: (cell.total, cell.live) for cell in rows[1].cells}
    assert cells == {"digital-leadership": (0, 0), "digital-foundations": (1, 1), "digital-services": (2, 1)}
    assert (rows[1].total, rows[1].live) == (3, 2)
    services_2 = next(cell for cell in rows[2].cells if cell.theme.slug == "digital-services")
    assert (services_2.total, services_2.live, services_2.rag.green, services_2.rag.red) == (2, 1, 1, 1)
    leadership_3 = next(cell for cell in rows[3].cells if cell.theme.slug == "digital-leadership")
    assert (leadership_3.total, leadership_3.live) == (1, 0)


def test_measure_summaries_take_the_latest_sector_reading_and_progress_either_way():
    higher = MeasureFactory(baseline=Decimal("20"), target=Decimal("60"))
    MeasureReadingFactory(measure=higher, taken_on=datetime.date(2018, 3, 31), value=Decimal("25"))
    MeasureReadingFactory(measure=higher, taken_on=datetime.date(2019, 3, 31), value=Decimal("40"))
    MeasureReadingFactory(
        measure=higher, council=council(GLASGOW), taken_on=datetime.date(2020, 3, 31), value=Decimal("90")
    )
    lower = MeasureFactory(baseline=Decimal("6.40"), target=Decimal("2.50"), higher_is_better=False, unit="£")
    MeasureReadingFactory(measure=lower, taken_on=datetime.date(2019, 3, 31), value=Decimal("4.45"))
    summaries = {m.pk: m for m in selectors.measure_summaries(strategy=selectors.strategy_current())}
    assert (summaries[higher.pk].latest_value, summaries[higher.pk].progress) == (Decimal("40"), 50)
    assert summaries[higher.pk].latest_on == datetime.date(2019, 3, 31)
    assert (summaries[lower.pk].latest_value, summaries[lower.pk].progress) == (Decimal("4.45"), 50)


def test_measure_chart_has_readings_and_the_target_line():
    measure = MeasureFactory(target=Decimal("60"))
    MeasureReadingFactory(measure=measure, taken_on=datetime.date(2019, 3, 31), value=Decimal("30"))
    MeasureReadingFactory(
        measure=measure, council=council(FIFE), taken_on=datetime.date(2019, 3, 31), value=Decimal("35")
    )
    readings = list(measure.readings.select_related("council"))
    chart = selectors.measure_chart(measure, readings)
    assert chart["labels"] == ["31 Mar 2019", "31 Dec 2020"]
    sector, councils, target = chart["datasets"]
    assert sector["data"] == [30.0, None]
    assert councils["data"] == [{"x": "31 Mar 2019", "y": 35.0, "name": "Fife"}]
    assert target["style"] == "target" and target["data"] == [60.0, 60.0]


@pytest.fixture
def assessments():
    """Threshold at rank 3. Latest assessment per council per year:

    2019  Glasgow rank 3 (after rank 2 in June)   Fife rank 2 (after rank 4 in March)
    2020  Glasgow rank 4   Highland rank 3 (after rank 5 in February)   Angus rank 1
    """
    for code, day, rank in [
        (GLASGOW, datetime.date(2019, 6, 1), 2), (GLASGOW, datetime.date(2019, 11, 1), 3),
        (GLASGOW, datetime.date(2020, 5, 1), 4),
        (FIFE, datetime.date(2019, 3, 1), 4), (FIFE, datetime.date(2019, 12, 1), 2),
        (HIGHLAND, datetime.date(2020, 2, 1), 5), (HIGHLAND, datetime.date(2020, 10, 1), 3),
        (ANGUS, datetime.date(2020, 1, 1), 1),
    ]:
        MaturityAssessmentFactory(council=council(code), assessed_on=day, overall_level=level(rank))
    strategy = Strategy.objects.get()
    strategy.digital_business_level = level(3)
    strategy.save()
    return strategy


def test_threshold_count_per_year_uses_each_councils_latest_assessment_that_year(assessments):
    counts = selectors.digital_business_counts(strategy=selectors.strategy_current())
    assert [(c.year, c.reached, c.assessed, c.goal) for c in counts] == [(2019, 1, 2, 32), (2020, 2, 3, 32)]


def test_threshold_count_follows_the_threshold(assessments):
    assessments.digital_business_level = level(4)
    assessments.save()
    counts = selectors.digital_business_counts(strategy=selectors.strategy_current())
    assert [(c.year, c.reached) for c in counts] == [(2019, 0), (2020, 1)]
    assessments.digital_business_level = None
    assessments.save()
    assert selectors.digital_business_counts(strategy=selectors.strategy_current()) == []


def test_sector_distribution_per_year(assessments, django_user_model):
    cdo = django_user_model.objects.create_user("do@example.org", is_digital_office_staff=True)
    sector = selectors.maturity_sector(user=cdo)
    table = {row["year"]: [cell["count"] for cell in row["cells"]] for row in sector["distribution"]}
    assert table == {2019: [0, 1, 1, 0, 0], 2020: [1, 0, 1, 1, 0]}
    by_name = {row["name"]: row["levels"] for row in sector["by_name"]}
    assert by_name["Fife"] == [2, None]
    assert sector["target_row"].reached == 2


def test_sector_view_for_council_staff_has_counts_and_their_own_level_only(assessments, django_user_model):
    fife = django_user_model.objects.create_user("v@fife.example.org", council=council(FIFE), council_role="viewer")
    sector = selectors.maturity_sector(user=fife)
    assert sector["by_name"] is None
    own = {row["year"]: [cell["own"] for cell in row["cells"]] for row in sector["distribution"]}
    assert own == {2019: [False, True, False, False, False], 2020: [False] * 5}


def test_visible_assessments_follow_the_role(assessments, django_user_model):
    cdo = django_user_model.objects.create_user("do@example.org", is_digital_office_staff=True)
    fife = django_user_model.objects.create_user("e@fife.example.org", council=council(FIFE), council_role="editor")
    partner = django_user_model.objects.create_user("p@example.org", partner_id=1)
    nobody = django_user_model.objects.create_user("n@example.org")
    assert selectors.maturity_assessments_visible_to(cdo).count() == 8
    assert set(selectors.maturity_assessments_visible_to(fife).values_list("council__gss_code", flat=True)) == {FIFE}
    assert list(selectors.maturity_councils_visible_to(fife).values_list("gss_code", flat=True)) == [FIFE]
    assert not selectors.maturity_assessments_visible_to(partner).exists()
    assert not selectors.maturity_assessments_visible_to(nobody).exists()
