"""The portfolio pages from the outside: HTTP requests as each role, what they see and may change."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from initiatives.models import Initiative, Participation, ProgressUpdate
from initiatives.selectors import open_period
from tests.councils.factories import council
from tests.initiatives.factories import InitiativeFactory, ProgressUpdateFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

GLASGOW = "editor@glasgow.demo.digitaloffice.scot"
FIFE = "editor@fife.demo.digitaloffice.scot"
VIEWER = "viewer@glasgow.demo.digitaloffice.scot"
CDO = "cdo@demo.digitaloffice.scot"
PARTNER = "partner@scottish-government.demo.digitaloffice.scot"

UPDATE_POST = {
    "rag_delivery": "green",
    "rag_spend": "green",
    "rag_benefits": "green",
    "rag_risk": "green",
    "percent_complete": "50",
    "spend_to_date": "1000",
    "narrative": "",
    "next_steps": "",
    "action": "save",
    "version": "0",  # opened before the update existed
}


def glasgow_led():
    return (
        Initiative.objects.filter(lead_council__gss_code="S12000049")
        .exclude(participations__council__gss_code="S12000047")
        .first()
    )


@pytest.mark.parametrize("email", [CDO, GLASGOW, VIEWER, FIFE, PARTNER])
def test_every_role_reads_the_portfolio(client, login_as, email):
    login_as(email)
    initiative = Initiative.objects.first()
    assert client.get("/initiatives/").status_code == 200
    page = client.get(f"/initiatives/{initiative.reference}/")
    assert page.status_code == 200
    assert initiative.title in page.content.decode()


def test_an_unknown_initiative_is_404(client, login_as):
    login_as(GLASGOW)
    assert client.get("/initiatives/DO-9999/").status_code == 404


def test_fife_cannot_change_a_glasgow_initiative_by_hand_made_post(client, login_as):
    initiative = glasgow_led()
    period = open_period()
    login_as(FIFE)
    edit = client.post(
        f"/initiatives/{initiative.reference}/edit/", {"title": "Fife's", "summary": "x", "version": initiative.version}
    )
    assert edit.status_code == 403
    draft = client.post(f"/initiatives/{initiative.reference}/updates/{period.starts_on:%Y-%m-%d}/", UPDATE_POST)
    assert draft.status_code == 403
    risk = client.post(
        f"/initiatives/{initiative.reference}/risk/new/", {"title": "x", "likelihood": 1, "impact": 1, "status": "open"}
    )
    assert risk.status_code == 403
    initiative.refresh_from_db()
    assert initiative.title != "Fife's"
    assert not initiative.risks.filter(title="x").exists()


def test_a_viewer_cannot_draft_or_review(client, login_as):
    initiative = glasgow_led()
    login_as(VIEWER)
    assert (
        client.post(
            f"/initiatives/{initiative.reference}/updates/{open_period().starts_on:%Y-%m-%d}/", UPDATE_POST
        ).status_code
        == 403
    )
    submitted = ProgressUpdate.objects.filter(state="submitted").first()
    assert client.post(f"/initiatives/review/{submitted.pk}/", {"decision": "approve"}).status_code == 403
    assert client.get("/initiatives/review/").status_code == 403
    assert ProgressUpdate.objects.get(pk=submitted.pk).state == "submitted"


def test_a_post_without_csrf_token_is_refused(login_as, demo_data):
    from django.test import Client

    from core.models import User

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(User.objects.get(email=GLASGOW))
    initiative = glasgow_led()
    response = strict.post(
        f"/initiatives/{initiative.reference}/updates/{open_period().starts_on:%Y-%m-%d}/", UPDATE_POST
    )
    assert response.status_code == 403


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, login_as):
    initiative = glasgow_led()
    period = open_period()
    ProgressUpdate.objects.filter(initiative=initiative, period=period).delete()
    login_as(GLASGOW)
    response = client.post(
        f"/initiatives/{initiative.reference}/updates/{period.starts_on:%Y-%m-%d}/",
        {
            **UPDATE_POST,
            "percent_complete": "150",
            "narrative": "Half way there",
            "rag_spend": "red",
            "action": "submit",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "ds_error-summary" in html
    assert "Enter a percentage from 0 to 100" in html  # written for people, not Django's default wording
    assert "Ensure this value" not in html
    assert "Explain why spend is Amber or Red" in html
    assert 'value="150"' in html and "Half way there" in html
    assert html.count("<title>Error:") == 1
    assert not ProgressUpdate.objects.filter(initiative=initiative, period=period).exists()


def test_two_people_editing_the_initiative_do_not_overwrite_each_other(client, login_as):
    initiative = glasgow_led()
    form = {
        "title": initiative.title,
        "summary": initiative.summary,
        "theme": initiative.theme_id,
        "stage": initiative.stage,
        "budget": "5000",
        "version": initiative.version,
    }
    login_as(CDO)
    first = client.post(f"/initiatives/{initiative.reference}/edit/", {**form, "title": "First title"})
    assert first.status_code == 302
    login_as(GLASGOW)
    second = client.post(f"/initiatives/{initiative.reference}/edit/", {**form, "title": "Second title"})
    html = second.content.decode()
    assert second.status_code == 200
    assert "Someone else changed this record while you were editing it" in html
    assert "First title" in html  # what the other person changed
    assert 'value="Second title"' in html  # what this person typed is kept
    initiative.refresh_from_db()
    assert initiative.title == "First title"


def test_narratives_are_sanitised(client, login_as):
    update = ProgressUpdate.objects.filter(state="approved").select_related("initiative").first()
    ProgressUpdate.objects.filter(pk=update.pk).update(
        narrative='**Done** <script>alert(1)</script><a href="javascript:x()" onclick="y()">z</a>'
    )
    Initiative.objects.filter(pk=update.initiative_id).update(current_update=update)
    login_as(VIEWER)
    html = client.get(f"/initiatives/{update.initiative.reference}/").content.decode()
    assert "<strong>Done</strong>" in html
    assert "<script>alert(1)" not in html and "onclick" not in html and "javascript:x" not in html


def test_filters_and_both_exports_give_the_same_rows(client, login_as):
    login_as(CDO)
    query = "?lead_council=S12000049&ordering=reference"
    page = client.get("/initiatives/" + query)
    expected = list(
        Initiative.objects.filter(lead_council__gss_code="S12000049")
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    assert page.context["page"].paginator.count == len(expected) > 0
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get("/initiatives/" + query + "&export=csv").streaming_content).decode("utf-8-sig")
            )
        )
    )
    assert [r[0] for r in rows[1:]] == expected
    sheet = load_workbook(io.BytesIO(client.get("/initiatives/" + query + "&export=xlsx").content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == expected
    assert rows[0] == [c for c in next(sheet.iter_rows(max_row=1, values_only=True))]


def test_rag_and_overdue_filters(client, login_as):
    login_as(CDO)
    red = client.get("/initiatives/?rag_risk=red").context["page"].paginator.object_list
    assert all(i.current_update.rag_risk == "red" for i in red)
    overdue = list(client.get("/initiatives/?overdue=true").context["page"].paginator.object_list)
    assert overdue, "the demo data has late updates"
    assert all(i.stage in ("discovery", "alpha", "beta", "live") and i.update_overdue for i in overdue)
    assert "Update overdue" in client.get("/initiatives/?overdue=true").content.decode()
    on_time = client.get("/initiatives/?overdue=false").context["page"].paginator.object_list
    assert not any(i.update_overdue for i in on_time)


def test_a_bad_filter_value_is_explained(client, login_as):
    login_as(CDO)
    html = client.get("/initiatives/?theme=nonsense").content.decode()
    assert "ds_error-summary" in html and "Select a valid choice" in html


def test_my_council_and_the_review_queue(client, login_as):
    login_as(GLASGOW)
    page = client.get("/initiatives/my-council/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Glasgow City" in html
    assert page.context["roles"]["leads"] == Initiative.objects.filter(lead_council__gss_code="S12000049").count()
    assert "?lead_council=S12000049" in html
    due = [task.initiative for task in page.context["tasks"].due]
    assert due and all(i.participations.filter(council__gss_code="S12000049").exists() for i in due)
    login_as(CDO)
    queue = list(client.get("/initiatives/review/").context["updates"])
    assert queue and all(u.state == "submitted" for u in queue)
    assert [u.submitted_at for u in queue] == sorted(u.submitted_at for u in queue)


def _portfolio(count):
    period = ReportingPeriodFactory()
    for _ in range(count):
        initiative = InitiativeFactory()
        Participation.objects.create(initiative=initiative, council=council("S12000047"), role="adopter")
        update = ProgressUpdateFactory(initiative=initiative, period=period, state="approved")
        Initiative.objects.filter(pk=initiative.pk).update(current_update=update)
    return Initiative.objects.order_by("reference").first()


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/initiatives/", "/initiatives/?rag_delivery=green&ordering=-budget", "DETAIL", "/initiatives/my-council/"]
)
def test_pages_cost_the_same_queries_with_10_and_500_initiatives(client, db, url):
    from core.models import User

    client.force_login(
        User.objects.create_user(email="e@example.org", council=council("S12000049"), council_role="editor")
    )
    first = _portfolio(10)
    path = f"/initiatives/{first.reference}/" if url == "DETAIL" else url
    small = _queries(client, path)
    _portfolio(490)
    assert Initiative.objects.count() == 500
    assert _queries(client, path) == small


def test_the_change_history_shows_who_changed_what_before_and_after(client, login_as):
    initiative = glasgow_led()
    outcomes_before = "; ".join(str(o) for o in initiative.outcomes.order_by("pk"))
    login_as(CDO)
    form = {
        "title": initiative.title,
        "summary": initiative.summary,
        "theme": initiative.theme_id,
        "stage": "paused",  # a pause is no stage gate (practice asks for lessons at those)
        "budget": "123456",
        "version": initiative.version,
    }
    assert client.post(f"/initiatives/{initiative.reference}/edit/", form).status_code == 302
    history = client.get(f"/initiatives/{initiative.reference}/").context["history"]
    # One save can leave several records (the fields, then each many-to-many set); all are the CDO's.
    ours = [entry for entry in history if entry["record"].history_user and entry["record"].history_user.email == CDO]
    assert ours and ours == history[: len(ours)]
    changes = [(c.field, str(c.old), str(c.new)) for entry in ours for c in entry["changes"]]
    assert ("Stage", initiative.stage, "paused") in changes
    assert any(field == "Budget (£)" and new == "123456.00" for field, _old, new in changes)
    assert ("Outcomes", outcomes_before, "–") in changes  # the form posted no outcome
