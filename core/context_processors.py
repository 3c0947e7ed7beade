from django.conf import settings

from .roles import identity_of


def portal(request):
    user = getattr(request, "user", None)
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_phase": settings.PORTAL_PHASE,
        "identity": identity_of(user) if user is not None and user.is_authenticated else None,
    }
