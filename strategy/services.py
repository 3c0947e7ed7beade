"""Writes to the strategy's measures and to digital maturity. Each service checks the actor's rights
(policies), validates with full_clean(), and runs in a transaction. History is kept by
django-simple-history on every model, so each reading, assessment and score keeps its changes."""

import csv
import datetime
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from councils.models import Council, CouncilCodeAlias

from . import policies
from .models import (
    MaturityAssessment,
    MaturityDimension,
    MaturityLevel,
    MaturityScore,
    Measure,
    MeasureReading,
    Strategy,
)


def _require_measure_manager(user):
    if not policies.can_manage_measures(user):
        raise PermissionDenied(_("Only Digital Office staff may define measures and record readings."))


def _require_maturity_recorder(user):
    if not policies.can_record_maturity(user):
        raise PermissionDenied(_("Only Digital Office staff may record digital maturity."))


def _not_in_future(day: datetime.date, field_name: str, message: str):
    if day and day > timezone.localdate():
        raise ValidationError({field_name: message})


# -- measures ---------------------------------------------------------------------------------

MEASURE_FIELDS = ("outcome", "title", "description", "unit", "baseline", "target", "target_date", "higher_is_better")


def _check_direction(measure: Measure):
    """The target must lie on the better side of the baseline, or the chart and progress mislead."""
    if measure.higher_is_better and measure.target < measure.baseline:
        raise ValidationError({"target": _("When higher is better, the target cannot be below the baseline.")})
    if not measure.higher_is_better and measure.target > measure.baseline:
        raise ValidationError({"target": _("When lower is better, the target cannot be above the baseline.")})


@transaction.atomic
def measure_create(
    *, user, outcome, title, unit, baseline, target, target_date, higher_is_better=True, description=""
) -> Measure:
    _require_measure_manager(user)
    measure = Measure(
        outcome=outcome, title=title, description=description, unit=unit, baseline=baseline, target=target,
        target_date=target_date, higher_is_better=higher_is_better,
    )
    measure.full_clean()
    _check_direction(measure)
    measure.save()
    return measure


@transaction.atomic
def measure_update(*, user, measure, **fields) -> Measure:
    _require_measure_manager(user)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    for name, value in fields.items():
        if name not in MEASURE_FIELDS:
            raise ValueError(f"{name} cannot be edited here")
        setattr(measure, name, value)
    measure.full_clean()
    _check_direction(measure)
    measure.save()
    return measure


def _reading_clash(measure, council, taken_on, *, exclude_pk=None):
    clashes = MeasureReading.objects.filter(measure=measure, taken_on=taken_on, council=council)
    if exclude_pk:
        clashes = clashes.exclude(pk=exclude_pk)
    return clashes.first()


def _clash_message(council, taken_on):
    where = council.name if council else _("the whole sector")
    return _("There is already a reading for %(where)s on %(date)s: change that reading instead.") % {
        "where": where, "date": date_format(taken_on, "j F Y")}


@transaction.atomic
def reading_record(*, user, measure, taken_on, value, council=None, note="") -> MeasureReading:
    """A new dated reading of a measure, for the whole sector (no council) or for one council."""
    _require_measure_manager(user)
    _not_in_future(taken_on, "taken_on", _("The date of a reading cannot be in the future."))
    if _reading_clash(measure, council, taken_on):
        raise ValidationError({"taken_on": _clash_message(council, taken_on)})
    reading = MeasureReading(measure=measure, council=council, taken_on=taken_on, value=value, note=note)
    reading.full_clean()
    reading.save()
    return reading


@transaction.atomic
def reading_update(*, user, reading, taken_on, value, council=None, note="") -> MeasureReading:
    _require_measure_manager(user)
    reading = MeasureReading.objects.select_for_update().get(pk=reading.pk)
    _not_in_future(taken_on, "taken_on", _("The date of a reading cannot be in the future."))
    if _reading_clash(reading.measure_id, council, taken_on, exclude_pk=reading.pk):
        raise ValidationError({"taken_on": _clash_message(council, taken_on)})
    reading.taken_on, reading.value, reading.council, reading.note = taken_on, value, council, note
    reading.full_clean()
    reading.save()
    return reading


# -- readings from a CSV file -----------------------------------------------------------------

IMPORT_COLUMNS = ("date", "council", "value", "note")
IMPORT_REQUIRED_COLUMNS = ("date", "value")
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 1_000_000
_FIELD_COLUMN = {"taken_on": "date", "council": "council", "value": "value", "note": "note"}
_GROUPED_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the file: at a row (its line in the file, the header being line 1) and column."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportRow:
    row: int
    taken_on: datetime.date
    council: Council | None
    value: Decimal
    note: str
    existing: MeasureReading | None = None
    action: str = field(init=False)  # "new", "change" or "same", decided when the file is checked
    previous_value: Decimal | None = field(init=False)

    def __post_init__(self):
        self.previous_value = self.existing.value if self.existing else None
        if self.existing is None:
            self.action = "new"
        elif self.existing.value == self.value and self.existing.note == self.note:
            self.action = "same"
        else:
            self.action = "change"


