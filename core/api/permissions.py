"""Each API view names the scope it needs; core.policies says whether the caller has it."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from ..policies import can_use_scope


class HasScope(permissions.BasePermission):
    """No caller: 401 (DRF asks the authenticators for a challenge). A caller without the scope: 403."""

    message = _("This key or account does not have the scope this endpoint needs.")

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        scope = view.required_scope_for(request)
        self.message = _("This endpoint needs the scope %(scope)s.") % {"scope": scope}
        return can_use_scope(user, scope)
