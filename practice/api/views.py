"""API: the practice library's published (and retired) assets and the councils that declare they reuse them, with
scope practice:read. A draft or a submitted asset is not served; an unknown one is a 404."""

from core.api.views import ApiReadOnlyViewSet
from core.scopes import PRACTICE_READ

from .. import policies, selectors
from ..filtersets import AdoptionFilterSet, AssetFilterSet
from ..models import Adoption, Asset
from .serializers import AdoptionSerializer, AssetSerializer

# What str.splitlines() ends a line at and str.strip() removes (str.isspace()), as SQL string and regex text.
PYTHON_LINE_BREAKS = "\r\n|[" + "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029" + "]"
PYTHON_WHITE_SPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                      "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


class AssetViewSet(ApiReadOnlyViewSet):
    """Practice assets: case studies, playbooks, patterns, code, research, business cases, templates and lessons."""

    required_scope = PRACTICE_READ
    serializer_class = AssetSerializer
    filterset_class = AssetFilterSet
    ordering_fields = ["updated_at", "id"]
    csv_name = "practice-assets"
    rows_in_sql = True  # its rows' JSON written by PostgreSQL (core.api.json_rows)

    def get_queryset(self):
        return (selectors.visible_assets(user=self.request.user).filter(state__in=policies.READ_STATES)
                .select_related("council", "initiative").prefetch_related("themes"))

    def json_filled(self):
        """`themes`: the slugs in the themes' own order (as the prefetch reads them); `links`: the lines of the
        links text as `Asset.link_list` makes them (Python's splitlines() boundaries, strip()'s white space, blank
        lines left out)."""
        asset, through = Asset._meta.db_table, Asset.themes.through._meta.db_table
        theme = Asset.themes.field.related_model._meta.db_table
        return {
            "themes": (f"COALESCE((SELECT '[' || string_agg(to_json(t.slug)::text, ',' ORDER BY t.\"order\", t.title, "
                       f"t.id) || ']' FROM \"{through}\" link JOIN \"{theme}\" t ON t.id = link.theme_id "
                       f"WHERE link.asset_id = \"{asset}\".id), '[]')"),
            "links": (f"COALESCE((SELECT '[' || string_agg(to_json(line)::text, ',' ORDER BY n) || ']' FROM "
                      f"(SELECT btrim(part, '{PYTHON_WHITE_SPACE}') AS line, n FROM regexp_split_to_table("
                      f"\"{asset}\".links, '{PYTHON_LINE_BREAKS}') WITH ORDINALITY AS parts(part, n)) lines "
                      f"WHERE line <> ''), '[]')"),
        }


class AdoptionViewSet(ApiReadOnlyViewSet):
    """Councils' own declarations that they reuse an asset, with whether its owner confirmed them."""

    required_scope = PRACTICE_READ
    serializer_class = AdoptionSerializer
    filterset_class = AdoptionFilterSet
    ordering_fields = ["updated_at", "id"]
    csv_name = "practice-adoptions"
    rows_in_sql = True  # its rows' JSON written by PostgreSQL (core.api.json_rows)

    def get_queryset(self):
        return selectors.adoption_list(user=self.request.user)

    def json_filled(self):
        """`confirmed`, a method field: whether the owner confirmed the declaration."""
        table = Adoption._meta.db_table
        return {"confirmed": f"CASE WHEN \"{table}\".\"confirmed_at\" IS NULL THEN 'false' ELSE 'true' END"}
