"""docs/api.md's bulk-export recipe runs, exactly as written, against the live test server: it asks for an export,
loads its files, follows the feed from the export's position, and after changes follows it again; each time the
copy equals a fresh full read of every list the key may see."""

import sys

import pytest

from tests.partner_access.test_guide_recipes import (
    change_the_portfolio,
    environment,
    portal,  # noqa: F401 - the live server with the small demo set, and a key maker
    recipe,
    run,
    sqlite_copy,
    what_the_key_may_see,
)

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.serial]


def test_the_export_recipe_starts_from_an_export_then_follows_the_feed(portal, tmp_path):  # noqa: F811
    base, make_key = portal
    _key, text = make_key(rate_limit="100000/min")
    (tmp_path / "sync.py").write_text(recipe("python-export"))
    copy = tmp_path / "portfolio.sqlite3"
    first = run([sys.executable, "sync.py"], environment(base, text, copy), tmp_path)
    assert first.returncode == 0, first.stderr
    copied = sqlite_copy(copy)
    assert copied == what_the_key_may_see(base, text)
    assert {"initiative", "milestone", "contribution", "council"} <= {kind for kind, _pk in copied}

    change_the_portfolio()
    again = run([sys.executable, "sync.py"], environment(base, text, copy), tmp_path)
    assert again.returncode == 0, again.stderr
    assert sqlite_copy(copy) == what_the_key_may_see(base, text)
