"""Drafts do not recompute the office's figures (issue 29): over HTTP, the CDO's dashboard keeps its figures of
approved data cached while a council saves a draft and submits it, and shows the workflow's counts (awaiting review)
as they change; an approval recomputes both.

Which part was computed is told by the queries of a view: only the figures of approved data read the benefits
tables (the headline's benefits, the trends' realisations)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from initiatives.models import ProgressUpdate

pytestmark = pytest.mark.django_db

DRAFT = {
    "rag_delivery": "red", "delivery_commentary": "The supplier is late.", "rag_spend": "green",
    "rag_benefits": "green", "rag_risk": "green", "percent_complete": "60", "spend_to_date": "30000",
    "narrative": "", "next_steps": "", "action": "save", "version": "0",
}


def viewed(client):
    """The dashboard of the whole portfolio as `client` sees it: its awaiting and Red counts, and whether this view
    computed the figures of approved data."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/?council=")
    assert response.status_code == 200
    html = response.content.decode()
    awaiting = re.search(r'id="attention-awaiting">[^<]*<span class="portal-count">\((\d+)\)', html).group(1)
    red = re.search(r'Red on any axis</dt><dd class="ds_summary-list__value"><a href="[^"]+" data-figure="(\d+)"',
                    html).group(1)
    computed = any("initiatives_benefit" in query["sql"] for query in captured.captured_queries)
    return {"awaiting": int(awaiting), "red": int(red), "approved_computed": computed}


def test_a_draft_and_a_submission_leave_the_approved_figures_cached(world, people, sign_in,
                                                                    django_capture_on_commit_callbacks):
    cdo = sign_in("staff")
    highland = Client()
    highland.force_login(people["highland"])
    url = f"/initiatives/{world['c'].reference}/updates/{world['periods'][2].starts_on:%Y-%m-%d}/"

    assert viewed(cdo) == {"awaiting": 1, "red": 1, "approved_computed": True}
    assert viewed(cdo) == {"awaiting": 1, "red": 1, "approved_computed": False}  # cached

    with django_capture_on_commit_callbacks(execute=True):
        assert highland.post(url, DRAFT).status_code == 302
    draft = ProgressUpdate.objects.get(initiative=world["c"], period=world["periods"][2])
    assert draft.state == ProgressUpdate.State.DRAFT
    assert viewed(cdo) == {"awaiting": 1, "red": 1, "approved_computed": False}

    with django_capture_on_commit_callbacks(execute=True):
        response = highland.post(url, {**DRAFT, "action": "submit", "version": draft.version})
        assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == ProgressUpdate.State.SUBMITTED
    # The submission is awaiting review at once; the approved figures (C is still Green) were not recomputed.
    assert viewed(cdo) == {"awaiting": 2, "red": 1, "approved_computed": False}

    with django_capture_on_commit_callbacks(execute=True):
        response = cdo.post(f"/initiatives/review/{draft.pk}/", {"decision": "approve", "version": draft.version})
        assert response.status_code == 302
    # Approved: C's current status is Red, and it no longer awaits review.
    assert viewed(cdo) == {"awaiting": 1, "red": 2, "approved_computed": True}


def test_a_return_changes_the_returned_list_without_recomputing_the_approved_figures(
        world, sign_in, django_capture_on_commit_callbacks):
    cdo = sign_in("staff")
    viewed(cdo)
    submitted = ProgressUpdate.objects.get(initiative=world["a"], state=ProgressUpdate.State.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = cdo.post(f"/initiatives/review/{submitted.pk}/",
                            {"decision": "return", "version": submitted.version, "review_comment": "Say more."})
        assert response.status_code == 302
    with CaptureQueriesContext(connection) as captured:
        html = cdo.get("/?council=").content.decode()
    assert not any("initiatives_benefit" in query["sql"] for query in captured.captured_queries)
    returned = html.split('data-list="returned"')[1].split("</div>")[0]
    assert "DO-A001" in returned and "DO-B001" in returned and "(2)" in returned
    assert 'id="attention-awaiting">Updates awaiting review <span class="portal-count">(0)' in html
