"""What every API serializer shares: date-times in UTC, written with Z (docs/api.md)."""

import datetime
import functools

from django.db import models
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings


class UTCDateTimeField(serializers.DateTimeField):
    """A date-time in UTC, ISO 8601 with `Z` (`2026-11-27T10:15:02.123456Z`), whatever the portal's time zone."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default_timezone", datetime.UTC)
        super().__init__(*args, **kwargs)


# The API's ModelSerializer: its model date-times are UTCDateTimeFields. (No docstring: the schema would show it
# as the description of every serializer that has none of its own.)
class ApiModelSerializer(serializers.ModelSerializer):

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UTCDateTimeField,
    }


def _formatter(field):
    """The field's own to_representation, or an exact shortcut where DRF's does no more than it (profiled: half
    of a lean list's formatting time went to DRF's generic field code)."""
    kind = type(field)
    if kind is serializers.CharField:
        return str
    if kind is serializers.IntegerField:
        return int
    if kind is serializers.DateField and str(getattr(field, "format", api_settings.DATE_FORMAT)).lower() == ISO_8601:
        return _isoformat
    iso = str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
    if kind is UTCDateTimeField and iso and getattr(field, "timezone", None) is datetime.UTC:
        return functools.partial(_utc_isoformat, field)
    return field.to_representation


def _utc_isoformat(field, value):
    """UTCDateTimeField.to_representation of an aware value, without DRF's generic steps."""
    if isinstance(value, str) or value.tzinfo is None:
        return field.to_representation(value)
    text = value.astimezone(datetime.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _isoformat(value):
    return value if isinstance(value, str) else value.isoformat()


def _path(field) -> str:
    if isinstance(field, serializers.SerializerMethodField) or field.source == "*":
        raise TypeError(f"{field.field_name}: a method field or source='*' has no values() path; name it in `filled`")
    return field.source.replace(".", "__")


class ValueRows:
    """The JSON rows a serializer makes, built from `values()` rows instead of model instances.

    A list page of 100 initiatives built 1,834 model objects through select_related and prefetches; this reads
    plain values and formats each with the serializer's own field (`to_representation`), in the serializer's
    field order, None staying None, so the output is byte-for-byte the serializer's. A nested serializer (one
    object) is read through its source's columns and is None when its source is. Fields named in `filled`
    (nested lists, method fields) are left for the caller to fill in, in place.
    """

    def __init__(self, serializer, *, filled=()):
        self.filled = set(filled)
        self.layout = []  # (name, path, field) or (name, pk path, [(name, path, field)...]) for a nested object
        for name, field in serializer.fields.items():
            if name in self.filled:
                self.layout.append((name, None, None))
            elif isinstance(field, serializers.BaseSerializer):
                prefix = _path(field)
                inner = [(inner_name, f"{prefix}__{_path(inner_field)}", _formatter(inner_field))
                         for inner_name, inner_field in field.fields.items()]
                self.layout.append((name, f"{prefix}__pk", inner))
            else:
                self.layout.append((name, _path(field), _formatter(field)))
        self._entries = [(name, path, format_value, isinstance(format_value, list))
                         for name, path, format_value in self.layout]

    def paths(self) -> list[str]:
        """The values() paths to read ("pk" always, for the paginator)."""
        paths = ["pk"]
        for _name, path, field in self.layout:
            if path is None:
                continue
            paths.append(path)
            if isinstance(field, list):
                paths.extend(inner_path for _inner, inner_path, _format in field)
        return list(dict.fromkeys(paths))

    @staticmethod
    def _format(values, entries):
        row = {}
        for name, path, format_value in entries:
            value = values[path]
            row[name] = None if value is None else format_value(value)
        return row

    def row(self, values: dict) -> dict:
        row = {}
        for name, path, format_value, nested in self._entries:
            value = None if path is None else values[path]
            if value is None:
                row[name] = None
            elif nested:
                row[name] = self._format(values, format_value)
            else:
                row[name] = format_value(value)
        return row

    def rows(self, values_rows) -> list[dict]:
        return [self.row(values) for values in values_rows]
