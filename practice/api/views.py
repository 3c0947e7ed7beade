"""API: the practice library's published (and retired) assets and the councils that declare they reuse them, with
scope practice:read. A draft or a submitted asset is not served; an unknown one is a 404."""

from core.api.views import ApiReadOnlyViewSet
from core.scopes import PRACTICE_READ

from .. import policies, selectors
from ..filtersets import AdoptionFilterSet, AssetFilterSet
from ..models import Adoption
from .serializers import AdoptionSerializer, AssetSerializer


class AssetViewSet(ApiReadOnlyViewSet):
    """Practice assets: case studies, playbooks, patterns, code, research, business cases, templates and lessons."""

    required_scope = PRACTICE_READ
    serializer_class = AssetSerializer
    filterset_class = AssetFilterSet
    ordering_fields = ["updated_at", "id"]
    csv_name = "practice-assets"

    def get_queryset(self):
        return (selectors.visible_assets(user=self.request.user).filter(state__in=policies.READ_STATES)
                .select_related("council", "initiative").prefetch_related("themes"))


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
