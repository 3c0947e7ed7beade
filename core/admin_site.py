from django.contrib import admin

from .policies import can_use_admin


class PortalAdminSite(admin.AdminSite):
    """The admin is for superusers, and for Digital Office staff once they have set up MFA (DESIGN.md §3)."""

    site_header = "Digital Office portal administration"
    site_title = "Digital Office portal"
    index_title = "Administration"

    def has_permission(self, request):
        return can_use_admin(request.user)
