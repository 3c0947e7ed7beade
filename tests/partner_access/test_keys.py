"""Partner keys: made on the portal page or the command line, shown once, stored hashed, expiring, revocable."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core import services
from core.models import PartnerAPIKey
from core.policies import SYSTEM
from councils.models import PartnerOrganisation

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("partner_key", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_the_command_prints_a_working_key_on_its_last_line(key_client):
    lines = run("create", "--partner", "scottish-government", "--scopes", "initiatives:read,reports:read")
    text = lines[-1]
    prefix, dot, secret = text.partition(".")
    assert dot and len(prefix) == 8 and len(secret) >= 32
    key = PartnerAPIKey.objects.get(prefix=prefix)
    assert key.partner.slug == "scottish-government"
    assert key.scopes == ["initiatives:read", "reports:read"]
    assert key.expiry_date is None
    assert key_client(text).get("/api/v1/initiatives/").status_code == 200
    assert key_client(text).get("/api/v1/contributions/").status_code == 403


def test_a_key_is_stored_only_as_a_hash(make_key):
    key, text = make_key(["councils:read"])
    stored = PartnerAPIKey.objects.filter(pk=key.pk).values().get()
    assert text not in str(stored)
    assert text.split(".", 1)[1] not in str(stored)
    assert stored["hashed_key"].startswith("sha512$$")


def test_expires_on_is_the_last_day_the_key_works(key_client):
    today = timezone.localdate()
    text = run("create", "--partner", "cosla", "--scopes", "councils:read", "--expires", today.isoformat())[-1]
    assert key_client(text).get("/api/v1/councils/").status_code == 200
    key = PartnerAPIKey.objects.get(prefix=text.split(".")[0])
    assert key.expires_on == today
    assert timezone.localtime(key.expiry_date).date() == today + datetime.timedelta(days=1)


def test_the_command_refuses_bad_input():
    with pytest.raises(CommandError, match="Unknown scope"):
        run("create", "--partner", "cosla", "--scopes", "everything:write")
    with pytest.raises(CommandError, match="No partner organisation"):
        run("create", "--partner", "nobody", "--scopes", "councils:read")
    with pytest.raises(CommandError, match="past"):
        run("create", "--partner", "cosla", "--scopes", "councils:read", "--expires", "2020-01-01")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("create", "--partner", "cosla", "--scopes", "councils:read", "--expires", "31/03/2027")
    with pytest.raises(CommandError, match="No key"):
        run("revoke", "NOPE1234")
    assert not PartnerAPIKey.objects.exists()


def test_revoke_by_prefix_stops_the_key_at_once(make_key, key_client):
    key, text = make_key(["councils:read"])
    assert key_client(text).get("/api/v1/councils/").status_code == 200
    assert "Revoked" in run("revoke", key.prefix)[-1]
    response = key_client(text).get("/api/v1/councils/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "revoked_key"
    key.refresh_from_db()
    assert key.revoked and key.revoked_at
    assert key.prefix in "\n".join(run("list"))


def test_only_digital_office_staff_make_keys_through_the_service():
    from django.core.exceptions import PermissionDenied

    from core.models import User

    partner = PartnerOrganisation.objects.get(slug="cosla")
    user = User.objects.create_user(email="p@example.org", partner=partner)
    with pytest.raises(PermissionDenied):
        services.key_create(user=user, partner=partner, name="Mine", scopes=["funding:read"])
    key, _text = services.key_create(user=SYSTEM, partner=partner, name="Theirs", scopes=["funding:read"])
    with pytest.raises(PermissionDenied):
        services.key_revoke(user=user, key=key)


# -- the portal page --------------------------------------------------------------------------


def test_digital_office_staff_make_a_key_on_the_page_and_see_it_once(login_as, client, key_client):
    login_as("cdo@demo.digitaloffice.scot")
    page = client.get("/api-keys/")
    assert page.status_code == 200
    assert b"API keys" in client.get("/").content  # the navigation links the page
    partner = PartnerOrganisation.objects.get(slug="improvement-service")
    response = client.post("/api-keys/new/", {
        "partner": partner.pk, "name": "Warehouse", "scopes": ["initiatives:read", "strategy:read"], "expires_on": "",
    })
    assert response.status_code == 200
    key = PartnerAPIKey.objects.get(name="Warehouse")
    text = response.context["created_key"]["text"]
    assert text.startswith(key.prefix + ".") and text.encode() in response.content
    assert key.created_by.email == "cdo@demo.digitaloffice.scot"
    assert key_client(text).get("/api/v1/initiatives/").status_code == 200
    listing = client.get("/api-keys/")
    assert key.prefix.encode() in listing.content and text.encode() not in listing.content

    response = client.post(f"/api-keys/{key.prefix}/revoke/")
    assert response.status_code == 302
    assert key_client(text).get("/api/v1/initiatives/").status_code == 401


def test_the_page_shows_form_errors(login_as, client):
    login_as("cto@demo.digitaloffice.scot")
    response = client.post("/api-keys/new/", {"name": "", "scopes": ["nope"]})
    assert response.status_code == 400
    assert response.context["key_form"].errors.keys() >= {"partner", "name", "scopes"}
    assert b"There is a problem" in response.content
    partner = PartnerOrganisation.objects.get(slug="cosla")
    response = client.post("/api-keys/new/", {
        "partner": partner.pk, "name": "Old", "scopes": ["councils:read"], "expires_on": "2020-01-01",
    })
    assert response.status_code == 400 and "expires_on" in response.context["key_form"].errors


def test_an_error_in_the_webhook_form_links_to_the_webhook_form_and_no_id_is_used_twice(login_as, client):
    import re
    from collections import Counter

    login_as("cto@demo.digitaloffice.scot")
    html = client.post("/api-keys/webhooks/new/", {"url": "not an address"}).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [name for name, count in ids.items() if count > 1] == []
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#webhook-partner"' in summary  # the webhook form's select, not the key form's
    assert 'id="webhook-partner"' in html and 'id="key-partner"' in html
    assert "docs/api.md" not in html and 'href="/api/v1/docs/"' in html  # the served docs, not a repository path


@pytest.mark.parametrize("email", [
    "editor@glasgow.demo.digitaloffice.scot",
    "viewer@glasgow.demo.digitaloffice.scot",
    "partner@scottish-government.demo.digitaloffice.scot",
])
def test_nobody_else_may_use_the_page(email, login_as, client, make_key):
    key, _text = make_key(["councils:read"])
    login_as(email)
    assert client.get("/api-keys/").status_code == 403
    assert client.post(f"/api-keys/{key.prefix}/revoke/").status_code == 403
    key.refresh_from_db()
    assert not key.revoked
    assert b"API keys" not in client.get("/").content


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/api-keys/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_request_log_is_pruned_after_its_retention_period(db):
    import datetime

    from django.utils import timezone

    from partner_access.models import APIRequestLog
    from partner_access.tasks import prune_request_log

    now = timezone.now()
    for age in (1, 89, 91, 400):
        APIRequestLog.objects.create(
            at=now - datetime.timedelta(days=age), key_prefix="abc", method="GET", path="/api/v1/", status=200,
            duration_ms=3,
        )
    assert prune_request_log.delay().get() == 2
    assert sorted((now - at).days for at in APIRequestLog.objects.values_list("at", flat=True)) == [1, 89]


def test_pruning_the_request_log_is_one_delete_however_many_rows_go(db):
    """Issue 21: receivers listening to every model turned Django's fast delete off, so the prune fetched the rows
    and deleted them in batches (202 queries for 20,000 rows). No receiver listens to the log: one DELETE."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from partner_access.models import APIRequestLog
    from partner_access.tasks import prune_request_log

    now = timezone.now()
    APIRequestLog.objects.bulk_create([
        APIRequestLog(at=now - datetime.timedelta(days=91 + number % 300), key_prefix="abc", method="GET",
                      path="/api/v1/", status=200, duration_ms=3)
        for number in range(3000)
    ] + [APIRequestLog(at=now, key_prefix="abc", method="GET", path="/api/v1/", status=200, duration_ms=3)])
    with CaptureQueriesContext(connection) as queries:
        assert prune_request_log.delay().get() == 3000
    statements = [query["sql"].lstrip().upper() for query in queries.captured_queries]
    touching_the_log = [sql for sql in statements if "APIREQUESTLOG" in sql]
    assert len(touching_the_log) == 1 and touching_the_log[0].startswith("DELETE"), touching_the_log
    assert APIRequestLog.objects.count() == 1


