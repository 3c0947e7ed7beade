from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Contribution,
    Council,
    CouncilCodeAlias,
    FundingAgreement,
    PartnerOrganisation,
    PartnershipMembership,
    Payment,
)


class CouncilCodeAliasInline(admin.TabularInline):
    """Old codes come from the shipped reference data (load_reference_data matches on them): shown, not edited."""

    model = CouncilCodeAlias
    extra = 0
    readonly_fields = ["old_code"]

    def has_add_permission(self, request, obj=None):
        return False


class PartnershipMembershipInline(admin.TabularInline):
    model = PartnershipMembership
    extra = 0
    fields = ["joined_on", "left_on", "is_founding_member", "is_demo"]


@admin.register(Council)
class CouncilAdmin(SimpleHistoryAdmin):
    list_display = ["name", "gss_code", "short_name", "population", "population_year"]
    search_fields = ["name", "short_name", "gss_code", "code_aliases__old_code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CouncilCodeAliasInline, PartnershipMembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # The GSS code is the key load_reference_data matches a council on: set when a council is added, then
        # shown, not edited (a boundary change is a new code with the old one kept as an alias).
        return ["gss_code"] if obj is not None else []


@admin.register(PartnershipMembership)
class PartnershipMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["council", "joined_on", "left_on", "is_founding_member", "is_demo"]
    list_filter = ["is_founding_member", "is_demo"]
    search_fields = ["council__name"]
    autocomplete_fields = ["council"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "kind"]
    readonly_fields = ["code"]  # the shipped key load_reference_data matches on
    list_filter = ["kind"]
    search_fields = ["name", "slug"]


@admin.register(FundingAgreement)
class FundingAgreementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "period_label", "budget", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = ["title", "description"]


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = ["amount", "paid_on", "reference"]


@admin.register(Contribution)
class ContributionAdmin(SimpleHistoryAdmin):
    list_display = [
        "council",
        "financial_year_label",
        "agreement",
        "amount_due",
        "due_date",
        "invoice_number",
        "is_demo",
    ]
    list_filter = ["agreement", "financial_year", "is_demo"]
    search_fields = ["council__name", "council__gss_code", "invoice_number"]
    autocomplete_fields = ["council"]
    list_select_related = ["council", "agreement"]
    inlines = [PaymentInline]


@admin.register(Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    list_display = ["contribution", "amount", "paid_on", "reference"]
    list_filter = ["paid_on"]
    search_fields = ["contribution__council__name", "reference"]
    list_select_related = ["contribution__council"]
    raw_id_fields = ["contribution"]
