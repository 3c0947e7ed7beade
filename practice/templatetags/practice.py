"""`{% load practice %}{% council_practice council %}`: a council's "what we share and what we reuse", for its
council page (dashboard/council.html). A template tag, so the dashboard (a sibling layer) shows it without importing
practice."""

from django import template

from .. import policies, selectors

register = template.Library()


@register.inclusion_tag("practice/_council_panel.html", takes_context=True)
def council_practice(context, council):
    user = context["request"].user
    if not policies.can_read_library(user):
        return {"shown": False}
    return {"shown": True, "council": council, **selectors.council_practice(user=user, council=council)}
