"""One FilterSet per model (UI lists, API and exports share them)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Measure, MeasureReading, Outcome, Theme


class ThemeFilterSet(django_filters.FilterSet):
    class Meta:
        model = Theme
        fields = []


class OutcomeFilterSet(django_filters.FilterSet):
    class Meta:
        model = Outcome
        fields = []


class MeasureFilterSet(django_filters.FilterSet):
    outcome = django_filters.NumberFilter(field_name="outcome__number", label=_("Outcome number"))
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Measure
        fields = []


class MeasureReadingFilterSet(django_filters.FilterSet):
    measure = django_filters.NumberFilter(field_name="measure_id", label=_("Measure"))
    council = django_filters.CharFilter(field_name="council__gss_code", label=_("Council (GSS code)"))
    sector = django_filters.BooleanFilter(field_name="council", lookup_expr="isnull", label=_("Sector-wide readings only"))
    taken_after = django_filters.DateFilter(field_name="taken_on", lookup_expr="gte")
    taken_before = django_filters.DateFilter(field_name="taken_on", lookup_expr="lte")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = MeasureReading
        fields = []
