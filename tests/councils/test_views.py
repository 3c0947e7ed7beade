"""The funding pages over HTTP: who sees what, forms, import, and downloads that match the pages."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from councils.models import Contribution, Council, FundingAgreement, Payment

pytestmark = pytest.mark.django_db

CDO = "cdo@demo.digitaloffice.scot"
GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"
GLASGOW_VIEWER = "viewer@glasgow.demo.digitaloffice.scot"
FIFE_EDITOR = "editor@fife.demo.digitaloffice.scot"
PARTNER = "partner@scottish-government.demo.digitaloffice.scot"
GLASGOW, FIFE = "S12000049", "S12000047"


def glasgow_contribution():
    contributions = Contribution.objects.filter(council__gss_code=GLASGOW).select_related("council")
    return contributions.order_by("-financial_year")[1]


def founding():
    return FundingAgreement.objects.get(title="Founding agreement")


# -- who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize(("email", "expected"), [(CDO, 200), (GLASGOW_EDITOR, 302), (GLASGOW_VIEWER, 302),
                                                 (PARTNER, 403)])
def test_the_ledger_by_role(login_as, email, expected):
    response = login_as(email).get(reverse("councils:ledger"))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == reverse("councils:funding_council", args=["glasgow-city"])


def test_anonymous_visitors_are_sent_to_sign_in(client, demo_data):
    response = client.get(reverse("councils:ledger"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("email", "expected"), [(CDO, 200), (GLASGOW_EDITOR, 403), (GLASGOW_VIEWER, 403),
                                                 (PARTNER, 403)])
def test_agreement_and_year_pages_are_for_the_digital_office(login_as, email, expected):
    client = login_as(email)
    assert client.get(reverse("councils:agreement", args=[founding().pk])).status_code == expected
    assert client.get(reverse("councils:year", args=[2017])).status_code == expected
    assert client.get(reverse("councils:agreement", args=[founding().pk]) + "?export=csv").status_code == expected


@pytest.mark.parametrize(("email", "expected"), [(CDO, 200), (GLASGOW_EDITOR, 200), (GLASGOW_VIEWER, 200),
                                                 (FIFE_EDITOR, 404), (PARTNER, 404)])
def test_a_council_page_is_for_its_own_staff_and_the_digital_office(login_as, email, expected):
    client = login_as(email)
    assert client.get(reverse("councils:funding_council", args=["glasgow-city"])).status_code == expected
    assert client.get(reverse("councils:contribution", args=[glasgow_contribution().pk])).status_code == expected


def test_council_staff_see_only_their_own_figures(login_as):
    html = login_as(GLASGOW_VIEWER).get(reverse("councils:funding_council", args=["glasgow-city"])).content.decode()
    assert "Glasgow City" in html
    assert "Fife" not in html and "Edinburgh" not in html
    assert "Record a payment" not in html and "Edit contribution" not in html
    exported = login_as(GLASGOW_VIEWER).get(reverse("councils:contributions_export") + "?export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert rows and {row["GSS code"] for row in rows} == {GLASGOW}


def test_partners_get_no_funding_download(login_as):
    assert login_as(PARTNER).get(reverse("councils:contributions_export")).status_code == 403


@pytest.mark.parametrize("email", [GLASGOW_EDITOR, GLASGOW_VIEWER])
def test_council_staff_may_not_write_their_own_councils_funding(login_as, email):
    client = login_as(email)
    contribution = glasgow_contribution()
    before = (contribution.amount_due, Payment.objects.count())
    edit = reverse("councils:contribution_edit", args=[contribution.pk])
    pay = reverse("councils:payment_create", args=[contribution.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"amount_due": "1", "due_date": "2017-06-30"}).status_code == 403
    assert client.post(pay, {"amount": "1", "paid_on": "2017-06-30"}).status_code == 403
    assert client.get(reverse("councils:contribution_create")).status_code == 403
    assert client.get(reverse("councils:import")).status_code == 403
    assert client.get(reverse("councils:agreement_create")).status_code == 403
    contribution.refresh_from_db()
    assert (contribution.amount_due, Payment.objects.count()) == before


def test_another_councils_records_are_not_found_even_to_write(login_as):
    client = login_as(FIFE_EDITOR)
    contribution = glasgow_contribution()
    assert client.get(reverse("councils:contribution_edit", args=[contribution.pk])).status_code == 404
    assert client.post(reverse("councils:payment_create", args=[contribution.pk]),
                       {"amount": "1", "paid_on": "2017-06-30"}).status_code == 404
    payment = Payment.objects.filter(contribution__council__gss_code=GLASGOW).first()
    assert client.post(reverse("councils:payment_delete", args=[payment.pk])).status_code == 404
    assert Payment.objects.filter(pk=payment.pk).exists()


# -- pages and forms ----------------------------------------------------------------------------


def test_the_ledger_page_costs_a_bounded_number_of_queries(login_as, django_assert_max_num_queries):
    client = login_as(CDO)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("councils:ledger")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("councils:funding_council", args=["glasgow-city"])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("councils:year", args=[2017])).status_code == 200


def test_recording_a_payment_keeps_what_was_typed_when_refused(login_as):
    client = login_as(CDO)
    contribution = Contribution.objects.filter(payments__isnull=True, council__gss_code=GLASGOW).first() or \
        glasgow_contribution()
    url = reverse("councils:payment_create", args=[contribution.pk])
    response = client.post(url, {"amount": "99999999", "paid_on": "2017-06-30", "reference": "BACS 77"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html and "ds_error-summary" in html
    assert "more than the" in html
    assert 'value="BACS 77"' in html and 'value="99999999"' in html


def test_digital_office_staff_record_a_payment_and_see_it_in_the_history(login_as):
    client = login_as(CDO)
    contribution = Contribution.objects.get(council__gss_code=GLASGOW, financial_year=2016)
    Payment.objects.filter(contribution=contribution).delete()
    response = client.post(reverse("councils:payment_create", args=[contribution.pk]),
                           {"amount": "100.00", "paid_on": "2016-06-01", "reference": "BACS 1"})
    assert response.status_code == 302
    html = client.get(reverse("councils:contribution", args=[contribution.pk])).content.decode()
    history = html[html.index('id="history"'):]
    assert "created a payment" in history and "BACS 1" in history
    assert str(Payment.objects.get(reference="BACS 1").history.get().history_user) in history


def test_editing_a_contribution_shows_before_and_after(login_as):
    client = login_as(CDO)
    contribution = glasgow_contribution()
    old_amount = contribution.amount_due
    response = client.post(reverse("councils:contribution_edit", args=[contribution.pk]), {
        "amount_due": str(old_amount + 10), "due_date": "2017-07-31", "invoice_number": "INV-X",
        "invoice_date": "2017-05-05", "notes": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(reverse("councils:contribution", args=[contribution.pk])).content.decode()
    assert "changed the contribution" in html and "INV-X" in html and f"£{old_amount:,.2f}" in html


# -- import -------------------------------------------------------------------------------------

BAD_FILE = """Council,GSS code,Financial year,Amount due (£),Due date,Invoice number,Invoice date
Glasgow City,S12000049,2017/18,50000,2017-06-30,,
Glasgo,,2017/18,25000,2017-06-30,,
Fife,,2017/18,twenty thousand,2017-06-30,,
Highland,,2017/18,-500,2017-06-30,,
Glasgow City,,2017/18,50000,2017-06-30,,
Dundee City,,2021/22,17000,2021-06-30,,
"""

BAD_FILE_MESSAGES = [
    "Row 3, Council: no council matches “Glasgo”. Use the council&#x27;s GSS code (like S12000049), an old GSS code, "
    "or its name.",
    "Row 4, Amount due (£): “twenty thousand” is not an amount of money. Write it in pounds, like 25000 or 25000.50.",
    "Row 5, Amount due (£): -500 is negative: amounts cannot be below zero.",
    "Row 6: this repeats row 2 (Glasgow City, 2017/18): give each council and year once.",
    "Row 7, Financial year: 2021/22 is outside Founding agreement (2016/17 to 2018/19).",
]


def upload(client, content: bytes, name="ledger.csv", kind="contributions", agreement=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("councils:import"), {
        "agreement": (agreement or founding()).pk, "kind": kind, "file": SimpleUploadedFile(name, content),
    })


def test_a_bad_file_is_refused_with_one_message_per_row_and_column(login_as):
    client = login_as(CDO)
    before = (Contribution.objects.count(), Contribution.history.count())
    response = upload(client, BAD_FILE.encode())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "ledger.csv has 5 problems, so nothing was saved" in html
    summary = html[html.index('class="ds_error-summary"'):html.index("</ul>", html.index('class="ds_error-summary"'))]
    assert re.findall(r'<a href="#id_file">(.*?)</a>', summary) == BAD_FILE_MESSAGES
    assert (Contribution.objects.count(), Contribution.history.count()) == before
    assert "funding_import" not in client.session


def test_a_good_file_goes_upload_preview_confirm_and_a_second_time_changes_nothing(login_as):
    client = login_as(CDO)
    glasgow = Contribution.objects.get(council__gss_code=GLASGOW, financial_year=2017)
    content = (
        "Council,Financial year,Amount due (£),Due date\n"
        f"S12000046,2017/18,{glasgow.amount_due + 1000},{glasgow.due_date:%d/%m/%Y}\n"  # Glasgow's old code
        f"Fife,2017/18,{Contribution.objects.get(council__gss_code=FIFE, financial_year=2017).amount_due},2017-06-30\n"
    ).encode()
    response = upload(client, content)
    assert response.status_code == 302 and response["Location"] == reverse("councils:import_preview")
    assert Contribution.objects.get(pk=glasgow.pk).amount_due == glasgow.amount_due  # nothing saved yet
    preview = client.get(reverse("councils:import_preview"))
    html = preview.content.decode()
    assert "Confirming will add 0, change 1 and leave 1 as they are." in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    plan = re.search(r'name="plan" value="([^"]+)"', html).group(1)
    confirmed = client.post(reverse("councils:import_preview"), {"token": token, "plan": plan}, follow=True)
    assert "1 changed" in confirmed.content.decode()
    assert Contribution.objects.get(pk=glasgow.pk).amount_due == glasgow.amount_due + 1000
    records = Contribution.history.count()

    upload(client, content)
    html = client.get(reverse("councils:import_preview")).content.decode()
    assert "Confirming will add 0, change 0 and leave 2 as they are." in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    plan = re.search(r'name="plan" value="([^"]+)"', html).group(1)
    client.post(reverse("councils:import_preview"), {"token": token, "plan": plan})
    assert Contribution.history.count() == records


def test_a_confirm_for_another_file_is_refused(login_as):
    client = login_as(CDO)
    fife = Contribution.objects.get(council__gss_code=FIFE, financial_year=2017)
    response = upload(client, f"Council,Financial year,Amount due,Due date\nFife,2017/18,{fife.amount_due},2017-06-30\n"
                      .encode())
    assert response.status_code == 302
    response = client.post(reverse("councils:import_preview"), {"token": "not-the-stashed-file", "plan": "x"},
                           follow=True)
    assert "out of date" in response.content.decode()


def test_the_templates_download(login_as):
    client = login_as(CDO)
    response = client.get(reverse("councils:import_template", args=[founding().pk, "contributions"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Council", "GSS code", "Financial year", "Amount due (£)", "Due date", "Invoice number",
                       "Invoice date")
    assert len(rows) - 1 == Contribution.objects.filter(agreement=founding()).count() + sum(
        1 for row in rows[1:] if row[3] is None)
    payments = client.get(reverse("councils:import_template", args=[founding().pk, "payments"]) + "?export=csv")
    header = b"".join(payments.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header == "Council,GSS code,Financial year,Amount paid (£),Paid on,Reference"


# -- exports match the pages --------------------------------------------------------------------


def money(text):
    return Decimal(text.strip().replace("£", "").replace(",", ""))


def page_rows(html, attribute):
    """{row key: {figure: value}} from the rows of the page's tables marked with data-<attribute>."""
    rows = {}
    for key, body in re.findall(rf'<tr data-{attribute}="([^"]+)"[^>]*>(.*?)</tr>', html, re.S):
        cells = dict(re.findall(r'data-figure="(\w+)">([^<]*)<', body))
        rows.setdefault(key, {}).update(cells)
    return rows


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_ledger_download_has_the_figures_of_the_page(login_as):
    client = login_as(CDO)
    html = client.get(reverse("councils:ledger")).content.decode()
    page = page_rows(html, "year")
    exported = csv_rows(client.get(reverse("councils:ledger") + "?export=csv"))
    assert len(exported) == len(page) > 3
    for row in exported:
        year = row["Financial year"][:4]
        assert money(page[year]["due"]) == Decimal(row["Due (£)"])
        assert money(page[year]["paid"]) == Decimal(row["Paid (£)"])
        assert money(page[year]["outstanding"]) == Decimal(row["Outstanding (£)"])
        assert money(page[year]["overdue"]) == Decimal(row["Overdue (£)"])
        assert int(page[year]["paying_members"]) == int(row["Paying members"])
    workbook = load_workbook(io.BytesIO(client.get(reverse("councils:ledger") + "?export=xlsx").content))
    xlsx = list(workbook.active.iter_rows(values_only=True))
    assert [Decimal(str(value)) for value in xlsx[1][2:6]] == [
        Decimal(exported[0][key]) for key in ("Due (£)", "Paid (£)", "Outstanding (£)", "Overdue (£)")]


