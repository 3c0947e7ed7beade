from django import template
from django.utils.safestring import mark_safe

from core import roles
from core.markdown import render_markdown

register = template.Library()


@register.filter
def role_label(person):
    """A person's role in words, from core.roles (never derived again in a template)."""
    return roles.role_label(person)


@register.filter
def lead_label(person_or_invitation):
    """ "digital lead" for a council's lead, "lead" for a partner's (core.roles)."""
    return roles.lead_label(council=person_or_invitation.council_id)


@register.filter
def markdown(text):
    """Sanitised HTML from Markdown (see core.markdown)."""
    return mark_safe(render_markdown(text))  # noqa: S308 - nh3 has sanitised it


@register.inclusion_tag("includes/rag_tag.html")
def rag(value, label=""):
    """A RAG rating as text and icon, never colour alone."""
    return {"rag": value, "label": label}


@register.simple_tag(takes_context=True)
def query_transform(context, **changes):
    """The current query string with some parameters changed (for sorting and pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def page_query(context, number, parameter=""):
    """The current query string showing page `number` (pagination links): of the `parameter` given, where a page
    lists several things paged apart (My council's groups), else of `page`."""
    return query_transform(context, **{parameter or "page": number})
