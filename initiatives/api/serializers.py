"""What the partner API says about the portfolio. Councils are named by GSS code, themes by slug,
outcomes by number, initiatives by reference: keys that last, unlike database ids of other apps."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.api.serializers import ApiModelSerializer, UTCDateTimeField

from ..models import Benefit, Initiative, Milestone, Participation, ProgressUpdate, Report, Risk


class ParticipantSerializer(ApiModelSerializer):
    council = serializers.CharField(source="council.gss_code")
    council_name = serializers.CharField(source="council.name")

    class Meta:
        model = Participation
        fields = ["council", "council_name", "role", "joined_on"]


class CurrentStatusSerializer(ApiModelSerializer):
    """The initiative's latest approved progress update."""

    update_id = serializers.IntegerField(source="pk")
    period_start = serializers.DateField(source="period.starts_on")
    approved_at = UTCDateTimeField(source="reviewed_at")

    class Meta:
        model = ProgressUpdate
        fields = [
            "update_id", "period_start", "rag_delivery", "rag_spend", "rag_benefits", "rag_risk",
            "percent_complete", "spend_to_date", "approved_at",
        ]


class InitiativeSerializer(ApiModelSerializer):
    theme = serializers.CharField(source="theme.slug")
    outcomes = serializers.SerializerMethodField()
    lead_council = serializers.CharField(source="lead_council.gss_code")
    participants = ParticipantSerializer(source="participations", many=True)
    partners = serializers.SerializerMethodField()
    current_status = CurrentStatusSerializer(source="current_update", allow_null=True)

    class Meta:
        model = Initiative
        fields = [
            "id", "reference", "title", "summary", "theme", "outcomes", "stage", "lead_council", "participants",
            "partners", "start_date", "end_date", "budget", "current_status", "created_at", "updated_at",
        ]

    @extend_schema_field({"type": "array", "items": {"type": "integer"}, "description": "Outcome numbers."})
    def get_outcomes(self, initiative):
        return sorted(outcome.number for outcome in initiative.outcomes.all())

    @extend_schema_field({"type": "array", "items": {"type": "string"}, "description": "Partner organisation slugs."})
    def get_partners(self, initiative):
        return sorted(partner.slug for partner in initiative.partners.all())


class MilestoneSerializer(ApiModelSerializer):
    initiative = serializers.CharField(source="initiative.reference")
    slippage_days = serializers.IntegerField(help_text="Forecast date less baseline date, in days.")

    class Meta:
        model = Milestone
        fields = [
            "id", "initiative", "title", "baseline_date", "forecast_date", "completed_on", "slippage_days",
            "created_at", "updated_at",
        ]


class ProgressUpdateSerializer(ApiModelSerializer):
    """An approved update (the API never serves drafts, submitted or returned ones)."""

    initiative = serializers.CharField(source="initiative.reference")
    period_start = serializers.DateField(source="period.starts_on")
    period_end = serializers.DateField(source="period.ends_on")
    council = serializers.CharField(source="council.gss_code")
    approved_at = UTCDateTimeField(source="reviewed_at")

    class Meta:
        model = ProgressUpdate
        fields = [
            "id", "initiative", "period_start", "period_end", "council",
            "rag_delivery", "rag_spend", "rag_benefits", "rag_risk",
            "delivery_commentary", "spend_commentary", "benefits_commentary", "risk_commentary",
            "percent_complete", "spend_to_date", "narrative", "next_steps", "approved_at", "created_at", "updated_at",
        ]


class RiskSerializer(ApiModelSerializer):
    initiative = serializers.CharField(source="initiative.reference")
    score = serializers.IntegerField(help_text="Likelihood × impact (1–25).")

    class Meta:
        model = Risk
        fields = [
            "id", "initiative", "title", "description", "likelihood", "impact", "score", "owner", "mitigation",
            "status", "created_at", "updated_at",
        ]


class BenefitSerializer(ApiModelSerializer):
    initiative = serializers.CharField(source="initiative.reference")
    council = serializers.CharField(source="council.gss_code", allow_null=True)

    class Meta:
        model = Benefit
        fields = [
            "id", "initiative", "council", "title", "is_cashable", "unit", "baseline_value", "target_value",
            "realised_value", "confirmed_by_council", "created_at", "updated_at",
        ]


class ReportSerializer(ApiModelSerializer):
    period_start = serializers.DateField(source="period.starts_on", allow_null=True)
    council = serializers.CharField(source="council.gss_code", allow_null=True)
    file_name = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id", "kind", "period_start", "council", "status", "finished_at", "file_name", "file_url",
            "created_at", "updated_at",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_file_name(self, report):
        return report.file.name.rsplit("/", 1)[-1] if report.file else None

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True,
                          "description": "Download (same key); null until the report is ready."})
    def get_file_url(self, report):
        if not report.file or report.status != Report.Status.READY:
            return None
        return reverse("api:report-file", kwargs={"pk": report.pk}, request=self.context.get("request"))

