"""The change feed (/api/v1/changes/): every create, update and delete a partner may see, written with the change,
served as the record is now, filtered by scope exactly as the lists; derived figures and renames kept true."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from core.models import Change, User
from core.scopes import SCOPES
from councils import services as funding
from councils.models import Contribution, Council, FundingAgreement
from councils.selectors import contributions_with_figures
from initiatives import services as portfolio
from initiatives.models import Initiative, Milestone, ProgressUpdate, ReportingPeriod
from strategy import services as strategy_services
from strategy.models import MaturityDimension, MaturityLevel, Outcome, Theme
from tests.api_client import body_of
from tests.conftest import signed_in_with_two_factor

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = [pytest.mark.django_db, pytest.mark.serial]

CDO = "cdo@demo.digitaloffice.scot"
FEED = "/api/v1/changes/"


def read_feed(client, after=None, page_size=None):
    """Read the feed until it says there is no more; returns (results, the position to read from next)."""
    params = {key: value for key, value in (("after", after), ("page_size", page_size)) if value is not None}
    response = client.get(FEED, params)
    results = []
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        assert response["X-Next-After"] == data["next_after"]
        results += data["results"]
        if not data["has_more"]:
            return results, data["next_after"]
        response = client.get(data["next"])


def head(client):
    response = client.get(f"{FEED}latest/")
    assert response.status_code == 200, response.content
    return response.json()["next_after"]


def last_of(results):
    """What a partner's copy ends with: the last entry of each record."""
    return {(entry["type"], entry["id"]): entry for entry in results}


@pytest.fixture
def cdo(demo_data):
    return signed_in_with_two_factor(User.objects.get(email=CDO))


@pytest.fixture
def partner(demo_data, make_key, key_client):
    _key, text = make_key(SCOPES)
    return key_client(text)


def test_creates_updates_and_deletes_of_registers_and_payments_reach_the_partner(cdo, partner):
    start = head(partner)
    initiative = Initiative.objects.order_by("pk").first()
    milestone = portfolio.register_item_save(
        user=cdo, initiative=initiative, kind="milestone", title="Go live",
        baseline_date=datetime.date(2026, 1, 1), forecast_date=datetime.date(2026, 2, 1),
    )
    risk = portfolio.register_item_save(user=cdo, initiative=initiative, kind="risk", title="Supplier", likelihood=2,
                                        impact=3)
    benefit = portfolio.register_item_save(user=cdo, initiative=initiative, kind="benefit", title="Hours saved",
                                           target_value=Decimal("100"))
    portfolio.register_item_save(user=cdo, initiative=initiative, kind="milestone", instance=milestone,
                                 title="Go live (moved)")
    results, _after = read_feed(partner, after=start)
    copy = last_of(results)
    assert copy[("milestone", milestone.pk)]["record"]["title"] == "Go live (moved)"
    assert copy[("risk", risk.pk)]["operation"] == "upsert" and copy[("benefit", benefit.pk)]["operation"] == "upsert"
    assert copy[("initiative", initiative.pk)]["record"]["reference"] == initiative.reference

    contribution = Contribution.objects.filter(amount_due__gt=0, payments__isnull=True).first()
    payment = funding.contribution_record_payment(user=cdo, contribution=contribution, amount=Decimal("10.00"),
                                                  paid_on=timezone.localdate())
    deleted = [("milestone", milestone.pk), ("risk", risk.pk), ("benefit", benefit.pk)]
    for item in (milestone, risk, benefit):
        portfolio.register_item_delete(user=cdo, item=item)
    funding.payment_delete(user=cdo, payment=payment)
    results, _after = read_feed(partner, after=_after)
    copy = last_of(results)
    for kind, pk in deleted:
        assert copy[(kind, pk)] == {"type": kind, "id": pk, "operation": "delete", "record": None}
    assert copy[("contribution", contribution.pk)]["record"]["payments"] == []
    assert copy[("contribution", contribution.pk)]["record"]["paid"] == "0.00"


