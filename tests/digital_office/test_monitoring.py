"""Request ids on every response and log line; /metrics off by default, on behind METRICS_ENABLED."""

import importlib
import logging

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from core.request_id import RequestIdFilter


def test_every_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(client, db):
    made = client.get("/accounts/login/")
    assert len(made["X-Request-ID"]) == 32
    kept = client.get("/accounts/login/", HTTP_X_REQUEST_ID="proxy-abc123-0001")
    assert kept["X-Request-ID"] == "proxy-abc123-0001"
    refused = client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\nwith newline <script>")
    assert refused["X-Request-ID"] != "bad id\nwith newline <script>" and len(refused["X-Request-ID"]) == 32


def test_every_log_record_written_during_a_request_has_its_id(client, db, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="security"):
        response = client.post("/accounts/login/", {"login": "nobody@example.scot", "password": "wrong"},
                               HTTP_X_REQUEST_ID="trace-0000-1111")
    records = [r for r in caplog.records if r.name == "security"]
    assert records and all(r.request_id == "trace-0000-1111" for r in records)
    assert response["X-Request-ID"] == "trace-0000-1111"
    outside = logging.LogRecord("x", logging.INFO, __file__, 1, "m", (), None)
    RequestIdFilter().filter(outside)
    assert outside.request_id == "-"


def test_metrics_are_not_served_unless_turned_on(client, db):
    assert client.get("/metrics").status_code in (302, 404)


@pytest.fixture
def metrics_on(settings):
    import digital_office.urls

    settings.METRICS_ENABLED = True
    importlib.reload(digital_office.urls)
    clear_url_caches()
    yield
    settings.METRICS_ENABLED = False
    importlib.reload(digital_office.urls)
    clear_url_caches()


def test_metrics_turned_on_answer_prometheus_from_allowed_addresses_only(client, db, metrics_on):
    with override_settings(METRICS_ALLOWED_IPS=["127.0.0.1"]):
        response = client.get("/metrics")
        assert response.status_code == 200 and b"python_info" in response.content
    with override_settings(METRICS_ALLOWED_IPS=["10.0.0.9"]):
        assert client.get("/metrics").status_code == 404
