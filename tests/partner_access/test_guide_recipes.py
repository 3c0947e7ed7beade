"""Every recipe in docs/api.md runs, exactly as written, against the live test server: the Python and curl syncs
take a full copy, follow the feed (deletes included) to a copy equal to what the key may see, back off on 429 and
stop at the first error; the ETag example answers 304."""

import datetime
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.utils import timezone

from core import services as core_services
from core.policies import SYSTEM
from core.scopes import CONTRACTS_READ, SCOPES
from councils.models import Contribution, Council, PartnerOrganisation
from initiatives.models import Initiative, Milestone, ProgressUpdate
from partner_access.models import APIRequestLog
from tests.conftest import committed_demo_data

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.serial]

GUIDE = Path(settings.BASE_DIR) / "docs" / "api.md"


# The recipe's lists are the portfolio's: contracts (a scope no partner has by default) are not among them.
RECIPE_SCOPES = [scope for scope in SCOPES if scope != CONTRACTS_READ]


def recipe(name: str) -> str:
    text = GUIDE.read_text(encoding="utf-8")
    block = re.search(rf"<!-- recipe: {name} -->\s*```\w+\n(.*?)```", text, re.S)
    assert block, f"docs/api.md has no recipe {name}"
    return block.group(1)


@pytest.fixture
def portal(live_server, reference_data):
    committed_demo_data()
    partner = PartnerOrganisation.objects.get(slug="scottish-government")

    def key(**fields):
        return core_services.key_create(user=SYSTEM, partner=partner, name="Recipe", scopes=RECIPE_SCOPES, **fields)

    return live_server.url + "/api/v1", key


def environment(base, key_text, copy, **extra):
    return {**os.environ, "DO_API": base, "DO_API_KEY": key_text, "DO_COPY": str(copy), "DO_SYNC_ONCE": "1", **extra}


def run(command, env, cwd):
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=240, check=False)


def what_the_key_may_see(base, key_text, types=None):
    session = requests.Session()
    session.headers["Authorization"] = f"Api-Key {key_text}"
    seen = {}
    for kind, url in session.get(f"{base}/").json()["lists"].items():
        if kind.startswith("webhook") or (types is not None and kind not in types):
            continue
        params = {"page_size": 500}
        first = session.get(url, params=params)
        if first.status_code == 403:  # a list outside the key's scopes (contracts): the key sees none of it
            continue
        page = first.json()
        while True:
            seen.update({(kind, row["id"]): row for row in page["results"]})
            if not page["next"]:
                break
            page = session.get(page["next"]).json()
    return seen


def change_the_portfolio():
    """Creates, updates and deletes, committed while the partner is not looking."""
    council = Council.objects.get(gss_code="S12000049")
    council.name = "Glasgow City Council (renamed)"
    council.save()
    Milestone.objects.order_by("pk").first().delete()
    milestone = Milestone.objects.order_by("-pk").first()
    milestone.title = "Moved"
    milestone.save()
    approved = ProgressUpdate.objects.filter(state="approved").order_by("pk").first()
    approved.state = ProgressUpdate.State.SUBMITTED  # as only the admin site could do
    approved.save()
    contribution = Contribution.objects.filter(payments__isnull=False).order_by("pk").first()
    contribution.payments.order_by("pk").first().delete()
    initiative = Initiative.objects.order_by("pk").first()
    initiative.title = "Renamed initiative"
    initiative.save()


def sqlite_copy(path):
    with sqlite3.connect(path) as db:
        return {(kind, pk): json.loads(body) for kind, pk, body in db.execute("SELECT type, id, body FROM record")}


def files_copy(root: Path):
    return {
        (path.parent.name, int(path.stem)): json.loads(path.read_text())
        for path in root.glob("*/*.json")
    }


def requests_after(prefix, since):
    return list(APIRequestLog.objects.filter(key_prefix=prefix, at__gte=since).order_by("at"))


