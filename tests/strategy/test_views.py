"""Strategy pages in the test client with the small demo data: what each role sees, and confidentiality
of maturity assessments (a Fife editor or viewer reaches no Glasgow assessment by any route)."""

import csv
import datetime
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.models import User
from councils.models import Council
from strategy.models import MaturityAssessment, MaturityLevel, Measure, MeasureReading, Outcome, Strategy

pytestmark = pytest.mark.django_db

CDO = "cdo@demo.digitaloffice.scot"
GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"
GLASGOW_VIEWER = "viewer@glasgow.demo.digitaloffice.scot"
FIFE_EDITOR = "editor@fife.demo.digitaloffice.scot"
FIFE_VIEWER = "viewer@fife.demo.digitaloffice.scot"  # made here: the demo has no Fife viewer
PARTNER = "partner@scottish-government.demo.digitaloffice.scot"
GLASGOW, FIFE = "S12000049", "S12000047"


def main_text(response) -> str:
    """The page's <main>, where the content is (the header shows the signed-in email address)."""
    html = response.content.decode()
    return html[html.index("<main"):html.index("</main>")]


@pytest.fixture
def fife_viewer(demo_data):
    return User.objects.create_user(FIFE_VIEWER, council=Council.objects.get(gss_code=FIFE), council_role="viewer")


@pytest.fixture(params=[FIFE_EDITOR, FIFE_VIEWER])
def fife_staff(request, login_as, fife_viewer):
    return login_as(request.param)


@pytest.fixture
def glasgow_assessment(demo_data):
    return MaturityAssessment.objects.filter(council__gss_code=GLASGOW).latest("assessed_on")


@pytest.fixture
def fife_assessment(demo_data):
    return MaturityAssessment.objects.filter(council__gss_code=FIFE).latest("assessed_on")


# -- the strategy page, coverage and measures -------------------------------------------------


@pytest.mark.parametrize("email", [CDO, GLASGOW_EDITOR, GLASGOW_VIEWER, PARTNER])
def test_strategy_page_shows_vision_outcomes_word_for_word_themes_and_rollups(login_as, email):
    response = login_as(email).get(reverse("strategy:overview"))
    assert response.status_code == 200
    text = main_text(response)
    assert "All councils will be digital businesses by 2020" in text
    for outcome in Outcome.objects.all():
        assert f"{outcome.title}</a>" in text  # in the list of six, word for word
    for theme in ("Digital Leadership", "Digital Foundations", "Digital Services"):
        assert theme in text
    assert "Initiatives serving this outcome" in text and "Not reported" in text
    for measure in Measure.objects.all():
        assert measure.title in text
    assert ("Add a measure to outcome 1" in text) == (email == CDO)
    assert ("Digital maturity of councils" in text) == (email != PARTNER)


def test_strategy_page_costs_a_fixed_number_of_queries(login_as, django_assert_max_num_queries):
    client = login_as(CDO)
    with django_assert_max_num_queries(15):
        client.get(reverse("strategy:overview"))


@pytest.mark.parametrize("email", [CDO, FIFE_EDITOR])
def test_pages_cost_a_bounded_number_of_queries(login_as, email, django_assert_max_num_queries):
    client = login_as(email)
    assessment = MaturityAssessment.objects.filter(council__gss_code=FIFE).first()
    for url in [
        reverse("strategy:overview"), reverse("strategy:coverage"),
        reverse("strategy:measure", args=[Measure.objects.first().pk]),
        reverse("strategy:maturity"), reverse("strategy:maturity_sector"),
        reverse("strategy:maturity_council", args=[assessment.council.slug]),
        reverse("strategy:maturity_assessment", args=[assessment.pk]),
    ]:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_coverage_page_lists_matrix_and_uncovered_outcomes(login_as):
    response = login_as(GLASGOW_VIEWER).get(reverse("strategy:coverage"))
    assert response.status_code == 200
    text = main_text(response)
    assert "Outcomes no live initiative serves" in text
    assert "Digital Foundations" in text
    for outcome in response.context["uncovered"]:
        assert outcome.title in text


def test_measure_page_has_a_chart_and_its_table(login_as):
    measure = Measure.objects.get(title="Share of transactions completed online")
    response = login_as(GLASGOW_VIEWER).get(reverse("strategy:measure", args=[measure.pk]))
    text = main_text(response)
    assert 'role="img"' in text and 'data-chart="measure-chart-data"' in text
    data = re.search(r'<script id="measure-chart-data" type="application/json">(.*?)</script>', text, re.S)
    chart = json.loads(data.group(1))
    assert chart["datasets"][2]["style"] == "target" and set(chart["datasets"][2]["data"]) == {70.0}
    assert "vendor/chart.js/chart.umd.js" in response.content.decode()
    for reading in measure.readings.all():
        assert reading.taken_on.strftime("%-d %b %Y") in text
    assert "Record a reading" not in text