def test_requests_with_bad_keys_are_throttled_per_client_and_logged_in_aggregate(client, db, settings):
    """Fault: unauthenticated requests with bad keys wrote to the API request log without limit."""
    from partner_access.models import APIRequestLog, APIUnauthenticatedRequests

    settings.API_UNAUTHENTICATED_RATE = "30/min"
    statuses = [
        client.get("/api/v1/initiatives/", HTTP_AUTHORIZATION=f"Api-Key guess{n}.secret{n}").status_code
        for n in range(100)
    ]
    assert statuses[:30] == [401] * 30 and set(statuses[30:]) == {429}
    assert client.get("/api/v1/initiatives/").status_code == 429  # no key at all: the same client, the same count
    assert APIRequestLog.objects.count() == 0
    row = APIUnauthenticatedRequests.objects.get()
    assert (row.client_address, row.requests, row.throttled, row.bad_keys) == ("127.0.0.1", 101, 71, 100)
    assert row.last_key_prefix == "guess99"
    other = client.get("/api/v1/initiatives/", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Api-Key a.b")
    assert other.status_code == 401  # another client has its own allowance
    assert APIUnauthenticatedRequests.objects.count() == 2


def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(client, db, settings):
    """Fault: the client address was the connecting one, so behind the TLS proxy everyone shared one bucket;
    X-Forwarded-For counts only from a trusted proxy."""
    settings.API_UNAUTHENTICATED_RATE = "3/min"
    settings.TRUSTED_PROXIES = ["10.0.0.2/32"]

    def call(remote, forwarded):
        return client.get("/api/v1/initiatives/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [call("10.0.0.2", "198.51.100.1") for _ in range(4)] == [401, 401, 401, 429]
    assert call("10.0.0.2", "198.51.100.2") == 401  # another client behind the same proxy
    assert call("10.0.0.2", "203.0.113.5, 198.51.100.2") == 401  # the proxy's own entry is the one believed
    # not from the proxy: X-Forwarded-For is ignored, the connecting address counts
    assert [call("192.0.2.7", f"198.51.100.{n}") for n in range(10, 14)] == [401, 401, 401, 429]
