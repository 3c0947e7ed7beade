from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

from ..models import financial_year_label
from ..selectors import status_label

register = template.Library()

STATUS_TAGS = {
    "paid": "ds_tag--green",
    "overdue": "ds_tag--red",
    "part_paid": "ds_tag--orange",
    "invoiced": "ds_tag--blue",
    "due": "ds_tag--grey",
}


@register.filter
def money(value):
    """Pounds and pence with thousands separators: £25,000.00."""
    if value in (None, ""):
        return "–"
    return f"£{floatformat(Decimal(value), '2g')}"


@register.filter
def money_abs(value):
    """An amount without its sign (the words around it say which way it goes): £2,656,390.00."""
    if value in (None, ""):
        return "–"
    return money(abs(Decimal(value)))


@register.filter
def fy(start_year):
    """A financial year as the office writes it: 2017 becomes 2017/18."""
    return financial_year_label(int(start_year)) if start_year not in (None, "") else ""


@register.inclusion_tag("councils/includes/status.html")
def status(value):
    """A contribution's status as a tag: the word is always there, colour only repeats it."""
    return {"label": status_label(value), "tag_class": STATUS_TAGS.get(value, "ds_tag--grey"), "value": value}