@pytest.mark.parametrize("name", ["measure_create", "measure_edit", "reading_create", "readings_import"])
@pytest.mark.parametrize("email", [GLASGOW_EDITOR, PARTNER])
def test_only_the_digital_office_writes_measures(login_as, name, email):
    measure = Measure.objects.first()
    url = reverse(f"strategy:{name}", args=[] if name == "measure_create" else [measure.pk])
    client = login_as(email)
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x"}).status_code == 403


def test_cdo_defines_a_measure_and_records_a_reading(login_as):
    client = login_as(CDO)
    outcome = Outcome.objects.get(number=6)
    form = client.get(reverse("strategy:measure_create") + "?outcome=6").context["form"]
    assert form.initial["outcome"] == outcome
    response = client.post(reverse("strategy:measure_create"), {
        "outcome": outcome.pk, "title": "Staff with a digital skills plan", "unit": "%", "baseline": "10",
        "target": "5", "target_date": "2020-12-31", "higher_is_better": "True",
    })
    assert response.status_code == 200  # the target is below the baseline though higher is better
    assert "Error:" in response.content.decode().split("</title>")[0]
    assert 'value="Staff with a digital skills plan"' in response.content.decode()  # what was typed stays
    response = client.post(reverse("strategy:measure_create"), {
        "outcome": outcome.pk, "title": "Staff with a digital skills plan", "unit": "%", "baseline": "10",
        "target": "90", "target_date": "2020-12-31", "higher_is_better": "True",
    })
    measure = Measure.objects.get(title="Staff with a digital skills plan")
    assert response.status_code == 302 and response.url == reverse("strategy:measure", args=[measure.pk])
    response = client.post(reverse("strategy:reading_create", args=[measure.pk]), {
        "council": Council.objects.get(gss_code=FIFE).pk, "taken_on": "2019-03-31", "value": "12.5", "note": "Return",
    })
    assert response.status_code == 302
    reading = measure.readings.get()
    response = client.post(reverse("strategy:reading_edit", args=[measure.pk, reading.pk]), {
        "council": reading.council_id, "taken_on": "2019-03-31", "value": "13", "note": "Corrected",
    })
    assert response.status_code == 302
    page = main_text(client.get(reverse("strategy:measure", args=[measure.pk])))
    assert "Change history" in page and "12.50" in page and "13.00" in page  # before and after


def test_readings_import_upload_check_preview_apply(login_as):
    client = login_as(CDO)
    measure = Measure.objects.get(title="Share of transactions completed online")
    before = measure.readings.count()
    url = reverse("strategy:readings_import", args=[measure.pk])
    good = b"date,council,value,note\n2016-03-31,,30,From the 2016 survey\n2016-03-31,S12000047,28,\n"
    response = client.post(url, {"file": SimpleUploadedFile("readings.csv", good, content_type="text/csv")})
    preview_url = reverse("strategy:readings_import_preview", args=[measure.pk])
    assert response.status_code == 302 and response["Location"] == preview_url
    html = client.get(preview_url).content.decode()
    assert "Confirming will add 2, change 0 and leave 0 as they are." in html
    assert measure.readings.count() == before  # nothing yet
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    plan = re.search(r'name="plan" value="([^"]+)"', html).group(1)
    forged = client.post(preview_url, {"token": "forged", "plan": plan}, follow=True)
    assert "out of date" in forged.content.decode()
    assert measure.readings.count() == before
    response = client.post(preview_url, {"token": token, "plan": plan}, follow=True)
    assert "readings.csv is imported: 2 added, 0 changed, 0 already up to date." in response.content.decode()
    assert measure.readings.count() == before + 2
    again = client.post(preview_url, {"token": token, "plan": plan}, follow=True)
    assert "Upload a file to import first" in again.content.decode()
    assert measure.readings.count() == before + 2  # a second confirm does nothing


def test_readings_import_with_errors_lists_each_row_and_column_and_saves_nothing(login_as):
    client = login_as(CDO)
    measure = Measure.objects.get(title="Share of transactions completed online")
    before = measure.readings.count()
    bad = b"date,council,value\n2016-03-31,,30\n2016-13-01,,31\n2016-04-30,Nowhere,lots\n"
    response = client.post(reverse("strategy:readings_import", args=[measure.pk]),
                           {"file": SimpleUploadedFile("readings.csv", bad, content_type="text/csv")})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.split("</title>")[0].count("Error:") == 1
    summary = html[html.index('class="ds_error-summary"'):html.index("</ul>", html.index('class="ds_error-summary"'))]
    assert "Row 3, Date: “2016-13-01” is not a date." in summary
    assert "Row 4, Council: no council matches “Nowhere”." in summary
    assert "Row 4, Value: “lots” is not a number." in summary
    assert measure.readings.count() == before
    assert not MeasureReading.objects.filter(taken_on=datetime.date(2016, 3, 31)).exists()


