"""One FilterSet for assets and one for adoptions: the library's page, the API and the exports share them."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import WholeNumberFilter
from councils.selectors import council_list
from strategy.selectors import theme_list

from .models import Adoption, Asset
from .reference import LICENCES
from .selectors import matching


class AssetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search the library"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Asset.Kind.choices)
    theme = django_filters.ModelChoiceFilter(label=_("Theme"), queryset=theme_list(), field_name="themes",
                                             to_field_name="slug")
    council = django_filters.ModelChoiceFilter(label=_("Owning council"), queryset=council_list(),
                                               to_field_name="slug")
    maturity = django_filters.ChoiceFilter(label=_("Maturity"), choices=Asset.Maturity.choices)
    licence = django_filters.ChoiceFilter(label=_("Licence"), choices=LICENCES)
    state = django_filters.ChoiceFilter(label=_("State"), choices=Asset.State.choices)
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Asset
        fields = []

    def filter_text(self, queryset, name, value):
        return matching(queryset, "asset", value)


class AdoptionFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=Adoption.State.choices)
    council = django_filters.ModelChoiceFilter(label=_("Council"), queryset=council_list(), to_field_name="slug")
    asset = WholeNumberFilter(field_name="asset_id", label=_("Asset id"), min_value=1, max_value=2**31 - 1)
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Adoption
        fields = []
