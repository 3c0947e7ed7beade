"""Who may write what in the portfolio, tried from the outside as each role would (README "Who may do what")."""

import pytest

from initiatives.models import Benefit, Initiative, JoinRequest, Participation, PeriodReopening, ProgressUpdate, Risk
from initiatives.selectors import last_closed_period, open_period
from tests.councils.factories import council

pytestmark = pytest.mark.django_db

GLASGOW = "editor@glasgow.demo.digitaloffice.scot"
GLASGOW_VIEWER = "viewer@glasgow.demo.digitaloffice.scot"
FIFE = "editor@fife.demo.digitaloffice.scot"
HIGHLAND = "editor@highland.demo.digitaloffice.scot"
CDO = "cdo@demo.digitaloffice.scot"
CTO = "cto@demo.digitaloffice.scot"
PARTNER = "partner@scottish-government.demo.digitaloffice.scot"
FIFE_CODE, HIGHLAND_CODE = "S12000047", "S12000017"

UPDATE_POST = {
    "rag_delivery": "green", "rag_spend": "green", "rag_benefits": "green", "rag_risk": "green",
    "percent_complete": "50", "spend_to_date": "1000", "narrative": "", "next_steps": "", "action": "submit",
    "version": "0",  # a new update (services.NOT_YET_SAVED)
}
BENEFIT_POST = {
    "title": "Staff time saved", "category": "cash_releasing", "unit": "£", "baseline_value": "0",
    "target_value": "5000",
}


def glasgow_led_without(*codes):
    initiatives = Initiative.objects.filter(lead_council__gss_code="S12000049", stage__in=["alpha", "beta", "live"])
    for code in codes:
        initiatives = initiatives.exclude(participations__council__gss_code=code)
    return initiatives.order_by("reference").first()


def with_fife_as(role):
    initiative = glasgow_led_without(FIFE_CODE)
    Participation.objects.create(initiative=initiative, council=council(FIFE_CODE), role=role)
    return initiative


# -- joining ----------------------------------------------------------------------------------


def test_joining_is_a_request_that_the_lead_council_accepts(client, login_as):
    """Fault: joining needed no approval."""
    initiative = glasgow_led_without(FIFE_CODE)
    login_as(FIFE)
    response = client.post(f"/initiatives/{initiative.reference}/join/", {"role": "adopter"}, follow=True)
    assert "asked to join" in response.content.decode()
    assert not initiative.participations.filter(council__gss_code=FIFE_CODE).exists()
    join_request = JoinRequest.objects.get(initiative=initiative, council__gss_code=FIFE_CODE)
    decide = f"/initiatives/{initiative.reference}/join-requests/{join_request.pk}/"
    assert client.post(decide, {"decision": "accept"}).status_code == 403  # Fife cannot accept its own request
    login_as(HIGHLAND)
    assert client.post(decide, {"decision": "accept"}).status_code == 403
    login_as(GLASGOW)
    page = client.get(f"/initiatives/{initiative.reference}/").content.decode()
    assert "Fife asks to join as Adopter" in page
    client.post(decide, {"decision": "accept"})
    assert initiative.participations.filter(council__gss_code=FIFE_CODE, role="adopter").exists()
    assert "request to join" in client.get(f"/initiatives/{initiative.reference}/").content.decode()


def test_digital_office_staff_may_refuse_a_request(client, login_as):
    initiative = glasgow_led_without(FIFE_CODE)
    login_as(FIFE)
    client.post(f"/initiatives/{initiative.reference}/join/", {"role": "observer"})
    join_request = JoinRequest.objects.get(initiative=initiative)
    login_as(CDO)
    client.post(f"/initiatives/{initiative.reference}/join-requests/{join_request.pk}/", {"decision": "refuse"})
    join_request.refresh_from_db()
    assert join_request.state == "refused"
    assert not initiative.participations.filter(council__gss_code=FIFE_CODE).exists()