# -- maturity: confidentiality -----------------------------------------------------------------


def maturity_urls(assessment):
    return [
        reverse("strategy:maturity"),
        reverse("strategy:maturity_sector"),
        reverse("strategy:maturity_council", args=[assessment.council.slug]),
        reverse("strategy:maturity_assessment", args=[assessment.pk]),
        reverse("strategy:assessment_create"),
        reverse("strategy:assessment_edit", args=[assessment.pk]),
        reverse("strategy:maturity_model"),
        reverse("strategy:dimension_create"),
        reverse("strategy:level_create"),
        reverse("strategy:maturity_threshold"),
        reverse("strategy:maturity") + "?export=csv",
        reverse("strategy:maturity_council", args=[assessment.council.slug]) + "?export=csv",
    ]


def test_partner_reaches_no_maturity_page(login_as, glasgow_assessment):
    """A council's assessments are its confidential records: a partner asking for them finds nothing (404, as
    another council's staff do), writes included; the maturity pages that are no council's record are refused to
    the partner's role (403, as to council staff where only the office may go)."""
    client = login_as(PARTNER)
    glasgow = glasgow_assessment.council
    records = {
        reverse("strategy:maturity_council", args=[glasgow.slug]),
        reverse("strategy:maturity_council", args=[glasgow.slug]) + "?export=csv",
        reverse("strategy:maturity_assessment", args=[glasgow_assessment.pk]),
        reverse("strategy:assessment_edit", args=[glasgow_assessment.pk]),
    }
    assert records <= set(maturity_urls(glasgow_assessment))
    for url in maturity_urls(glasgow_assessment):
        assert client.get(url).status_code == (404 if url in records else 403), url
    response = client.post(reverse("strategy:assessment_edit", args=[glasgow_assessment.pk]), {"notes": "x"})
    assert response.status_code == 404
    glasgow_assessment.refresh_from_db()
    assert glasgow_assessment.notes != "x"
    assert "Digital maturity" not in main_text(client.get(reverse("home")))


def test_fife_staff_reach_no_glasgow_assessment_by_url(fife_staff, glasgow_assessment):
    glasgow = glasgow_assessment.council
    for url in [
        reverse("strategy:maturity_council", args=[glasgow.slug]),
        reverse("strategy:maturity_council", args=[glasgow.slug]) + "?export=csv",
        reverse("strategy:maturity_council", args=[glasgow.slug]) + "?export=xlsx",
        reverse("strategy:maturity_assessment", args=[glasgow_assessment.pk]),
        reverse("strategy:assessment_edit", args=[glasgow_assessment.pk]),
    ]:
        assert fife_staff.get(url).status_code == 404, url
    response = fife_staff.post(reverse("strategy:assessment_edit", args=[glasgow_assessment.pk]),
                               {"assessed_on": "2020-01-01", "notes": "Changed by Fife"})
    assert response.status_code == 404
    glasgow_assessment.refresh_from_db()
    assert glasgow_assessment.notes != "Changed by Fife"


@pytest.mark.parametrize("query", [
    "", "?q=Glasgow", "?council=S12000049", "?council=S12000046", "?q=Demo", "?year=2019", "?overall_level=1",
    "?council=S12000049&q=Glasgow&year=2019", "?page=2",
])
def test_fife_staff_list_filters_and_search_show_only_fife(fife_staff, query, glasgow_assessment):
    response = fife_staff.get(reverse("strategy:maturity") + query)
    assert response.status_code == 200
    text = main_text(response)
    assert "Glasgow City" not in text  # the search box may echo "Glasgow"; no Glasgow record shows
    assert {a.council.gss_code for a in response.context["page"].object_list} <= {FIFE}


