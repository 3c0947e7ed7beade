"""The cached API pages never disagree with the data after a Redis outage (issues 21 and 22): the project's own
cache class over a Redis of the tests' own (tests/fake_redis.py) that can be cut or time out, with transactions that
really commit. Before core/cache.py kept its tokens in Redis only, the writer renewed them in the database stand-in
while every other process read the old token from Redis and served the page cached before the change."""

import pytest
from django.conf import settings
from django.test import override_settings

from core.scopes import SCOPES
from initiatives.models import Initiative
from tests import fake_redis
from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/api/v1/initiatives/"


@pytest.fixture
def partner(reference_data, make_key, key_client):
    fake_redis.reset()
    with override_settings(CACHES=fake_redis.caches_setting(settings.CACHES["database"])):
        for n in range(5):
            InitiativeFactory(title=f"Initiative {n}")
        _key, text = make_key(SCOPES, rate_limit="1000000/min")
        yield key_client(text)
    fake_redis.reset()


def titles(client, **params):
    response = client.get(LIST, {"ordering": "reference", "page_size": 500, **params})
    assert response.status_code == 200, response.content[:300]
    return [row["title"] for row in response.json()["results"]]


def rename_first(title):
    initiative = Initiative.objects.order_by("reference").first()
    initiative.title = title
    initiative.save()  # autocommit: the change commits, and its renewal is made, here


def full_copy(client, page_size=2):
    """A partner's full copy: every page of the list, following `next`."""
    response = client.get(LIST, {"ordering": "reference", "page_size": page_size})
    rows = response.json()["results"]
    while response.json()["next"]:
        response = client.get(response.json()["next"])
        rows += response.json()["results"]
    return {row["id"]: row["title"] for row in rows}


def test_a_page_is_cached_on_the_fake_redis(partner):
    first = titles(partner)
    assert any(":api-page:" in key for key in fake_redis.SERVER.data)
    assert titles(partner) == first


def test_redis_down_during_the_write_the_change_is_found_on_the_next_read(partner):
    titles(partner)  # cached
    fake_redis.SERVER.down = True
    rename_first("Renamed while Redis was down")
    fake_redis.SERVER.down = False
    with fake_redis.another_process():  # reads Redis, where the old token still is
        assert titles(partner)[0] == "Renamed while Redis was down"
    assert titles(partner)[0] == "Renamed while Redis was down"  # the writer's own process


def test_one_timeout_in_the_writers_process_only_the_change_is_found_on_the_next_read(partner):
    titles(partner)  # cached
    fake_redis.SERVER.timeouts["set_many"] = 1  # the renewal times out; Redis is fine for everyone else
    rename_first("Renamed through a timeout")
    with fake_redis.another_process():
        assert titles(partner)[0] == "Renamed through a timeout"
        assert titles(partner)[0] == "Renamed through a timeout"  # cached again, under the renewed token
    assert titles(partner)[0] == "Renamed through a timeout"


def test_after_a_failed_renewal_nothing_cached_is_served_until_a_renewal_succeeds(partner):
    titles(partner)
    fake_redis.SERVER.timeouts["set_many"] = 10  # renewals keep failing; reads of Redis work
    rename_first("Renamed, renewals failing")
    with fake_redis.another_process():
        assert titles(partner)[0] == "Renamed, renewals failing"  # the marker: computed, not served from the cache
    fake_redis.SERVER.timeouts.clear()
    with fake_redis.another_process():
        assert titles(partner)[0] == "Renamed, renewals failing"


def test_redis_cut_between_a_write_and_the_next_read_the_partner_finds_the_change(partner):
    """Issue 22, point 2: the page cached before the outage is never served after the change, neither as the next
    list page nor in a full copy walked through the pages, during the outage or after it."""
    before = full_copy(partner)
    assert titles(partner)
    fake_redis.SERVER.down = True  # cut between the write and the next read
    rename_first("Renamed during the outage")
    assert titles(partner)[0] == "Renamed during the outage"
    assert "Renamed during the outage" in full_copy(partner).values()
    fake_redis.SERVER.down = False
    for process in (fake_redis.another_process(), fake_redis.another_process()):
        with process:
            assert titles(partner)[0] == "Renamed during the outage"
            copy = full_copy(partner)
            assert set(copy) == set(before) and "Renamed during the outage" in copy.values()
