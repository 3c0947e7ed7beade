"""API: comments in the conversations on initiatives, with scope comments:read. No key has it unless the Digital
Office grants the key's organisation access to comments (off by default), and a key keeps it only while the grant
lasts (core.policies.scopes_of). Conversations on an update under review are never served."""

from core.api.views import ApiReadOnlyViewSet
from core.scopes import COMMENTS_READ

from .. import selectors
from ..filtersets import CommentFilterSet
from .serializers import CommentSerializer


class CommentViewSet(ApiReadOnlyViewSet):
    """Comments on initiatives, replies and deleted ones included (served only to organisations the office allows)."""

    required_scope = COMMENTS_READ
    serializer_class = CommentSerializer
    filterset_class = CommentFilterSet
    ordering_fields = ["updated_at", "id"]
    csv_name = "comments"

    def get_queryset(self):
        return selectors.api_comments(user=self.request.user)
