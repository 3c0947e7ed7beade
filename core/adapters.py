"""allauth, made to fit the portal: closed sign-up, the trusted client address, lockouts logged, an authenticator
that Digital Office staff cannot remove, and an email change that refuses another person's address."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import AddEmailForm
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from . import security_log
from .client_address import client_address
from .jobs import enqueue_after_commit
from .mail import MAIL_TASK, mail_as_dict
from .second_factor import needs_second_factor


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by the Digital Office (admin or invitation), never by open sign-up."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        """allauth's rate limits count per client address: the one a trusted proxy vouches for (core.client_address)."""
        return client_address(request) or super().get_client_ip(request)

    def send_mail(self, template_prefix, email, context):
        """allauth's e-mails (notices such as "two-factor turned on", password resets, address checks) go by a
        Celery task with retries after the request's transaction commits: a mail server that is down never turns
        the action into a 500 (the first administrator's two-factor set-up did), and the failure is logged."""
        message = self.render_mail(template_prefix, email, context)
        enqueue_after_commit(MAIL_TASK, mail_as_dict(message))

    def validation_error(self, code, *args):
        if code == "too_many_login_attempts":
            security_log.event("lockout", context.request)
        return super().validation_error(code, *args)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator):
        """Digital Office staff and superusers must keep their authenticator (they may make new recovery codes)."""
        if authenticator.type == Authenticator.Type.TOTP and needs_second_factor(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)


class PortalAddEmailForm(AddEmailForm):
    """A new address must be nobody else's: refused with a message (allauth would otherwise say nothing, to hide
    who has an account, and the swap would later fail on the unique address of the user table)."""

    def clean_email(self):
        email = super().clean_email()
        taken = (
            get_user_model().objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists()
            or EmailAddress.objects.filter(email__iexact=email).exclude(user_id=self.user.pk).exists()
        )
        if taken:
            raise forms.ValidationError(_("This address belongs to another account: use your own address."))
        return email

    def save(self, request):
        """The address the account has now (set by the Digital Office) stays the one in use until the new one is
        verified: allauth would otherwise take an unrecorded current address for the pending change."""
        current, _created = EmailAddress.objects.get_or_create(
            user=self.user, email=self.user.email.lower(), defaults={"primary": True, "verified": True},
        )
        if not (current.primary and current.verified):
            EmailAddress.objects.filter(pk=current.pk).update(primary=True, verified=True)
        return super().save(request)
