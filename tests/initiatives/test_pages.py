"""The council editor's month, page by page: the update form, the review, the initiative page, the portfolio list."""

import re

import pytest

from initiatives.models import Initiative, Participation, ProgressUpdate
from initiatives.selectors import open_period
from tests.initiatives.test_views import UPDATE_POST

pytestmark = pytest.mark.django_db

GLASGOW = "editor@glasgow.demo.digitaloffice.scot"
CDO = "cdo@demo.digitaloffice.scot"
FORM = {**UPDATE_POST, "version": "0"}  # a first save: the form was opened before the update existed


def glasgow_due():
    """Live initiatives Glasgow reports on with nothing yet for the open period, by reference. How far the demo's
    councils have got with the open period depends on the day the tests run, so the first three start empty."""
    period = open_period()
    reporting = Initiative.objects.filter(
        participations__council__gss_code="S12000049",
        participations__role__in=["lead", "adopter"],
        stage__in=["discovery", "alpha", "beta", "live"],
        start_date__lte=period.ends_on,
    ).distinct()
    first_three = list(reporting.order_by("reference").values_list("pk", flat=True)[:3])
    ProgressUpdate.objects.filter(initiative__in=first_three, period=period).delete()
    return period, list(reporting.exclude(updates__period=period).order_by("reference"))


# -- the update form ------------------------------------------------------------------------------------------


def test_errors_are_written_for_people_and_the_summary_shows_them_as_written(client, login_as):
    login_as(GLASGOW)
    period, due = glasgow_due()
    url = f"/initiatives/{due[0].reference}/updates/{period.starts_on:%Y-%m-%d}/"
    html = client.post(
        url,
        {**FORM, "rag_delivery": "", "rag_risk": "red", "percent_complete": "half", "spend_to_date": "-5",
         "action": "submit"},
    ).content.decode()
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    for message in (
        "Select Green, Amber or Red for delivery",
        "Explain why risk is Amber or Red before you submit.",
        "Enter a percentage from 0 to 100, as a whole number like 45",
        "Spend to date must be £0 or more",
    ):
        assert message in summary
    assert "This field is required" not in html and "Enter a whole number" not in html
    assert "Percent complete: " not in summary  # each message names its own field
    assert 'href="#id_rag_delivery_0"' in summary


def test_the_commentary_label_says_required_once_the_rating_makes_it_so(client, login_as):
    login_as(GLASGOW)
    period, due = glasgow_due()
    html = client.get(f"/initiatives/{due[0].reference}/updates/{period.starts_on:%Y-%m-%d}/").content.decode()
    # Both words are in each commentary label; CSS shows one, by the rating chosen (portal.css, no script).
    label = re.search(r'<label class="ds_label" for="id_delivery_commentary">(.*?)</label>', html, re.S).group(1)
    assert 'portal-conditional__required"> (required)' in label
    assert 'portal-conditional__optional"> (optional)' in label


def test_after_submitting_the_editor_is_back_on_my_council_with_the_next_item(client, login_as):
    login_as(GLASGOW)
    period, due = glasgow_due()
    assert len(due) >= 2
    url = f"/initiatives/{due[0].reference}/updates/{period.starts_on:%Y-%m-%d}/"
    response = client.post(url, {**FORM, "action": "submit"}, follow=True)
    assert response.redirect_chain[-1][0] == "/initiatives/my-council/"
    html = response.content.decode()
    banner = html.split("ds_notification ds_notification--success")[1].split("</div>\n</div>")[0]
    assert "data-portal-focus" in banner and 'tabindex="-1"' in banner
    assert f"{due[0].reference}" in banner and "submitted to the Digital Office for review" in banner
    next_task = response.context["tasks"].next_task
    assert f'href="/initiatives/{next_task.initiative.reference}/updates/' in banner


# -- the review page ------------------------------------------------------------------------------------------


def test_the_review_names_the_submitter_and_sets_the_update_beside_the_last_approved(client, login_as):
    login_as(GLASGOW)
    period, due = glasgow_due()
    initiative = next(i for i in due if i.current_update is not None)
    previous = initiative.current_update
    client.post(
        f"/initiatives/{initiative.reference}/updates/{period.starts_on:%Y-%m-%d}/",
        {**FORM, "rag_delivery": "amber", "delivery_commentary": "Supplier late.", "action": "submit",
         "rag_spend": previous.rag_spend, "rag_benefits": previous.rag_benefits, "rag_risk": previous.rag_risk,
         "spend_commentary": "x", "benefits_commentary": "x", "risk_commentary": "x",
         "percent_complete": previous.percent_complete + 5},
    )
    update = ProgressUpdate.objects.get(initiative=initiative, period=period)
    login_as(CDO)
    html = client.get(f"/initiatives/review/{update.pk}/").content.decode()
    assert "Submitted by Demo Glasgow Editor (editor@glasgow.demo.digitaloffice.scot) of Glasgow City" in html
    assert "None" not in html.split("portal-submitter")[1].split("</p>")[0]
    rows = re.findall(
        r"<tr( class=\"portal-comparison__changed\")?>\s*<th scope=\"row\">([^<]+)</th>(.*?)</tr>", html, re.S
    )
    changed = {label.strip(): bool(mark) for mark, label, _cells in rows}
    assert changed["Percent complete"] is True
    percent_row = next(cells for _mark, label, cells in rows if label.strip() == "Percent complete")
    assert "Changed" in percent_row and "+5 points" in percent_row  # in words, not colour alone
    assert changed["Delivery"] is (previous.rag_delivery != "amber")
    assert f"Last approved, {previous.period.label}" in html


