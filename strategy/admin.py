from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    MaturityAssessment,
    MaturityDimension,
    MaturityLevel,
    MaturityScore,
    Measure,
    MeasureReading,
    Outcome,
    Strategy,
    Theme,
)


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    readonly_fields = ["code"]  # the shipped key load_reference_data matches on


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    readonly_fields = ["code"]


@admin.register(Strategy)
class StrategyAdmin(SimpleHistoryAdmin):
    list_display = ["vision", "target_year", "digital_business_level"]
    inlines = [OutcomeInline, ThemeInline]


@admin.register(Outcome)
class OutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "strategy"]
    readonly_fields = ["code"]
    search_fields = ["title"]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "order"]
    readonly_fields = ["code"]
    search_fields = ["title"]


class MeasureReadingInline(admin.TabularInline):
    model = MeasureReading
    extra = 0
    fields = ["taken_on", "council", "value", "note"]
    autocomplete_fields = ["council"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["title", "outcome", "unit", "baseline", "target", "target_date", "higher_is_better", "is_demo"]
    list_filter = ["outcome", "higher_is_better", "is_demo"]
    search_fields = ["title", "description"]
    inlines = [MeasureReadingInline]


@admin.register(MeasureReading)
class MeasureReadingAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "council", "taken_on", "value"]
    list_filter = ["measure", "taken_on"]
    search_fields = ["measure__title", "council__name"]
    autocomplete_fields = ["council"]
    list_select_related = ["measure", "council"]


@admin.register(MaturityDimension)
class MaturityDimensionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "order", "is_placeholder"]
    search_fields = ["name"]


@admin.register(MaturityLevel)
class MaturityLevelAdmin(SimpleHistoryAdmin):
    list_display = ["rank", "name", "is_placeholder"]
    search_fields = ["name"]


class MaturityScoreInline(admin.TabularInline):
    model = MaturityScore
    extra = 0


@admin.register(MaturityAssessment)
class MaturityAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["council", "assessed_on", "overall_level", "is_demo"]
    list_filter = ["overall_level", "assessed_on", "is_demo"]
    search_fields = ["council__name", "notes"]
    autocomplete_fields = ["council"]
    list_select_related = ["council", "overall_level"]
    date_hierarchy = "assessed_on"
    inlines = [MaturityScoreInline]
