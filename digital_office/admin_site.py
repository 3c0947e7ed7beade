from django.contrib import admin


def has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class PortalAdminSite(admin.AdminSite):
    """The admin is for superusers, and for Digital Office staff once they have set up MFA (DESIGN.md §3)."""

    site_header = "Digital Office portal administration"
    site_title = "Digital Office portal"
    index_title = "Administration"

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or (user.is_digital_office_staff and has_mfa(user))
