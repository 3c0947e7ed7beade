"""The portal's FilterSets, served as API query parameters, read strictly.

A parameter the API cannot read is a 400 that names it: django-filter's own form errors (whole numbers and
their bounds: core.filters.WholeNumberFilter), plus the cases its forms let through quietly (a boolean that
is neither true nor false, an empty value).
Sorting is the paginator's `ordering`, so a FilterSet's own OrderingFilter is left out of the API.

A filter whose choices come from data (a theme's or partner's slug, a council's GSS code, an outcome's number:
`reference_filter`) is documented as a plain string (or whole number) with today's values in its description, not
as an enum, since the data can change while a client generated from the schema lives on. A value of the right type
that names nothing (a slug no theme has, or no longer has) is not an error: it matches nothing, so the list is empty
(200). A value of the wrong type (a word for an outcome's number, a number out of its bounds) is still a 400.
"""

import copy
import datetime

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, models
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


def reference_filter(filter_field) -> models.Field | None:
    """The model field a filter's value names a row by, when its choices come from data (a ModelChoiceFilter with
    `to_field_name` over a fixed queryset); None for any other filter."""
    to_field = filter_field.extra.get("to_field_name")
    queryset = getattr(filter_field, "queryset", None)
    if not isinstance(filter_field, django_filters.ModelChoiceFilter) or not to_field or queryset is None:
        return None
    if callable(queryset):
        return None
    return queryset.model._meta.get_field(to_field)


def reference_bounds(field: models.Field) -> tuple[int, int] | None:
    """A whole-number reference's bounds (what the database column holds), None for text."""
    if isinstance(field, models.IntegerField):
        return connection.ops.integer_field_range(field.get_internal_type())
    return None


def names_nothing(filter_field, field: models.Field, value: str) -> bool:
    """The value has the reference's type (and bounds) but no row has it: the filter matches nothing."""
    bounds = reference_bounds(field)
    if bounds is not None:
        text = value.strip()
        if not text.lstrip("-").isdigit() or len(text) > 20:
            return False  # not a whole number: the form's 400
        low, high = bounds
        if not (low is None or low <= int(text)) or not (high is None or int(text) <= high):
            return False  # out of the schema's bounds: the form's 400
    try:
        return not filter_field.queryset.filter(**{field.name: value}).exists()
    except (DjangoValidationError, TypeError, ValueError):
        return False


class ApiFilterBackend(DjangoFilterBackend):
    names_nothing = False  # a reference filter's value named no row (set per request: a backend serves one call)

    def filter_queryset(self, request, queryset, view):
        """No parameter names a filter (a partner's sync reads pages with only `page_size` and `cursor`): the
        queryset as it is, without building the FilterSet and its form, which would change nothing."""
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            param == name or param.startswith(f"{name}_")
            for param in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        filtered = super().filter_queryset(request, queryset, view)
        return filtered.none() if self.names_nothing else filtered

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
            reference = reference_filter(filter_field)
            if reference is not None and names_nothing(filter_field, reference, value):
                del data[name]  # the other filters are still read (and refused when wrong); the list is empty
                self.names_nothing = True
            elif isinstance(filter_field, django_filters.BooleanFilter):
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
