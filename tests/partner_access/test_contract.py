"""The schema is the contract: the server takes the query parameters the schema declares and refuses the rest (400
naming them), `format` only where the schema offers one, a JSON 404 for any path under /api/v1/ (new lines
included), and filters whose choices come from data are strings with today's values described, not enums: a value
that names nothing is an empty list."""

import pytest
import yaml
from django.core.files.base import ContentFile

from core.scopes import SCOPES
from initiatives.models import Report
from strategy.models import Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_with_key(demo_data, make_key, key_client):
    _key, text = make_key(SCOPES)
    return key_client(text)


def error_fields(response):
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "invalid"
    return error["fields"]


def parameters_of(document, path, method="get"):
    return {p["name"]: p for p in document["paths"][path][method].get("parameters", []) if p["in"] == "query"}


@pytest.mark.parametrize("path", [
    "/api/v1/initiatives/", "/api/v1/councils/", "/api/v1/councils/S12000049/", "/api/v1/initiatives/csv/",
    "/api/v1/changes/", "/api/v1/changes/latest/", "/api/v1/contracts/", "/api/v1/webhooks/",
])
def test_an_unknown_query_parameter_is_a_400_naming_it(client_with_key, path):
    fields = error_fields(client_with_key.get(path, {"stagee": "live"}))
    assert list(fields) == ["stagee"]
    assert "Unknown parameter" in fields["stagee"][0]


def test_every_unknown_parameter_is_named_and_the_known_ones_are_not(client_with_key):
    fields = error_fields(client_with_key.get("/api/v1/initiatives/", {"stage": "live", "stagee": "live", "pg": 2}))
    assert set(fields) == {"stagee", "pg"}


def test_the_parameters_the_schema_declares_are_taken(client_with_key):
    document = yaml.safe_load(client_with_key.get("/api/v1/schema/").content)
    declared = parameters_of(document, "/api/v1/initiatives/")
    assert {"cursor", "page_size", "ordering", "stage", "theme", "q", "updated_since"} <= set(declared)
    response = client_with_key.get("/api/v1/initiatives/", {
        "page_size": 2, "ordering": "reference", "stage": "live", "q": "", "updated_since": "2020-01-01T00:00:00Z",
    })
    assert response.status_code == 200
    following = client_with_key.get(response.json()["next"])  # the cursor the API itself made
    assert following.status_code == 200
    # DRF's own `format` is honoured where there are formats to choose from, though the schema gives each operation
    # one media type (a list's CSV is /<list>/csv/): see test_generated_client.py
    assert client_with_key.get("/api/v1/initiatives/", {"format": "csv"}).status_code == 200
    assert client_with_key.get("/api/v1/initiatives/DO-0001/", {"format": "json"}).status_code in (200, 404)
    # A detail takes no parameter; the CSV export its filters and `ordering`, but no pages
    assert set(parameters_of(document, "/api/v1/initiatives/{reference}/")) == set()
    assert "page_size" not in parameters_of(document, "/api/v1/initiatives/csv/")
    assert list(error_fields(client_with_key.get("/api/v1/initiatives/csv/", {"page_size": 5}))) == ["page_size"]
    assert client_with_key.get("/api/v1/initiatives/csv/", {"ordering": "reference"}).status_code == 200
    assert client_with_key.get("/api/v1/changes/", {"page_size": 5}).status_code == 200


def test_a_report_files_format_is_only_what_the_schema_declares(client_with_key):
    report = Report.objects.create(kind=Report.Kind.PORTFOLIO, status=Report.Status.READY)
    report.file.save("portfolio.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    path = f"/api/v1/reports/{report.pk}/file/"
    document = yaml.safe_load(client_with_key.get("/api/v1/schema/").content)
    assert "format" not in parameters_of(document, "/api/v1/reports/{id}/file/")
    ok = client_with_key.get(path)
    assert ok.status_code == 200 and b"".join(ok.streaming_content).startswith(b"%PDF")
    for wanted in ("nonsense", "json", "csv"):
        assert list(error_fields(client_with_key.get(path, {"format": wanted}))) == ["format"]
    # where the schema offers formats, one it does not list is a 400 naming it
    assert list(error_fields(client_with_key.get("/api/v1/reports/", {"format": "nonsense"}))) == ["format"]


@pytest.mark.parametrize("path", [
    "/api/v1/initiatives%0A/", "/api/v1/%0A", "/api/v1/no-such-list/", "/api/v1/initiatives/DO-0001/%0Afile/",
    "/api/v1/councils/S12000049%0A/", "/api/v1/a%0Ab/c%0D%0A",
])
def test_any_path_under_the_api_that_resolves_to_nothing_is_the_apis_json_404(client_with_key, path):
    response = client_with_key.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_filters_from_data_are_strings_with_todays_values_described(client_with_key):
    document = yaml.safe_load(client_with_key.get("/api/v1/schema/").content)
    initiatives = parameters_of(document, "/api/v1/initiatives/")
    theme = initiatives["theme"]
    assert theme["schema"] == {"type": "string", "minLength": 1}
    for slug in Theme.objects.values_list("slug", flat=True):
        assert f"`{slug}`" in theme["description"]
    assert initiatives["lead_council"]["schema"] == {"type": "string", "minLength": 1}
    assert "`S12000049`" in initiatives["lead_council"]["description"]
    assert initiatives["outcome"]["schema"]["type"] == "integer" and "enum" not in initiatives["outcome"]["schema"]
    assert parameters_of(document, "/api/v1/contracts/")["council"]["schema"] == {"type": "string", "minLength": 1}
    # choices shipped with the code stay enums: a stage, a contract's CPV category
    assert "enum" in initiatives["stage"]["schema"]["items"]
    assert "enum" in parameters_of(document, "/api/v1/contracts/")["category"]["schema"]


def test_renaming_a_theme_does_not_change_the_contract_only_its_description(client_with_key):
    def theme_schema():
        document = yaml.safe_load(client_with_key.get("/api/v1/schema/").content)
        return parameters_of(document, "/api/v1/initiatives/")["theme"]

    before = theme_schema()
    Theme.objects.filter(slug="digital-services").update(slug="digital-services-renamed")
    after = theme_schema()
    assert before["schema"] == after["schema"]
    assert "`digital-services-renamed`" in after["description"]


def test_a_value_that_names_nothing_is_an_empty_list_and_a_wrong_type_a_400(client_with_key):
    for params in ({"theme": "no-such-theme"}, {"lead_council": "S99999999"}, {"outcome": 999},
                   {"council": "nowhere"}):
        response = client_with_key.get("/api/v1/initiatives/", params)
        assert response.status_code == 200, (params, response.content)
        assert response.json()["results"] == []
    assert client_with_key.get("/api/v1/contracts/", {"council": "nowhere"}).json()["results"] == []
    known = client_with_key.get("/api/v1/initiatives/", {"theme": "digital-services"}).json()["results"]
    assert known
    assert list(error_fields(client_with_key.get("/api/v1/initiatives/", {"outcome": "abc"}))) == ["outcome"]
    assert list(error_fields(client_with_key.get("/api/v1/initiatives/", {"outcome": 99999}))) == ["outcome"]
    # the other filters are still read: a wrong one beside a value that names nothing is a 400
    fields = error_fields(client_with_key.get("/api/v1/initiatives/", {"theme": "no-such-theme", "overdue": "maybe"}))
    assert list(fields) == ["overdue"]
