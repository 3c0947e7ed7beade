"""Two-factor authentication for Digital Office staff and superusers (README "Security").

Having an authenticator is not enough: the session must have used it. allauth's login asks for the TOTP code (or a
recovery code) after the password; when that succeeds, or when the person sets up their authenticator in this
session, `record_second_factor` notes it in the session (core.receivers listens to allauth's signals).
`SecondFactorMiddleware` copies the answer onto `request.user.second_factor_verified`, which the policies read
(core.roles.is_digital_office), and sends staff who have not used a second factor to set one up or to enter a code.
"""

from allauth.mfa.models import Authenticator

SESSION_KEY = "portal_second_factor_user"


def needs_second_factor(user) -> bool:
    """Digital Office staff and superusers: nothing privileged until the session has used a second factor."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "_meta", None) is not None
        and (user.is_digital_office_staff or user.is_superuser)
    )


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def record_second_factor(request, user):
    request.session[SESSION_KEY] = str(user.pk)


def session_used_second_factor(request, user) -> bool:
    session = getattr(request, "session", None)
    return session is not None and user.pk is not None and session.get(SESSION_KEY) == str(user.pk)
