"""The publication's values (ISO dates, decimal text) shown as people read them: "7 December 2026", "£335,000"."""

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import date_format, number_format

register = template.Library()


@register.filter
def day(value):
    if not value:
        return value
    try:
        return date_format(datetime.date.fromisoformat(str(value)[:10]), "j F Y")
    except ValueError:
        return value


@register.filter
def amount(value):
    """A decimal amount with thousands separators, its pence only when there are any."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    places = 0 if number == number.to_integral_value() else 2
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.simple_tag
def quantity(value, unit):
    """A benefit's value with its unit: "£3,967.51", "220,546 transactions"."""
    return f"£{amount(value)}" if unit == "£" else f"{amount(value)} {unit}"