def test_an_observer_reads_and_follows_but_never_writes(client, login_as):
    """Fault: an observer edited milestones, deleted risks, edited benefits and submitted updates."""
    initiative = with_fife_as("observer")
    login_as(FIFE)
    reference = initiative.reference
    page = client.get(f"/initiatives/{reference}/").content.decode()
    assert "Add a milestone" not in page and "Write the update" not in page
    milestone = initiative.milestones.first()
    risk = Risk.objects.create(initiative=initiative, title="Supplier fails", likelihood=2, impact=3)
    assert client.get(f"/initiatives/{reference}/milestone/{milestone.pk}/").status_code == 403
    assert client.post(f"/initiatives/{reference}/milestone/{milestone.pk}/", {
        "title": "Moved by an observer", "baseline_date": "2026-01-01", "forecast_date": "2027-01-01",
    }).status_code == 403
    assert client.post(f"/initiatives/{reference}/risk/{risk.pk}/delete/").status_code == 403
    assert Risk.objects.filter(pk=risk.pk).exists()
    assert client.post(f"/initiatives/{reference}/benefit/new/", {**BENEFIT_POST, "council": council(
        FIFE_CODE).pk}).status_code == 403
    period = open_period()
    response = client.post(f"/initiatives/{reference}/updates/{period.starts_on:%Y-%m-%d}/", UPDATE_POST)
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.title != "Moved by an observer"
    assert not ProgressUpdate.objects.filter(initiative=initiative, period=period, author__email=FIFE).exists()


def test_an_adopter_keeps_the_registers_and_writes_updates(client, login_as):
    initiative = with_fife_as("adopter")
    login_as(FIFE)
    response = client.post(f"/initiatives/{initiative.reference}/risk/new/", {
        "title": "Adopter's risk", "likelihood": "2", "impact": "2", "status": "open"})
    assert response.status_code == 302
    assert initiative.risks.filter(title="Adopter's risk").exists()
    assert client.get(f"/initiatives/{initiative.reference}/edit/").status_code == 403  # the lead keeps the rest


# -- benefits ---------------------------------------------------------------------------------


def test_a_council_records_benefits_only_for_itself(client, login_as):
    """Fault: a council recorded a benefit as another council's (even one not taking part). (Confirming is its
    realisations' now: tests/initiatives/test_benefits_rules.py.)"""
    initiative = with_fife_as("adopter")
    new = f"/initiatives/{initiative.reference}/benefit/new/"
    login_as(GLASGOW)
    for other in (council(FIFE_CODE), council(HIGHLAND_CODE)):  # taking part, and not taking part
        response = client.post(new, {**BENEFIT_POST, "council": other.pk})
        assert response.status_code in (200, 403)
        assert not Benefit.objects.filter(initiative=initiative, council=other, title="Staff time saved").exists()
    client.post(new, {**BENEFIT_POST, "council": council("S12000049").pk})
    own = Benefit.objects.get(initiative=initiative, council__gss_code="S12000049", title="Staff time saved")
    assert [(s.council.gss_code, s.percent) for s in own.shares.all()] == [("S12000049", 100)]  # whole, its own

    login_as(CDO)  # the Digital Office records benefits for a council taking part
    client.post(new, {**BENEFIT_POST, "title": "Recorded by the office", "council": council(FIFE_CODE).pk})
    recorded = Benefit.objects.get(initiative=initiative, title="Recorded by the office")
    assert recorded.council.gss_code == FIFE_CODE
    login_as(FIFE)
    assert client.post(f"/initiatives/{initiative.reference}/benefit/{own.pk}/", {
        **BENEFIT_POST, "council": council(FIFE_CODE).pk}).status_code == 403  # Glasgow's benefit stays Glasgow's


# -- periods ----------------------------------------------------------------------------------


