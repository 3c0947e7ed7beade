"""What the partner API says about the strategy: themes, outcomes, measures and their readings.

Maturity assessments are confidential to each council and the Digital Office: the API has no serializer for them.
"""

from rest_framework import serializers

from core.api.serializers import ApiModelSerializer, UTCDateTimeField

from ..models import Measure, MeasureReading, Outcome, Theme


class ThemeSerializer(ApiModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "slug", "title", "summary", "order"]


class OutcomeSerializer(ApiModelSerializer):
    class Meta:
        model = Outcome
        fields = ["id", "number", "title", "note"]


class ReadingSerializer(ApiModelSerializer):
    council = serializers.CharField(source="council.gss_code", allow_null=True, help_text="Null: sector-wide.")

    class Meta:
        model = MeasureReading
        fields = ["id", "council", "taken_on", "value", "note", "updated_at"]


class MeasureReadingSerializer(ReadingSerializer):
    class Meta(ReadingSerializer.Meta):
        fields = ["id", "measure", "council", "taken_on", "value", "note", "created_at", "updated_at"]


class MeasureSerializer(ApiModelSerializer):
    outcome = serializers.IntegerField(source="outcome.number", help_text="Outcome number.")
    readings = ReadingSerializer(many=True)
    updated_at = UTCDateTimeField(help_text="When the measure or one of its readings last changed.")

    class Meta:
        model = Measure
        fields = [
            "id", "outcome", "title", "description", "unit", "baseline", "target", "target_date", "higher_is_better",
            "readings", "created_at", "updated_at",
        ]
