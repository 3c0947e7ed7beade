"""What every API serializer shares: date-times in UTC, written with Z (docs/api.md)."""

import datetime

from django.db import models
from rest_framework import serializers


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
