from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from .policies import can_use_admin


class PortalAdminSite(admin.AdminSite):
    """The admin is for superusers and Digital Office staff, once their session used two-factor (docs/design.md §3).

    It has no login form of its own: everyone signs in through the portal's one login (allauth, with its rate
    limits and two-factor step), which brings them back here."""

    site_header = "Digital Office portal administration"
    site_title = "Digital Office portal"
    index_title = "Administration"

    def has_permission(self, request):
        return can_use_admin(request.user)

    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(next_url)
            raise PermissionDenied
        return redirect(reverse("account_login") + "?" + urlencode({REDIRECT_FIELD_NAME: next_url}))
