"""The first administrator of a new installation (`manage.py bootstrap_admin`, docs/operations.md).

A fresh production install has nobody who can sign in, and the admin site asks its staff for a second factor
(core.middleware.SecondFactorMiddleware). This makes the administrator with their authenticator already set up:
a password (generated unless given), a TOTP secret and recovery codes, shown once to the operator who runs it.
"""

import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from . import security_log
from .models import User


class AdministratorExists(Exception):
    """An active administrator is there already: a second bootstrap needs --force."""


@dataclass(frozen=True)
class BootstrappedAdministrator:
    user: User
    password: str
    generated_password: bool
    totp_secret: str
    otpauth_uri: str
    recovery_codes: list


def existing_administrators():
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk")


def administrator_bootstrap(*, email: str, password: str = "", full_name: str = "",
                            force: bool = False) -> BootstrappedAdministrator:
    """Make (or, with `force`, reset) the administrator `email` with a password, TOTP and recovery codes.

    Refuses while any active administrator exists unless `force`: run twice by mistake, it changes nothing.
    With `force`, an account of that address gets a new password, a new TOTP secret and new recovery codes
    (the old ones stop working), and is made an active administrator.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if not force:
        others = list(existing_administrators().values_list("email", flat=True)[:5])
        if others:
            raise AdministratorExists(", ".join(others))
    generated = not password
    if generated:
        password = secrets.token_urlsafe(18)
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first() or User(email=email)
        validate_password(password, user)
        user.is_staff = user.is_superuser = user.is_active = True
        user.is_digital_office_staff = True
        if full_name:
            user.full_name = full_name
        user.set_password(password)
        user.save()
        EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
        EmailAddress.objects.update_or_create(user=user, email=email,
                                              defaults={"verified": True, "primary": True})
        Authenticator.objects.filter(user=user, type__in=[Authenticator.Type.TOTP,
                                                          Authenticator.Type.RECOVERY_CODES]).delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        codes = RecoveryCodes.activate(user).get_unused_codes()
    security_log.event("administrator_bootstrapped", user=user, forced=force)
    return BootstrappedAdministrator(user=user, password=password, generated_password=generated, totp_secret=secret,
                                     otpauth_uri=mfa_adapter().build_totp_url(user, secret), recovery_codes=codes)
