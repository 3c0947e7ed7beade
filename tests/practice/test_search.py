"""The portal's search as each role meets it (hand-made requests): ranked hits across initiatives, assets and
updates, filtered by kind and theme; a draft (asset or update) is never a hit, and another council's unapproved
update is found by nobody outside that initiative's councils and the office."""

import pytest
from django.urls import reverse

from initiatives.models import Initiative, ProgressUpdate
from practice.models import Asset

from .conftest import CDO, FIFE_EDITOR, GLASGOW_EDITOR, GLASGOW_VIEWER, HIGHLAND_EDITOR, PARTNER

pytestmark = pytest.mark.django_db
WORD = "zanzibarquokka"  # in nothing the demo data says


def titles(client, **params):
    response = client.get(reverse("practice:search"), params)
    assert response.status_code == 200
    return [hit.title for hit in response.context["hits"]]


@pytest.fixture
def marked(demo_data):
    """One update of each state of a Glasgow-led initiative Highland takes no part in, and a Glasgow draft asset,
    all saying WORD."""
    initiative = Initiative.objects.filter(lead_council__gss_code="S12000049").exclude(
        participations__council__gss_code="S12000017").first()
    found = {}
    for state in ("draft", "submitted", "returned", "approved"):
        update = ProgressUpdate.objects.filter(initiative=initiative, state=state).first()
        if update is None:
            update = ProgressUpdate.objects.filter(initiative=initiative).first()
            ProgressUpdate.objects.filter(pk=update.pk).update(state=state)
        ProgressUpdate.objects.filter(pk=update.pk).update(narrative=f"The {WORD} {state} narrative.")
        found[state] = update.pk
    draft = Asset.objects.get(title="Microsoft 365 collaboration: call-off specification")
    Asset.objects.filter(pk=draft.pk).update(summary=f"A {WORD} template.")
    return initiative, found


def update_states(client):
    response = client.get(reverse("practice:search"), {"q": WORD, "kind": "update"})
    return sorted(hit.detail.rsplit("· ", 1)[1] for hit in response.context["hits"])


@pytest.mark.parametrize("email, states", [
    (CDO, ["Approved", "Returned", "Submitted"]),
    (GLASGOW_EDITOR, ["Approved", "Returned", "Submitted"]),
    (GLASGOW_VIEWER, ["Approved", "Returned", "Submitted"]),
    (HIGHLAND_EDITOR, ["Approved"]),
    (PARTNER, ["Approved"]),
])
def test_updates_are_found_as_each_role_may_read_them_and_drafts_never(client, login_as, marked, email, states):
    login_as(email)
    assert update_states(client) == states


@pytest.mark.parametrize("email", [CDO, GLASGOW_EDITOR, HIGHLAND_EDITOR, PARTNER])
def test_a_draft_asset_is_never_a_hit(client, login_as, marked, email):
    login_as(email)
    assert titles(client, q=WORD, kind="asset:procurement") == []


def test_hits_come_from_every_kind_ranked_and_filtered(client, login_as, demo_data):
    login_as(HIGHLAND_EDITOR)
    found = titles(client, q="council tax")
    assert found[0] == "Council tax self-service playbook"  # the title match ranks first
    assert any(title.startswith("DO-") and "Council tax" in title for title in found)  # initiatives too
    assert titles(client, q="council tax", kind="asset:playbook") == ["Council tax self-service playbook"]
    assert all(t.startswith("DO-") for t in titles(client, q="council tax", kind="initiative"))
    assert titles(client, q="council tax", kind="asset:playbook", theme="no-such-theme") == []
    assert titles(client, q="") == []


def test_the_header_search_box_is_on_every_page_for_signed_in_people(client, login_as, demo_data):
    login_as(FIFE_EDITOR)
    for path in ("/", reverse("practice:list"), reverse("initiatives:list")):
        page = client.get(path).content.decode()
        assert 'role="search"' in page and f'action="{reverse("practice:search")}"' in page
    client.logout()
    assert client.get(reverse("practice:search"), {"q": "tax"}).status_code == 302  # signed out: sign in first
