import csv
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from councils.models import Council, PartnerOrganisation
from seeding.reference_data import reference_data_load
from strategy.models import Outcome, Strategy, Theme

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "reference"


def test_the_32_councils_have_exactly_the_gss_codes_of_the_csv():
    with open(SHIPPED / "scottish_councils.csv", newline="") as handle:
        expected = {row["gss_code"]: row for row in csv.DictReader(handle)}
    assert len(expected) == 32
    assert set(Council.objects.values_list("gss_code", flat=True)) == set(expected)
    glasgow = Council.objects.get(gss_code="S12000049")
    assert (glasgow.name, glasgow.population, glasgow.population_year) == ("Glasgow City", 622820, 2022)


@pytest.mark.parametrize(
    ("old_code", "name"),
    [
        ("S12000046", "Glasgow City"),
        ("S12000015", "Fife"),
        ("S12000024", "Perth and Kinross"),
        ("S12000044", "North Lanarkshire"),
    ],
)
def test_an_old_gss_code_resolves_to_the_council_now(old_code, name):
    assert Council.objects.by_code(old_code).get().name == name


def test_current_codes_resolve_too_and_unknown_codes_do_not():
    assert Council.objects.by_code("s12000049 ").get().name == "Glasgow City"
    assert not Council.objects.by_code("S12999999").exists()


def test_seven_partners():
    assert PartnerOrganisation.objects.count() == 7
    assert PartnerOrganisation.objects.get(slug="cosla").name == "Convention of Scottish Local Authorities (COSLA)"


def test_six_outcomes_word_for_word_and_three_themes():
    shipped = json.loads((SHIPPED / "strategy.json").read_text())
    strategy = Strategy.objects.get()
    assert strategy.vision == "All councils will be digital businesses by 2020"
    assert list(Outcome.objects.values_list("number", "title")) == [
        (o["number"], o["title"]) for o in shipped["outcomes"]
    ]
    assert (
        Outcome.objects.get(number=6).title == "Have a workforce equipped and skilled for the digital world we live in"
    )
    assert list(Theme.objects.values_list("title", flat=True)) == [
        "Digital Leadership",
        "Digital Foundations",
        "Digital Services",
    ]


def test_loading_twice_leaves_the_same_rows_and_adds_no_history():
    def snapshot():
        return (
            list(Council.objects.order_by("gss_code").values()),
            list(PartnerOrganisation.objects.order_by("slug").values()),
            list(Outcome.objects.order_by("number").values()),
            list(Theme.objects.order_by("slug").values()),
            Council.history.count(),
        )

    before = snapshot()
    counts = reference_data_load()
    assert snapshot() == before
    assert counts["councils"] == 32 and counts["partners"] == 7 and counts["outcomes"] == 6


def test_reloading_repairs_a_changed_fact():
    Council.objects.filter(gss_code="S12000047").update(population=1)
    reference_data_load()
    assert Council.objects.get(gss_code="S12000047").population == 371340


def test_the_reference_loader_ends_with_analyze_on_postgresql():
    """The loader refreshes the planner's statistics when it finishes (PostgreSQL only; SQLite needs nothing)."""
    with CaptureQueriesContext(connection) as queries:
        reference_data_load()
    analyzed = [q["sql"] for q in queries.captured_queries if q["sql"].strip().upper() == "ANALYZE"]
    assert analyzed == (["ANALYZE"] if connection.vendor == "postgresql" else [])
    if connection.vendor == "postgresql":
        assert queries.captured_queries[-1]["sql"] == "ANALYZE"
