"""Filters every FilterSet shares (pages, exports and the API read the same ones)."""

import django_filters
from django import forms

LARGEST_ID = 9_223_372_036_854_775_807  # a 64-bit id, the largest the databases store
YEARS = {"min_value": 1, "max_value": 9999}  # the years a date can have
IDS = {"min_value": 1, "max_value": LARGEST_ID}


class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number between `min_value` and `max_value`, both required.

    A value that is not a whole number, or is out of bounds, is a form error on the portal's pages and a 400
    naming the parameter in the API (never a database error); the API schema publishes the bounds.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int, max_value: int, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)

    @property
    def bounds(self) -> tuple[int, int]:
        return self.extra["min_value"], self.extra["max_value"]

    def get_max_validator(self):
        return None  # the form field's own bounds apply