@dataclass
class ImportCheck:
    """The outcome of checking a whole file: the rows it would write, or every problem found."""

    measure: Measure
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action) -> int:
        return sum(1 for row in self.rows if row.action == action)


def decode_upload(content) -> str:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    return content.decode("utf-8-sig")


def _parse_date(text: str) -> datetime.date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _parse_value(text: str) -> Decimal | None:
    text = text.strip()
    if _GROUPED_NUMBER.match(text):
        text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _council_lookup() -> dict:
    """Every way a file may name a council: current and old GSS codes, name, short name (two queries)."""
    lookup = {}
    for council in Council.objects.all():
        for key in (council.gss_code, council.name, council.short_name):
            lookup[key.strip().lower()] = council
    councils = {council.pk: council for council in lookup.values()}
    for alias in CouncilCodeAlias.objects.all():
        lookup.setdefault(alias.old_code.strip().lower(), councils.get(alias.council_id))
    return lookup


def readings_import_check(*, user, measure, content) -> ImportCheck:
    """Check a whole CSV file of readings for `measure` and say what applying it would do. Writes nothing.

    Columns (header row, any order, any case): date (YYYY-MM-DD or DD/MM/YYYY), council (GSS code,
    old GSS code or name; empty for a sector-wide reading), value, note (optional). A row for a
    date and council that already has a reading changes that reading. Every problem is reported,
    one per row and column, so the file can be fixed in one go.
    """
    _require_measure_manager(user)
    check = ImportCheck(measure=measure)
    problems = check.problems
    if isinstance(content, bytes) and len(content) > MAX_IMPORT_BYTES:
        problems.append(ImportProblem(None, "", _("The file is larger than 1 MB: split it into smaller files.")))
        return check
    try:
        text = decode_upload(content)
    except UnicodeDecodeError:
        problems.append(ImportProblem(None, "", _(
            "The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again.")))
        return check
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        problems.append(ImportProblem(None, "", _(
            "The file is not a readable CSV file (%(error)s).") % {"error": error}))
        return check
    if not lines or not any(cell.strip() for cell in lines[0]):
        problems.append(ImportProblem(None, "", _(
            "The file is empty: the first row must name the columns date, council, value and note.")))
        return check

    header = [cell.strip().lower() for cell in lines[0]]
    for position, name in enumerate(header, start=1):
        if name not in IMPORT_COLUMNS:
            message = _("Unknown column: the columns are %(columns)s.") % {"columns": ", ".join(IMPORT_COLUMNS)}
            problems.append(ImportProblem(1, name or str(position), message))
        elif header.index(name) != position - 1:
            problems.append(ImportProblem(1, name, _("This column appears twice.")))
    for name in IMPORT_REQUIRED_COLUMNS:
        if name not in header:
            problems.append(ImportProblem(1, name, _("The column is missing from the first row.")))
    if problems:
        return check

    body = [(number, cells) for number, cells in enumerate(lines[1:], start=2) if any(cell.strip() for cell in cells)]
    if not body:
        problems.append(ImportProblem(None, "", _("The file has no readings below its first row.")))
        return check
    if len(body) > MAX_IMPORT_ROWS:
        problems.append(ImportProblem(None, "", _(
            "The file has more than %(max)s readings: split it into smaller files.") % {"max": MAX_IMPORT_ROWS}))
        return check

    councils = _council_lookup()
    existing = {(r.council_id, r.taken_on): r for r in MeasureReading.objects.filter(measure=measure)}
    seen = {}
    for number, cells in body:
        if len(cells) > len(header):
            problems.append(ImportProblem(number, "", _("The row has more cells than the first row has columns.")))
            continue
        values = dict(zip(header, [cell.strip() for cell in cells] + [""] * (len(header) - len(cells)), strict=True))
        row_problems = []
        taken_on = _parse_date(values.get("date", ""))
        if not values.get("date"):
            row_problems.append(ImportProblem(number, "date", _("Enter the date of the reading.")))
        elif taken_on is None:
            row_problems.append(ImportProblem(number, "date", _(
                "Enter a real date as YYYY-MM-DD, for example 2020-03-31.")))
        elif taken_on > timezone.localdate():
            row_problems.append(ImportProblem(number, "date", _("The date of a reading cannot be in the future.")))
        council = None
        if values.get("council"):
            council = councils.get(values["council"].lower())
            if council is None:
                row_problems.append(ImportProblem(number, "council", _(
                    "No council has this code or name: use a GSS code such as S12000049, "
                    "or leave it empty for the whole sector.")))
        value = _parse_value(values.get("value", ""))
        if not values.get("value"):
            row_problems.append(ImportProblem(number, "value", _("Enter the value of the reading.")))
        elif value is None:
            row_problems.append(ImportProblem(number, "value", _("Enter a number, for example 42.5.")))
        note = values.get("note", "")
        if not row_problems:
            reading = MeasureReading(measure=measure, council=council, taken_on=taken_on, value=value, note=note)
            try:
                reading.full_clean(exclude=["measure", "council"], validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                for field_name, messages in error.message_dict.items():
                    for message in messages:
                        row_problems.append(ImportProblem(number, _FIELD_COLUMN.get(field_name, ""), message))
        if not row_problems:
            key = (council.pk if council else None, taken_on)
            if key in seen:
                row_problems.append(ImportProblem(number, "date", _(
                    "Row %(row)s already has a reading for this date and council.") % {"row": seen[key]}))
            seen.setdefault(key, number)
        if row_problems:
            problems.extend(row_problems)
            continue
        check.rows.append(ImportRow(row=number, taken_on=taken_on, council=council, value=reading.value, note=note,
                                    existing=existing.get(key)))
    if problems:
        check.rows = []
    return check


@transaction.atomic
def readings_import_apply(*, user, measure, content) -> ImportCheck:
    """Check the whole file again and, only if every row is good, write every reading; else nothing."""
    _require_measure_manager(user)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    check = readings_import_check(user=user, measure=measure, content=content)
    if not check.ok:
        raise ValidationError([str(problem) for problem in check.problems])
    for row in check.rows:
        if row.action == "same":
            continue
        reading = row.existing or MeasureReading(measure=measure, council=row.council, taken_on=row.taken_on)
        reading.value, reading.note = row.value, row.note
        reading.full_clean()
        reading.save()
    return check


# -- digital maturity -------------------------------------------------------------------------


def _save_scores(assessment, levels: Mapping):
    dimensions = list(MaturityDimension.objects.all())
    missing = [d.name for d in dimensions if not levels.get(d)]
    if missing:
        raise ValidationError(_("Give a level for every dimension: %(missing)s is missing.") % {
            "missing": ", ".join(missing)})
    scores = {score.dimension_id: score for score in assessment.scores.select_for_update()}
    for dimension in dimensions:
        score = scores.get(dimension.pk) or MaturityScore(assessment=assessment, dimension=dimension)
        if score.pk and score.level_id == levels[dimension].pk:
            continue
        score.level = levels[dimension]
        score.full_clean()
        score.save()


def _check_assessment_date(assessment):
    _not_in_future(assessment.assessed_on, "assessed_on", _("The date of an assessment cannot be in the future."))
    clash = MaturityAssessment.objects.filter(council=assessment.council, assessed_on=assessment.assessed_on)
    if assessment.pk:
        clash = clash.exclude(pk=assessment.pk)
    if clash.exists():
        message = _("%(council)s already has an assessment on %(date)s: change that one instead.") % {
            "council": assessment.council.name, "date": date_format(assessment.assessed_on, "j F Y")}
        raise ValidationError({"assessed_on": message})


@transaction.atomic
def assessment_record(*, user, council, assessed_on, overall_level, levels: Mapping, notes="") -> MaturityAssessment:
    """A council's maturity on a date: a level for every dimension, and overall."""
    _require_maturity_recorder(user)
    assessment = MaturityAssessment(
        council=council, assessed_on=assessed_on, overall_level=overall_level, notes=notes, assessed_by=user
    )
    _check_assessment_date(assessment)
    assessment.full_clean()
    assessment.save()
    _save_scores(assessment, levels)
    return assessment


@transaction.atomic
def assessment_update(*, user, assessment, assessed_on, overall_level, levels: Mapping, notes="") -> MaturityAssessment:
    """Correct an assessment. The council stays; each change is kept in the assessment's history."""
    _require_maturity_recorder(user)
    assessment = MaturityAssessment.objects.select_for_update().select_related("council").get(pk=assessment.pk)
    assessment.assessed_on, assessment.overall_level, assessment.notes = assessed_on, overall_level, notes
    _check_assessment_date(assessment)
    assessment.full_clean()
    assessment.save()
    _save_scores(assessment, levels)
    return assessment


@transaction.atomic
def maturity_dimension_save(*, user, dimension=None, name, description="", order=0) -> MaturityDimension:
    """Add or rename a dimension. A renamed placeholder is no longer a placeholder."""
    _require_maturity_recorder(user)
    if dimension is None:
        dimension = MaturityDimension()
    else:
        dimension = MaturityDimension.objects.select_for_update().get(pk=dimension.pk)
        dimension.is_placeholder = dimension.is_placeholder and dimension.name == name
    dimension.name, dimension.description, dimension.order = name, description, order
    dimension.full_clean()
    dimension.save()
    return dimension


@transaction.atomic
def maturity_level_save(*, user, level=None, rank, name, description="") -> MaturityLevel:
    """Add or rename a level. A renamed placeholder is no longer a placeholder."""
    _require_maturity_recorder(user)
    if level is None:
        level = MaturityLevel()
    else:
        level = MaturityLevel.objects.select_for_update().get(pk=level.pk)
        level.is_placeholder = level.is_placeholder and level.name == name
    level.rank, level.name, level.description = rank, name, description
    level.full_clean()
    level.save()
    return level


@transaction.atomic
def maturity_threshold_set(*, user, strategy: Strategy, level: MaturityLevel | None) -> Strategy:
    """The overall level from which a council counts as a digital business (None: not decided yet)."""
    _require_maturity_recorder(user)
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    strategy.digital_business_level = level
    strategy.full_clean()
    strategy.save()
    return strategy
