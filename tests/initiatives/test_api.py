"""The initiatives' part of the partner API: a partner reads approved progress only (the access layer's own tests,
keys, scopes, sync, CSV and errors, are in tests/partner_access/)."""

import pytest

from initiatives.models import ProgressUpdate
from tests.api_client import all_pages

pytestmark = pytest.mark.django_db


def test_a_partner_never_sees_draft_submitted_or_returned_updates(demo_data, make_key, key_client):
    _key, text = make_key(["initiatives:read"])
    client = key_client(text)
    rows, _token = all_pages(client, "/api/v1/updates/", page_size=500)
    approved = set(ProgressUpdate.objects.filter(state="approved").values_list("pk", flat=True))
    assert {row["id"] for row in rows} == approved
    hidden = ProgressUpdate.objects.exclude(state="approved")
    assert hidden.filter(state="draft").exists() and hidden.filter(state="submitted").exists()
    for update in hidden:
        assert client.get(f"/api/v1/updates/{update.pk}/").status_code == 404
    assert client.get("/api/v1/updates/", {"state": "draft"}).json()["results"] == []
    # An initiative's current status is an approved update too.
    initiatives, _token = all_pages(client, "/api/v1/initiatives/", page_size=500)
    shown = [row["current_status"]["update_id"] for row in initiatives if row["current_status"]]
    assert shown and set(shown) <= approved
