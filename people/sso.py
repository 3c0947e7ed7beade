"""Single sign-on (allauth's OpenID Connect provider) made to fit the portal: nobody signs up by themselves. Who a
person signing in with their organisation's account is, is decided by people.services.sso_sign_in (e-mail
domains mapped to councils, invitations); a refusal is a page saying why and whom to ask."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.datakit import parse_bool_safely
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.shortcuts import render

from core import security_log

from . import services


def claims_of(sociallogin) -> dict:
    """The identity provider's claims: the ID token's, with the userinfo endpoint's over them."""
    data = sociallogin.account.extra_data or {}
    claims = dict(data.get("id_token") or {})
    claims.update(data.get("userinfo") or {})
    return claims or dict(data)


def claim_bool(claims: dict, name: str) -> bool | None:
    """A yes/no claim; None when the provider did not send it."""
    value = claims.get(name)
    return None if value is None else parse_bool_safely(value)


def refusal_page(request, refusal: services.SSORefused):
    return render(request, "people/sso_refused.html", {
        "refusal": refusal, "contact_email": settings.PEOPLE_CONTACT_EMAIL,
    }, status=403)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # Accounts are linked by matching their address, never by hand.
            raise ImmediateHttpResponse(refusal_page(request, services.SSORefused("connect")))
        claims = claims_of(sociallogin)
        email = sociallogin.user.email if sociallogin.user and sociallogin.user.email else claims.get("email", "")
        try:
            outcome = services.sso_sign_in(
                email=email,
                email_verified=claim_bool(claims, "email_verified"),
                domain_verified=claim_bool(claims, "xms_edov"),
                full_name=claims.get("name") or "",
                tenant_id=str(claims.get("tid") or ""),
                issuer=str(claims.get("iss") or ""),
                linked_person=sociallogin.user if sociallogin.is_existing else None,
                provider=sociallogin.account.provider,
            )
        except services.SSORefused as refusal:
            security_log.event("sso_refused", request, login=email, reason=refusal.reason,
                               provider=sociallogin.account.provider)
            raise ImmediateHttpResponse(refusal_page(request, refusal)) from refusal
        if not sociallogin.is_existing:
            sociallogin.user = outcome.person
            sociallogin.save(request, connect=True)
        security_log.event("sso_login", request, user=outcome.person, provider=sociallogin.account.provider,
                           linked=outcome.linked, created=outcome.created)
