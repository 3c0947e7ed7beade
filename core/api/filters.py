"""The portal's FilterSets, served as API query parameters, read strictly.

A parameter the API cannot read is a 400 that names it: django-filter's own form errors (whole numbers and
their bounds: core.filters.WholeNumberFilter), plus the cases its forms let through quietly (a boolean that
is neither true nor false, an empty value).
Sorting is the paginator's `ordering`, so a FilterSet's own OrderingFilter is left out of the API.
"""

import copy
import datetime

import django_filters
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions

_API_FILTERSETS = {}
EARLIEST = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)


def api_filterset(filterset_class):
    """The FilterSet without its OrderingFilter (the API sorts with `ordering`, see pagination)."""
    if filterset_class not in _API_FILTERSETS:
        api_class = type(filterset_class.__name__, (filterset_class,), {"__module__": filterset_class.__module__})
        filters = {
            name: f for name, f in filterset_class.base_filters.items()
            if not isinstance(f, django_filters.OrderingFilter)
        }
        if "updated_since" in filters:
            filters["updated_since"] = f = copy.deepcopy(filters["updated_since"])
            f.extra["help_text"] = _(
                "Only rows changed at or after this time (ISO 8601). For incremental sync: pass the "
                "`next_updated_since` of your previous sync. The change feed (/api/v1/changes/) is the exact way."
            )
        api_class.base_filters = filters
        _API_FILTERSETS[filterset_class] = api_class
    return _API_FILTERSETS[filterset_class]


def normalised_datetime(value: str) -> str | None:
    """An ISO 8601 time as UTC text, clamped to the years a database stores; None if it is not one."""
    try:
        parsed = parse_datetime(value.strip().replace("z", "Z").replace("t", "T"))
    except ValueError:
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        try:
            parsed = timezone.make_aware(parsed)
        except (OverflowError, ValueError):
            parsed = parsed.replace(tzinfo=datetime.UTC)
    try:
        in_utc = parsed.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        in_utc = EARLIEST if parsed.year < 5000 else LATEST
    in_utc = min(max(in_utc, EARLIEST), LATEST)
    return in_utc.isoformat()


class ApiFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        """No parameter names a filter (a partner's sync reads pages with only `page_size` and `cursor`): the
        queryset as it is, without building the FilterSet and its form, which would change nothing."""
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            param == name or param.startswith(f"{name}_")
            for param in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        return api_filterset(filterset_class) if filterset_class else None

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        kwargs["data"] = self.cleaned_data(request.query_params, filterset_class)
        return kwargs

    def cleaned_data(self, params, filterset_class):
        data = params.copy()
        errors = {}
        for name in list(data.keys()):
            values = [value.replace("\x00", "") for value in data.getlist(name)]
            data.setlist(name, values)
        for name, filter_field in filterset_class.base_filters.items():
            if name not in data:
                continue
            value = data.get(name)
            if value == "":
                if type(filter_field) is not django_filters.CharFilter:
                    errors[name] = [_("Give a value, or leave the parameter out.")]
                continue
            if isinstance(filter_field, django_filters.BooleanFilter):
                if value.lower() not in ("true", "false"):
                    errors[name] = [_("Use true or false.")]
                else:
                    data[name] = value.lower()
            elif isinstance(filter_field, django_filters.IsoDateTimeFilter):
                normalised = normalised_datetime(value)
                if normalised is None:
                    errors[name] = [_("Give a date and time in ISO 8601, for example 2026-11-27T09:30:00Z.")]
                else:
                    data[name] = normalised
        if errors:
            raise exceptions.ValidationError(errors)
        return data
