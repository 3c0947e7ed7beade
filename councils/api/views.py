"""Partner API: councils, partner organisations, funding contributions (scope funding:read)."""

from django.shortcuts import get_object_or_404

from core.api.views import ApiReadOnlyViewSet
from core.scopes import COUNCILS_READ, FUNDING_READ

from .. import selectors
from ..filtersets import ContributionFilterSet, CouncilFilterSet, PartnerOrganisationFilterSet
from .serializers import ContributionSerializer, CouncilSerializer, PartnerOrganisationSerializer


class CouncilViewSet(ApiReadOnlyViewSet):
    """The 32 council areas. A council is found by its current GSS code or by an old one it held."""

    required_scope = COUNCILS_READ
    serializer_class = CouncilSerializer
    filterset_class = CouncilFilterSet
    ordering_fields = ["name", "gss_code", "id"]
    sync_field = None
    lookup_field = "gss_code"
    lookup_value_regex = "[A-Za-z0-9]+"
    csv_name = "councils"

    def get_queryset(self):
        return selectors.api_councils()

    def get_object(self):
        return get_object_or_404(self.get_queryset().by_code(self.kwargs["gss_code"]))


class PartnerOrganisationViewSet(ApiReadOnlyViewSet):
    """The partner organisations (Scottish Government, COSLA, the Improvement Service, ...)."""

    required_scope = COUNCILS_READ
    serializer_class = PartnerOrganisationSerializer
    filterset_class = PartnerOrganisationFilterSet
    ordering_fields = ["name", "slug", "id"]
    sync_field = None
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    csv_name = "partners"

    def get_queryset(self):
        return selectors.api_partners()


class ContributionViewSet(ApiReadOnlyViewSet):
    """What each council owes and has paid for each financial year, with derived figures and status.

    Needs `funding:read`. Signed-in council staff see their own council's contributions only.
    """

    required_scope = FUNDING_READ
    serializer_class = ContributionSerializer
    filterset_class = ContributionFilterSet
    ordering_fields = ["updated_at", "id"]
    csv_name = "contributions"

    def get_queryset(self):
        return selectors.api_contributions(caller=self.request.user)