def test_deleting_a_payment_moves_the_contribution_forward_for_updated_since_too(cdo, partner):
    contribution = Contribution.objects.filter(payments__isnull=False).order_by("pk").first()
    payment = contribution.payments.order_by("-pk").first()
    listed = partner.get("/api/v1/contributions/?page_size=500&ordering=id").json()["results"]
    before = next(row for row in listed if row["id"] == contribution.pk)
    token = partner.get("/api/v1/contributions/", {"page_size": 1}).json()["next_updated_since"]
    Contribution.objects.filter(pk=contribution.pk).update(updated_at=timezone.now() - datetime.timedelta(days=1))
    funding.payment_delete(user=cdo, payment=payment)
    since = partner.get("/api/v1/contributions/", {"updated_since": token, "page_size": 500}).json()["results"]
    after = next(row for row in since if row["id"] == contribution.pk)
    assert after["updated_at"] > before["updated_at"]
    assert Decimal(after["paid"]) == Decimal(before["paid"]) - payment.amount


def test_scopes_filter_the_feed_as_they_filter_the_lists(cdo, demo_data, make_key, key_client):
    _key, text = make_key(["initiatives:read"])
    portfolio_only = key_client(text)
    start = head(portfolio_only)
    contribution = Contribution.objects.filter(amount_due__gt=0, payments__isnull=True).first()
    funding.contribution_record_payment(user=cdo, contribution=contribution, amount=Decimal("1.00"),
                                        paid_on=timezone.localdate())
    council = Council.objects.get(gss_code="S12000049")
    strategy_services.assessment_record(
        user=cdo, council=council, assessed_on=timezone.localdate(), overall_level=MaturityLevel.objects.first(),
        levels=dict.fromkeys(MaturityDimension.objects.all(), MaturityLevel.objects.first()),
    )
    results, _after = read_feed(portfolio_only, after=start)
    assert results == []  # no funding without funding:read; maturity never
    assert not Change.objects.filter(kind__icontains="maturity").exists()
    assert set(Change.objects.values_list("kind", flat=True)) <= {"contribution", "council", "partner", "theme",
                                                                  "outcome", "measure", "measure-reading",
                                                                  "initiative", "milestone", "update", "risk",
                                                                  "benefit", "report", "contract",
                                                                  "practice-asset", "practice-adoption",
                                                                  "comment"}
    _key, text = make_key(["councils:read"])
    response = key_client(text).get(FEED)
    assert response.status_code == 200
    assert {entry["type"] for entry in response.json()["results"]} <= {"council", "partner"}
    _key, text = make_key(["webhooks:manage"])
    assert key_client(text).get(FEED).status_code == 403


def test_only_approved_updates_reach_the_feed_and_leaving_approval_is_a_delete(cdo, partner):
    start = head(partner)
    draft = ProgressUpdate.objects.filter(state=ProgressUpdate.State.DRAFT).first()
    draft.narrative = "Still drafting"
    draft.save()
    submitted = ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED).first()
    results, after = read_feed(partner, after=start)
    assert not [entry for entry in results if entry["type"] == "update"]
    portfolio.update_approve(user=cdo, update=submitted, version=submitted.version)
    results, after = read_feed(partner, after=after)
    copy = last_of(results)
    assert copy[("update", submitted.pk)]["operation"] == "upsert"
    assert copy[("initiative", submitted.initiative_id)]["record"]["current_status"]["update_id"] == submitted.pk
    # Only the admin site could take an approved update back; partners must then drop it.
    submitted.refresh_from_db()
    submitted.state = ProgressUpdate.State.SUBMITTED
    submitted.save()
    results, after = read_feed(partner, after=after)
    assert last_of(results)[("update", submitted.pk)] == {
        "type": "update", "id": submitted.pk, "operation": "delete", "record": None,
    }