@pytest.mark.parametrize("page_name", ["year", "council"])
def test_a_year_or_council_download_has_the_figures_of_the_page(login_as, page_name):
    client = login_as(CDO)
    url = reverse("councils:year", args=[2017]) if page_name == "year" else \
        reverse("councils:funding_council", args=["glasgow-city"])
    html = client.get(url).content.decode()
    page = page_rows(html, "contribution")
    exported = csv_rows(client.get(url + "?export=csv"))
    assert len(exported) == len(page) > 0
    contributions = {c.pk: c for c in Contribution.objects.select_related("council")}
    for pk, figures in page.items():
        contribution = contributions[int(pk)]
        row = next(r for r in exported if r["GSS code"] == contribution.council.gss_code
                   and r["Financial year"] == contribution.financial_year_label)
        assert money(figures["due"]) == Decimal(row["Amount due (£)"])
        assert money(figures["paid"]) == Decimal(row["Paid (£)"])
        assert money(figures["outstanding"]) == Decimal(row["Outstanding (£)"])
    totals = re.search(r'<tfoot>(.*?)</tfoot>', html, re.S).group(1)
    total_due = money(re.search(r'data-figure="due">([^<]*)<', totals).group(1))
    assert total_due == sum(Decimal(r["Amount due (£)"]) for r in exported)


