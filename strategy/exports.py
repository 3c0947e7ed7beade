"""Columns of the maturity assessment download: the same in CSV and XLSX, one column per dimension."""

from django.utils.translation import gettext_lazy as _

from core.exports import Column


def _level(level):
    return f"{level.rank}. {level.name}" if level else ""


def _dimension_level(dimension):
    def value(assessment):
        return _level(next((s.level for s in assessment.scores.all() if s.dimension_id == dimension.pk), None))

    return value


def maturity_assessment_columns(dimensions) -> list[Column]:
    return [
        Column(_("Council"), lambda a: a.council.name),
        Column(_("GSS code"), lambda a: a.council.gss_code),
        Column(_("Assessed on"), lambda a: a.assessed_on),
        Column(_("Overall level"), lambda a: _level(a.overall_level)),
        *[Column(dimension.name, _dimension_level(dimension)) for dimension in dimensions],
        Column(_("Notes"), lambda a: a.notes),
    ]