def test_renaming_a_council_resends_the_rows_that_embed_its_name(cdo, partner, admin_client):
    council = Council.objects.get(gss_code="S12000049")
    start = head(partner)
    old_updated = {pk: at for pk, at in Contribution.objects.filter(council=council).values_list("pk", "updated_at")}
    response = admin_client.get(f"/admin/councils/council/{council.pk}/change/")
    assert response.status_code == 200
    council.name = "Glasgow City Council (renamed)"
    council.save()  # what the admin site's change form does
    results, _after = read_feed(partner, after=start)
    copy = last_of(results)
    assert copy[("council", council.pk)]["record"]["name"] == "Glasgow City Council (renamed)"
    contributions = [entry for (kind, _pk), entry in copy.items() if kind == "contribution"]
    assert {entry["id"] for entry in contributions} == set(old_updated)
    assert all(entry["record"]["council_name"] == "Glasgow City Council (renamed)" for entry in contributions)
    assert all(Contribution.objects.get(pk=pk).updated_at > at for pk, at in old_updated.items())
    involved = set(Initiative.objects.filter(participations__council=council).values_list("pk", flat=True))
    assert involved and involved <= {pk for kind, pk in copy if kind == "initiative"}
    names = [p["council_name"] for (kind, pk), entry in copy.items() if kind == "initiative"
             for p in entry["record"]["participants"] if p["council"] == "S12000049"]
    assert names and set(names) == {"Glasgow City Council (renamed)"}


def test_renaming_a_theme_outcome_or_agreement_resends_what_embeds_it(cdo, partner):
    start = head(partner)
    theme = Theme.objects.get(slug="digital-services")
    theme.slug = "digital-public-services"
    theme.save()
    outcome = Outcome.objects.get(number=1)
    outcome.title = outcome.title + " (reworded)"
    outcome.save()  # the title is not embedded anywhere: only the outcome itself is re-sent
    agreement = FundingAgreement.objects.order_by("pk").first()
    agreement.title = "Founding agreement (renamed)"
    agreement.save()
    copy = last_of(read_feed(partner, after=start)[0])
    themed = set(Initiative.objects.filter(theme=theme).values_list("pk", flat=True))
    assert themed and {pk for kind, pk in copy if kind == "initiative"} == themed
    assert {entry["record"]["theme"] for (kind, _pk), entry in copy.items() if kind == "initiative"} == {
        "digital-public-services"}
    assert copy[("outcome", outcome.pk)]["record"]["title"].endswith("(reworded)")
    agreed = set(agreement.contributions.values_list("pk", flat=True))
    assert agreed == {pk for kind, pk in copy if kind == "contribution"}


def test_a_contribution_becoming_overdue_is_recorded_by_the_daily_job(cdo, partner):
    today = timezone.localdate()
    contribution = Contribution.objects.filter(payments__isnull=True, amount_due__gt=0).order_by("pk").first()
    funding.contribution_update(user=cdo, contribution=contribution, due_date=today, invoice_number="",
                                invoice_date=None)
    start = head(partner)
    status = contributions_with_figures(on=today).get(pk=contribution.pk).status
    assert status == "due"
    tomorrow = today + datetime.timedelta(days=1)
    assert contributions_with_figures(on=tomorrow).get(pk=contribution.pk).status == "overdue"
    changed = funding.contribution_figures_refresh(on=today)  # the first run only notes the day
    assert contribution.pk not in changed
    changed = funding.contribution_figures_refresh(on=tomorrow)
    assert contribution.pk in changed
    assert funding.contribution_figures_refresh(on=tomorrow) == []  # idempotent
    results, _after = read_feed(partner, after=start)
    assert ("contribution", contribution.pk) in last_of(results)


def test_a_position_is_a_token_and_a_bad_one_is_a_400(partner, cdo):
    for bad in ("yesterday", "1.2.3", "-1.5", "1." + "9" * 19, ""):
        response = partner.get(FEED, {"after": bad})
        assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["after"], bad
    start = head(partner)
    results, after = read_feed(partner, after=start)
    assert results == []
    assert read_feed(partner, after=after) == ([], after)  # reading again changes nothing
    initiative = Initiative.objects.order_by("pk").first()
    portfolio.register_item_save(user=cdo, initiative=initiative, kind="risk", title="New risk", likelihood=1,
                                 impact=1)
    results, later = read_feed(partner, after=after)
    assert {entry["type"] for entry in results} == {"risk", "initiative"}
    assert read_feed(partner, after=later) == ([], later)


