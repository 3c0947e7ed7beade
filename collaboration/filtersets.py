"""The API's filters on comments."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Comment


class CommentFilterSet(django_filters.FilterSet):
    initiative = django_filters.CharFilter(field_name="initiative__reference", lookup_expr="iexact",
                                           label=_("Initiative reference"))
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Comment
        fields = []