def test_updates_are_written_for_the_open_period_only_unless_the_office_reopens_one(client, login_as):
    """Fault: updates could be written and submitted for any past period (the period in the URL was not checked)."""
    initiative = glasgow_led_without()
    closed = last_closed_period()
    assert closed != open_period()
    ProgressUpdate.objects.filter(initiative=initiative, period=closed).delete()
    url = f"/initiatives/{initiative.reference}/updates/{closed.starts_on:%Y-%m-%d}/"
    login_as(GLASGOW)
    response = client.post(url, UPDATE_POST, follow=True)
    assert "are closed" in response.content.decode()
    assert not ProgressUpdate.objects.filter(initiative=initiative, period=closed).exists()
    older = initiative.updates.exclude(period=closed).exclude(period=open_period()).first()
    if older is not None:
        client.post(f"/initiatives/{initiative.reference}/updates/{older.period.starts_on:%Y-%m-%d}/", UPDATE_POST)
        assert ProgressUpdate.objects.get(pk=older.pk).version == older.version

    assert client.post(f"/initiatives/{initiative.reference}/reopen/", {"reason": "x"}).status_code == 403
    login_as(CDO)
    client.post(f"/initiatives/{initiative.reference}/reopen/", {"reason": "The lead was on leave"})
    assert PeriodReopening.objects.filter(initiative=initiative, period=closed).exists()
    history = client.get(f"/initiatives/{initiative.reference}/").content.decode()
    assert "The lead was on leave" in history
    login_as(GLASGOW)
    client.post(url, UPDATE_POST)
    assert ProgressUpdate.objects.get(initiative=initiative, period=closed).state == "submitted"
    other = glasgow_led_without(FIFE_CODE)
    if other.pk != initiative.pk:  # reopened for that one initiative only
        client.post(f"/initiatives/{other.reference}/updates/{closed.starts_on:%Y-%m-%d}/", UPDATE_POST)
        assert not ProgressUpdate.objects.filter(initiative=other, period=closed, author__email=GLASGOW).exists()


def test_after_the_office_reopens_a_past_period_my_council_links_the_update_and_following_it_saves(client, login_as):
    """Fault: My council treated every overdue update as closed, so after the Digital Office reopened October for an
    initiative the service accepted an October update but My council offered no link to write it."""
    closed = last_closed_period()
    initiative = (
        Initiative.objects.filter(
            lead_council__gss_code="S12000049", stage__in=["alpha", "beta", "live"], start_date__lte=closed.ends_on,
            participations__council__gss_code="S12000049", participations__role="lead",
        )
        .exclude(participations__council__gss_code="S12000049", participations__joined_on__gt=closed.ends_on)
        .order_by("reference")
        .first()
    )
    ProgressUpdate.objects.filter(initiative=initiative, period=closed).delete()  # owed, not begun: overdue
    url = f"/initiatives/{initiative.reference}/updates/{closed.starts_on:%Y-%m-%d}/"
    task_id = f'id="task-{initiative.reference.lower()}-{closed.starts_on:%Y-%m}"'

    def task_on_my_council():
        html = client.get("/initiatives/my-council/").content.decode()
        overdue = html.split('id="overdue"')[1].split('id="due"')[0]
        assert task_id in overdue  # listed as overdue, before and after the reopening
        return overdue.split(task_id)[0].rsplit("<li", 1)[1] + overdue.split(task_id)[1].split("</li>")[0]

    login_as(GLASGOW)
    assert f'href="{url}"' not in task_on_my_council()  # closed: the Digital Office reopens it first
    assert f'href="{url}"' not in client.get(f"/initiatives/{initiative.reference}/").content.decode()

    login_as(CDO)
    client.post(f"/initiatives/{initiative.reference}/reopen/", {"reason": "The lead was on leave"})
    assert PeriodReopening.objects.filter(initiative=initiative, period=closed).exists()

    login_as(GLASGOW)
    assert f'href="{url}"' in task_on_my_council()
    assert f'href="{url}"' in client.get(f"/initiatives/{initiative.reference}/").content.decode()  # same policy
    form = client.get(url)
    assert form.status_code == 200 and form.context["can_save"]
    saved = client.post(url, {**UPDATE_POST, "action": "save"})
    assert saved.status_code == 302 and saved["Location"] == url
    update = ProgressUpdate.objects.get(initiative=initiative, period=closed)
    assert (update.state, update.author.email) == ("draft", GLASGOW)
    client.post(url, {**UPDATE_POST, "version": update.version, "action": "submit"})
    assert ProgressUpdate.objects.get(pk=update.pk).state == "submitted"
    assert task_id not in client.get("/initiatives/my-council/").content.decode().split('id="overdue"')[-1].split(
        'id="due"')[0]  # reported: off the overdue list


