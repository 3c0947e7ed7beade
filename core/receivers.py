"""Listeners for sign-in and two-factor events (connected in CoreConfig.ready): the session learns that a second
factor was used, and each event is written to the security log."""

from allauth.account.signals import email_changed, password_changed, user_logged_in, user_logged_out
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
    authenticator_used,
)
from django.contrib.auth.signals import user_logged_in as django_user_logged_in
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from . import security_log
from .middleware import start_session_clock
from .second_factor import record_second_factor


@receiver(authenticator_used)
def second_factor_used(sender, request, user, authenticator, **kwargs):
    record_second_factor(request, user)
    security_log.event(
        "second_factor_used", request, user=user, type=authenticator.type,
        reauthenticated=bool(kwargs.get("reauthenticated")),
    )


@receiver(authentication_failed)
def second_factor_failed(sender, request, user, authenticator, **kwargs):
    security_log.event("second_factor_failed", request, user=user, type=authenticator.type)


@receiver(authenticator_added)
def second_factor_added(sender, request, user, authenticator, **kwargs):
    if authenticator.type == Authenticator.Type.TOTP:
        # Setting up the authenticator proved the person holds it (they entered a code from it).
        record_second_factor(request, user)
    security_log.event("second_factor_added", request, user=user, type=authenticator.type)


@receiver(authenticator_removed)
def second_factor_removed(sender, request, user, authenticator, **kwargs):
    security_log.event("second_factor_removed", request, user=user, type=authenticator.type)


@receiver(authenticator_reset)
def second_factor_reset(sender, request, user, authenticator, **kwargs):
    security_log.event("recovery_codes_reset", request, user=user, type=authenticator.type)


@receiver(django_user_logged_in)
def session_started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        start_session_clock(request)


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    security_log.event("login", request, user=user)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    security_log.event("logout", request, user=user)


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    security_log.event("login_failed", request, login=(credentials or {}).get("email") or (credentials or {}).get(
        "username"))


@receiver(password_changed)
def password_was_changed(sender, request, user, **kwargs):
    security_log.event("password_changed", request, user=user)


@receiver(email_changed)
def email_was_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    security_log.event(
        "email_changed", request, user=user,
        old=getattr(from_email_address, "email", None), new=getattr(to_email_address, "email", None),
    )
