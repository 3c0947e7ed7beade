"""The conversation shown inside other apps' pages (the initiative's page, the office's review page)."""

from django import template

from .. import policies
from ..views import conversation_context

register = template.Library()


@register.inclusion_tag("collaboration/includes/conversation.html", takes_context=True)
def conversation_panel(context, initiative, update=None):
    user = context["request"].user
    if not policies.can_read_conversation(user, initiative, update):
        return {"hidden": True}
    return {**conversation_context(user, initiative, update), "next": context["request"].path,
            "embedded": True, "request": context["request"]}