# -- four eyes --------------------------------------------------------------------------------


def test_nobody_approves_an_update_they_drafted_or_submitted(client, login_as):
    """Fault: Digital Office staff could draft, submit and approve the same update."""
    initiative = glasgow_led_without()
    period = open_period()
    ProgressUpdate.objects.filter(initiative=initiative, period=period).delete()
    login_as(CDO)
    client.post(f"/initiatives/{initiative.reference}/updates/{period.starts_on:%Y-%m-%d}/", UPDATE_POST)
    update = ProgressUpdate.objects.get(initiative=initiative, period=period)
    assert update.state == "submitted"
    review = f"/initiatives/review/{update.pk}/"
    assert "another member of staff must review it" in client.get(review).content.decode()
    assert client.post(review, {"decision": "approve", "version": update.version}).status_code == 403
    assert client.post(review, {"decision": "return", "review_comment": "x", "version": update.version}
                       ).status_code == 403
    update.refresh_from_db()
    assert update.state == "submitted"
    login_as(CTO)
    client.post(review, {"decision": "approve", "version": update.version})
    update.refresh_from_db()
    assert update.state == "approved"


def test_the_reviewer_who_returned_an_update_may_approve_the_resubmission(client, login_as):
    initiative = glasgow_led_without()
    period = open_period()
    ProgressUpdate.objects.filter(initiative=initiative, period=period).delete()
    url = f"/initiatives/{initiative.reference}/updates/{period.starts_on:%Y-%m-%d}/"
    login_as(GLASGOW)
    client.post(url, UPDATE_POST)
    update = ProgressUpdate.objects.get(initiative=initiative, period=period)
    login_as(CDO)
    client.post(f"/initiatives/review/{update.pk}/", {"decision": "return", "review_comment": "Add the date",
                                                       "version": update.version})
    login_as(GLASGOW)
    client.post(url, {**UPDATE_POST, "version": ProgressUpdate.objects.get(pk=update.pk).version})
    login_as(CDO)
    update.refresh_from_db()
    client.post(f"/initiatives/review/{update.pk}/", {"decision": "approve", "version": update.version})
    update.refresh_from_db()
    assert update.state == "approved"


# -- who sees unapproved updates ----------------------------------------------------------------


@pytest.mark.parametrize(("email", "sees"), [
    (GLASGOW, True), (GLASGOW_VIEWER, True), (CDO, True), (HIGHLAND, False), (PARTNER, False)])
def test_review_comments_and_unapproved_states_show_only_to_the_initiatives_councils(client, login_as, email, sees):
    """Fault: reviewer comments on returned updates, and draft/submitted states, showed to other councils and
    partners."""
    initiative = glasgow_led_without(HIGHLAND_CODE)
    period = open_period()
    ProgressUpdate.objects.filter(initiative=initiative, period=period).delete()
    ProgressUpdate.objects.create(
        initiative=initiative, period=period, council=initiative.lead_council, state="returned",
        rag_delivery="green", rag_spend="green", rag_benefits="green", rag_risk="green", percent_complete=10,
        spend_to_date=0, review_comment="Confidential reviewer remark",
    )
    login_as(email)
    page = client.get(f"/initiatives/{initiative.reference}/").content.decode()
    assert ("Confidential reviewer remark" in page) is sees
    assert ("Returned" in page) is sees
