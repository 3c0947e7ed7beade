"""Invitations: sending, resending, withdrawing and accepting them, their e-mail, and the access record's
entries. Each checks the actor's rights in people.policies and runs in a transaction."""

import datetime
import logging
import re
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import enqueue_after_commit
from core.models import User
from core.roles import Role, council_role_for, role_description
from core.services import mail_error_is_transient

from .. import policies
from ..models import AccessEvent, Invitation, invitation_token_hash

logger = logging.getLogger(__name__)


class InvitationRefused(Exception):
    """An invitation link that cannot be used: `reason` is unknown, accepted, withdrawn, expired or account_exists."""

    def __init__(self, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def access_record(kind, *, actor=None, person=None, email="", council_id=None, partner_id=None, summary="",
                  is_demo=False) -> AccessEvent:
    """One entry of the access record (who, when, what); written in the transaction of the change it records."""
    return AccessEvent.objects.create(
        kind=kind, actor=actor if getattr(actor, "pk", None) else None, person=person,
        email=email or getattr(person, "email", ""), council_id=council_id, partner_id=partner_id,
        summary=summary[:300], is_demo=is_demo,
    )


def _clean_organisation(role, council, partner):
    if role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        return council, None
    if role == Role.PARTNER:
        return None, partner
    return None, None


def _refuse_known_address(user, email, *, invitation=None):
    """An address that has an account, or an open invitation (other than `invitation`), cannot be invited. Digital
    Office staff are told which; a lead is told only about their own organisation's addresses, and otherwise gets
    one refusal that says nothing of the address (finding 7 of issue 20: the form was an address directory)."""
    existing = User.objects.filter(email__iexact=email).first()
    pending = Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True, withdrawn_at__isnull=True)
    if invitation is not None:
        pending = pending.exclude(pk=invitation.pk)
    pending = pending.first()
    known = existing or pending
    if known is None:
        return
    if not policies.sees_addresses_of(user, known):
        raise ValidationError({"email": _(
            "This address cannot be invited from here. If the person should join your organisation, ask the Digital "
            "Office (%(contact)s)."
        ) % {"contact": settings.PEOPLE_CONTACT_EMAIL}})
    if existing is not None and not existing.is_active:
        raise ValidationError({"email": _(
            "%(email)s has an account that was deactivated. Ask the Digital Office if it should be used again."
        ) % {"email": email}})
    if existing is not None:
        raise ValidationError({"email": _(
            "%(email)s already has an account: change its role on the team page instead of inviting it."
        ) % {"email": email}})
    raise ValidationError({"email": _(
        "%(email)s has already been invited: resend or withdraw that invitation from the list."
    ) % {"email": email}})


NAME_LINK = re.compile(r"(https?:|www\.|//)|\b[\w-]+\.(?:[a-z]{2,})(?:/|\b)", re.IGNORECASE)


def _clean_invited_name(full_name: str) -> str:
    """The name the inviter gave goes into the portal's e-mail: one line, no links (finding 6 of issue 20: "URGENT
    ... sign in at https://evil.example/login")."""
    name = (full_name or "").strip()
    if any(character in name for character in "\r\n\t\x0b\x0c\x85\u2028\u2029"):
        raise ValidationError({"full_name": _("Write the name on one line.")})
    if NAME_LINK.search(name) or "@" in name:
        raise ValidationError({"full_name": _(
            "Write only the person's name: no web or e-mail addresses.")})
    return name


def _limit_sends(user, *, email, invitation=None):
    """Invitations are not a mail relay: each lead makes at most INVITATIONS_PER_INVITER_PER_DAY new ones a day,
    one invitation is sent at most INVITATION_SENDS_PER_HOUR times an hour, and one address gets at most
    INVITATION_SENDS_PER_ADDRESS_PER_DAY invitation e-mails a day, counted from the access record."""
    now = timezone.now()
    day, hour = now - datetime.timedelta(days=1), now - datetime.timedelta(hours=1)
    sent = AccessEvent.objects.filter(kind__in=[AccessEvent.Kind.INVITED, AccessEvent.Kind.INVITATION_RESENT])
    if invitation is None and getattr(user, "pk", None) and not policies.is_digital_office(user):
        made = sent.filter(kind=AccessEvent.Kind.INVITED, actor_id=user.pk, at__gte=day).count()
        if made >= settings.INVITATIONS_PER_INVITER_PER_DAY:
            raise ValidationError(_(
                "You have sent %(count)s invitations in the last 24 hours, the most allowed: try again tomorrow, or "
                "ask the Digital Office."
            ) % {"count": made})
    if invitation is not None:
        again = sent.filter(email__iexact=email, at__gte=max(hour, invitation.created_at)).count()
        if again >= settings.INVITATION_SENDS_PER_HOUR:
            raise ValidationError(_(
                "This invitation was sent %(count)s times in the last hour: wait an hour before sending it again."
            ) % {"count": again})
    if sent.filter(email__iexact=email, at__gte=day).count() >= settings.INVITATION_SENDS_PER_ADDRESS_PER_DAY:
        raise ValidationError(_(
            "This address has been sent as many invitations as allowed in 24 hours: try again tomorrow."))


