"""Writes to the strategy's measures and to digital maturity. Each service checks the actor's rights
(policies), validates with full_clean(), and runs in a transaction. History is kept by
django-simple-history on every model, so each reading, assessment and score keeps its changes."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports import (
    ImportChange,
    ImportColumn,
    ImportPreview,
    ImportRow,
    cell_text,
    check_plan_unchanged,
    import_start,
    parse_date,
    parse_number,
    row_readers,
)
from councils.selectors import CouncilMatcher

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


# -- readings from a spreadsheet (core.imports: check, preview, apply) ----------------------------------

READING_COLUMNS = [
    ImportColumn("date", gettext_lazy("Date"), ("taken on", "reading date", "as at"), required=True),
    ImportColumn("council", gettext_lazy("Council"), ("gss code", "code", "council name")),
    ImportColumn("value", gettext_lazy("Value"), ("reading", "figure"), required=True),
    ImportColumn("note", gettext_lazy("Note"), ("notes", "source")),
]


def readings_import_check(*, user, measure, content: bytes, filename: str) -> ImportPreview:
    """Check a whole file of readings for `measure` and say what applying it would do. Writes nothing.

    Columns (header row, any order, any case): date, council (GSS code, old GSS code or name; empty for a
    sector-wide reading), value, note. Dates, numbers and errors as in every import (core.imports). A row for a
    date and council that already has a reading changes that reading. Every problem is reported, by row and
    column, so the file can be fixed in one go.
    """
    _require_measure_manager(user)
    preview, header, data, positions = import_start(content, filename, READING_COLUMNS)
    if preview.problems:
        return preview

    labels = {column.key: str(column.label) for column in READING_COLUMNS}
    councils = CouncilMatcher()
    existing = {(r.council_id, r.taken_on): r for r in MeasureReading.objects.filter(measure=measure)}
    today = timezone.localdate()
    seen = {}
    for reader in row_readers(header, data, positions, labels):
        number = reader.number
        taken_on = reader.read("date", parse_date, required=True)
        if taken_on and taken_on > today:
            reader.problem("date", _("The date of a reading cannot be in the future."))
        council, council_text = None, cell_text(reader.cells.get("council"))
        if council_text:
            council = councils.find(council_text)
            if council is None:
                reader.problem("council", councils.no_match_message(council_text))
        value = reader.read("value", parse_number, required=True)
        note = reader.text("note", max_length=MeasureReading._meta.get_field("note").max_length)
        if not reader.problems:
            key = (council.pk if council else None, taken_on)
            if key in seen:
                reader.problem("date", _("row %(row)s already has a reading for this date and council.") % {
                    "row": seen[key]})
            seen.setdefault(key, number)
        preview.problems.extend(reader.problems)
        if reader.problems:
            continue
        row = ImportRow(number=number, values={"taken_on": taken_on, "council": council, "value": value, "note": note},
                        existing=existing.get(key))
        if row.existing is not None:
            if row.existing.value != value:
                row.changes.append(ImportChange(labels["value"], row.existing.value, value))
            if row.existing.note != note:
                row.changes.append(ImportChange(labels["note"], row.existing.note, note))
            row.action = "update" if row.changes else "unchanged"
        preview.rows.append(row)
    return preview.finish()


@transaction.atomic
def readings_import_apply(*, user, measure, content: bytes, filename: str, expected_plan: str = "") -> ImportPreview:
    """Check the whole file again and, only if every row is good (and it does what the preview said), write
    every reading; else nothing."""
    _require_measure_manager(user)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    preview = readings_import_check(user=user, measure=measure, content=content, filename=filename)
    check_plan_unchanged(preview, expected_plan)
    for row in preview.rows:
        if row.action == "unchanged":
            continue
        values = row.values
        reading = row.existing or MeasureReading(
            measure=measure, council=values["council"], taken_on=values["taken_on"]
        )
        reading.value, reading.note = values["value"], values["note"]
        reading.full_clean()
        reading.save()
    return preview


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
