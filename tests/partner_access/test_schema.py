"""The OpenAPI schema, and schemathesis against it in-process: every check on every operation."""

import pytest
import schemathesis
import yaml
from django.core import signals
from django.core.files.base import ContentFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.pytest import from_fixture
from schemathesis.specs.openapi.checks import positive_data_acceptance

from core.scopes import SCOPES
from initiatives.models import Report


@pytest.fixture
def wsgi_app():
    """The real WSGI application, without the per-request connection closing that would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(demo_data, make_key, settings):
    # schemathesis also calls every operation without the key, many times: not a client to throttle here
    settings.API_UNAUTHENTICATED_RATE = "100000/min"
    _key, text = make_key(SCOPES, rate_limit="100000/min")
    report = Report.objects.create(kind=Report.Kind.PORTFOLIO, status=Report.Status.READY)
    report.file.save("portfolio.pdf", ContentFile(b"%PDF-1.4\n% test\n"), save=True)
    return text


@pytest.fixture
def api_schema(wsgi_app, api_key):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)


schema = from_fixture("api_schema")
# The operations in two halves, two tests, which pytest-xdist can run on two workers (one test took 90 s): the
# paths up to /api/v1/l..., and the rest (include and exclude of one pattern: every operation is in one of them).
FIRST_HALF = r"^/api/v1/[a-l]"


def conforms(case, api_key):
    excluded = []
    if case.method == "POST" and case.path == "/api/v1/webhooks/":
        # A webhook address must also resolve to the public internet (partner_access.webhook_addresses), which no
        # schema can say: a random host that matches the pattern is refused with a 400 naming `url`.
        excluded.append(positive_data_acceptance)
    # No `checks`: every built-in check schemathesis has (its default, as `--checks all` on the command line),
    # 12 examples per operation and phase (bounded for `make test`).
    case.call_and_validate(headers={"Authorization": f"Api-Key {api_key}"}, excluded_checks=excluded)


@pytest.mark.slow
@schema.include(path_regex=FIRST_HALF).parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, api_key):
    conforms(case, api_key)


@pytest.mark.slow
@schema.exclude(path_regex=FIRST_HALF).parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema_from_m_on(case, api_key):
    conforms(case, api_key)


def test_schema_and_docs_need_no_login(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    assert document["openapi"].startswith("3.")
    scheme = document["components"]["securitySchemes"]["PartnerKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()


def test_schema_names_scopes_filters_and_errors(client, db):
    document = yaml.safe_load(client.get("/api/v1/schema/").content)
    paths = document["paths"]
    initiatives = paths["/api/v1/initiatives/"]["get"]
    assert initiatives["x-required-scope"] == "initiatives:read"
    names = {p["name"] for p in initiatives["parameters"]}
    expected = {"stage", "theme", "lead_council", "council", "q", "updated_since", "cursor", "page_size", "ordering"}
    assert expected <= names
    assert {"400", "401", "403", "404", "429"} <= set(initiatives["responses"])
    assert paths["/api/v1/contributions/"]["get"]["x-required-scope"] == "funding:read"
    assert not [path for path in paths if "maturity" in path]
    # one media type per operation (a generated client parses by the first): a list's CSV is /<list>/csv/
    assert list(initiatives["responses"]["200"]["content"]) == ["application/json"]
    assert "format" not in names


def test_schema_describes_what_is_served(client, db):
    """CSV as text, files as binary, response headers, servers, every field of a record required (it is always
    sent): what a generated client needs (see test_generated_client.py)."""
    document = yaml.safe_load(client.get("/api/v1/schema/").content)
    assert document["servers"] == [{"url": "http://testserver", "description": "This portal"}]
    paths = document["paths"]
    initiatives = paths["/api/v1/initiatives/"]["get"]["responses"]
    assert initiatives["200"]["content"]["application/json"]["schema"]["$ref"].endswith("PaginatedInitiativeList")
    assert set(initiatives["200"]["headers"]) == {"ETag", "Link", "X-Next-Updated-Since", "RateLimit-Limit",
                                                 "RateLimit-Remaining", "RateLimit-Reset"}
    assert initiatives["200"]["headers"]["X-Next-Updated-Since"]["required"] is True
    assert "ETag" in initiatives["304"]["headers"]
    assert initiatives["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    csv_list = paths["/api/v1/initiatives/csv/"]["get"]
    assert csv_list["responses"]["200"]["content"] == {"text/csv": {"schema": {"type": "string"}}}
    assert {"stage", "theme", "ordering"} <= {p["name"] for p in csv_list["parameters"]}
    file_types = paths["/api/v1/reports/{id}/file/"]["get"]["responses"]["200"]["content"]
    assert next(iter(file_types)) == "application/octet-stream"
    assert all(media["schema"] == {"type": "string", "format": "binary"} for media in file_types.values())
    feed = paths["/api/v1/changes/"]["get"]
    assert {"X-Next-After", "Link", "ETag"} <= set(feed["responses"]["200"]["headers"])
    assert {p["name"] for p in feed["parameters"]} == {"after", "page_size"}
    assert paths["/api/v1/changes/latest/"]["get"]["responses"]["200"]
    milestone = document["components"]["schemas"]["Milestone"]
    assert set(milestone["required"]) == set(milestone["properties"])  # completed_on, null or not, is always sent
    assert "fields" not in document["components"]["schemas"]["ErrorDetail"]["required"]