@pytest.mark.parametrize("query", ["", "?q=Glasgow", "?council=S12000049", "?year=2019"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_fife_staff_exports_hold_only_fife(fife_staff, query, fmt, glasgow_assessment):
    url = reverse("strategy:maturity") + (query + "&" if query else "?") + f"export={fmt}"
    response = fife_staff.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        rows = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Council", "GSS code"]
    assert {row[1] for row in rows[1:]} <= {FIFE}
    assert "Glasgow City" not in body.decode("utf-8-sig", errors="ignore")


def test_fife_staff_see_their_own_council(fife_staff, fife_assessment):
    fife = fife_assessment.council
    response = fife_staff.get(reverse("strategy:maturity_council", args=[fife.slug]))
    assert response.status_code == 200
    assert 'data-chart="council-maturity-chart-data"' in main_text(response)
    assert fife_staff.get(reverse("strategy:maturity_assessment", args=[fife_assessment.pk])).status_code == 200
    export = fife_staff.get(reverse("strategy:maturity_council", args=[fife.slug]) + "?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) - 1 == MaturityAssessment.objects.filter(council=fife).count()
    # Reading is all they may do.
    assert fife_staff.get(reverse("strategy:assessment_edit", args=[fife_assessment.pk])).status_code == 403
    assert fife_staff.get(reverse("strategy:assessment_create")).status_code == 403
    assert fife_staff.get(reverse("strategy:maturity_threshold")).status_code == 403
    assert fife_staff.get(reverse("strategy:maturity_model")).status_code == 403


def test_sector_view_names_no_council_to_council_staff(fife_staff, demo_data):
    strategy = Strategy.objects.get()
    strategy.digital_business_level = MaturityLevel.objects.get(rank=3)
    strategy.save()
    response = fife_staff.get(reverse("strategy:maturity_sector"))
    assert response.status_code == 200
    text = main_text(response)
    for name in Council.objects.values_list("name", flat=True):
        assert name not in text, name
    assert response.context["by_name"] is None
    assert "Your council" in text
    assert "councils were digital businesses" in text


def test_sector_view_names_councils_to_the_digital_office(login_as):
    response = login_as(CDO).get(reverse("strategy:maturity_sector"))
    text = main_text(response)
    assert "Glasgow City" in text and "Fife" in text and "By council" in text
    assert "councils were digital businesses" in text  # the demo sets a placeholder threshold
    Strategy.objects.update(digital_business_level=None)
    assert "not yet set the level" in main_text(login_as(CDO).get(reverse("strategy:maturity_sector")))


def test_cdo_sees_every_council_and_records_an_assessment(login_as, glasgow_assessment):
    client = login_as(CDO)
    response = client.get(reverse("strategy:maturity") + "?council=S12000049")
    assert {a.council.gss_code for a in response.context["page"].object_list} == {GLASGOW}
    assert client.get(reverse("strategy:maturity_assessment", args=[glasgow_assessment.pk])).status_code == 200
    form = client.get(reverse("strategy:assessment_create") + "?council=S12000047").context["form"]
    dimension_fields = [name for name in form.fields if name.startswith("dimension_")]
    assert len(dimension_fields) == 5
    level = MaturityLevel.objects.get(rank=4)
    data = {"council": Council.objects.get(gss_code=FIFE).pk, "assessed_on": "2015-06-01", "overall_level": level.pk,
            "notes": "Baseline assessment"}
    response = client.post(reverse("strategy:assessment_create"), data)  # no dimension levels
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert 'Baseline assessment</textarea>' in response.content.decode()
    data.update({name: level.pk for name in dimension_fields})
    response = client.post(reverse("strategy:assessment_create"), data)
    assert response.status_code == 302
    assessment = MaturityAssessment.objects.get(council__gss_code=FIFE, assessed_on=datetime.date(2015, 6, 1))
    assert assessment.scores.count() == 5


def test_cdo_edits_an_assessment_and_its_history_shows(login_as, glasgow_assessment):
    client = login_as(CDO)
    form = client.get(reverse("strategy:assessment_edit", args=[glasgow_assessment.pk])).context["form"]
    data = {name: (value.pk if hasattr(value, "pk") else value) for name, value in form.initial.items()}
    data["assessed_on"] = glasgow_assessment.assessed_on.isoformat()
    data["notes"] = "Revised after the review"
    new_level = MaturityLevel.objects.exclude(pk=glasgow_assessment.overall_level_id).first()
    data["overall_level"] = new_level.pk
    response = client.post(reverse("strategy:assessment_edit", args=[glasgow_assessment.pk]), data)
    assert response.status_code == 302
    page = main_text(client.get(reverse("strategy:maturity_assessment", args=[glasgow_assessment.pk])))
    assert "Revised after the review" in page
    assert str(new_level) in page and str(glasgow_assessment.overall_level) in page  # after and before


def test_cdo_renames_a_level_and_sets_the_threshold(login_as):
    client = login_as(CDO)
    level = MaturityLevel.objects.get(rank=4)
    response = client.post(reverse("strategy:level_edit", args=[level.pk]), {"rank": 4, "name": "Digital business"})
    assert response.status_code == 302
    response = client.post(reverse("strategy:maturity_threshold"), {"level": level.pk})
    assert response.status_code == 302
    text = main_text(client.get(reverse("strategy:maturity_sector")))
    assert "“4. Digital business” or higher" in text
    assert re.search(r"\d+ of 32", text)
