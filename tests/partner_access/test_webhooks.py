"""Webhooks: registered per partner, signed, sent by Celery with retries, logged, and redelivered by staff."""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from core.models import User
from core.policies import SYSTEM
from councils.models import PartnerOrganisation
from initiatives import events
from initiatives import services as portfolio
from initiatives.models import Initiative, ProgressUpdate, Report
from partner_access import services
from partner_access.models import WebhookDelivery, WebhookEndpoint
from partner_access.tasks import deliver_webhook
from tests.conftest import signed_in_with_two_factor

pytestmark = pytest.mark.django_db

GUIDE = Path(django_settings.BASE_DIR) / "docs" / "api.md"


def documented_recipe():
    """The verification code exactly as docs/api.md gives it to partners."""
    text = GUIDE.read_text()
    block = re.search(r"<!-- webhook-verification-recipe -->\s*```python\n(.*?)```", text, re.S)
    assert block, "docs/api.md has no verification recipe"
    namespace = {}
    exec(compile(block.group(1), "docs/api.md", "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["verify_signature"]


class Receiver:
    """A partner's HTTP endpoint on 127.0.0.1: answers with the given statuses in turn, records what arrives."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"not today")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/digital-office"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local_webhooks(settings):
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = True


@pytest.fixture
def no_backoff(monkeypatch):
    """Retries happen at once in tests (Celery runs eagerly); the countdowns are still computed."""
    monkeypatch.setattr(services, "WEBHOOK_BACKOFF_SECONDS", 0)


def register(url, events=("update.approved",), partner="scottish-government"):
    return services.webhook_endpoint_create(
        user=SYSTEM, partner=PartnerOrganisation.objects.get(slug=partner), url=url, events=list(events),
    )


def approve_a_submitted_update(django_capture_on_commit_callbacks):
    cdo = signed_in_with_two_factor(User.objects.get(email="cdo@demo.digitaloffice.scot"))
    update = ProgressUpdate.objects.filter(state="submitted").first()
    with django_capture_on_commit_callbacks(execute=True):
        portfolio.update_approve(user=cdo, update=update)
    return update


def test_an_approved_update_is_delivered_signed_and_verifiable_with_the_documented_recipe(
    demo_data, local_webhooks, django_capture_on_commit_callbacks,
):
    verify_signature = documented_recipe()
    with Receiver([204]) as receiver:
        endpoint, secret = register(receiver.url)
        update = approve_a_submitted_update(django_capture_on_commit_callbacks)
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert verify_signature(secret, headers, body)
    assert not verify_signature("whsec_wrong", headers, body)
    assert not verify_signature(secret, headers, body + b" ")
    stale = {**headers, "X-DO-Timestamp": str(int(time.time()) - 3600)}
    assert not verify_signature(secret, stale, body), "an old timestamp must fail (replay)"
    payload = json.loads(body)
    assert payload["event"] == "update.approved" == headers["X-DO-Event"]
    assert payload["data"]["update_id"] == update.pk
    assert payload["data"]["initiative"] == update.initiative.reference
    assert payload["data"]["url"] == f"/api/v1/updates/{update.pk}/"
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 204)
    assert delivery.delivered_at and headers["X-DO-Delivery"] == str(delivery.pk)
    assert str(delivery.event_id) == payload["id"]


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(
    demo_data, local_webhooks, no_backoff, django_capture_on_commit_callbacks,
):
    verify_signature = documented_recipe()
    with Receiver([500, 503, 200]) as receiver:
        endpoint, secret = register(receiver.url)
        approve_a_submitted_update(django_capture_on_commit_callbacks)
    assert len(receiver.received) == 3
    assert all(verify_signature(secret, headers, body) for headers, body in receiver.received)
    assert len({body for _headers, body in receiver.received}) == 1, "every attempt sends the same body"
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    outcome = (delivery.status, delivery.attempts, delivery.response_code, delivery.last_error)
    assert outcome == ("delivered", 3, 200, "")


def test_a_receiver_that_keeps_failing_is_given_up_after_six_attempts(
    demo_data, local_webhooks, no_backoff, django_capture_on_commit_callbacks,
):
    with Receiver([500]) as receiver:
        endpoint, _secret = register(receiver.url)
        approve_a_submitted_update(django_capture_on_commit_callbacks)
    assert len(receiver.received) == services.WEBHOOK_MAX_ATTEMPTS == 6
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 6, 500)
    assert "HTTP 500" in delivery.last_error


def test_backoff_doubles():
    assert [services.backoff_seconds(n) for n in range(1, 6)] == [30, 60, 120, 240, 480]


def test_an_unreachable_receiver_is_logged_as_an_error(
    demo_data, local_webhooks, no_backoff, django_capture_on_commit_callbacks,
):
    with Receiver() as receiver:
        url = receiver.url
    endpoint, _secret = register(url)  # the server is gone
    approve_a_submitted_update(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == "failed" and delivery.response_code is None
    assert delivery.last_error == "Could not connect to the receiver."  # plain words, no address


def test_delivery_is_idempotent(demo_data, local_webhooks, django_capture_on_commit_callbacks):
    with Receiver([200]) as receiver:
        endpoint, _secret = register(receiver.url)
        approve_a_submitted_update(django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        deliver_webhook.delay(delivery.pk)
        deliver_webhook.delay(delivery.pk)
    assert len(receiver.received) == 1


def test_staff_redeliver_from_the_page(demo_data, local_webhooks, login_as, client, django_capture_on_commit_callbacks):
    with Receiver([500]) as receiver:
        endpoint, _secret = register(receiver.url)
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="update.approved", payload={"id": "x"})
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=6)
        receiver.statuses = [200]
        login_as("partner@scottish-government.demo.digitaloffice.scot")
        assert client.post(f"/api-keys/deliveries/{delivery.pk}/redeliver/").status_code == 403
        login_as("cdo@demo.digitaloffice.scot")
        assert client.get("/api-keys/").status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/api-keys/deliveries/{delivery.pk}/redeliver/")
        assert response.status_code == 302
    again = WebhookDelivery.objects.get(redelivery_of=delivery)
    assert (again.status, again.response_code, again.event_id) == ("delivered", 200, delivery.event_id)
    assert len(receiver.received) == 1 and receiver.received[0][0]["X-DO-Delivery"] == str(again.pk)


def test_each_event_goes_only_to_endpoints_that_asked_for_it(
    demo_data, local_webhooks, django_capture_on_commit_callbacks,
):
    with Receiver([200]) as stages, Receiver([200]) as reports:
        register(stages.url, events=["initiative.stage_changed"])
        register(reports.url, events=["report.ready"], partner="cosla")
        paused = register("https://hooks.example.org/x", events=["initiative.stage_changed"])[0]
        services.webhook_endpoint_set_active(user=SYSTEM, endpoint=paused, active=False)
        cdo = signed_in_with_two_factor(User.objects.get(email="cdo@demo.digitaloffice.scot"))
        initiative = Initiative.objects.exclude(stage="paused").first()
        with django_capture_on_commit_callbacks(execute=True):
            portfolio.initiative_update(user=cdo, initiative=initiative, version=initiative.version, stage="paused")
            approve_a_submitted_update(django_capture_on_commit_callbacks)
        report = Report.objects.create(kind=Report.Kind.PORTFOLIO, status=Report.Status.READY)
        with django_capture_on_commit_callbacks(execute=True):
            events.report_ready.send(sender=Report, report_id=report.pk)
    assert [json.loads(body)["data"] for _h, body in stages.received] == [{
        "initiative": initiative.reference, "old_stage": initiative.stage, "new_stage": "paused",
        "url": f"/api/v1/initiatives/{initiative.reference}/",
    }]
    assert [json.loads(body)["data"]["report_id"] for _h, body in reports.received] == [report.pk]
    assert not paused.deliveries.exists()


# -- registering endpoints --------------------------------------------------------------------


def test_a_partner_registers_its_own_webhook_through_the_api(make_key, key_client):
    _key, text = make_key(["webhooks:manage"])
    client = key_client(text)
    response = client.post("/api/v1/webhooks/", {
        "url": "https://hooks.example.org/digital-office", "events": ["update.approved", "report.ready"],
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    endpoint = WebhookEndpoint.objects.get(pk=created["id"])
    assert endpoint.partner.slug == "scottish-government" and endpoint.secret == created["secret"]
    listed = client.get("/api/v1/webhooks/").json()["results"]
    assert [row["id"] for row in listed] == [endpoint.pk] and "secret" not in listed[0]
    assert "secret" not in client.get(f"/api/v1/webhooks/{endpoint.pk}/").json()

    _other, other_text = make_key(["webhooks:manage"], partner="cosla")
    assert key_client(other_text).get(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404
    assert key_client(other_text).delete(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404
    assert client.delete(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(("url", "status"), [
    ("http://hooks.example.org/x", 400),
    ("ftp://hooks.example.org/x", 400),
    ("https://10.0.0.5/x", 400),
    ("https://127.0.0.1/x", 400),
    ("https://localhost/x", 400),
])
def test_webhooks_go_to_https_on_the_public_internet_only(url, status, make_key, key_client):
    _key, text = make_key(["webhooks:manage"])
    response = key_client(text).post(
        "/api/v1/webhooks/", {"url": url, "events": ["update.approved"]}, content_type="application/json",
    )
    assert response.status_code == status
    assert not WebhookEndpoint.objects.exists()


def test_staff_register_a_webhook_for_a_partner_on_the_page(login_as, client):
    login_as("cdo@demo.digitaloffice.scot")
    partner = PartnerOrganisation.objects.get(slug="cosla")
    response = client.post("/api-keys/webhooks/new/", {
        "partner": partner.pk, "url": "https://hooks.example.org/cosla", "events": ["report.ready"],
    })
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get(partner=partner)
    assert response.context["created_webhook"]["secret"] == endpoint.secret
    response = client.post("/api-keys/webhooks/new/", {
        "partner": partner.pk, "url": "https://192.168.1.1/x", "events": ["report.ready"],
    })
    assert response.status_code == 400 and "url" in response.context["webhook_form"].errors


@pytest.mark.parametrize("url", [
    "https://2130706433/x",  # 127.0.0.1 as one number
    "https://127.1/x",  # 127.0.0.1, short form
    "https://0x7f.0.0.1/x",
    "https://localhost./x",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://metadata.example.org/x",  # a public-looking name that resolves to the metadata address
    "https://rebinding.example.org/x",  # one of its addresses is private
    "https://[::ffff:127.0.0.1]/x",
    "https://unknown.example.org/x",  # not found
    "https://user:pass@hooks.example.org/x",
])
def test_registration_refuses_addresses_that_are_not_public_with_a_plain_400(url, make_key, key_client):
    """Fault: registration accepted https://2130706433/, 127.1, localhost. and metadata.google.internal."""
    _key, text = make_key(["webhooks:manage"])
    response = key_client(text).post(
        "/api/v1/webhooks/", {"url": url, "events": ["update.approved"]}, content_type="application/json",
    )
    assert response.status_code == 400
    message = response.json()["error"]["fields"]["url"][0]
    assert "10.0.0.7" not in message and "169.254" not in message and "127.0.0.1" not in message
    assert not WebhookEndpoint.objects.exists()


def test_a_public_name_registers(make_key, key_client):
    _key, text = make_key(["webhooks:manage"])
    for url in ("https://hooks.example.org/x", "https://partner.example.com:8443/hook?a=1", "https://93.184.215.14/"):
        response = key_client(text).post(
            "/api/v1/webhooks/", {"url": url, "events": ["update.approved"]}, content_type="application/json",
        )
        assert response.status_code == 201, (url, response.json())


def test_a_delivery_connects_to_the_address_it_checked_without_a_second_look_up(
    demo_data, local_webhooks, monkeypatch, fake_dns, django_capture_on_commit_callbacks,
):
    """Fault: the check resolved the name, then the connection looked it up again (DNS rebinding)."""
    import ipaddress
    import socket

    getaddrinfo = socket.getaddrinfo

    def no_more_lookups(host, *args, **kwargs):
        ipaddress.ip_address(host)  # a name here would be a second look-up: only the checked address may come
        return getaddrinfo(host, *args, **kwargs)

    with Receiver() as receiver:
        endpoint, _secret = register(receiver.url.replace("127.0.0.1", "localhost"))
        fake_dns.clear()
        monkeypatch.setattr(socket, "getaddrinfo", no_more_lookups)
        approve_a_submitted_update(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == "delivered", delivery.last_error
    assert fake_dns == ["localhost"]  # one look-up, checked, and the connection went to its answer
    headers, _body = receiver.received[0]
    assert headers["Host"].startswith("localhost:")


def test_a_name_that_now_resolves_inside_the_network_is_not_delivered_and_the_error_names_no_address(
    demo_data, no_backoff, monkeypatch, django_capture_on_commit_callbacks,
):
    """Fault: delivery errors told the partner the internal address."""
    from tests.conftest import TEST_DNS

    endpoint, _secret = register("https://hooks.example.org/x")
    monkeypatch.setitem(TEST_DNS, "hooks.example.org", ["10.0.0.7"])  # the partner's DNS now points inside
    approve_a_submitted_update(django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == "failed"
    assert delivery.last_error == "Webhooks are sent to addresses on the public internet only."
    assert "10.0.0.7" not in delivery.last_error


def test_the_admin_uses_the_same_rule_and_always_makes_a_secret(client, db):
    """Fault: the admin accepted http://127.0.0.1:6379/ with an empty secret."""
    from tests.conftest import mark_second_factor_used

    admin = User.objects.create_superuser(email="root@example.org", password="x" * 20)
    client.force_login(admin)
    mark_second_factor_used(client, admin)
    partner = PartnerOrganisation.objects.get(slug="cosla")
    form = {"partner": partner.pk, "events": '["report.ready"]', "description": "", "is_active": "on"}
    response = client.post("/admin/partner_api/webhookendpoint/add/", {**form, "url": "http://127.0.0.1:6379/"})
    assert response.status_code == 200 and "must start with https://" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    client.post("/admin/partner_api/webhookendpoint/add/", {**form, "url": "https://hooks.example.org/cosla"})
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 30
