"""One FilterSet per model (UI lists, API and exports share them)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IDS, YEARS, WholeNumberFilter

from .models import Contribution, Council, PartnerOrganisation


class CouncilFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or GSS code"), method="filter_text")

    class Meta:
        model = Council
        fields = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(gss_code__iexact=value) | Q(code_aliases__old_code__iexact=value)
        ).distinct()


class PartnerOrganisationFilterSet(django_filters.FilterSet):
    kind = django_filters.CharFilter(label=_("Kind"))

    class Meta:
        model = PartnerOrganisation
        fields = []


class ContributionFilterSet(django_filters.FilterSet):
    council = django_filters.CharFilter(label=_("Council (GSS code)"), method="filter_council")
    financial_year = WholeNumberFilter(label=_("Financial year (start year, e.g. 2017 for 2017/18)"), **YEARS)
    agreement = WholeNumberFilter(field_name="agreement_id", label=_("Funding agreement"), **IDS)
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Contribution
        fields = []

    def filter_council(self, queryset, name, value):
        return queryset.filter(council__in=Council.objects.by_code(value))
