"""One FilterSet for contracts: the register's list, the radar, the API and the exports share it."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from councils.selectors import council_list

from .cpv import cpv_choices
from .models import Contract


class ContractFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Reference, title, supplier or product"), method="filter_text")
    category = django_filters.ChoiceFilter(field_name="cpv_code", label=_("Category"), choices=cpv_choices)
    supplier = django_filters.CharFilter(field_name="supplier_name", lookup_expr="icontains", label=_("Supplier"))
    council = django_filters.ModelChoiceFilter(label=_("Council"), queryset=council_list(), method="filter_council",
                                               to_field_name="slug")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Contract.Kind.choices)
    route = django_filters.ChoiceFilter(label=_("Route to market"), choices=Contract.Route.choices)
    ends_before = django_filters.DateFilter(field_name="initial_end_date", lookup_expr="lte",
                                            label=_("Initial end on or before"))
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Contract
        fields = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(supplier_name__icontains=value)
            | Q(product__icontains=value)
        )

    def filter_council(self, queryset, name, value):
        return queryset.filter(Q(council=value) | Q(uses__council=value)).distinct()
