"""The library's pages as each role meets them (hand-made requests): drafts are seen by their council and the office
only, "we use this" is for another council's editors, the owner confirms, the office reviews with four eyes, the
Markdown body is sanitised, the lessons page moves an initiative on, and the list costs a fixed number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.models import Initiative
from practice.models import Adoption, Asset

from .conftest import CDO, CTO, FIFE_EDITOR, GLASGOW_EDITOR, GLASGOW_VIEWER, HIGHLAND_EDITOR, PARTNER

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(demo_data):
    return Asset.objects.get(title="Microsoft 365 collaboration: call-off specification")  # Glasgow's draft


@pytest.mark.parametrize("email, status", [
    (GLASGOW_EDITOR, 200), (GLASGOW_VIEWER, 200), (CDO, 200), (FIFE_EDITOR, 404), (PARTNER, 404)])
def test_a_draft_is_seen_by_its_council_and_the_office_only(client, login_as, draft, email, status):
    login_as(email)
    assert client.get(reverse("practice:detail", args=[draft.pk])).status_code == status
    listed = client.get(reverse("practice:list")).content.decode()
    assert (draft.title in listed) == (status == 200)


def test_the_library_lists_filters_and_sorts(client, login_as, demo_data):
    login_as(HIGHLAND_EDITOR)
    page = client.get(reverse("practice:list"))
    text = page.content.decode()
    assert "Council tax self-service playbook" in text and "Experimental" in text
    by_adopters = [a.title for a in page.context["assets"]]
    assert by_adopters  # recency first
    page = client.get(reverse("practice:list"), {"sort": "adopters"})
    counts = [a.adopter_count for a in page.context["assets"]]
    assert counts == sorted(counts, reverse=True)
    page = client.get(reverse("practice:list"), {"kind": "playbook"})
    assert {a.kind for a in page.context["assets"]} == {"playbook"}
    page = client.get(reverse("practice:list"), {"q": "waste"})
    assert [a.title for a in page.context["assets"]] == ["Book a bulky waste uplift: service pattern"]
    page = client.get(reverse("practice:list"), {"council": "fife"})
    assert {a.council.slug for a in page.context["assets"]} == {"fife"}


def test_the_asset_page_shows_adopters_with_state_and_dates_and_sanitises_the_body(client, login_as, playbook):
    Asset.objects.filter(pk=playbook.pk).update(body="**Bold** <script>alert('x')</script> [l](javascript:alert(1))")
    login_as(HIGHLAND_EDITOR)
    page = client.get(reverse("practice:detail", args=[playbook.pk])).content.decode()
    assert "<strong>Bold</strong>" in page and "<script>alert" not in page and "javascript:alert" not in page
    assert "Fife" in page and "Using" in page and "Planning" in page
    assert "We use this" in page
    login_as(GLASGOW_EDITOR)  # the owner: no "we use this", a confirm button for the unconfirmed declaration
    page = client.get(reverse("practice:detail", args=[playbook.pk])).content.decode()
    assert "We use this" not in page and "Confirm" in page


def test_we_use_this_then_the_owner_confirms(client, login_as, playbook):
    login_as(HIGHLAND_EDITOR)
    response = client.post(reverse("practice:adopt", args=[playbook.pk]), {"state": "stopped", "reason": ""})
    assert response.status_code == 200 and "Say why your council stopped" in response.content.decode()
    response = client.post(reverse("practice:adopt", args=[playbook.pk]), {"state": "using"})
    assert response.status_code == 302
    adoption = Adoption.objects.get(asset=playbook, council__gss_code="S12000017")
    assert adoption.state == "using" and adoption.confirmed_at is None
    assert client.post(reverse("practice:confirm", args=[playbook.pk, adoption.pk])).status_code == 403
    login_as(GLASGOW_VIEWER)
    assert client.get(reverse("practice:adopt", args=[playbook.pk])).status_code == 403
    assert client.post(reverse("practice:confirm", args=[playbook.pk, adoption.pk])).status_code == 403
    login_as(GLASGOW_EDITOR)
    assert client.post(reverse("practice:confirm", args=[playbook.pk, adoption.pk])).status_code == 302
    adoption.refresh_from_db()
    assert adoption.confirmed_at is not None


def test_the_office_reviews_with_four_eyes(client, login_as, demo_data):
    submitted = Asset.objects.get(title="Shared data platform: outline business case")  # submitted by the CTO
    login_as(CTO)
    assert client.get(reverse("practice:decide", args=[submitted.pk])).status_code == 403
    login_as(CDO)
    queue = client.get(reverse("practice:review"))
    assert submitted in queue.context["queue"]
    assert [a.title for a in queue.context["overdue"]] == ["Housing repairs reporting: user research findings"]
    response = client.post(reverse("practice:decide", args=[submitted.pk]), {"decision": "return", "comment": ""})
    assert response.status_code == 200 and "Say what the owner should change" in response.content.decode()
    response = client.post(reverse("practice:decide", args=[submitted.pk]), {"decision": "publish"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "published"
    login_as(GLASGOW_EDITOR)
    assert client.get(reverse("practice:review")).status_code == 403


def test_an_editor_shares_a_draft_and_adds_a_versioned_file(client, login_as, demo_data):
    login_as(FIFE_EDITOR)
    response = client.post(reverse("practice:create"), {
        "kind": "playbook", "title": "Garden waste permits playbook", "summary": "x" * 151, "licence": "OGL-UK-3.0",
        "maturity": "beta", "review_by": "2030-01-01"})
    assert response.status_code == 200 and response.context["form"].errors["summary"]
    assert response.context["form"]["title"].value() == "Garden waste permits playbook"  # kept what was typed
    response = client.post(reverse("practice:create"), {
        "kind": "playbook", "title": "Garden waste permits playbook", "summary": "Selling permits online.",
        "licence": "OGL-UK-3.0", "maturity": "beta", "review_by": "2030-01-01"})
    asset = Asset.objects.get(title="Garden waste permits playbook")
    assert response.status_code == 302 and asset.council.slug == "fife" and asset.state == "draft"
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    assert client.post(reverse("practice:file_add", args=[asset.pk]), {"title": "Plan", "file": upload}
                       ).status_code == 302
    kept = asset.files.get()
    download = client.get(reverse("practice:file", args=[asset.pk, kept.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 plan"
    assert client.post(reverse("practice:submit", args=[asset.pk])).status_code == 302
    asset.refresh_from_db()
    assert asset.state == "submitted"
    login_as(HIGHLAND_EDITOR)
    assert client.get(reverse("practice:file", args=[asset.pk, kept.pk])).status_code == 404


def test_closing_on_the_edit_page_is_refused_and_the_lessons_page_closes_it(client, login_as, demo_data):
    initiative = Initiative.objects.filter(lead_council__gss_code="S12000049").exclude(
        stage__in=["closed", "paused"]).first()
    login_as(GLASGOW_EDITOR)
    form = {"title": initiative.title, "summary": initiative.summary, "theme": initiative.theme_id,
            "stage": "closed", "budget": initiative.budget or "0", "version": initiative.version}
    response = client.post(reverse("initiatives:edit", args=[initiative.reference]), form)
    assert response.status_code == 200
    text = response.content.decode()
    assert "what worked" in text and f"/practice/lessons/{initiative.reference}/closed/" in text
    path = reverse("practice:lessons", args=[initiative.reference, "closed"])
    page = client.get(path).content.decode()
    assert "Understand users and their needs" in page and "14." in page
    response = client.post(path, {"version": initiative.version, "what_worked": "", "what_did_not": "",
                                  "do_again": ""})
    assert response.status_code == 200 and "Write what worked." in response.content.decode()
    response = client.post(path, {"version": initiative.version, "what_worked": "Pairing with the supplier.",
                                  "what_did_not": "Data migration.", "do_again": "Start with users.",
                                  "rating_3": "amber", "actions_3": "Join up the phone channel."})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.stage == "closed"
    lessons = Asset.objects.get(initiative_id=initiative.pk, kind="lessons")
    assert lessons.state == "draft" and "Join up the phone channel." in lessons.body
    login_as(FIFE_EDITOR)
    assert client.get(path).status_code == 403


def test_the_council_page_says_what_it_shares_and_reuses(client, login_as, demo_data):
    login_as(HIGHLAND_EDITOR)
    page = client.get(reverse("practice:council", args=["glasgow-city"]))
    shared = [a.title for a in page.context["shared"]]
    login_as(GLASGOW_VIEWER)  # a council page is its own staff's and the office's
    council_page = client.get(reverse("dashboard:council", args=["glasgow-city"])).content.decode()
    assert "What we share and what we reuse" in council_page and "Council tax self-service playbook" in council_page
    assert "Council tax self-service playbook" in shared
    assert "Microsoft 365 collaboration: call-off specification" not in shared  # Glasgow's draft
    reused = [a.asset.title for a in page.context["reused"]]
    assert "Blue Badge application form (open source)" in reused
    assert client.get(reverse("practice:council", args=["nowhere"])).status_code == 404


def _count(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_and_an_asset_page_cost_the_same_queries_with_more_data(client, login_as, playbook):
    login_as(HIGHLAND_EDITOR)
    list_path, detail_path = reverse("practice:list"), reverse("practice:detail", args=[playbook.pk])
    before = (_count(client, list_path), _count(client, detail_path))
    for n in range(15):
        Asset.objects.create(kind="playbook", title=f"Extra {n}", summary="x", review_by="2030-01-01",
                             state="published", council=playbook.council, published_at=playbook.published_at)
    from councils.models import Council
    for council in Council.objects.exclude(pk=playbook.council_id).exclude(practice_adoptions__asset=playbook)[:10]:
        Adoption.objects.create(asset=playbook, council=council, state="using", declared_at=playbook.published_at)
    assert (_count(client, list_path), _count(client, detail_path)) == before
