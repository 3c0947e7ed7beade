from django import template
from django.template.defaultfilters import floatformat

register = template.Library()

PREFIX_UNITS = {"£", "$", "€"}
CLOSED_UNITS = {"%"}


@register.filter
def in_unit(value, unit):
    """A measure's value written with its unit: £2.50, 61%, 12,000 people."""
    if value is None or value == "":
        return ""
    number = floatformat(value, "-2g")
    if unit in PREFIX_UNITS:
        return f"{unit}{number}"
    if unit in CLOSED_UNITS:
        return f"{number}{unit}"
    return f"{number} {unit}".strip()