def test_digital_office_staff_add_an_agreement_then_a_contribution(login_as):
    client = login_as(CDO)
    last = FundingAgreement.objects.order_by("-last_year").first().last_year
    response = client.post(reverse("councils:agreement_create"), {
        "title": "Next agreement", "description": "", "first_year": last + 1, "last_year": last + 2,
        "budget": "1200000",
    })
    assert response.status_code == 302
    agreement = FundingAgreement.objects.get(title="Next agreement")
    overlapping = client.post(reverse("councils:agreement_create"), {
        "title": "Overlapping", "first_year": last + 2, "last_year": last + 3, "budget": "1"})
    assert "overlap Next agreement" in overlapping.content.decode()
    fields = {"agreement": agreement.pk, "council": Council.objects.get(gss_code=FIFE).pk,
              "financial_year": last + 1, "amount_due": "30000", "due_date": f"{last + 1}-06-30",
              "invoice_number": "", "invoice_date": "", "notes": "First year of the new agreement."}
    response = client.post(reverse("councils:contribution_create"), fields)
    assert response.status_code == 302
    contribution = Contribution.objects.get(agreement=agreement)
    assert response["Location"] == reverse("councils:contribution", args=[contribution.pk])
    again = client.post(reverse("councils:contribution_create"), fields)
    html = again.content.decode()
    assert again.status_code == 200 and "already has a contribution for that financial year" in html
    assert "First year of the new agreement." in html and 'value="30000"' in html


def test_the_contribution_form_is_prefilled_from_the_page_it_came_from(login_as):
    html = login_as(CDO).get(reverse("councils:contribution_create") + "?council=fife&year=2017").content.decode()
    assert re.search(r'<option value="\d+" selected>Fife</option>', html)
    assert '<option value="2017" selected>2017/18</option>' in html
    assert re.search(r'<option value="\d+" selected>Founding agreement', html)
