"""Partner API: themes, outcomes, measures and readings (scope strategy:read). No maturity assessments, ever."""

from core.api.views import ApiReadOnlyViewSet
from core.scopes import STRATEGY_READ

from .. import selectors
from ..filtersets import MeasureFilterSet, MeasureReadingFilterSet, OutcomeFilterSet, ThemeFilterSet
from .serializers import MeasureReadingSerializer, MeasureSerializer, OutcomeSerializer, ThemeSerializer


class ThemeViewSet(ApiReadOnlyViewSet):
    """The Digital Office's themes."""

    required_scope = STRATEGY_READ
    serializer_class = ThemeSerializer
    filterset_class = ThemeFilterSet
    ordering_fields = ["order", "slug", "id"]
    sync_field = None
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    csv_name = "themes"

    def get_queryset(self):
        return selectors.api_themes()


class OutcomeViewSet(ApiReadOnlyViewSet):
    """The strategy's six outcomes."""

    required_scope = STRATEGY_READ
    serializer_class = OutcomeSerializer
    filterset_class = OutcomeFilterSet
    ordering_fields = ["number", "id"]
    sync_field = None
    csv_name = "outcomes"

    def get_queryset(self):
        return selectors.api_outcomes()


class MeasureViewSet(ApiReadOnlyViewSet):
    """Measures of each outcome, with their readings. `updated_at` counts a change to any reading too."""

    required_scope = STRATEGY_READ
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilterSet
    ordering_fields = ["updated_at", "id"]
    csv_name = "measures"

    def get_queryset(self):
        return selectors.api_measures()


class MeasureReadingViewSet(ApiReadOnlyViewSet):
    """Dated values of the measures, sector-wide (council null) or per council."""

    required_scope = STRATEGY_READ
    serializer_class = MeasureReadingSerializer
    filterset_class = MeasureReadingFilterSet
    ordering_fields = ["updated_at", "taken_on", "id"]
    csv_name = "measure-readings"

    def get_queryset(self):
        return selectors.api_measure_readings()
