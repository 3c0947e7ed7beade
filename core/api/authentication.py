"""Partner keys in `Authorization: Api-Key PREFIX.SECRET`; portal users may also read with their session."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .. import security_log
from ..selectors import key_for_text
from ..services import key_touch

KEYWORD = "Api-Key"


class KeyPrincipal:
    """Who a request made with a partner key acts as: staff of that partner organisation, limited to the key's scopes.

    It answers the questions `core.roles.role_of` asks, so the portal's role rules apply to it.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    is_digital_office_staff = False
    council_id = None
    council = None
    council_role = ""
    pk = None
    id = None

    def __init__(self, api_key):
        self.api_key = api_key
        self.partner = api_key.partner
        self.partner_id = api_key.partner_id

    def __str__(self):
        return f"{self.partner} (key {self.api_key.prefix})"


def key_prefix_in(header: str) -> str:
    return header.partition(".")[0][:16]


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    """A missing key lets the next authenticator (the session) try; a bad, expired or revoked one is a 401."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _space, text = header.partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        text = text.strip()
        request._request.api_key_prefix = key_prefix_in(text) or "?"
        key = key_for_text(text)
        if key is not None and (key.revoked or key.has_expired):
            # A real key that no longer works: its partner is known, so its requests stay in the request log.
            request._request.api_key_known = key
        if key is None or key.revoked or key.has_expired:
            reason = "not valid" if key is None else "revoked" if key.revoked else "expired"
            security_log.event("api_key_invalid", request._request, key_prefix=request._request.api_key_prefix,
                               reason=reason, path=request.path)
        if key is None:
            raise exceptions.AuthenticationFailed(_("The API key is not valid."), code="invalid_key")
        if key.revoked:
            raise exceptions.AuthenticationFailed(_("The API key has been revoked."), code="revoked_key")
        if key.has_expired:
            raise exceptions.AuthenticationFailed(_("The API key has expired."), code="expired_key")
        request._request.api_key = key
        security_log.event("api_key_used", request._request, key=key, method=request.method, path=request.path)
        key_touch(key)
        return KeyPrincipal(key), key

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'

