"""What the partner API says about the portfolio. Councils are named by GSS code, themes by slug,
outcomes by number, initiatives by reference: keys that last, unlike database ids of other apps."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.api.serializers import ApiModelSerializer, UTCDateTimeField
from councils.selectors import financial_year_label

from ..models import Benefit, BenefitRealisation, Initiative, Milestone, Participation, ProgressUpdate, Report, Risk


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


class BenefitTargetSerializer(serializers.Serializer):
    financial_year = serializers.CharField(help_text="Scottish financial year, 1 April to 31 March: “2024/25”.")
    value = serializers.DecimalField(max_digits=14, decimal_places=2)


class BenefitShareSerializer(serializers.Serializer):
    council = serializers.CharField(help_text="GSS code of the council the benefit accrues to.")
    percent = serializers.DecimalField(max_digits=5, decimal_places=2,
                                       help_text="Its share of the benefit; a benefit's shares total at most 100.")


class BenefitRealisationSerializer(serializers.Serializer):
    recorded_on = serializers.DateField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    grade = serializers.ChoiceField(choices=BenefitRealisation.Grade.choices)
    council = serializers.CharField(allow_null=True, help_text="GSS code of the council that reported it.")
    confirmed = serializers.BooleanField(help_text="Confirmed by the council that reported it.")


class BenefitSerializer(ApiModelSerializer):
    """A benefit, counted once whole: `shares` say which councils it accrues to. `potential_all_councils` is not a
    target and is never part of `target_value`. Dis-benefits are category `dis_benefit`, never netted."""

    initiative = serializers.CharField(source="initiative.reference")
    council = serializers.CharField(source="council.gss_code", allow_null=True,
                                    help_text="GSS code of the council keeping the benefit (null: the initiative's).")
    superseded_by = serializers.IntegerField(source="superseded_by_id", allow_null=True)
    targets = serializers.SerializerMethodField()
    shares = serializers.SerializerMethodField()
    realisations = serializers.SerializerMethodField()
    is_cashable = serializers.SerializerMethodField()
    confirmed_by_council = serializers.SerializerMethodField()

    class Meta:
        model = Benefit
        fields = [
            "id", "initiative", "council", "title", "category", "measure", "unit", "method", "data_source",
            "baseline_value", "baseline_date", "baseline_source", "target_value", "targets",
            "potential_all_councils", "realised_value", "realisations", "shares", "responsible_officer",
            "expected_start", "fully_realised_by", "status", "status_reason", "superseded_by", "is_cashable",
            "confirmed_by_council", "created_at", "updated_at",
        ]

    @extend_schema_field(BenefitTargetSerializer(many=True))
    def get_targets(self, benefit):
        return [target_row(t.financial_year, t.value) for t in benefit.targets.all()]

    @extend_schema_field(BenefitShareSerializer(many=True))
    def get_shares(self, benefit):
        return [share_row(s.council.gss_code, s.percent) for s in benefit.shares.all()]

    @extend_schema_field(BenefitRealisationSerializer(many=True))
    def get_realisations(self, benefit):
        return [realisation_row(r.recorded_on, r.value, r.grade, r.council.gss_code if r.council else None,
                                r.confirmed) for r in benefit.realisations.all()]

    @extend_schema_field({"type": "boolean", "deprecated": True,
                          "description": "Deprecated (2026-12-07): `category` is `cash_releasing`."})
    def get_is_cashable(self, benefit):
        return benefit.category == Benefit.Category.CASH_RELEASING

    @extend_schema_field({"type": "boolean", "deprecated": True,
                          "description": "Deprecated (2026-12-07): every realisation is `confirmed` (false when "
                                         "there is none)."})
    def get_confirmed_by_council(self, benefit):
        return all_confirmed(self.get_realisations(benefit))


def target_row(financial_year, value) -> dict:
    return {"financial_year": financial_year_label(financial_year), "value": f"{value:.2f}"}


def share_row(council_code, percent) -> dict:
    return {"council": council_code, "percent": f"{percent:.2f}"}


def realisation_row(recorded_on, value, grade, council_code, confirmed) -> dict:
    return {"recorded_on": recorded_on.isoformat(), "value": f"{value:.2f}", "grade": grade,
            "council": council_code, "confirmed": confirmed}


def all_confirmed(realisations) -> bool:
    return bool(realisations) and all(r["confirmed"] for r in realisations)


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