def test_the_python_recipe_copies_then_follows_the_feed(portal, tmp_path):
    base, make_key = portal
    key, text = make_key(rate_limit="100000/min")
    (tmp_path / "sync.py").write_text(recipe("python-sync"))
    copy = tmp_path / "portfolio.sqlite3"
    first = run([sys.executable, "sync.py"], environment(base, text, copy), tmp_path)
    assert first.returncode == 0, first.stderr
    assert sqlite_copy(copy) == what_the_key_may_see(base, text)

    change_the_portfolio()
    again = run([sys.executable, "sync.py"], environment(base, text, copy), tmp_path)
    assert again.returncode == 0, again.stderr
    truth = what_the_key_may_see(base, text)
    assert sqlite_copy(copy) == truth
    assert ("council", Council.objects.get(gss_code="S12000049").pk) in truth

    # Stopped for longer than the feed keeps its entries: the recipe copies again.
    Milestone.objects.order_by("pk").first().delete()
    core_services.change_prune(days=90, now=timezone.now() + datetime.timedelta(days=91))
    recopied = run([sys.executable, "sync.py"], environment(base, text, copy), tmp_path)
    assert recopied.returncode == 0, recopied.stderr
    assert sqlite_copy(copy) == what_the_key_may_see(base, text)

    core_services.key_revoke(user=SYSTEM, key=key)
    since = timezone.now()
    stopped = run([sys.executable, "sync.py"], environment(base, text, copy), tmp_path)
    assert stopped.returncode != 0 and "401" in stopped.stderr
    assert [entry.status for entry in requests_after(key.prefix, since)] == [401]


def test_the_python_recipe_waits_when_over_its_rate(portal, tmp_path):
    base, make_key = portal
    key, text = make_key(rate_limit="5/s")
    (tmp_path / "sync.py").write_text(recipe("python-sync"))
    since = timezone.now()
    result = run([sys.executable, "sync.py"], environment(base, text, tmp_path / "copy.sqlite3"), tmp_path)
    assert result.returncode == 0, result.stderr
    statuses = [entry.status for entry in requests_after(key.prefix, since)]
    assert 429 in statuses and statuses[-1] == 200
    _unthrottled, same_scopes = make_key(rate_limit="100000/min")
    assert sqlite_copy(tmp_path / "copy.sqlite3") == what_the_key_may_see(base, same_scopes)


def test_the_curl_recipe_copies_follows_backs_off_and_stops(portal, tmp_path):
    base, make_key = portal
    key, text = make_key(rate_limit="2/s")
    _unthrottled, same_scopes = make_key(rate_limit="100000/min")
    (tmp_path / "sync.sh").write_text(recipe("curl-sync"))
    copy = tmp_path / "copy"
    since = timezone.now()
    first = run(["bash", "sync.sh"], environment(base, text, copy), tmp_path)
    assert first.returncode == 0, first.stderr
    assert 429 in [entry.status for entry in requests_after(key.prefix, since)]
    assert files_copy(copy) == what_the_key_may_see(base, same_scopes)

    change_the_portfolio()
    again = run(["bash", "sync.sh"], environment(base, text, copy), tmp_path)
    assert again.returncode == 0, again.stderr
    assert files_copy(copy) == what_the_key_may_see(base, same_scopes)

    Milestone.objects.order_by("pk").first().delete()
    core_services.change_prune(days=90, now=timezone.now() + datetime.timedelta(days=91))
    recopied = run(["bash", "sync.sh"], environment(base, text, copy), tmp_path)
    assert recopied.returncode == 0, recopied.stderr
    assert "copying again" in recopied.stderr
    assert files_copy(copy) == what_the_key_may_see(base, same_scopes)

    core_services.key_revoke(user=SYSTEM, key=key)
    since = timezone.now()
    started = datetime.datetime.now()
    stopped = run(["bash", "sync.sh"], environment(base, text, copy), tmp_path)
    assert stopped.returncode != 0 and "401" in stopped.stderr
    assert [entry.status for entry in requests_after(key.prefix, since)] == [401]
    assert datetime.datetime.now() - started < datetime.timedelta(seconds=10)


def test_a_curl_recipe_without_funding_read_copies_what_its_key_may_see(portal, tmp_path):
    base, make_key = portal
    _key, text = core_services.key_create(
        user=SYSTEM, partner=PartnerOrganisation.objects.get(slug="cosla"), name="No funding",
        scopes=["councils:read", "initiatives:read"],
    )
    (tmp_path / "sync.sh").write_text(recipe("curl-sync"))
    types = "council partner initiative milestone update risk benefit"
    result = run(["bash", "sync.sh"], environment(base, text, tmp_path / "copy", DO_TYPES=types), tmp_path)
    assert result.returncode == 0, result.stderr
    copied = files_copy(tmp_path / "copy")
    assert copied == what_the_key_may_see(base, text, types.split())
    assert not [kind for kind, _pk in copied if kind == "contribution"]


def test_the_etag_example_answers_304(portal, tmp_path):
    base, make_key = portal
    _key, text = make_key()
    result = run(["bash", "-c", "set -euo pipefail\n" + recipe("etag")], environment(base, text, tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "304"
