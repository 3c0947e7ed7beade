"""The benefits register (issue 26), from the outside: shares at most 100%, figures that never count a saving twice
(a portfolio worked out by hand), who may confirm and audit a realisation, the review after closure made once."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from initiatives import benefit_services, selectors
from initiatives.models import Benefit, BenefitRealisation, BenefitReview, BenefitShare, Initiative
from initiatives.tasks import create_benefit_reviews
from tests.conftest import mark_second_factor_used
from tests.councils.factories import council
from tests.initiatives.benefit_world import (
    FIFE,
    GLASGOW,
    benefit_world_fixture,  # noqa: F401  (the fixture `benefit_world`)
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sign_in(client, benefit_world):
    def _sign_in(who):
        user = benefit_world["people"][who]
        client.force_login(user)
        if user.is_digital_office_staff:
            mark_second_factor_used(client, user)
        return client

    return _sign_in


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def figure(html, name):
    return text(re.search(rf'data-figure="{name}">(.*?)</dd>', html, re.S).group(1))


def share_post(*rows):
    data = {"shares-TOTAL_FORMS": str(len(rows)), "shares-INITIAL_FORMS": "0", "shares-MIN_NUM_FORMS": "0",
            "shares-MAX_NUM_FORMS": "32"}
    for index, (council_pk, percent) in enumerate(rows):
        data[f"shares-{index}-council"] = str(council_pk)
        data[f"shares-{index}-percent"] = str(percent)
    return data


# -- shares ----------------------------------------------------------------------------------------------------


def test_shares_over_100_percent_are_refused_by_the_service_naming_the_total(benefit_world):
    w = benefit_world
    with pytest.raises(ValidationError) as refused:
        benefit_services.benefit_shares_set(user=w["people"]["staff"], benefit=w["s"],
                                            shares=[(w["glasgow"], Decimal("60")), (w["fife"], Decimal("50"))])
    assert "total 110%" in refused.value.messages[0] and "at most 100%" in refused.value.messages[0]
    assert sorted(w["s"].shares.values_list("percent", flat=True)) == [Decimal("40"), Decimal("60")]  # unchanged


def test_a_hand_made_post_of_shares_over_100_percent_is_refused_and_changes_nothing(benefit_world, sign_in):
    w = benefit_world
    client = sign_in("glasgow")
    url = f"/benefits/{w['s'].pk}/shares/"
    html = html_of(client.post(url, share_post((w["glasgow"].pk, "70"), (w["fife"].pk, "50.5"))))
    assert "shares total 120.5%: a benefit&#x27;s shares may total at most 100%" in html
    assert sorted(w["s"].shares.values_list("percent", flat=True)) == [Decimal("40"), Decimal("60")]
    edinburgh = council("S12000036")  # takes no part in the initiative
    html = html_of(client.post(url, share_post((w["glasgow"].pk, "50"), (edinburgh.pk, "10"))))
    assert "Select a valid choice" in html  # not offered: only councils taking part hold a share
    with pytest.raises(ValidationError, match="do not take part in this initiative"):
        benefit_services.benefit_shares_set(user=w["people"]["staff"], benefit=w["s"],
                                            shares=[(edinburgh, Decimal("10"))])
    response = client.post(url, share_post((w["glasgow"].pk, "50"), (w["fife"].pk, "50")))
    assert response.status_code == 302
    assert sorted((s.council.gss_code, s.percent) for s in w["s"].shares.all()) == [
        (FIFE, Decimal("50")), (GLASGOW, Decimal("50"))]
    assert sign_in("fife").post(url, share_post((w["fife"].pk, "100"))).status_code == 403  # Glasgow keeps it


# -- figures counted once ------------------------------------------------------------------------------------


def test_the_register_counts_each_saving_once_and_shows_dis_benefits_apart(benefit_world, sign_in):
    f = selectors.benefit_figures(selectors.benefit_list())
    assert (f.benefits_target, f.benefits_realised) == (Decimal("1200"), Decimal("600"))
    assert (f.dis_target, f.dis_realised) == (Decimal("300"), Decimal("50"))  # never netted: 600, not 550
    assert f.potential == Decimal("32000")  # apart: the committed target stays 1,200
    assert [(g, amount, dis) for g, _label, amount, dis in f.realised_by_grade] == [
        ("estimated", Decimal("200"), Decimal("50")), ("evidenced", Decimal("300"), 0), ("audited", Decimal("100"), 0)]
    assert [(y["label"], y["target"], y["realised"], y["dis_target"], y["dis_realised"]) for y in f.years] == [
        ("2025/26", Decimal("400"), Decimal("200"), Decimal("300"), Decimal("50")),
        ("2026/27", Decimal("600"), Decimal("400"), 0, 0)]
    assert f.unprofiled_target == Decimal("200") and f.not_in_pounds == 1

    html = html_of(sign_in("glasgow_viewer").get("/benefits/"))
    assert figure(html, "benefits") == "£600.00 realised of £1,200.00 committed"
    assert figure(html, "dis-benefits").startswith("£50.00 incurred of £300.00 expected")
    assert figure(html, "by-grade") == "Estimated £200.00; Evidenced £300.00; Audited £100.00"
    assert figure(html, "potential").startswith("£32,000.00: not a target")
    year = re.search(r'<tr data-year="2026/27">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", year) == ["£600.00", "£400.00", "£0.00", "£0.00"]
    assert "Dis-benefit</strong>" in html and "Glasgow 60%, Fife 40%" in text(html)


def test_councils_shares_add_up_to_the_portfolio_never_more(benefit_world, sign_in):
    w = benefit_world
    _shares, glasgow = selectors.council_benefit_shares(w["glasgow"])
    _shares, fife = selectors.council_benefit_shares(w["fife"])
    assert (glasgow["cash_target"], glasgow["cash_realised"]) == (Decimal("600"), Decimal("300"))
    assert (glasgow["other_target"], glasgow["other_realised"]) == (Decimal("200"), Decimal("100"))
    assert (glasgow["dis_target"], glasgow["dis_realised"]) == (Decimal("300"), Decimal("50"))
    assert (fife["cash_target"], fife["cash_realised"]) == (Decimal("400"), Decimal("200"))
    portfolio = selectors.benefit_figures(selectors.benefit_list())
    assert glasgow["cash_target"] + glasgow["other_target"] + fife["cash_target"] == portfolio.benefits_target
    assert glasgow["cash_realised"] + glasgow["other_realised"] + fife["cash_realised"] == portfolio.benefits_realised

    html = html_of(sign_in("glasgow").get(f"/councils/{w['glasgow'].slug}/"))
    assert text(re.search(r"<p data-benefits>(.*?)</p>", html, re.S).group(1)) == (
        "Cash-releasing: £300.00 realised of £600.00 targeted. Other benefits valued in £: £100.00 of £200.00.")
    row = re.search(r"Contact centre savings</a></th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[-3:] == ["60%", "£300.00", "£600.00"]
    html = html_of(sign_in("fife").get(f"/councils/{w['fife'].slug}/"))
    assert text(re.search(r"<p data-benefits>(.*?)</p>", html, re.S).group(1)).startswith(
        "Cash-releasing: £200.00 realised of £400.00 targeted.")


def test_the_dashboard_headline_shows_realised_by_grade(benefit_world, sign_in):
    html = html_of(sign_in("staff").get("/dashboard/"))
    grades = dict(re.findall(r'<span data-grade="(\w+)">[^<]*?(£[\d,.]+)</span>', html))
    assert grades == {"estimated": "£200.00", "evidenced": "£300.00", "audited": "£100.00"}
    dis = text(re.search(r'data-benefits="dis-benefits">(.*?)</dd>', html, re.S).group(1))
    assert dis.startswith("£50.00 incurred of £300.00 expected")


def test_the_initiative_page_lists_its_benefits_with_shares_and_status(benefit_world, sign_in):
    html = html_of(sign_in("highland").get("/initiatives/DO-B001/"))
    table = text(html.split('data-table="initiative-benefits"')[1].split("</table>")[0])
    assert "Contact centre savings Cash-releasing saving Glasgow 60%, Fife 40% £1,000 £500 Being tracked" in table
    assert "Double running Dis-benefit" in table


# -- grades: who confirms, who audits ----------------------------------------------------------------------


def test_a_council_confirms_only_its_own_realisations_and_only_the_office_audits(benefit_world, sign_in):
    w = benefit_world
    s1, s2 = w["s1"], w["s2"]  # Glasgow's and Fife's realisations of the shared benefit
    confirm = f"/benefits/{w['s'].pk}/realisations/{{}}/confirm/"
    audit = f"/benefits/{w['s'].pk}/realisations/{{}}/audit/"
    assert sign_in("fife").post(confirm.format(s1.pk)).status_code == 403  # Glasgow's
    assert sign_in("staff").post(confirm.format(s1.pk)).status_code == 403  # the office confirms no council's
    assert sign_in("highland").post(confirm.format(s1.pk)).status_code == 403
    s1.refresh_from_db()
    assert not s1.confirmed
    assert sign_in("glasgow").post(audit.format(s2.pk)).status_code == 403  # no council audits
    assert sign_in("fife").post(audit.format(s2.pk)).status_code == 403  # not even its own
    s2.refresh_from_db()
    assert s2.grade == "evidenced"

    assert sign_in("staff").post(audit.format(s2.pk)).status_code == 302  # not yet confirmed by Fife: refused
    s2.refresh_from_db()
    assert s2.grade == "evidenced" and s2.audited_by is None
    assert sign_in("fife").post(confirm.format(s2.pk)).status_code == 302
    s2.refresh_from_db()
    assert s2.confirmed and s2.confirmed_by == w["people"]["fife"]
    assert sign_in("staff").post(audit.format(s2.pk)).status_code == 302
    s2.refresh_from_db()
    assert s2.grade == "audited" and s2.audited_by == w["people"]["staff"]
    html = html_of(sign_in("glasgow_viewer").get(f"/benefits/{w['s'].pk}/"))
    row = text(re.search(rf'<tr data-realisation="{s2.pk}">(.*?)</tr>', html, re.S).group(1))
    assert "Fife" in row and "Audited" in row and "Confirm" not in row and "Mark audited" not in row


def test_a_council_cannot_record_audited_nor_for_another_council_nor_evidenced_without_evidence(
        benefit_world, sign_in):
    w = benefit_world
    url = f"/benefits/{w['s'].pk}/realisations/new/"
    client = sign_in("glasgow")
    before = BenefitRealisation.objects.count()
    post = {"council": w["glasgow"].pk, "recorded_on": "2026-06-01", "value": "10"}
    assert "Select a valid choice" in html_of(client.post(url, {**post, "grade": "audited"}))
    assert "Select a valid choice" in html_of(client.post(url, {**post, "council": w["fife"].pk,
                                                                "grade": "estimated"}))
    html = html_of(client.post(url, {**post, "grade": "evidenced", "evidence_note": "Trust me"}))
    assert "needs its evidence: a note and a file or a link" in html
    assert "\nTrust me</textarea>" in html  # what was typed is kept
    assert BenefitRealisation.objects.count() == before
    assert sign_in("highland").get(url).status_code == 403  # an observer holding no share reports nothing

    upload = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4\nevidence\n", content_type="application/pdf")
    response = sign_in("glasgow").post(url, {**post, "grade": "evidenced", "evidence_note": "Ledger extract",
                                             "evidence_file": upload})
    assert response.status_code == 302
    made = BenefitRealisation.objects.latest("pk")
    assert made.grade == "evidenced" and made.council == w["glasgow"] and made.evidence_file.name
    w["s"].refresh_from_db()
    assert w["s"].realised_value == Decimal("510")  # the benefit's realised value follows its realisations
    evidence = f"/benefits/{w['s'].pk}/realisations/{made.pk}/evidence/"
    assert b"".join(sign_in("glasgow_viewer").get(evidence).streaming_content).startswith(b"%PDF-1.4")
    assert sign_in("highland").get(evidence).status_code == 404  # no share in it: not found


# -- after closure ---------------------------------------------------------------------------------------


def test_the_review_12_months_after_closure_is_made_once_and_done_when_each_benefit_is_settled(
        benefit_world, sign_in):
    w = benefit_world
    b = w["b"]
    with time_machine.travel(datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.UTC)):
        b.stage = "closed"
        b.save()
    with time_machine.travel(datetime.datetime(2026, 2, 27, 12, tzinfo=datetime.UTC)):
        create_benefit_reviews()
    assert not BenefitReview.objects.exists()  # less than 12 months
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC)):
        create_benefit_reviews()
        create_benefit_reviews()  # the job runs twice (or is delivered twice): one review
    review = BenefitReview.objects.get()
    assert (review.initiative, review.closed_on, review.due_on) == (b, datetime.date(2025, 3, 1),
                                                                     datetime.date(2026, 3, 1))
    assert Initiative.objects.filter(stage="closed").count() == 1 and BenefitReview.objects.count() == 1

    client = sign_in("glasgow")
    html = html_of(client.get("/benefits/"))
    assert "DO-B002 Waste app" in text(re.search(r'data-list="reviews">(.*?)</ul>', html, re.S).group(1))
    assert "Benefits review due 1 March 2026" in text(html_of(client.get("/initiatives/DO-B002/")))
    # still reported after closure
    response = client.post(f"/benefits/{w['g'].pk}/realisations/new/", {
        "council": w["glasgow"].pk, "recorded_on": "2026-03-02", "value": "40", "grade": "estimated"})
    assert response.status_code == 302
    status = f"/benefits/{w['g'].pk}/status/"
    html = html_of(client.post(status, {"status": "abandoned", "reason": ""}))
    assert "Say why the benefit is abandoned." in html
    w["g"].refresh_from_db()
    assert w["g"].status == "tracking"
    assert client.post(status, {"status": "abandoned", "reason": "The service was withdrawn."}).status_code == 302
    review.refresh_from_db()
    assert review.completed_on is not None  # its one benefit is settled
    with time_machine.travel(datetime.datetime(2026, 3, 3, 12, tzinfo=datetime.UTC)):
        create_benefit_reviews()
    assert BenefitReview.objects.count() == 1


def test_a_superseded_benefit_names_its_successor(benefit_world, sign_in):
    w = benefit_world
    client = sign_in("glasgow")
    status = f"/benefits/{w['h'].pk}/status/"
    assert "Name the benefit that supersedes this one." in html_of(client.post(status, {"status": "superseded"}))
    assert client.post(status, {"status": "superseded", "superseded_by": w["s"].pk}).status_code == 302
    w["h"].refresh_from_db()
    assert w["h"].superseded_by == w["s"]
    assert Benefit.objects.get(pk=w["h"].pk).get_status_display() == "Superseded"
    assert BenefitShare.objects.filter(benefit=w["h"]).exists()  # kept in the register, as it was


def test_a_new_benefit_accrues_whole_to_its_council_with_its_yearly_profile(benefit_world, sign_in):
    response = sign_in("glasgow").post("/initiatives/DO-B001/benefit/new/", {
        "title": "Postage saved", "council": benefit_world["glasgow"].pk, "category": "cash_releasing",
        "unit": "£", "baseline_value": "0", "target_profile": "2026/27: 1000\n2027/28 = 1500"})
    assert response.status_code == 302
    made = Benefit.objects.get(title="Postage saved")
    assert made.target_value == Decimal("2500")
    assert [(t.financial_year_label, t.value) for t in made.targets.all()] == [("2026/27", 1000), ("2027/28", 1500)]
    assert [(s.council.gss_code, s.percent) for s in made.shares.all()] == [(GLASGOW, 100)]
    html = html_of(sign_in("glasgow").post("/initiatives/DO-B001/benefit/new/", {
        "title": "Bad", "council": benefit_world["glasgow"].pk, "category": "cash_releasing", "unit": "£",
        "baseline_value": "0", "target_profile": "next year: 10"}))
    assert "is not a financial year. Write it like 2017/18." in html
