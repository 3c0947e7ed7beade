"""Whole-number filters are bounded (core.filters.WholeNumberFilter): out of bounds is a 400 naming the parameter in
the API, a form error on the pages, never a database error; the schema publishes every bound."""

import pytest
import yaml

from core.scopes import SCOPES

pytestmark = pytest.mark.django_db

HUGE = "9" * 60  # above the 1e50 that django-filter's NumberFilter refused
LARGE = "9" * 20  # below it, but beyond what a year or a database integer holds: once a 500


@pytest.mark.parametrize(("path", "name", "value"), [
    ("/api/v1/contributions/", "agreement", HUGE),
    ("/api/v1/contributions/", "agreement", "0"),
    ("/api/v1/contributions/", "agreement", LARGE),
    ("/api/v1/contributions/", "financial_year", LARGE),
    ("/api/v1/contributions/", "financial_year", "10000"),
    ("/api/v1/contributions/", "financial_year", "2017.5"),
    ("/api/v1/measures/", "outcome", HUGE),
    ("/api/v1/measure-readings/", "measure", "1e400"),
    ("/api/v1/risks/", "min_score", "26"),
    ("/api/v1/risks/", "min_score", "-1"),
    ("/api/v1/webhook-deliveries/", "endpoint", HUGE),
    ("/api/v1/initiatives/", "page_size", HUGE),
])
def test_an_out_of_bounds_number_is_a_400_naming_the_parameter(demo_data, make_key, key_client, path, name, value):
    _key, text = make_key(SCOPES)
    response = key_client(text).get(path, {name: value})
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == [name]


def test_numbers_within_bounds_filter(demo_data, make_key, key_client):
    _key, text = make_key(SCOPES)
    client = key_client(text)
    rows = client.get("/api/v1/risks/", {"min_score": "25", "page_size": 500}).json()["results"]
    assert all(row["score"] == 25 for row in rows)
    assert client.get("/api/v1/contributions/", {"agreement": "9223372036854775807"}).json()["results"] == []


def test_every_integer_parameter_has_bounds_in_the_schema(client, db):
    document = yaml.safe_load(client.get("/api/v1/schema/").content)
    seen = set()
    for path, operations in document["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                if schema.get("type") == "integer" and "enum" not in schema:
                    assert "minimum" in schema and "maximum" in schema, (path, parameter["name"])
                    seen.add(parameter["name"])
    assert {"agreement", "financial_year", "measure", "outcome", "min_score", "endpoint", "page_size"} <= seen


def test_a_huge_year_on_the_maturity_page_is_a_form_error(login_as):
    client = login_as("cdo@demo.digitaloffice.scot")
    for year in (HUGE, LARGE, "10000"):
        response = client.get("/strategy/maturity/", {"year": year})
        assert response.status_code == 200
        assert "Error:" in response.content.decode()
        assert "year" in response.context["form"].errors
    assert client.get("/strategy/maturity/", {"year": "2020"}).status_code == 200


def test_a_huge_agreement_on_the_contributions_export_is_not_a_500(login_as):
    client = login_as("cdo@demo.digitaloffice.scot")
    for agreement in (HUGE, LARGE):
        response = client.get("/funding/contributions/export/", {"agreement": agreement})
        assert response.status_code == 200
