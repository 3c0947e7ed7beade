"""Accounts, sign-in and two-factor (allauth), invitations and single sign-on."""

from .environment import env

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# Accounts are made by the Digital Office, never by open sign-up (see AccountAdapter).
ACCOUNT_ADAPTER = "core.adapters.AccountAdapter"
ACCOUNT_FORMS = {"add_email": "core.adapters.PortalAddEmailForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Signing in needs no verified address (the Digital Office makes accounts), but a CHANGE of address does: the new
# address replaces the old only once its owner follows the link sent to it.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Failed sign-ins: 10 a minute from one client address, 5 in 5 minutes for one account (then a lockout).
# All sign-ins: 120 a minute from one client address (allauth's default, 30, was the whole site's budget while every
# request came from the proxy's address). The address is the client's own behind DJANGO_TRUSTED_PROXIES
# (core.adapters.AccountAdapter.get_client_ip, so allauth's ALLAUTH_TRUSTED_PROXY_COUNT is not used); a council's
# staff behind its one NAT address share the 120. Each sign-in costs about 235 ms of CPU (PBKDF2), so this also
# caps what one address can make the web workers spend: 120 a minute is about half a core.
ACCOUNT_RATE_LIMITS = {
    "login": env("ACCOUNT_LOGIN_RATE", default="120/m/ip"),
    "login_failed": env("ACCOUNT_LOGIN_FAILED_RATE", default="10/m/ip,5/5m/key"),
}
MFA_ADAPTER = "core.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Digital Office portal"
# Invitations (people.services.invitation_create): the e-mailed link works once, for this many days.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# Invitations sent, for a council of a few hundred staff (people.services.invitation_create, invitation_resend): a
# lead inviting a whole team in a day stays under the first; one address is not mailed more than the second allows.
INVITATIONS_PER_INVITER_PER_DAY = env.int("INVITATIONS_PER_INVITER_PER_DAY", default=50)
INVITATION_SENDS_PER_HOUR = env.int("INVITATION_SENDS_PER_HOUR", default=3)  # one invitation (first send and resends)
INVITATION_SENDS_PER_ADDRESS_PER_DAY = env.int("INVITATION_SENDS_PER_ADDRESS_PER_DAY", default=5)
# Whom people are told to ask when single sign-on refuses their domain (the Digital Office's address).
PEOPLE_CONTACT_EMAIL = env("PEOPLE_CONTACT_EMAIL", default="digitaloffice@example.scot")

# Single sign-on (README "Single sign-on"): allauth's OpenID Connect provider, on when SSO_OIDC_SERVER_URL,
# SSO_OIDC_CLIENT_ID and SSO_OIDC_CLIENT_SECRET are set. Who may come in is decided by people.sso (e-mail
# domains mapped to councils, invitations); nobody signs up by themselves.
SOCIALACCOUNT_ADAPTER = "people.sso.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SSO_OIDC_SERVER_URL = env("SSO_OIDC_SERVER_URL", default="")
SSO_OIDC_CLIENT_ID = env("SSO_OIDC_CLIENT_ID", default="")
SSO_OIDC_CLIENT_SECRET = env("SSO_OIDC_CLIENT_SECRET", default="")
SSO_OIDC_PROVIDER_ID = env("SSO_OIDC_PROVIDER_ID", default="entra")
SSO_OIDC_NAME = env("SSO_OIDC_NAME", default="Microsoft 365")
# A multi-tenant Entra ID app (server URL .../organizations/v2.0) publishes the issuer as a template: list each
# council tenant's issuer here (https://login.microsoftonline.com/<tenant id>/v2.0), comma-separated.
SSO_OIDC_ISSUERS = env.list("SSO_OIDC_ISSUERS", default=[])


def oidc_providers(*, server_url, client_id, secret, provider_id, name, issuers=()):
    """allauth's SOCIALACCOUNT_PROVIDERS for one OpenID Connect app (none when it is not configured)."""
    if not (server_url and client_id and secret):
        return {}
    app_settings = {"server_url": server_url, "token_auth_method": "client_secret_post"}
    if issuers:
        app_settings["openid_configuration_overrides"] = {"issuer": list(issuers)}
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [{
                "provider_id": provider_id, "name": name, "client_id": client_id, "secret": secret,
                "settings": app_settings,
            }],
        }
    }

SOCIALACCOUNT_PROVIDERS = oidc_providers(
    server_url=SSO_OIDC_SERVER_URL, client_id=SSO_OIDC_CLIENT_ID, secret=SSO_OIDC_CLIENT_SECRET,
    provider_id=SSO_OIDC_PROVIDER_ID, name=SSO_OIDC_NAME, issuers=SSO_OIDC_ISSUERS,
)

# Signing in again for a sensitive account change (allauth's reauthentication) stays valid this long.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