INVITATION_MAIL_TASK = "people.tasks.send_invitation"


def invitation_link(token: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse("people:accept", kwargs={"token": token})


def _send_invitation(invitation: Invitation, token: str, *, sender):
    """Hand the e-mail to a Celery task once the invitation is committed (retried with backoff there): a mail
    server that is down never loses the invitation, and the inviter is told what became of it."""
    invitation.mail_status, invitation.mail_error = Invitation.Mail.QUEUED, ""
    Invitation.objects.filter(pk=invitation.pk).update(mail_status=Invitation.Mail.QUEUED, mail_error="")
    sender_id = getattr(sender, "pk", None)
    transaction.on_commit(lambda: _queue_invitation_mail(invitation.pk, token, sender_id))


def _queue_invitation_mail(invitation_id, token, sender_id):
    job = enqueue_after_commit(INVITATION_MAIL_TASK, invitation_id, token, sender_id)
    if job.sent is False:
        Invitation.objects.filter(pk=invitation_id).update(
            mail_status=Invitation.Mail.FAILED, mail_error=_("The mail queue could not be reached.")[:300])


def invitation_mail_send(*, invitation_id: int, token: str, sender_id=None, last_attempt: bool) -> str:
    """Send an invitation's e-mail (people.tasks.send_invitation); returns its mail status.

    A transient failure is recorded as "trying again" and raised, so the task retries it with backoff; on the last
    attempt, or for a permanent refusal, it is recorded as failed and logged, and the team page says to give the
    person the link. An invitation no longer open (accepted, withdrawn, or its link replaced) is not sent.
    """
    invitation = Invitation.objects.select_related("council", "partner").filter(
        pk=invitation_id, token_hash=invitation_token_hash(token)).first()
    if invitation is None or not invitation.is_open or invitation.mail_status == Invitation.Mail.SENT:
        return "skipped"
    sender = User.objects.filter(pk=sender_id).first() if sender_id else None
    context = {
        "invitation": invitation, "link": invitation_link(token), "sender": sender,
        "role": role_description(role=invitation.role, council=invitation.council, partner=invitation.partner,
                                 is_lead=invitation.is_lead),
        "expires_at": invitation.expires_at, "portal_name": settings.PORTAL_NAME,
    }
    message = EmailMultiAlternatives(
        subject=_("You are invited to the Digital Office portal"),
        body=render_to_string("people/email/invitation.txt", context),
        to=[invitation.email],
        reply_to=[sender.email] if getattr(sender, "email", "") else None,
    )
    try:
        message.send()
    except Exception as exc:  # any mail failure is recorded and shown; the invitation itself stands
        transient = mail_error_is_transient(exc)
        status = Invitation.Mail.RETRYING if transient and not last_attempt else Invitation.Mail.FAILED
        detail = f"{exc.__class__.__name__}: {exc}"[:300]
        Invitation.objects.filter(pk=invitation.pk).update(mail_status=status, mail_error=detail)
        if status == Invitation.Mail.RETRYING:
            logger.warning("Invitation %s: e-mail not sent, trying again: %s", invitation.pk, detail)
            raise
        logger.error("Invitation %s: e-mail could not be sent: %s", invitation.pk, detail)
        return status
    Invitation.objects.filter(pk=invitation.pk).update(
        mail_status=Invitation.Mail.SENT, mail_error="", sent_at=timezone.now(), send_count=F("send_count") + 1)
    return Invitation.Mail.SENT


def _issue_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = invitation_token_hash(token)
    invitation.expires_at = timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS)
    return token


def _may_handle_invitation(user, invitation) -> bool:
    return policies.can_invite(
        user, role=invitation.role, council_id=invitation.council_id, partner_id=invitation.partner_id,
        is_lead=invitation.is_lead,
    )


@transaction.atomic
def invitation_create(*, user, email, role, council=None, partner=None, full_name="", is_lead=False,
                      is_demo=False, send=True) -> tuple[Invitation, str]:
    """Invite a person by e-mail; returns the invitation and its link's token (sent in the e-mail, never stored).

    If the e-mail cannot be sent nothing is kept (the error reaches the caller), so the inviter can try again."""
    council, partner = _clean_organisation(role, council, partner)
    if not policies.can_invite(user, role=role, council_id=getattr(council, "pk", None),
                               partner_id=getattr(partner, "pk", None), is_lead=is_lead):
        raise PermissionDenied(_("You may not invite people in this role."))
    email = (email or "").strip().lower()
    full_name = _clean_invited_name(full_name)
    invitation = Invitation(
        email=email, full_name=full_name, role=role, council=council, partner=partner, is_lead=is_lead,
        created_by=user if getattr(user, "pk", None) else None, is_demo=is_demo,
    )
    token = _issue_token(invitation)
    _refuse_known_address(user, email)
    invitation.full_clean(exclude=["token_hash"])
    if send:
        _limit_sends(user, email=email)
    invitation.save()
    if send:
        _send_invitation(invitation, token, sender=user)
    access_record(
        AccessEvent.Kind.INVITED, actor=user, email=email, council_id=invitation.council_id,
        partner_id=invitation.partner_id, is_demo=is_demo,
        summary=role_description(role=role, council=council, partner=partner, is_lead=is_lead),
    )
    return invitation, token


