"""Measures and maturity counts, against hand-computed fixtures (the portfolio by outcome: initiatives)."""

import datetime
from decimal import Decimal

import pytest

from councils.models import PartnerOrganisation
from strategy import selectors
from strategy.models import Strategy
from tests.conftest import signed_in_with_two_factor
from tests.councils.factories import council
from tests.strategy.factories import MaturityAssessmentFactory, MeasureFactory, MeasureReadingFactory, level

pytestmark = pytest.mark.django_db

GLASGOW, FIFE, HIGHLAND, ANGUS = "S12000049", "S12000047", "S12000017", "S12000041"


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
    cdo = signed_in_with_two_factor(
        django_user_model.objects.create_user("do@example.org", is_digital_office_staff=True)
    )
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
    cdo = signed_in_with_two_factor(
        django_user_model.objects.create_user("do@example.org", is_digital_office_staff=True)
    )
    fife = django_user_model.objects.create_user("e@fife.example.org", council=council(FIFE), council_role="editor")
    partner = django_user_model.objects.create_user(
        "p@example.org", partner=PartnerOrganisation.objects.get(slug="cosla"))
    nobody = django_user_model.objects.create_user("n@example.org")
    assert selectors.maturity_assessments_visible_to(cdo).count() == 8
    assert set(selectors.maturity_assessments_visible_to(fife).values_list("council__gss_code", flat=True)) == {FIFE}
    assert list(selectors.maturity_councils_visible_to(fife).values_list("gss_code", flat=True)) == [FIFE]
    assert not selectors.maturity_assessments_visible_to(partner).exists()
    assert not selectors.maturity_assessments_visible_to(nobody).exists()
