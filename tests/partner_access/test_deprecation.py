"""Deprecation and Sunset headers (RFC 9745, RFC 8594) on an operation the API_DEPRECATIONS setting names, and the
schema marking it deprecated; every other operation untouched (core/api/deprecation.py)."""

import datetime

import pytest
import yaml
from django.utils.http import parse_http_date

pytestmark = pytest.mark.django_db

CHANGELOG = "https://portal.example/docs/api-changelog.md#councils-csv"


@pytest.fixture
def councils_csv_deprecated(settings):
    settings.API_DEPRECATIONS = {
        "council-csv": {"deprecated": "2026-12-01", "sunset": "2027-06-30", "link": CHANGELOG},
        "changes-latest": {"deprecated": "2026-11-01"},
    }


@pytest.fixture
def client_with_key(demo_data, make_key, key_client):
    _key, text = make_key(["councils:read", "initiatives:read"])
    return key_client(text)


def test_a_deprecated_operation_says_so_in_every_response(councils_csv_deprecated, client_with_key):
    response = client_with_key.get("/api/v1/councils/csv/")
    assert response.status_code == 200
    assert response["Deprecation"] == f"@{int(datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC).timestamp())}"
    assert parse_http_date(response["Sunset"]) == datetime.datetime(2027, 6, 30, tzinfo=datetime.UTC).timestamp()
    assert response["Link"] == f'<{CHANGELOG}>; rel="deprecation"'
    refused = client_with_key.get("/api/v1/councils/csv/", {"ordering": "nonsense"})  # its errors too
    assert refused.status_code == 400 and "Deprecation" in refused
    head = client_with_key.get("/api/v1/changes/latest/")  # a view of its own, without a sunset yet
    assert head["Deprecation"].startswith("@") and "Sunset" not in head


def test_other_operations_carry_no_deprecation(councils_csv_deprecated, client_with_key):
    for path in ("/api/v1/councils/", "/api/v1/councils/S12000049/", "/api/v1/initiatives/csv/", "/api/v1/changes/"):
        response = client_with_key.get(path)
        assert response.status_code == 200
        assert "Deprecation" not in response and "Sunset" not in response, path


def test_a_deprecated_operation_keeps_its_next_link(settings, client_with_key):
    settings.API_DEPRECATIONS = {"council-list": {"deprecated": "2026-12-01", "link": CHANGELOG}}
    response = client_with_key.get("/api/v1/councils/", {"page_size": 2})
    links = response["Link"].split(", ")
    assert links[0].endswith('rel="next"') and links[1] == f'<{CHANGELOG}>; rel="deprecation"'


def test_the_schema_marks_it_deprecated(councils_csv_deprecated, client):
    document = yaml.safe_load(client.get("/api/v1/schema/").content)
    operation = document["paths"]["/api/v1/councils/csv/"]["get"]
    assert operation["deprecated"] is True
    assert "2027-06-30" in operation["description"]
    assert {"Deprecation", "Sunset"} <= set(operation["responses"]["200"]["headers"])
    assert document["paths"]["/api/v1/changes/latest/"]["get"]["deprecated"] is True
    assert "deprecated" not in document["paths"]["/api/v1/councils/"]["get"]


def test_nothing_is_deprecated_today(client, db):
    document = yaml.safe_load(client.get("/api/v1/schema/").content)
    assert not [(path, method) for path, operations in document["paths"].items()
                for method, operation in operations.items() if operation.get("deprecated")]
