"""What the partner API says about councils, partner organisations and funding contributions."""

from rest_framework import serializers

from core.api.serializers import ApiModelSerializer, UTCDateTimeField

from ..models import Contribution, Council, PartnerOrganisation, Payment


class CouncilSerializer(ApiModelSerializer):
    old_codes = serializers.SerializerMethodField()

    class Meta:
        model = Council
        fields = ["id", "gss_code", "name", "short_name", "slug", "population", "population_year", "old_codes"]

    def get_old_codes(self, council) -> list[str]:
        return sorted(alias.old_code for alias in council.code_aliases.all())


class PartnerOrganisationSerializer(ApiModelSerializer):
    class Meta:
        model = PartnerOrganisation
        fields = ["id", "slug", "name", "kind"]


class PaymentSerializer(ApiModelSerializer):
    class Meta:
        model = Payment
        fields = ["amount", "paid_on", "reference"]


class ContributionSerializer(ApiModelSerializer):
    """Figures are derived (councils.selectors.contributions_with_figures): paid so far, outstanding and status."""

    agreement_title = serializers.CharField(source="agreement.title")
    council = serializers.CharField(source="council.gss_code")
    council_name = serializers.CharField(source="council.name")
    financial_year_label = serializers.CharField()
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)
    status = serializers.ChoiceField(choices=Contribution.Status.choices)
    payments = PaymentSerializer(many=True)
    updated_at = UTCDateTimeField(
        help_text="When the contribution, one of its payments or a figure derived from today's date last changed.",
    )

    class Meta:
        model = Contribution
        fields = [
            "id", "agreement", "agreement_title", "council", "council_name", "financial_year", "financial_year_label",
            "amount_due", "due_date", "invoice_number", "invoice_date", "paid", "outstanding", "status", "payments",
            "created_at", "updated_at",
        ]