def test_the_review_of_an_update_whose_submitter_left_says_so(client, login_as):
    login_as(CDO)
    update = ProgressUpdate.objects.filter(state="submitted", submitted_by__isnull=True).first()
    html = client.get(f"/initiatives/review/{update.pk}/").content.decode()
    assert "Submitted by None" not in html
    assert f"Submitted for {update.council.name} on" in html


def test_demo_submissions_are_never_dated_in_the_future(demo_data):
    from django.utils import timezone

    assert not ProgressUpdate.objects.filter(submitted_at__gt=timezone.now()).exists()
    assert not ProgressUpdate.objects.filter(reviewed_at__gt=timezone.now()).exists()


# -- the initiative page ---------------------------------------------------------------------------------------


def test_the_initiative_page_leads_with_status_says_a_newer_update_awaits_review_and_lists_the_lead_first(
    client, login_as
):
    pending = (
        ProgressUpdate.objects.filter(state="submitted", initiative__current_update__isnull=False)
        .select_related("initiative", "period")
        .first()
    )
    initiative = pending.initiative
    Participation.objects.filter(initiative=initiative).exclude(role="lead").update(role="adopter")
    login_as(CDO)  # a submitted update shows to the initiative's councils and the Digital Office only (issue 10)
    html = client.get(f"/initiatives/{initiative.reference}/").content.decode()
    assert html.index('id="status"') < html.index('id="about"') < html.index('id="trend"')
    assert "A newer update awaits review" in html
    assert f"The update for {pending.period.label} was submitted" in html
    assert re.search(r"£[\d,]+ spent of a £[\d,]+ budget \(\d+%\)", html)
    councils = html.split("Councils taking part")[1].split("</ul>")[0]
    assert councils.index("(Lead)") < councils.index("(Adopter)")


# -- the portfolio list ----------------------------------------------------------------------------------------


def test_the_portfolio_list_filters_red_on_any_axis_sorts_by_rating_and_shows_removable_tags(client, login_as):
    login_as(CDO)
    response = client.get("/initiatives/", {"rating": "red", "stage": ["beta", "live"], "ordering": "rating"})
    html = response.content.decode()
    shown = list(response.context["page"].object_list)
    axes = ("rag_delivery", "rag_spend", "rag_benefits", "rag_risk")
    assert shown and all(any(getattr(i.current_update, a) == "red" for a in axes) for i in shown)
    assert all(i.stage in ("beta", "live") for i in shown)
    expected = Initiative.objects.filter(stage__in=["beta", "live"]).filter(
        pk__in=[u.initiative_id for u in ProgressUpdate.objects.filter(state="approved")]
    )
    assert len(shown) == sum(
        1 for i in expected if i.current_update and any(getattr(i.current_update, a) == "red" for a in axes)
    )
    tags = re.findall(
        r'<a class="ds_tag ds_tag--blue portal-applied__tag" href="\?([^"]*)">\s*<span>([^<]*)</span>', html
    )
    labels = [label for _query, label in tags]
    assert labels == ["Stage: Beta", "Stage: Live", "Rating: Red on any axis"]
    without_beta = next(query for query, label in tags if label == "Stage: Beta")
    assert "stage=beta" not in without_beta  # the tag removes its own filter...
    assert "stage=live" in without_beta and "rating=red" in without_beta and "ordering=rating" in without_beta
    assert "---------" not in html
    assert '<details class="ds_details portal-filters"' in html


def test_sorting_by_rating_puts_red_first(client, login_as):
    login_as(CDO)
    shown = list(client.get("/initiatives/", {"ordering": "rating"}).context["page"].object_list)
    axes = ("rag_delivery", "rag_spend", "rag_benefits", "rag_risk")

    def worst(initiative):
        ratings = [getattr(initiative.current_update, a) for a in axes] if initiative.current_update else []
        return 0 if "red" in ratings else 1 if "amber" in ratings else 2 if ratings else 3

    assert [worst(i) for i in shown] == sorted(worst(i) for i in shown)


def test_update_overdue_does_not_look_like_a_red_rating(client, login_as):
    login_as(CDO)
    html = client.get("/initiatives/", {"overdue": "true"}).content.decode()
    overdue = re.findall(r'<strong class="([^"]*)">(?:<svg[^>]*><use[^>]*></use></svg>)?Update overdue</strong>', html)
    assert overdue and all("ds_tag--red" not in classes and "portal-overdue" in classes for classes in overdue)
