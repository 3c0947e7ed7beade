"""One FilterSet per model (UI lists, API and exports share them)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IDS, YEARS, WholeNumberFilter
from councils import selectors as councils_selectors

from .models import MaturityAssessment, MaturityLevel, Measure, MeasureReading, Outcome, Theme
from .selectors import maturity_councils_visible_to


class ThemeFilterSet(django_filters.FilterSet):
    class Meta:
        model = Theme
        fields = []


class OutcomeFilterSet(django_filters.FilterSet):
    class Meta:
        model = Outcome
        fields = []


class MeasureFilterSet(django_filters.FilterSet):
    outcome = WholeNumberFilter(field_name="outcome__number", label=_("Outcome number"), min_value=1, max_value=32767)
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Measure
        fields = []


class MeasureReadingFilterSet(django_filters.FilterSet):
    measure = WholeNumberFilter(field_name="measure_id", label=_("Measure"), **IDS)
    council = django_filters.CharFilter(field_name="council__gss_code", label=_("Council (GSS code)"))
    sector = django_filters.BooleanFilter(
        field_name="council", lookup_expr="isnull", label=_("Sector-wide readings only")
    )
    taken_after = django_filters.DateFilter(field_name="taken_on", lookup_expr="gte")
    taken_before = django_filters.DateFilter(field_name="taken_on", lookup_expr="lte")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = MeasureReading
        fields = []


def _visible_councils(request):
    """Only the councils whose assessments the person may read: a council's staff are offered their own."""
    if request is None:
        return councils_selectors.council_list().none()
    return maturity_councils_visible_to(request.user)


class MaturityAssessmentFilterSet(django_filters.FilterSet):
    """Filters a queryset already limited to what the person may see (selectors.maturity_assessments_visible_to)."""

    q = django_filters.CharFilter(
        label=_("Search"), method="filter_text", help_text=_("Council name or words in the notes")
    )
    council = django_filters.ModelChoiceFilter(
        label=_("Council"), queryset=_visible_councils, to_field_name="gss_code", empty_label=_("All councils"),
    )
    year = WholeNumberFilter(
        label=_("Year"), field_name="assessed_on", lookup_expr="year", help_text=_("For example 2020"), **YEARS
    )
    overall_level = django_filters.ModelChoiceFilter(
        label=_("Overall level"), queryset=MaturityLevel.objects.all(), to_field_name="rank",
        empty_label=_("Any level"),
    )
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = MaturityAssessment
        fields = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(council__name__icontains=value) | Q(notes__icontains=value))
