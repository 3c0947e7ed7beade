"""API: contracts, with scope contracts:read (no key has it unless the Digital Office gives it). Signed-in council
staff read their own council's contracts only; another council's is a 404."""

from django.db.models import Prefetch

from core.api.views import ApiReadOnlyViewSet
from core.scopes import CONTRACTS_READ

from .. import selectors
from ..filtersets import ContractFilterSet
from ..models import ContractUse
from .serializers import ContractSerializer


class ContractViewSet(ApiReadOnlyViewSet):
    """Contracts of the register: supplier, category (CPV), value, dates, extensions and the councils using each."""

    required_scope = CONTRACTS_READ
    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    ordering_fields = ["updated_at", "id"]
    csv_name = "contracts"

    def get_queryset(self):
        return selectors.visible_contracts(user=self.request.user).select_related("council").prefetch_related(
            Prefetch("uses", ContractUse.objects.select_related("council")))
