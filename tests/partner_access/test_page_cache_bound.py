"""Caches that cannot fill Redis (issue 29): a partner's full walk of a list keeps its first page and adds no key per
page; a later page is kept only when it is read again (then served from the cache), and only within a budget of
bytes. Counted on a Redis of the tests' own (tests/fake_redis.py), so the count is the same on any test setup."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from core import cache as portal_cache
from core.scopes import SCOPES
from tests import fake_redis

pytestmark = pytest.mark.django_db

UPDATES = "/api/v1/updates/"


@pytest.fixture
def partner(demo_data, make_key, key_client):
    fake_redis.reset()
    with override_settings(CACHES=fake_redis.caches_setting(settings.CACHES["database"])):
        _key, text = make_key(SCOPES, rate_limit="1000000/min")
        yield key_client(text)
    fake_redis.reset()


def page_keys():
    return {key for key in fake_redis.SERVER.data if ":portal:token:" not in key}


def get(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response, [q for q in captured if "initiatives_progressupdate" in q["sql"]]


def walk(client, **params):
    """Every page of the updates list, following `next`: the URLs of the pages after the first, and the rows."""
    response, _ = get(client, UPDATES, params)
    urls, rows = [], response.json()["results"]
    while response.json()["next"]:
        urls.append(response.json()["next"])
        response, _ = get(client, urls[-1])
        rows += response.json()["results"]
    return urls, rows


def test_a_full_walk_adds_a_bounded_number_of_keys(partner):
    urls, rows = walk(partner, page_size=5)
    assert len(urls) >= 20 and len({row["id"] for row in rows}) == len(rows)
    keys = page_keys()
    # The first page and the record of the pages read once: not one key per page.
    assert len(keys) <= 2, sorted(keys)
    assert sum(":api-page:" in key for key in keys) == 1
    # A second walk (a new walk start, so new cursors) adds no key either.
    walk(partner, page_size=5)
    assert page_keys() == keys


def test_a_later_page_read_again_is_kept_and_then_served_from_the_cache(partner):
    urls, _rows = walk(partner, page_size=5)
    deep = urls[len(urls) // 2]
    again, computed = get(partner, deep)  # the second read: computed, then kept
    third, served = get(partner, deep)
    assert computed and not served
    assert third["ETag"] == again["ETag"]
    assert [third.json()[name] for name in ("results", "next", "next_cursor")] == [
        again.json()[name] for name in ("results", "next", "next_cursor")]
    assert sum(":api-page:" in key for key in page_keys()) == 2


def test_pages_read_again_are_kept_only_within_the_budget(partner, monkeypatch):
    monkeypatch.setattr(portal_cache, "READ_AGAIN_BUDGET_BYTES", 1)
    urls, _rows = walk(partner, page_size=5)
    deep = urls[3]
    get(partner, deep)
    _third, computed = get(partner, deep)
    assert computed  # over the budget: never kept
    assert sum(":api-page:" in key for key in page_keys()) == 1