def test_the_feed_pages_with_every_record_once_per_page(partner, cdo):
    start = head(partner)
    initiative = Initiative.objects.order_by("pk").first()
    made = [
        portfolio.register_item_save(user=cdo, initiative=initiative, kind="risk", title=f"Risk {n}", likelihood=1,
                                     impact=1)
        for n in range(9)
    ]
    pages, response = [], partner.get(FEED, {"after": start, "page_size": 4})
    while True:
        data = response.json()
        pages.append(data["results"])
        keys = [(entry["type"], entry["id"]) for entry in data["results"]]
        assert len(keys) == len(set(keys))
        if data["has_more"]:
            assert response["Link"] == f'<{data["next"]}>; rel="next"'
            assert "page_size=4" in data["next"]
        if not data["has_more"]:
            break
        response = partner.get(data["next"])
    served = {entry["id"] for page in pages for entry in page if entry["type"] == "risk"}
    assert served == {risk.pk for risk in made}
    assert len(pages) >= 3


def test_reports_in_the_feed_link_their_file(partner, cdo):
    from django.core.files.base import ContentFile

    from initiatives.models import Report

    start = head(partner)
    report = Report.objects.create(kind=Report.Kind.PORTFOLIO, status=Report.Status.READY)
    report.file.save("portfolio.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    record = last_of(read_feed(partner, after=start)[0])[("report", report.pk)]["record"]
    assert record["file_url"].endswith(f"/api/v1/reports/{report.pk}/file/")
    assert body_of(partner.get(record["file_url"])) == b"%PDF-1.4\n"


def test_changes_to_a_period_resend_its_updates(partner, cdo):
    update = ProgressUpdate.objects.filter(state=ProgressUpdate.State.APPROVED).order_by("pk").first()
    period = ReportingPeriod.objects.get(pk=update.period_id)
    start = head(partner)
    period.ends_on = period.ends_on - datetime.timedelta(days=1)
    period.save()
    copy = last_of(read_feed(partner, after=start)[0])
    assert copy[("update", update.pk)]["record"]["period_end"] == period.ends_on.isoformat()


def test_a_rolled_back_change_leaves_no_entry(cdo, partner):
    from django.db import transaction

    start = head(partner)
    initiative = Initiative.objects.order_by("pk").first()
    with pytest.raises(RuntimeError), transaction.atomic():
        Milestone.objects.create(initiative=initiative, title="Never", baseline_date=datetime.date(2026, 1, 1),
                                 forecast_date=datetime.date(2026, 1, 1))
        raise RuntimeError
    assert read_feed(partner, after=start)[0] == []
    assert connection.vendor in ("sqlite", "postgresql")


def test_the_feed_keeps_entries_for_its_retention_and_an_older_position_is_told_to_copy_again(partner, cdo):
    from core import services as core_services

    start = head(partner)
    initiative = Initiative.objects.order_by("pk").first()
    portfolio.register_item_save(user=cdo, initiative=initiative, kind="risk", title="Old risk", likelihood=1,
                                 impact=1)
    _results, caught_up = read_feed(partner, after=start)
    assert core_services.change_prune(days=90) == 0  # nothing is old yet
    later = timezone.now() + datetime.timedelta(days=91)
    assert core_services.change_prune(days=90, now=later) > 0
    assert not Change.objects.exists()
    response = partner.get(FEED, {"after": start})
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "position_expired"
    assert read_feed(partner, after=caught_up) == ([], caught_up)  # a position past the pruned entries is fine
    assert partner.get(FEED, {"after": head(partner)}).status_code == 200  # a new start is never below the floor
    portfolio.register_item_save(user=cdo, initiative=initiative, kind="risk", title="New risk", likelihood=1,
                                 impact=1)
    from_the_start, _after = read_feed(partner)  # without `after`: from the oldest entry kept
    assert {entry["type"] for entry in from_the_start} == {"risk", "initiative"}


def test_another_councils_contributions_never_reach_a_council_session_not_even_as_deletes(cdo, client, login_as):
    """Issue 20, finding 11: a Fife session was told {"type": "contribution", "operation": "delete"} when Glasgow's
    contribution was edited. Entries a reader may not see do not appear at all."""
    fife = login_as("editor@fife.demo.digitaloffice.scot")
    start = head(fife)
    glasgow = Contribution.objects.filter(council__gss_code="S12000049").order_by("pk")
    edited, deleted = glasgow[0], glasgow[1]
    deleted.payments.all().delete()
    funding.contribution_update(user=cdo, contribution=edited, invoice_number="GCC-2026-1")
    deleted_pk = deleted.pk
    deleted.delete()
    own = Contribution.objects.filter(council=User.objects.get(email="editor@fife.demo.digitaloffice.scot").council
                                      ).order_by("pk").first()
    funding.contribution_update(user=cdo, contribution=own, invoice_number="FIFE-2026-1")
    results, _after = read_feed(fife, after=start)
    told = {(entry["type"], entry["id"]) for entry in results}
    assert ("contribution", edited.pk) not in told and ("contribution", deleted_pk) not in told
    assert last_of(results)[("contribution", own.pk)]["record"]["invoice_number"] == "FIFE-2026-1"

    # The Digital Office and a key with funding:read are told of both, the delete included.
    everything, _after = read_feed(login_as(CDO), after=start)
    assert last_of(everything)[("contribution", deleted_pk)]["operation"] == "delete"
    assert last_of(everything)[("contribution", edited.pk)]["operation"] == "upsert"


def test_a_partner_key_without_funding_read_is_told_of_no_contribution(cdo, make_key, key_client):
    _key, text = make_key([scope for scope in SCOPES if scope not in ("funding:read", "webhooks:manage")])
    partner = key_client(text)
    start = head(partner)
    contribution = Contribution.objects.order_by("pk").first()
    funding.contribution_update(user=cdo, contribution=contribution, invoice_number="INV-1")
    contribution.payments.all().delete()
    contribution.delete()
    results, _after = read_feed(partner, after=start)
    assert not [entry for entry in results if entry["type"] == "contribution"]


def test_a_page_reads_the_same_compact_or_indented_with_each_record_as_its_list_serves_it(partner, cdo):
    """The compact page is put together around the records' JSON texts (written by PostgreSQL for initiatives and
    updates, rendered in Python for the rest): it must say what the indented rendering of the same data says, and
    escape the line separators JSONRenderer escapes."""
    initiative = Initiative.objects.order_by("pk").first()
    initiative = portfolio.initiative_update(user=cdo, initiative=initiative, version=initiative.version,
                                             title="Shared\u2028platform")
    risk = portfolio.register_item_save(user=cdo, initiative=initiative, kind="risk", title="Caf\u00e9\u2029risk",
                                        likelihood=2, impact=3)
    portfolio.register_item_delete(user=cdo, item=Milestone.objects.filter(initiative=initiative).first())
    compact = partner.get(FEED, {"page_size": 1000})
    indented = partner.get(FEED, {"page_size": 1000}, HTTP_ACCEPT="application/json; indent=2")
    assert compact.status_code == indented.status_code == 200
    assert b"\n" in indented.content and b"\n" not in compact.content
    assert "\u2028".encode() not in compact.content and "\u2029".encode() not in compact.content
    assert b"Shared\\u2028platform" in compact.content and "Caf\u00e9".encode() in compact.content
    served, again = compact.json(), indented.json()
    assert served["results"] == again["results"] and served["next_after"] == again["next_after"]
    assert set(served) == {"next", "next_after", "has_more", "results", "horizon"}
    latest = last_of(served["results"])
    assert {"initiative", "update", "risk", "council", "contribution"} <= {kind for kind, _id in latest}
    assert latest[("risk", risk.pk)]["record"] == partner.get(f"/api/v1/risks/{risk.pk}/").json()
    assert latest[("initiative", initiative.pk)]["record"] == (
        partner.get(f"/api/v1/initiatives/{initiative.reference}/").json())
    assert latest[("initiative", initiative.pk)]["record"]["title"] == "Shared\u2028platform"
    update = next(entry for (kind, _id), entry in latest.items() if kind == "update")
    assert update["operation"] == "upsert" and update["record"] == (
        partner.get(f"/api/v1/updates/{update['id']}/").json())
    assert any(entry["operation"] == "delete" and entry["record"] is None and kind == "milestone"
               for (kind, _id), entry in latest.items())
