"""Councils and partner organisations: lists, names, matching a council named in a spreadsheet, and what the
partner API serves."""

import re

from django.utils.translation import gettext as _

from ..models import (
    Council,
    CouncilCodeAlias,
    PartnerOrganisation,
)
from .figures import contributions_with_figures, visible_contributions

# -- councils and partners --------------------------------------------------------------------


def council_list():
    """The 32 councils by name (forms and filters offer them)."""
    return Council.objects.order_by("name")


def partner_list():
    return PartnerOrganisation.objects.order_by("name")


def council_names() -> dict[int, str]:
    return dict(Council.objects.values_list("pk", "name"))


def partner_names() -> dict[int, str]:
    return dict(PartnerOrganisation.objects.values_list("pk", "name"))


def council_by_slug(slug: str) -> Council | None:
    return Council.objects.filter(slug=slug).first()


def _normal_name(text) -> str:
    text = str(text or "").lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    return re.sub(r" council$", "", text)


class CouncilMatcher:
    """Every council, found by its current GSS code, an old GSS code, its name, short name or slug, as a
    spreadsheet names it ("The City of Edinburgh Council", "Edinburgh", "S12000036"). Two queries."""

    def __init__(self):
        councils = list(Council.objects.all())
        self.by_code = {c.gss_code.upper(): c for c in councils}
        by_pk = {c.pk: c for c in councils}
        for alias in CouncilCodeAlias.objects.all():
            self.by_code[alias.old_code.upper()] = by_pk[alias.council_id]
        self.by_name = {}
        for council in councils:
            for name in (council.name, council.short_name, council.slug):
                self.by_name[_normal_name(name)] = council

    def find(self, text: str) -> Council | None:
        return self.by_code.get(text.strip().upper()) or self.by_name.get(_normal_name(text))

    @staticmethod
    def no_match_message(text: str) -> str:
        return _(
            "no council matches “%(name)s”. Use the council's GSS code (like S12000049), an old GSS code, or its name."
        ) % {"name": text}


# -- what the partner API serves ------------------------------------------------------------------


def api_councils():
    return Council.objects.prefetch_related("code_aliases")


def api_partners():
    return PartnerOrganisation.objects.all()


def api_contributions(*, caller):
    """Contributions with their figures and payments. Their `updated_at` moves when a payment, the council's name or
    the agreement's title changes (councils.receivers), and when a figure changes with the date (the daily job)."""
    visible = visible_contributions(user=caller).select_related("council", "agreement").prefetch_related("payments")
    return contributions_with_figures(visible)
