"""What the API says about contracts (scope contracts:read)."""

from rest_framework import serializers

from core.api.serializers import ApiModelSerializer

from ..models import Contract, ContractUse


class ContractUseSerializer(ApiModelSerializer):
    council = serializers.CharField(source="council.gss_code")
    council_name = serializers.CharField(source="council.name")

    class Meta:
        model = ContractUse
        fields = ["council", "council_name", "end_date", "annual_spend"]


class ContractSerializer(ApiModelSerializer):
    council = serializers.CharField(source="council.gss_code", allow_null=True, default=None, help_text=(
        "The GSS code of the council the contract belongs to; null for the Digital Office's own."))
    category_name = serializers.CharField()
    current_end_date = serializers.DateField()
    latest_possible_end = serializers.DateField()
    notice_date = serializers.DateField()
    uses = ContractUseSerializer(many=True)

    class Meta:
        model = Contract
        fields = [
            "id", "council", "reference", "title", "kind", "route", "supplier_name", "supplier_company_number",
            "cpv_code", "category_name", "product", "value", "value_basis", "start_date", "initial_end_date",
            "extension_count", "extension_months", "extensions_taken", "maximum_end_date", "latest_possible_end",
            "current_end_date", "notice_months", "notice_date", "review_date", "decision", "decided_on", "uses",
            "created_at", "updated_at",
        ]
