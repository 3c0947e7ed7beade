"""Writes: measures, readings (by form and by CSV import), assessments, the maturity model and the threshold."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from core.imports import ImportChanged, ImportRejected
from strategy import services
from strategy.models import (
    MaturityAssessment,
    MaturityDimension,
    MaturityLevel,
    MaturityScore,
    MeasureReading,
    Strategy,
)
from tests.conftest import signed_in_with_two_factor
from tests.councils.factories import council
from tests.strategy.factories import MaturityAssessmentFactory, MeasureFactory, MeasureReadingFactory, level, outcome

pytestmark = pytest.mark.django_db

GLASGOW, FIFE = "S12000049", "S12000047"


@pytest.fixture
def cdo(django_user_model):
    return signed_in_with_two_factor(
        django_user_model.objects.create_user("cdo@example.org", is_digital_office_staff=True)
    )


@pytest.fixture
def fife_editor(django_user_model):
    return django_user_model.objects.create_user(
        "editor@fife.example.org", council=council(FIFE), council_role="editor"
    )


@pytest.fixture
def measure():
    return MeasureFactory(unit="%", baseline=Decimal("20"), target=Decimal("60"))


def csv_bytes(*lines):
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- measures and readings --------------------------------------------------------------------


def test_measure_create_checks_the_direction_and_the_actor(cdo, fife_editor):
    fields = {"outcome": outcome(3), "title": "Cost per transaction", "unit": "£", "baseline": Decimal("6.40"),
              "target": Decimal("2.50"), "target_date": datetime.date(2020, 12, 31)}
    with pytest.raises(ValidationError) as error:
        services.measure_create(user=cdo, higher_is_better=True, **fields)
    assert "target" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.measure_create(user=fife_editor, higher_is_better=False, **fields)
    measure = services.measure_create(user=cdo, higher_is_better=False, **fields)
    assert measure.outcome.number == 3 and measure.history.count() == 1


def test_reading_record_refuses_a_second_reading_for_the_same_date_and_council(cdo, measure):
    day = datetime.date(2019, 3, 31)
    services.reading_record(user=cdo, measure=measure, taken_on=day, value=Decimal("30"))
    services.reading_record(user=cdo, measure=measure, taken_on=day, value=Decimal("31"), council=council(FIFE))
    with pytest.raises(ValidationError) as error:
        services.reading_record(user=cdo, measure=measure, taken_on=day, value=Decimal("32"))
    assert "already a reading for the whole sector" in error.value.message_dict["taken_on"][0]
    with pytest.raises(ValidationError):
        services.reading_record(user=cdo, measure=measure, taken_on=datetime.date.today() + datetime.timedelta(days=2),
                                value=Decimal("1"))
    assert measure.readings.count() == 2


def test_reading_update_keeps_the_history(cdo, fife_editor, measure):
    reading = MeasureReadingFactory(measure=measure, value=Decimal("30"))
    with pytest.raises(PermissionDenied):
        services.reading_update(user=fife_editor, reading=reading, taken_on=reading.taken_on, value=Decimal("1"))
    services.reading_update(user=cdo, reading=reading, taken_on=reading.taken_on, value=Decimal("33.5"), note="Revised")
    values = list(reading.history.order_by("history_date").values_list("value", flat=True))
    assert values == [Decimal("30.00"), Decimal("33.50")]


# -- readings from a file (core.imports: the same framework as the funding import) ----------------------


def check(user, measure, content, filename="readings.csv"):
    return services.readings_import_check(user=user, measure=measure, content=content, filename=filename)


def apply(user, measure, content, filename="readings.csv", **kwargs):
    return services.readings_import_apply(user=user, measure=measure, content=content, filename=filename, **kwargs)


def test_import_check_previews_new_changed_and_unchanged_rows_and_saves_nothing(cdo, measure):
    MeasureReadingFactory(measure=measure, taken_on=datetime.date(2019, 3, 31), value=Decimal("30"))
    MeasureReadingFactory(measure=measure, taken_on=datetime.date(2018, 3, 31), value=Decimal("25"))
    content = csv_bytes(
        "Date,Council,Value,Note",
        "2019-03-31,,31.5,Revised",
        "2018-03-31,,25,",
        "31/03/2020,S12000049,1,234.5,note",  # an unquoted "1,234.5" splits into two cells: five in all
    )
    preview = check(cdo, measure, content)
    assert [str(p) for p in preview.problems] == [
        "Row 4: this row has more cells than the first row has columns. Put a number with a comma, like 1,234.5, "
        "in quotes, or write it without the comma."]

    content = (
        "\ufeffdate,council,value,note\n"  # Excel's byte order mark, then header and rows
        "2019-03-31,,31.5,Revised\n"
        "2018-03-31,,25,\n"
        '31/03/2020,S12000046,"1,234.5",old code\n'
    )
    preview = check(cdo, measure, content.encode("utf-8"))
    assert preview.is_valid, preview.problems
    assert [(r.number, r.action) for r in preview.rows] == [(2, "update"), (3, "unchanged"), (4, "create")]
    assert preview.rows[2].values["council"].gss_code == GLASGOW  # the old code resolves to today's
    assert preview.rows[2].values["value"] == Decimal("1234.5")
    assert measure.readings.count() == 2
    assert measure.readings.get(taken_on=datetime.date(2019, 3, 31)).value == Decimal("30")


def test_an_excel_workbook_of_readings_is_read_like_a_csv_file(cdo, measure):
    workbook = Workbook()
    workbook.active.append(["Date", "Council", "Value", "Note"])
    workbook.active.append([datetime.date(2020, 3, 31), "Fife", 40.5, "From the council"])
    workbook.active.append(["31/03/2021", None, "1,250", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = check(cdo, measure, buffer.getvalue(), filename="readings.xlsx")
    assert preview.is_valid, preview.problems
    assert [(r.values["taken_on"], r.values["council"] and r.values["council"].gss_code, r.values["value"])
            for r in preview.rows] == [(datetime.date(2020, 3, 31), FIFE, Decimal("40.5")),
                                      (datetime.date(2021, 3, 31), None, Decimal("1250"))]


def test_import_apply_writes_every_row_and_keeps_history(cdo, measure):
    MeasureReadingFactory(measure=measure, taken_on=datetime.date(2019, 3, 31), value=Decimal("30"))
    content = csv_bytes("date,council,value", "2019-03-31,,31.5", "2020-03-31,Fife,40", "2020-03-31,,38")
    applied = apply(cdo, measure, content)
    assert (applied.created, applied.updated, applied.unchanged) == (2, 1, 0)
    assert set(measure.readings.values_list("taken_on", "council__gss_code", "value")) == {
        (datetime.date(2019, 3, 31), None, Decimal("31.50")),
        (datetime.date(2020, 3, 31), None, Decimal("38.00")),
        (datetime.date(2020, 3, 31), FIFE, Decimal("40.00")),
    }
    changed = measure.readings.get(taken_on=datetime.date(2019, 3, 31), council=None)
    assert changed.history.count() == 2


def test_a_file_whose_preview_no_longer_holds_is_refused(cdo, measure):
    content = csv_bytes("date,value", "2019-03-31,31.5")
    plan = check(cdo, measure, content).plan_digest
    MeasureReadingFactory(measure=measure, taken_on=datetime.date(2019, 3, 31), value=Decimal("30"))
    with pytest.raises(ImportChanged):
        apply(cdo, measure, content, expected_plan=plan)
    assert measure.readings.get().value == Decimal("30")


def test_import_reports_every_bad_row_and_column_and_saves_nothing(cdo, measure):
    content = csv_bytes(
        "date,council,value,note",
        "2019-03-31,,30,good row",
        "2019-02-30,,31,",  # no such date
        "2019-04-30,Atlantis,thirty,",  # unknown council and not a number
        ",S12000047,,",  # no date, no value
        "2019-03-31,,32,",  # repeats row 2
        "2019-05-31,,123456789012345.5,",  # too large
        f"{datetime.date.today() + datetime.timedelta(days=10):%Y-%m-%d},,1,",  # in the future
        "2019-06-30,,1.234,",  # too many decimal places
    )
    preview = check(cdo, measure, content)
    assert not preview.is_valid and preview.rows == []
    assert sorted((p.row, p.column) for p in preview.problems) == [
        (3, "Date"), (4, "Council"), (4, "Value"), (5, "Date"), (5, "Value"), (6, "Date"), (7, "Value"), (8, "Date"),
        (9, "Value"),
    ]
    messages = [str(p) for p in preview.problems]
    assert "Row 3, Date: “2019-02-30” is not a date. Write it like 2017-06-30 or 30/06/2017." in messages
    assert "Row 4, Council: no council matches “Atlantis”" in " | ".join(messages)
    assert "Row 4, Value: “thirty” is not a number. Write it like 42.5 or 1250." in messages
    assert "Row 5, Date: this cell is empty." in messages
    assert "Row 6, Date: row 2 already has a reading for this date and council." in messages

    with pytest.raises(ImportRejected) as error:
        apply(cdo, measure, content)
    assert len(error.value.messages) == 9
    assert not MeasureReading.objects.filter(measure=measure).exists()


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "The file is empty"),
    (b"\n\n", "The file is empty"),
    (b"date,council,value\n", "The file has a header row but no rows of data."),
    (b"date,council,note\n2019-03-31,,x\n", "The file has no “Value” column."),
    (b"date,vlaue\n2019-03-31,1\n", "The file has no “Value” column."),
    (b"date,value,value\n2019-03-31,1,2\n", "Row 1, Value: this column appears twice."),
    ("date,value,note\n2019-03-31,1,Na h-Eileanan Siar\n".encode("utf-16"), "The file is not text in UTF-8"),
])
def test_import_rejects_a_file_that_is_not_a_readings_file(cdo, measure, content, expected):
    preview = check(cdo, measure, content)
    assert not preview.is_valid
    assert str(preview.problems[0]).startswith(expected)
    with pytest.raises(ImportRejected):
        apply(cdo, measure, content)
    assert not measure.readings.exists()


def test_only_the_digital_office_imports_readings(fife_editor, measure):
    content = csv_bytes("date,value", "2019-03-31,1")
    with pytest.raises(PermissionDenied):
        check(fife_editor, measure, content)
    with pytest.raises(PermissionDenied):
        apply(fife_editor, measure, content)
    assert not measure.readings.exists()


# -- digital maturity -------------------------------------------------------------------------


def all_levels(rank):
    return {dimension: level(rank) for dimension in MaturityDimension.objects.all()}


def test_assessment_record_scores_every_dimension(cdo, fife_editor):
    with pytest.raises(PermissionDenied):
        services.assessment_record(user=fife_editor, council=council(FIFE), assessed_on=datetime.date(2020, 11, 1),
                                   overall_level=level(3), levels=all_levels(3))
    assessment = services.assessment_record(user=cdo, council=council(FIFE), assessed_on=datetime.date(2020, 11, 1),
                                            overall_level=level(3), levels=all_levels(3), notes="Good year.")
    assert assessment.assessed_by == cdo
    assert assessment.scores.count() == MaturityDimension.objects.count() == 5
    with pytest.raises(ValidationError) as error:
        services.assessment_record(user=cdo, council=council(FIFE), assessed_on=datetime.date(2020, 11, 1),
                                   overall_level=level(2), levels=all_levels(2))
    assert "already has an assessment" in error.value.message_dict["assessed_on"][0]
    levels = all_levels(2)
    levels.pop(MaturityDimension.objects.first())
    with pytest.raises(ValidationError):
        services.assessment_record(user=cdo, council=council(FIFE), assessed_on=datetime.date(2020, 12, 1),
                                   overall_level=level(2), levels=levels)
    assert MaturityAssessment.objects.filter(council=council(FIFE)).count() == 1


def test_assessment_update_keeps_the_history_of_the_assessment_and_its_scores(cdo):
    assessment = services.assessment_record(user=cdo, council=council(GLASGOW), assessed_on=datetime.date(2019, 11, 1),
                                            overall_level=level(2), levels=all_levels(2))
    levels = all_levels(2)
    first = MaturityDimension.objects.order_by("order").first()
    levels[first] = level(4)
    services.assessment_update(user=cdo, assessment=assessment, assessed_on=datetime.date(2019, 11, 2),
                               overall_level=level(3), levels=levels, notes="Corrected.")
    assessment.refresh_from_db()
    assert (assessment.overall_level.rank, assessment.assessed_on) == (3, datetime.date(2019, 11, 2))
    assert list(assessment.history.order_by("history_date").values_list("overall_level__rank", flat=True)) == [2, 3]
    score = MaturityScore.objects.get(assessment=assessment, dimension=first)
    assert list(score.history.order_by("history_date").values_list("level__rank", flat=True)) == [2, 4]
    untouched = MaturityScore.objects.exclude(dimension=first).filter(assessment=assessment).first()
    assert untouched.history.count() == 1


def test_renaming_a_placeholder_dimension_or_level_makes_it_the_offices_own(cdo, fife_editor):
    dimension = MaturityDimension.objects.order_by("order").first()
    with pytest.raises(PermissionDenied):
        services.maturity_dimension_save(user=fife_editor, dimension=dimension, name="Leadership", order=1)
    services.maturity_dimension_save(user=cdo, dimension=dimension, name=dimension.name, description="Kept", order=1)
    dimension.refresh_from_db()
    assert dimension.is_placeholder
    services.maturity_dimension_save(user=cdo, dimension=dimension, name="Leadership", order=1)
    dimension.refresh_from_db()
    assert (dimension.name, dimension.is_placeholder) == ("Leadership", False)

    top = MaturityLevel.objects.get(rank=5)
    services.maturity_level_save(user=cdo, level=top, rank=5, name="Digital business")
    top.refresh_from_db()
    assert not top.is_placeholder
    with pytest.raises(ValidationError):
        services.maturity_level_save(user=cdo, rank=6, name="Digital business")


def test_threshold_is_set_by_the_digital_office_only(cdo, fife_editor):
    strategy = Strategy.objects.get()
    with pytest.raises(PermissionDenied):
        services.maturity_threshold_set(user=fife_editor, strategy=strategy, level=level(4))
    services.maturity_threshold_set(user=cdo, strategy=strategy, level=level(4))
    strategy.refresh_from_db()
    assert strategy.digital_business_level.rank == 4
    assert strategy.history.count() >= 1


def test_an_assessment_for_another_date_of_the_same_council_is_fine(cdo):
    MaturityAssessmentFactory(council=council(FIFE), assessed_on=datetime.date(2019, 11, 1))
    services.assessment_record(user=cdo, council=council(FIFE), assessed_on=datetime.date(2020, 11, 1),
                               overall_level=level(3), levels=all_levels(3))
    assert MaturityAssessment.objects.filter(council=council(FIFE)).count() == 2
