"""The reporting loop in the browser: draft, submit, return, revise, resubmit, approve, see the status."""

import re

import pytest
from playwright.sync_api import expect

from initiatives.models import Initiative, ProgressUpdate
from initiatives.selectors import open_period

pytestmark = pytest.mark.browser

GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"
FIFE_EDITOR = "editor@fife.demo.digitaloffice.scot"


def glasgow_initiative_due():
    """A live initiative Glasgow takes part in (and Fife does not) with nothing reported for the open period."""
    period = open_period()
    reported = ProgressUpdate.objects.filter(period=period).values("initiative")
    initiative = (
        Initiative.objects.filter(
            participations__council__gss_code="S12000049", stage__in=["alpha", "beta", "live", "discovery"]
        )
        .exclude(participations__council__gss_code="S12000047")
        .exclude(pk__in=reported)
        .order_by("reference")
        .first()
    )
    assert initiative is not None, "the demo data should give Glasgow an update to write"
    return initiative, period


def test_an_update_goes_round_the_review_loop_and_becomes_the_status(visitor):
    initiative, period = glasgow_initiative_due()
    page = visitor.page
    update_path = f"/initiatives/{initiative.reference}/updates/{period.starts_on:%Y-%m-%d}/"

    # Glasgow's editor finds the update due on their council page and drafts it.
    visitor.login(GLASGOW_EDITOR)
    expect(page.locator("h1")).to_contain_text("Dashboard: Glasgow City")  # their council's version first
    visitor.check_accessibility("home-council-editor")
    visitor.goto("/initiatives/my-council/")
    visitor.check_accessibility("my-council")
    page.get_by_role("link", name=re.compile(re.escape(initiative.reference) + ".*" + re.escape(period.label))).click()
    expect(page).to_have_url(re.compile(re.escape(update_path)))
    page.locator("label[for$='rag_delivery_1']").click()  # Amber
    page.fill("#id_delivery_commentary", "")  # whatever the last approved update said of delivery
    page.locator("label[for$='rag_spend_0']").click()
    page.locator("label[for$='rag_benefits_0']").click()
    page.locator("label[for$='rag_risk_0']").click()
    page.fill("#id_percent_complete", "45")
    page.fill("#id_spend_to_date", "120000")
    page.fill("#id_narrative", "Supplier onboarded. <script>alert('x')</script>")
    visitor.check_accessibility("update-form")

    # Amber without a commentary is refused with an error summary, keeping what was typed.
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".ds_error-summary")).to_contain_text("Explain why delivery is Amber or Red")
    expect(page.locator("#id_percent_complete")).to_have_value("45")
    visitor.check_accessibility("update-form-errors")
    assert not ProgressUpdate.objects.filter(initiative=initiative, period=period).exists()

    page.fill("#id_delivery_commentary", "The supplier started three weeks late.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".portal-messages")).to_contain_text("Draft saved")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".portal-messages")).to_contain_text("submitted to the Digital Office")
    expect(page).to_have_url(re.compile(r"/initiatives/my-council/$"))  # back to the list, for the next one
    assert ProgressUpdate.objects.get(initiative=initiative, period=period).state == "submitted"

    # The CDO returns it with a comment.
    visitor.login("cdo@demo.digitaloffice.scot")
    visitor.goto("/initiatives/review/")
    visitor.check_accessibility("review-queue")
    page.get_by_role("link", name=f"Review {initiative.reference} {period.label}").click()
    visitor.check_accessibility("review-update")
    page.locator("label[for$='decision_1']").click()  # Return
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".ds_error-summary")).to_contain_text("Say what the council should change")
    page.locator("label[for$='decision_1']").click()
    page.fill("#id_review_comment", "Please add the revised go-live date.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".portal-messages")).to_contain_text("returned")

    # The editor sees it returned, revises and resubmits.
    visitor.login(GLASGOW_EDITOR)
    visitor.goto("/initiatives/my-council/")
    expect(page.locator("#returned ~ ul").first).to_contain_text("Please add the revised go-live date.")
    visitor.goto(update_path)
    expect(page.locator("#id_delivery_commentary")).to_have_value("The supplier started three weeks late.")
    page.fill("#id_next_steps", "Go live on 1 March.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".portal-messages")).to_contain_text("submitted")

    # The CTO approves it.
    visitor.login("cto@demo.digitaloffice.scot")
    visitor.goto("/initiatives/review/")
    page.get_by_role("link", name=f"Review {initiative.reference} {period.label}").click()
    page.locator("label[for$='decision_0']").click()  # Approve
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".portal-messages")).to_contain_text("approved")

    # The initiative page shows the new status, in words, with the commentary; the script did not survive.
    visitor.goto(f"/initiatives/{initiative.reference}/")
    status = page.locator(".portal-status-table")
    expect(status).to_contain_text("Amber")
    expect(status).to_contain_text("The supplier started three weeks late.")
    expect(page.locator(".portal-status-summary")).to_contain_text(period.label)
    assert "<script>alert" not in page.content()
    visitor.check_accessibility("initiative-page")

    # The portfolio list with filters, and the list for a viewer.
    visitor.goto("/initiatives/?rag_delivery=amber")
    expect(page.locator("table")).to_contain_text(initiative.reference)
    visitor.check_accessibility("initiative-list")

    # Fife's editor cannot edit it: not by link, not by a hand-made POST.
    visitor.login(FIFE_EDITOR)
    visitor.goto(f"/initiatives/{initiative.reference}/")
    expect(page.get_by_role("link", name="Edit initiative")).to_have_count(0)
    response = page.goto(visitor.base_url + update_path)
    assert response.status == 403
    visitor.check_accessibility("forbidden")
    response = page.goto(visitor.base_url + f"/initiatives/{initiative.reference}/edit/")
    assert response.status == 403
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    posted = page.request.post(
        visitor.base_url + f"/initiatives/{initiative.reference}/edit/",
        form={
            "title": "Taken over by Fife",
            "summary": "x",
            "stage": "live",
            "budget": "1",
            "csrfmiddlewaretoken": csrf,
        },
        headers={"X-CSRFToken": csrf, "Referer": visitor.base_url + "/"},
    )
    assert posted.status == 403
    initiative.refresh_from_db()
    assert initiative.title != "Taken over by Fife"
    assert ProgressUpdate.objects.get(initiative=initiative, period=period).state == "approved"
