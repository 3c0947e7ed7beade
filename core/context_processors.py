from django.conf import settings

from .i18n import AUTONYMS
from .roles import identity_of


def portal(request):
    user = getattr(request, "user", None)
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_phase": settings.PORTAL_PHASE,
        "identity": identity_of(user) if user is not None and user.is_authenticated else None,
        # The languages offered (core/i18n.py), each named in itself; the switch shows only when there are two.
        "languages_offered": [(code, AUTONYMS.get(code, code)) for code, _name in settings.LANGUAGES],
    }
