"""What the API says about the practice library (scope practice:read)."""

from rest_framework import serializers

from core.api.serializers import ApiModelSerializer

from ..models import Adoption, Asset


class AssetSerializer(ApiModelSerializer):
    council = serializers.CharField(source="council.gss_code", allow_null=True, default=None, help_text=(
        "The GSS code of the council that owns the asset; null for the Digital Office's own."))
    initiative = serializers.CharField(source="initiative.reference", allow_null=True, default=None, help_text=(
        "The reference of the initiative it came from, if any."))
    themes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    links = serializers.ListField(source="link_list", child=serializers.URLField(), read_only=True)

    class Meta:
        model = Asset
        fields = ["id", "kind", "title", "summary", "body", "council", "initiative", "licence", "maturity", "state",
                  "links", "themes", "review_by", "published_at", "created_at", "updated_at"]


class AdoptionSerializer(ApiModelSerializer):
    asset = serializers.IntegerField(source="asset_id", help_text="The id of the asset in the practice-assets list.")
    council = serializers.CharField(source="council.gss_code")
    council_name = serializers.CharField(source="council.name")
    confirmed = serializers.SerializerMethodField(help_text="Whether the asset's owner confirmed the declaration.")

    class Meta:
        model = Adoption
        fields = ["id", "asset", "council", "council_name", "state", "reason", "declared_at", "confirmed",
                  "using_since", "using_confirmed_on", "created_at", "updated_at"]

    def get_confirmed(self, adoption) -> bool:
        return adoption.confirmed_at is not None