@transaction.atomic
def invitation_resend(*, user, invitation) -> str:
    """Send the invitation again with a new link (the old one stops working) that expires from now."""
    if not _may_handle_invitation(user, invitation):
        raise PermissionDenied(_("You may not resend this invitation."))
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("council", "partner").get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise ValidationError(_("This invitation was %(state)s: it cannot be sent again.") % {
            "state": invitation.state_label.lower()})
    _refuse_known_address(user, invitation.email, invitation=invitation)
    _limit_sends(user, email=invitation.email, invitation=invitation)
    token = _issue_token(invitation)
    invitation.save()
    _send_invitation(invitation, token, sender=user)
    access_record(AccessEvent.Kind.INVITATION_RESENT, actor=user, email=invitation.email,
                  council_id=invitation.council_id, partner_id=invitation.partner_id)
    return token


@transaction.atomic
def invitation_withdraw(*, user, invitation) -> Invitation:
    if not _may_handle_invitation(user, invitation):
        raise PermissionDenied(_("You may not withdraw this invitation."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation was %(state)s already.") % {"state": invitation.state_label.lower()})
    invitation.withdrawn_at = timezone.now()
    invitation.withdrawn_by = user
    invitation.save(update_fields=["withdrawn_at", "withdrawn_by"])
    access_record(AccessEvent.Kind.INVITATION_WITHDRAWN, actor=user, email=invitation.email,
                  council_id=invitation.council_id, partner_id=invitation.partner_id)
    return invitation


def _usable_invitation(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update().filter(token_hash=invitation_token_hash(token or "")).first()
    )
    if invitation is None:
        raise InvitationRefused("unknown")
    if invitation.state != Invitation.State.PENDING:
        raise InvitationRefused(invitation.state, invitation)
    if not _inviter_may_still_invite(invitation):
        raise InvitationRefused(Invitation.State.WITHDRAWN, invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationRefused("account_exists", invitation)
    return invitation


def _person_from_invitation(invitation: Invitation, *, full_name: str) -> User:
    role = invitation.role
    return User(
        email=invitation.email.lower(), full_name=(full_name or invitation.full_name).strip(),
        is_digital_office_staff=role == Role.DIGITAL_OFFICE,
        council_id=invitation.council_id,
        council_role=council_role_for(role),
        partner_id=invitation.partner_id, is_lead=invitation.is_lead,
    )


def _join(person: User, invitation: Invitation | None):
    person.save()
    # The person proved the address is theirs (they followed the e-mailed link, or their organisation's sign-in
    # vouched for it).
    EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
    if invitation is not None:
        invitation.accepted_at = timezone.now()
        invitation.user = person
        invitation.save(update_fields=["accepted_at", "user"])


@transaction.atomic
def invitation_accept(*, token: str, password: str, full_name: str = "") -> User:
    """Make the account an invitation is for, with the password the person chose. Raises InvitationRefused for a
    link that is unknown, used, withdrawn or expired, and ValidationError for a password the rules refuse."""
    invitation = _usable_invitation(token)
    person = _person_from_invitation(invitation, full_name=full_name)
    try:
        validate_password(password, person)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    person.set_password(password)
    person.full_clean(exclude=["password"])
    _join(person, invitation)
    access_record(AccessEvent.Kind.INVITATION_ACCEPTED, actor=person, person=person,
                  council_id=person.council_id, partner_id=person.partner_id,
                  summary=role_description(role=invitation.role, council=invitation.council,
                                           partner=invitation.partner, is_lead=invitation.is_lead))
    return person


def open_invitation_for(email: str) -> Invitation | None:
    """The pending invitation for this address (single sign-on matches it), locked; None if none is pending."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(email__iexact=email, accepted_at__isnull=True, withdrawn_at__isnull=True).first()
    )
    if invitation is None or invitation.state != Invitation.State.PENDING or not _inviter_may_still_invite(invitation):
        return None
    return invitation


def _inviter_may_still_invite(invitation: Invitation) -> bool:
    return policies.inviter_may_still_invite(
        invitation.created_by, role=invitation.role, council_id=invitation.council_id,
        partner_id=invitation.partner_id, is_lead=invitation.is_lead,
    )
