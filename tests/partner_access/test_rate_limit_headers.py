"""RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (the IETF draft's headers) on every response of an
operation that counts against a rate: a key's, a signed-in person's, a client without a valid key; a 429 keeps
Retry-After. On Redis (the counter of core.api.throttling) and on DRF's own way (local memory)."""

import pytest
import yaml

from core.models import User

pytestmark = pytest.mark.django_db

LOCAL_API_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rate-limit-headers"}


@pytest.fixture(params=["configured", "local memory"])
def api_cache(request, settings):
    """Both ways of counting: the configured `api` cache (Redis where REDIS_URL is set) and DRF's list of times."""
    if request.param == "local memory":
        settings.CACHES = {**settings.CACHES, "api": LOCAL_API_CACHE}
    return request.param


def quota(response):
    return tuple(int(response[name]) for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"))


def test_a_keys_responses_count_down_its_rate_and_429_keeps_retry_after(api_cache, demo_data, make_key, key_client):
    _key, text = make_key(["councils:read", "initiatives:read"], rate_limit="4/min")
    client = key_client(text)
    seen = [client.get(path) for path in ("/api/v1/councils/", "/api/v1/councils/S12000049/",
                                           "/api/v1/initiatives/?stagee=live", "/api/v1/contributions/")]
    assert [response.status_code for response in seen] == [200, 200, 400, 403]  # refused ones count and say so
    assert [quota(response)[:2] for response in seen] == [(4, 3), (4, 2), (4, 1), (4, 0)]
    assert all(0 < quota(response)[2] <= 60 for response in seen)
    refused = client.get("/api/v1/councils/")
    assert refused.status_code == 429
    assert quota(refused)[:2] == (4, 0)
    assert 0 < int(refused["Retry-After"]) <= 60
    assert 0 < quota(refused)[2] <= 60
    _other, other_text = make_key(["councils:read"], rate_limit="4/min")
    assert quota(key_client(other_text).get("/api/v1/councils/"))[:2] == (4, 3)  # each key its own count


def test_a_signed_in_person_and_a_client_without_a_key_see_their_rates(api_cache, demo_data, client, settings):
    settings.API_UNAUTHENTICATED_RATE = "7/min"
    anonymous = client.get("/api/v1/councils/", REMOTE_ADDR="192.0.2.41")
    assert anonymous.status_code == 401
    assert quota(anonymous)[:2] == (7, 6)
    bad_key = client.get("/api/v1/councils/", HTTP_AUTHORIZATION="Api-Key nope.nope", REMOTE_ADDR="192.0.2.41")
    assert bad_key.status_code == 401 and quota(bad_key)[:2] == (7, 5)
    person = User.objects.get(email="viewer@glasgow.demo.digitaloffice.scot")
    client.force_login(person)
    first, second = client.get("/api/v1/councils/"), client.get("/api/v1/initiatives/")
    assert (first.status_code, second.status_code) == (200, 200)
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["portal_user"].split("/")[0])
    assert (quota(first)[:2], quota(second)[:2]) == ((limit, limit - 1), (limit, limit - 2))
    assert 0 < quota(second)[2] <= 60


def test_what_counts_against_no_rate_has_no_rate_limit_headers(client, db):
    for path in ("/api/v1/schema/", "/api/v1/", "/api/v1/no-such-list/"):
        response = client.get(path)
        assert "RateLimit-Limit" not in response, path


def test_the_schema_declares_the_headers(client, db):
    document = yaml.safe_load(client.get("/api/v1/schema/").content)
    responses = document["paths"]["/api/v1/councils/"]["get"]["responses"]
    for code in ("200", "429"):
        assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(responses[code]["headers"])
    assert "Retry-After" in responses["429"]["headers"]

