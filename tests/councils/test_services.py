"""Writes to the funding ledger: agreements, contributions, payments, and spreadsheet imports."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from core.imports import ImportChanged, ImportRejected
from core.models import User
from councils import selectors, services
from councils.models import Contribution, FundingAgreement, Payment
from tests.conftest import signed_in_with_two_factor
from tests.councils.factories import ContributionFactory, FundingAgreementFactory, PaymentFactory, council

pytestmark = pytest.mark.django_db

D = Decimal
GLASGOW, FIFE, HIGHLAND = "S12000049", "S12000047", "S12000017"
TODAY = datetime.date(2019, 1, 15)


@pytest.fixture
def cdo():
    return signed_in_with_two_factor(
        User.objects.create_user("cdo-test@example.org", "x" * 16, is_digital_office_staff=True)
    )


@pytest.fixture
def glasgow_editor():
    return User.objects.create_user("ed@example.org", "x" * 16, council=council(GLASGOW), council_role="editor")


@pytest.fixture
def agreement():
    return FundingAgreementFactory(title="Founding agreement", first_year=2016, last_year=2018, budget=D("900000.00"))


# -- agreements ---------------------------------------------------------------------------------


def test_digital_office_staff_record_an_agreement_and_the_history_says_who(cdo):
    agreement = services.agreement_create(user=cdo, title="Founding agreement", first_year=2016, last_year=2018,
                                          budget=D("900000.00"), description="Three years.")
    assert agreement.period_label == "2016/17 to 2018/19"
    assert agreement.history.get().history_user == cdo


def test_agreements_may_not_overlap(cdo, agreement):
    with pytest.raises(ValidationError) as error:
        services.agreement_create(user=cdo, title="Extension", first_year=2018, last_year=2019, budget=D("1"))
    assert "overlap" in str(error.value.error_dict["first_year"])
    assert services.agreement_create(user=cdo, title="Extension", first_year=2019, last_year=2020, budget=D("1"))


def test_an_agreement_keeps_the_years_it_has_contributions_for(cdo, agreement):
    ContributionFactory(agreement=agreement, financial_year=2018)
    with pytest.raises(ValidationError) as error:
        services.agreement_update(user=cdo, agreement=agreement, last_year=2017)
    assert "2018/19" in str(error.value)


def test_council_staff_may_not_write_funding(glasgow_editor, agreement):
    with pytest.raises(PermissionDenied):
        services.agreement_create(user=glasgow_editor, title="x", first_year=2030, last_year=2031, budget=D("1"))
    with pytest.raises(PermissionDenied):
        services.contribution_create(user=glasgow_editor, agreement=agreement, council=council(GLASGOW),
                                     financial_year=2017, amount_due=D("1"), due_date=TODAY)
    contribution = ContributionFactory(agreement=agreement)
    with pytest.raises(PermissionDenied):
        services.contribution_record_payment(user=glasgow_editor, contribution=contribution, amount=D("1"),
                                             paid_on=TODAY)
    assert not Payment.objects.exists()


# -- contributions and payments -----------------------------------------------------------------


def test_a_contribution_must_fall_in_its_agreement(cdo, agreement):
    with pytest.raises(ValidationError) as error:
        services.contribution_create(user=cdo, agreement=agreement, council=council(GLASGOW), financial_year=2019,
                                     amount_due=D("25000"), due_date=datetime.date(2019, 6, 30))
    assert "2019/20 is outside Founding agreement" in str(error.value.error_dict["financial_year"])


def test_one_contribution_per_council_and_year(cdo, agreement):
    fields = dict(agreement=agreement, council=council(GLASGOW), financial_year=2017, amount_due=D("25000"),
                  due_date=datetime.date(2017, 6, 30))
    services.contribution_create(user=cdo, **fields)
    with pytest.raises(ValidationError, match="already has a contribution"):
        services.contribution_create(user=cdo, **fields)


def test_an_invoice_number_needs_its_date(cdo, agreement):
    with pytest.raises(ValidationError) as error:
        services.contribution_create(user=cdo, agreement=agreement, council=council(GLASGOW), financial_year=2017,
                                     amount_due=D("25000"), due_date=datetime.date(2017, 6, 30), invoice_number="I-1")
    assert "invoice_date" in error.value.error_dict


def test_every_change_to_a_contribution_is_in_the_history_with_before_and_after(cdo, agreement):
    contribution = services.contribution_create(user=cdo, agreement=agreement, council=council(GLASGOW),
                                                financial_year=2017, amount_due=D("25000.00"),
                                                due_date=datetime.date(2017, 6, 30))
    services.contribution_update(user=cdo, contribution=contribution, amount_due=D("26000.00"),
                                 invoice_number="INV-9", invoice_date=datetime.date(2017, 5, 2))
    payment = services.contribution_record_payment(user=cdo, contribution=contribution, amount=D("1000.00"),
                                                   paid_on=datetime.date(2017, 6, 1), reference="BACS 1")
    services.payment_update(user=cdo, payment=payment, amount=D("1500.00"))
    services.payment_delete(user=cdo, payment=payment)
    history = selectors.contribution_history(contribution)
    assert [(entry["kind"], entry["record"].history_type) for entry in history] == [
        ("payment", "-"), ("payment", "~"), ("payment", "+"), ("contribution", "~"), ("contribution", "+"),
    ]
    assert all(entry["record"].history_user == cdo for entry in history)
    changed = {c.field: (c.old, c.new) for c in history[3]["changes"]}
    assert changed["Amount due (£)"] == ("£25,000.00", "£26,000.00")
    assert changed["Invoice number"] == (None, "INV-9")
    assert {c.field: (c.old, c.new) for c in history[1]["changes"]} == {"Amount (£)": ("£1,000.00", "£1,500.00")}
    assert {c.field: c.old for c in history[0]["changes"]}["Reference"] == "BACS 1"


def test_a_payment_may_not_take_the_total_above_the_amount_due(cdo):
    contribution = ContributionFactory(amount_due=D("25000.00"))
    services.contribution_record_payment(user=cdo, contribution=contribution, amount=D("20000.00"),
                                         paid_on=datetime.date(2017, 6, 1))
    with pytest.raises(ValidationError) as error:
        services.contribution_record_payment(user=cdo, contribution=contribution, amount=D("5000.01"),
                                             paid_on=datetime.date(2017, 6, 2))
    assert "£25,000.01" in str(error.value.error_dict["amount"])
    payment = services.contribution_record_payment(user=cdo, contribution=contribution, amount=D("5000.00"),
                                                   paid_on=datetime.date(2017, 6, 2))
    assert selectors.contribution_status(contribution, on=datetime.date(2017, 7, 1)) == "paid"
    with pytest.raises(ValidationError):
        services.contribution_update(user=cdo, contribution=contribution, amount_due=D("24999.99"))
    assert payment.pk


def test_a_payment_is_not_dated_in_the_future_nor_zero(cdo):
    contribution = ContributionFactory()
    with pytest.raises(ValidationError) as error:
        services.contribution_record_payment(user=cdo, contribution=contribution, amount=D("1"),
                                             paid_on=datetime.date.today() + datetime.timedelta(days=1))
    assert "future" in str(error.value)
    with pytest.raises(ValidationError):
        services.contribution_record_payment(user=cdo, contribution=contribution, amount=D("0"),
                                             paid_on=datetime.date(2017, 6, 1))


# -- import -------------------------------------------------------------------------------------

CONTRIBUTION_HEADER = ["Council", "GSS code", "Financial year", "Amount due (£)", "Due date", "Invoice number",
                       "Invoice date"]
PAYMENT_HEADER = ["Council", "GSS code", "Financial year", "Amount paid (£)", "Paid on", "Reference"]


def csv_file(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_file(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_CONTRIBUTIONS = [
    ["Glasgow City", "S12000049", "2017/18", "25,000.00", "2017-06-30", "INV-1", "01/05/2017"],
    ["Fife Council", "", "2017/18", "£18000", "30/06/2017", "", ""],
    ["", "S12000017", "2017", "15000.5", "2017-06-30", "", ""],
    ["Perth & Kinross", "", "2018/19", "9000", "2018-06-30", "", ""],
]


def check(user, agreement, content, kind="contributions", filename="ledger.csv"):
    return services.contributions_import_check(user=user, agreement=agreement, kind=kind, content=content,
                                               filename=filename, today=TODAY)


def apply(user, agreement, content, kind="contributions", filename="ledger.csv", **kwargs):
    return services.contributions_import_apply(user=user, agreement=agreement, kind=kind, content=content,
                                               filename=filename, today=TODAY, **kwargs)


def test_a_good_file_is_previewed_without_saving_then_applied(cdo, agreement):
    content = csv_file(CONTRIBUTION_HEADER, GOOD_CONTRIBUTIONS)
    preview = check(cdo, agreement, content)
    assert preview.is_valid, [str(p) for p in preview.problems]
    assert (preview.created, preview.updated, preview.unchanged) == (4, 0, 0)
    assert not Contribution.objects.exists()
    applied = apply(cdo, agreement, content, expected_plan=preview.plan_digest)
    assert applied.created == 4
    glasgow = Contribution.objects.get(council__gss_code=GLASGOW)
    assert glasgow.amount_due == D("25000.00") and glasgow.invoice_date == datetime.date(2017, 5, 1)
    assert Contribution.objects.get(council__gss_code=FIFE).amount_due == D("18000.00")
    assert Contribution.objects.get(council__gss_code=HIGHLAND).amount_due == D("15000.50")
    assert Contribution.objects.get(council__name="Perth and Kinross").financial_year == 2018
    assert glasgow.history.get().history_user == cdo


def test_importing_the_same_file_twice_changes_nothing_the_second_time(cdo, agreement):
    content = xlsx_file(CONTRIBUTION_HEADER, GOOD_CONTRIBUTIONS)
    apply(cdo, agreement, content, filename="ledger.xlsx")
    records = Contribution.history.count()
    again = apply(cdo, agreement, content, filename="ledger.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Contribution.objects.count() == 4
    assert Contribution.history.count() == records


def test_a_changed_amount_updates_the_contribution(cdo, agreement):
    apply(cdo, agreement, csv_file(CONTRIBUTION_HEADER, GOOD_CONTRIBUTIONS))
    rows = [list(row) for row in GOOD_CONTRIBUTIONS]
    rows[0][3] = "26000"
    rows[0][5] = rows[0][6] = ""  # a blank invoice keeps what is recorded
    preview = apply(cdo, agreement, csv_file(CONTRIBUTION_HEADER, rows))
    assert (preview.created, preview.updated, preview.unchanged) == (0, 1, 3)
    glasgow = Contribution.objects.get(council__gss_code=GLASGOW)
    assert glasgow.amount_due == D("26000.00") and glasgow.invoice_number == "INV-1"


def test_old_gss_codes_are_accepted(cdo, agreement):
    """Glasgow was S12000046 and Fife S12000015 before the boundary changes."""
    content = csv_file(["GSS code", "Financial year", "Amount due", "Due date"], [
        ["S12000046", "2016/17", "20000", "2016-06-30"],
        ["s12000015", "2016/17", "17000", "2016-06-30"],
    ])
    apply(cdo, agreement, content)
    assert set(Contribution.objects.values_list("council__gss_code", flat=True)) == {GLASGOW, FIFE}


BAD_ROWS = [
    # the kind of problem, the row, the message
    ("unknown council", ["Glasgo", "", "2017/18", "25000", "2017-06-30", "", ""],
     "Row 3, Council: no council matches “Glasgo”. Use the council's GSS code (like S12000049), an old GSS code, "
     "or its name."),
    ("unknown code", ["", "S99999999", "2017/18", "25000", "2017-06-30", "", ""],
     "Row 3, GSS code: no council has the GSS code “S99999999”."),
    ("non-numeric amount", ["Fife", "", "2017/18", "twenty thousand", "2017-06-30", "", ""],
     "Row 3, Amount due (£): “twenty thousand” is not an amount of money. Write it in pounds, like 25000 or 25000.50."),
    ("negative amount", ["Fife", "", "2017/18", "-500", "2017-06-30", "", ""],
     "Row 3, Amount due (£): -500 is negative: amounts cannot be below zero."),
    ("duplicate row", ["Glasgow City", "", "2017/18", "25000", "2017-06-30", "", ""],
     "Row 3: this repeats row 2 (Glasgow City, 2017/18): give each council and year once."),
    ("year outside the agreement", ["Fife", "", "2019/20", "25000", "2019-06-30", "", ""],
     "Row 3, Financial year: 2019/20 is outside Founding agreement (2016/17 to 2018/19)."),
    ("not a year", ["Fife", "", "2017/19", "25000", "2017-06-30", "", ""],
     "Row 3, Financial year: “2017/19” is not a financial year. Write it like 2017/18."),
    ("not a date", ["Fife", "", "2017/18", "25000", "31/02/2017", "", ""],
     "Row 3, Due date: “31/02/2017” is not a date. Write it like 2017-06-30 or 30/06/2017."),
]


@pytest.mark.parametrize(("kind", "bad_row", "message"), BAD_ROWS, ids=[row[0] for row in BAD_ROWS])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_with_a_bad_row_is_refused_whole_with_a_message_naming_the_row(cdo, agreement, kind, bad_row, message,
                                                                                fmt):
    good = ["Glasgow City", "S12000049", "2017/18", "25000", "2017-06-30", "", ""]
    rows = [good, bad_row]
    content = csv_file(CONTRIBUTION_HEADER, rows) if fmt == "csv" else xlsx_file(CONTRIBUTION_HEADER, rows)
    preview = check(cdo, agreement, content, filename=f"ledger.{fmt}")
    assert [str(problem) for problem in preview.problems] == [message]
    assert preview.rows == []
    with pytest.raises(ImportRejected) as rejected:
        apply(cdo, agreement, content, filename=f"ledger.{fmt}")
    assert rejected.value.messages == [message]
    assert not Contribution.objects.exists()
    assert not Contribution.history.exists()


def test_every_bad_row_is_reported_at_once(cdo, agreement):
    rows = [["Glasgow City", "", "2017/18", "25000", "2017-06-30", "", ""]] + [row for _kind, row, _m in BAD_ROWS]
    preview = check(cdo, agreement, csv_file(CONTRIBUTION_HEADER, rows))
    assert [p.row for p in preview.problems] == list(range(3, 3 + len(BAD_ROWS)))


def test_a_file_without_the_needed_columns_is_refused(cdo, agreement):
    preview = check(cdo, agreement, csv_file(["Council", "Year"], [["Fife", "2017/18"]]))
    assert [str(p) for p in preview.problems] == [
        "The file has no “Amount due (£)” column. The first row must name the columns, as in the template.",
        "The file has no “Due date” column. The first row must name the columns, as in the template.",
    ]


def test_a_file_that_is_not_a_spreadsheet_is_refused(cdo, agreement):
    preview = check(cdo, agreement, b"PK\x03\x04 not really", filename="ledger.xlsx")
    assert [str(p) for p in preview.problems] == ["The file could not be read as an Excel workbook (.xlsx)."]


def test_payments_import_and_reimport(cdo, agreement):
    glasgow = ContributionFactory(agreement=agreement, council=council(GLASGOW), financial_year=2017,
                                  amount_due=D("25000.00"))
    fife = ContributionFactory(agreement=agreement, council=council(FIFE), financial_year=2017,
                               amount_due=D("18000.00"))
    PaymentFactory(contribution=fife, amount=D("9000.00"), paid_on=datetime.date(2017, 6, 1), reference="F-1")
    rows = [
        ["Glasgow City", "", "2017/18", "12500", "2017-06-01", "G-1"],
        ["", "S12000049", "2017/18", "12500", "2017-09-01", "G-2"],
        ["Fife", "", "2017/18", "9000", "2017-06-01", "F-1"],  # already recorded
        ["Highland", "", "2017/18", "", "", ""],  # a template row left blank
    ]
    content = xlsx_file(PAYMENT_HEADER, rows)
    preview = check(cdo, agreement, content, kind="payments", filename="payments.xlsx")
    assert preview.is_valid, [str(p) for p in preview.problems]
    assert (preview.created, preview.unchanged, preview.skipped) == (2, 1, 1)
    apply(cdo, agreement, content, kind="payments", filename="payments.xlsx")
    assert selectors.contribution_status(glasgow, on=TODAY) == "paid"
    again = apply(cdo, agreement, content, kind="payments", filename="payments.xlsx")
    assert (again.created, again.unchanged) == (0, 3)
    assert Payment.objects.count() == 3


def test_payment_rows_are_checked_against_the_ledger(cdo, agreement):
    ContributionFactory(agreement=agreement, council=council(GLASGOW), financial_year=2017, amount_due=D("25000.00"))
    rows = [
        ["Glasgow City", "", "2017/18", "20000", "2017-06-01", "G-1"],
        ["Glasgow City", "", "2017/18", "5000.01", "2017-07-01", "G-2"],
        ["Fife", "", "2017/18", "100", "2017-06-01", ""],
        ["Glasgow City", "", "2017/18", "0", "2017-06-01", "G-3"],
        ["Glasgow City", "", "2017/18", "20000", "2017-06-01", "G-1"],
        ["Glasgow City", "", "2017/18", "1", "2030-01-01", "G-4"],
    ]
    preview = check(cdo, agreement, csv_file(PAYMENT_HEADER, rows), kind="payments")
    assert [str(p) for p in preview.problems] == [
        "Row 3, Amount paid (£): with this payment Glasgow City would have paid £25,000.01 for 2017/18, "
        "more than the £25,000.00 due.",
        "Row 4, Financial year: Fife has no contribution for 2017/18 under Founding agreement (2016/17 to 2018/19): "
        "add or import the contribution first.",
        "Row 5, Amount paid (£): a payment must be more than £0.",
        "Row 6: this repeats the payment in row 2 (Glasgow City, 2017/18, same date, amount and reference).",
        "Row 7, Paid on: 01/01/2030 is in the future.",
    ]


def test_the_template_imports_unchanged(cdo, agreement):
    from councils.exports import template_columns

    ContributionFactory(agreement=agreement, council=council(GLASGOW), financial_year=2017, amount_due=D("25000.00"),
                        invoice_number="INV-1", invoice_date=datetime.date(2017, 5, 1))
    columns = template_columns("contributions")
    rows = selectors.import_template_rows(user=cdo, agreement=agreement, kind="contributions")
    assert len(rows) == 3 * 32  # every council for every year (no membership recorded in this test)
    content = xlsx_file([str(c.heading) for c in columns], [[c.value(row) for c in columns] for row in rows])
    preview = check(cdo, agreement, content, filename="template.xlsx")
    assert preview.is_valid, [str(p) for p in preview.problems][:3]
    assert (preview.created, preview.updated, preview.unchanged, preview.skipped) == (0, 0, 1, 95)


def test_a_ledger_changed_since_the_preview_is_not_overwritten(cdo, agreement):
    content = csv_file(CONTRIBUTION_HEADER, GOOD_CONTRIBUTIONS)
    preview = check(cdo, agreement, content)
    ContributionFactory(agreement=agreement, council=council(GLASGOW), financial_year=2017, amount_due=D("1.00"))
    with pytest.raises(ImportChanged):
        apply(cdo, agreement, content, expected_plan=preview.plan_digest)
    assert Contribution.objects.count() == 1


def test_council_staff_may_not_import(glasgow_editor, agreement):
    with pytest.raises(PermissionDenied):
        check(glasgow_editor, agreement, csv_file(CONTRIBUTION_HEADER, GOOD_CONTRIBUTIONS))
    assert FundingAgreement.objects.count() == 1
