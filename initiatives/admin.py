from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Benefit,
    BenefitRealisation,
    BenefitShare,
    BenefitTarget,
    Initiative,
    Milestone,
    Participation,
    ProgressUpdate,
    Reminder,
    Report,
    ReportingPeriod,
    Risk,
)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = ["council", "role", "joined_on"]
    autocomplete_fields = ["council"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "baseline_date", "forecast_date", "completed_on"]


class RiskInline(admin.TabularInline):
    model = Risk
    extra = 0
    fields = ["title", "likelihood", "impact", "owner", "status"]


class BenefitInline(admin.TabularInline):
    model = Benefit
    extra = 0
    fields = ["title", "council", "category", "unit", "target_value", "realised_value", "status"]
    autocomplete_fields = ["council"]


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "lead_council", "theme", "stage", "budget", "is_demo"]
    list_filter = ["stage", "theme", "outcomes", "lead_council", "is_demo"]
    search_fields = ["reference", "title", "summary", "lead_council__name"]
    autocomplete_fields = ["lead_council", "owner"]
    filter_horizontal = ["outcomes", "partners"]
    list_select_related = ["lead_council", "theme"]
    readonly_fields = ["version", "publication"]  # decided on /office/public/, which serves it at once
    inlines = [ParticipationInline, MilestoneInline, RiskInline, BenefitInline]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["label", "starts_on", "ends_on", "submission_opens_on", "submission_due_on"]
    date_hierarchy = "starts_on"


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = [
        "initiative",
        "period",
        "state",
        "rag_delivery",
        "rag_spend",
        "rag_benefits",
        "rag_risk",
        "percent_complete",
    ]
    list_filter = ["state", "rag_delivery", "rag_spend", "rag_benefits", "rag_risk", "period"]
    search_fields = ["initiative__reference", "initiative__title", "narrative"]
    raw_id_fields = ["initiative", "period"]
    autocomplete_fields = ["council", "author", "submitted_by", "reviewed_by"]
    list_select_related = ["initiative", "period"]
    readonly_fields = ["version"]


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["title", "initiative", "baseline_date", "forecast_date", "slippage_days", "completed_on"]
    list_filter = ["completed_on"]
    search_fields = ["title", "initiative__reference", "initiative__title"]
    raw_id_fields = ["initiative"]
    list_select_related = ["initiative"]


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "initiative", "likelihood", "impact", "score", "status"]
    list_filter = ["status", "likelihood", "impact"]
    search_fields = ["title", "description", "initiative__reference"]
    raw_id_fields = ["initiative"]
    list_select_related = ["initiative"]


class BenefitRealisationInline(admin.TabularInline):
    model = BenefitRealisation
    extra = 0
    fields = ["recorded_on", "council", "value", "grade", "confirmed"]


class BenefitShareInline(admin.TabularInline):
    model = BenefitShare
    extra = 0
    fields = ["council", "percent"]


class BenefitTargetInline(admin.TabularInline):
    model = BenefitTarget
    extra = 0
    fields = ["financial_year", "value"]


@admin.register(Benefit)
class BenefitAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "initiative",
        "council",
        "category",
        "target_value",
        "realised_value",
        "status",
    ]
    list_filter = ["category", "status"]
    search_fields = ["title", "initiative__reference", "council__name"]
    raw_id_fields = ["initiative"]
    autocomplete_fields = ["council"]
    list_select_related = ["initiative", "council"]
    inlines = [BenefitTargetInline, BenefitShareInline, BenefitRealisationInline]


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "status", "period", "council", "created_at", "finished_at", "attempts"]
    list_filter = ["kind", "status"]
    readonly_fields = ["request_number", "attempts", "queued_at", "enqueued_at", "started_at", "heartbeat_at"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["initiative", "period", "recipient", "kind", "status", "created_at"]
    list_filter = ["kind", "status", "period"]
    search_fields = ["initiative__reference", "recipient__email"]
    raw_id_fields = ["initiative", "period", "recipient"]
