"""Writes of the kernel: partner API keys and people (invitations, roles, deactivation; each checks the actor's
rights in core.policies and runs in a transaction), and the change feed's entries (written by the apps' receivers
inside the transaction of the change they record)."""

import datetime
import logging
import re
import secrets
import smtplib

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import cache as portal_cache
from . import policies, security_log
from .jobs import enqueue_after_commit
from .mail import mail_from_dict
from .models import (
    AccessEvent,
    Change,
    ChangeFeedFloor,
    Invitation,
    PartnerAPIKey,
    User,
    WorkerHeartbeat,
    invitation_token_hash,
)
from .roles import Role, council_role_for, person_role_description, role_description

logger = logging.getLogger(__name__)

LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def expiry_from_date(day: datetime.date | None) -> datetime.datetime | None:
    """A key "expires on" a day: it works until the end of that day, UK time."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _key_scopes_allowed(*, user, scopes, granted):
    """Staff give any scope. A partner's lead only those the office granted their organisation (`granted`, passed
    in by partner_access, which keeps the grants): any other is refused, naming it."""
    if policies.can_manage_partner_access(user):
        return
    refused = sorted(set(scopes) - set(granted or ()))
    if refused:
        raise ValidationError({"scopes": _(
            "Your organisation has not been granted %(scopes)s: ask the Digital Office."
        ) % {"scopes": ", ".join(refused)}})


def _key_summary(key) -> str:
    return f"{key.name} ({key.prefix}): {', '.join(key.scopes)}"


@transaction.atomic
def key_create(*, user, partner, name, scopes, expires_on=None, rate_limit="", granted=None,
               ) -> tuple[PartnerAPIKey, str]:
    """Make a key and return it with its full text, which is shown this once and never stored. Digital Office
    staff for any partner; a partner's lead for their own, within `granted` and at the default rate."""
    if not policies.can_manage_keys_of(user, partner.pk):
        raise PermissionDenied(_("Only Digital Office staff and the organisation's leads make its API keys."))
    _key_scopes_allowed(user=user, scopes=scopes, granted=granted)
    if rate_limit and not policies.can_manage_partner_access(user):
        raise ValidationError({"rate_limit": _("Only the Digital Office sets a key's own rate.")})
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expiry_date": _("The expiry date cannot be in the past.")})
    key = PartnerAPIKey(
        partner=partner, name=name, scopes=sorted(set(scopes)), expiry_date=expiry_from_date(expires_on),
        rate_limit=rate_limit or "", created_by=user if getattr(user, "pk", None) else None,
    )
    text = PartnerAPIKey.objects.assign_key(key)
    key.full_clean()
    key.save()
    access_record(AccessEvent.Kind.KEY_CREATED, actor=user, partner_id=partner.pk, summary=_key_summary(key))
    return key, text


@transaction.atomic
def key_rotate(*, user, key, granted=None) -> tuple[PartnerAPIKey, str]:
    """A new key with the same name, scopes, expiry and rate, and the old one revoked at once: what to do when a
    key's text may have leaked. The new text is shown this once."""
    key = PartnerAPIKey.objects.select_for_update().get(pk=key.pk)
    if not policies.can_manage_keys_of(user, key.partner_id):
        raise PermissionDenied(_("Only Digital Office staff and the organisation's leads rotate its API keys."))
    if key.revoked:
        raise ValidationError(_("Key %(prefix)s is revoked: make a new one instead.") % {"prefix": key.prefix})
    _key_scopes_allowed(user=user, scopes=key.scopes, granted=granted)
    new = PartnerAPIKey(
        partner_id=key.partner_id, name=key.name, scopes=list(key.scopes), expiry_date=key.expiry_date,
        rate_limit=key.rate_limit, created_by=user if getattr(user, "pk", None) else None,
    )
    text = PartnerAPIKey.objects.assign_key(new)
    new.full_clean()
    new.save()
    key.revoked, key.revoked_at = True, timezone.now()
    key.save(update_fields=["revoked", "revoked_at"])
    access_record(AccessEvent.Kind.KEY_ROTATED, actor=user, partner_id=key.partner_id,
                  summary=f"{key.prefix} -> {_key_summary(new)}")
    return new, text


@transaction.atomic
def key_revoke(*, user, key) -> PartnerAPIKey:
    if not policies.can_manage_keys_of(user, key.partner_id):
        raise PermissionDenied(_("Only Digital Office staff and the organisation's leads revoke its API keys."))
    key = PartnerAPIKey.objects.select_for_update().get(pk=key.pk)
    if not key.revoked:
        key.revoked = True
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked", "revoked_at"])
        access_record(AccessEvent.Kind.KEY_REVOKED, actor=user, partner_id=key.partner_id, summary=_key_summary(key))
    return key


def key_touch(key: PartnerAPIKey, *, now=None):
    """Record when a key was last used, at most once a minute per key (one UPDATE, no lock)."""
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        PartnerAPIKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


def change_record(*, kind: str, ids, operation: str = Change.Operation.UPSERT, owners: dict | None = None):
    """Enter in the change feed that the records `ids` of `kind` (an API list's name, such as "milestone") were
    created or changed (upsert) or deleted.

    Call it inside the transaction that makes the change (the apps' receivers do, on every save and delete), so
    the entry commits with the change or not at all. The feed serves each record as it is when the partner reads
    it, so recording a record twice, or a change that turns out to change nothing a partner sees, is harmless.
    `owners` (id -> council id) marks records confidential to one council: only readers who may see that council's
    records are told of them, deletes included.
    """
    ids = sorted({int(pk) for pk in ids if pk is not None})
    owners = owners or {}
    if ids:
        Change.objects.bulk_create([
            Change(kind=kind, object_id=pk, operation=operation, owner_council_id=owners.get(pk)) for pk in ids
        ])
        portal_cache.renew(portal_cache.PARTNER_DATA)


@transaction.atomic
def change_prune(*, days: int | None = None, now=None) -> int:
    """Delete the change feed's entries older than the retention period (PARTNER_API_FEED_RETENTION_DAYS), and
    every entry before the last of them in feed order; raise the floor to it. A partner reading from a position
    below the floor is told to take a full copy again (410). Returns how many entries were deleted."""
    days = days if days is not None else settings.PARTNER_API_FEED_RETENTION_DAYS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    last = Change.objects.filter(recorded_at__lt=cutoff).order_by("-txid", "-id").values_list("txid", "id").first()
    if last is None:
        return 0
    floor, _created = ChangeFeedFloor.objects.select_for_update().get_or_create(pk=1)
    if last > floor.position:
        floor.txid, floor.entry_id = last
        floor.save()
    deleted, _by_model = Change.objects.filter(Q(txid__lt=last[0]) | Q(txid=last[0], id__lte=last[1])).delete()
    return deleted

# -- Celery workers' heartbeats (/healthz reads them) ---------------------------------------------


def worker_heartbeat(*, name: str, role: str, started_at) -> None:
    """Record that a worker (or beat) process is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        name=name[:255], defaults={"role": role, "started_at": started_at, "seen_at": timezone.now()}
    )


def worker_heartbeat_replace_dead(*, name: str, silent_for_seconds: float) -> int:
    """A process starting on a host replaces the ones of its kind there that died without a word (SIGKILL, OOM):
    their rows, silent for longer than `silent_for_seconds`, are removed. `name` is "<kind>@<host>:<pid>"."""
    prefix = name[:255].rpartition(":")[0] + ":"
    since = timezone.now() - datetime.timedelta(seconds=silent_for_seconds)
    deleted, _ = WorkerHeartbeat.objects.filter(name__startswith=prefix, seen_at__lt=since).exclude(
        name=name[:255]).delete()
    return deleted


def worker_heartbeat_end(*, name: str) -> None:
    """A worker that stops cleanly says so, so it is not counted as alive until its heartbeat ages."""
    WorkerHeartbeat.objects.filter(name=name[:255]).delete()


# -- people: invitations, roles, deactivation and the access record ------------------------------------------------


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


INVITATION_MAIL_TASK = "core.tasks.send_invitation"


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


def mail_error_is_transient(exc) -> bool:
    """Worth another try: the server could not be reached, hung up, or answered 4xx (try later)."""
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPException):
        return False  # refused for good (recipient, authentication, ...)
    return isinstance(exc, OSError)  # connection refused, timeouts, DNS


def message_send(*, message: dict, last_attempt: bool) -> str:
    """Send one e-mail given as data (core.mail); a transient failure is raised for the task to retry, a permanent
    one (or the last attempt's) logged with the recipients and the error, never raised."""
    try:
        mail_from_dict(message).send()
    except Exception as exc:  # any mail failure is logged; the action that made the message stands
        detail = f"{exc.__class__.__name__}: {exc}"[:300]
        if mail_error_is_transient(exc) and not last_attempt:
            logger.warning("E-mail %r to %s not sent, trying again: %s", message["subject"], message["to"], detail)
            raise
        logger.error("E-mail %r to %s could not be sent: %s", message["subject"], message["to"], detail)
        return "failed"
    return "sent"


def invitation_mail_send(*, invitation_id: int, token: str, sender_id=None, last_attempt: bool) -> str:
    """Send an invitation's e-mail (core.tasks.send_invitation); returns its mail status.

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


@transaction.atomic
def person_join_by_sso(*, email: str, full_name: str, invitation: Invitation | None = None, council=None,
                       provider: str = "", issuer: str = "", tenant_id: str = "") -> User:
    """Make the account of a person whose organisation's single sign-on vouched for them: as their pending
    invitation says, or (no invitation: the caller, councils.sso, decided the council allows it) as a viewer of
    `council`. They have no password; they sign in through their organisation."""
    if invitation is not None:
        person = _person_from_invitation(invitation, full_name=full_name)
        person.email = email.lower()
        kind = AccessEvent.Kind.SSO_MATCHED
        summary = role_description(role=invitation.role, council=invitation.council, partner=invitation.partner,
                                   is_lead=invitation.is_lead)
    else:
        person = User(email=email.lower(), full_name=full_name.strip(), council=council, council_role="viewer")
        kind = AccessEvent.Kind.SSO_CREATED
        summary = role_description(role=Role.COUNCIL_VIEWER, council=council)
    person.sso_issuer, person.sso_tenant_id = issuer[:300], tenant_id[:64]
    person.set_unusable_password()
    person.full_clean(exclude=["password"])
    _join(person, invitation)
    access_record(kind, actor=person, person=person, council_id=person.council_id, partner_id=person.partner_id,
                  summary=f"{summary} ({provider})" if provider else summary)
    return person


def person_set_sso_identity(*, person: User, issuer: str, tenant_id: str) -> None:
    """Keep where the account's single sign-on comes from (the first time only: later sign-ins must match it)."""
    fields = {}
    if issuer and not person.sso_issuer:
        fields["sso_issuer"] = issuer[:300]
    if tenant_id and not person.sso_tenant_id:
        fields["sso_tenant_id"] = tenant_id[:64]
    if fields:
        User.objects.filter(pk=person.pk).update(**fields)
        for name, value in fields.items():
            setattr(person, name, value)


def person_link_sso(*, person: User, provider: str = "", issuer: str = "", tenant_id: str = "") -> None:
    """An existing account signed in with single sign-on for the first time (its address matched)."""
    person_set_sso_identity(person=person, issuer=issuer, tenant_id=tenant_id)
    access_record(AccessEvent.Kind.SSO_LINKED, actor=person, person=person, council_id=person.council_id,
                  partner_id=person.partner_id, summary=provider)


@transaction.atomic
def person_set_role(*, user, person, council_role: str, is_lead: bool) -> User:
    """Change a person's role within their organisation: editor or viewer of their council, lead or not."""
    if not policies.can_set_role(user, person, council_role=council_role, is_lead=is_lead):
        raise PermissionDenied(_("You may not give this person that role."))
    person = User.objects.select_for_update(of=("self",)).select_related("council", "partner").get(pk=person.pk)
    before, rights_before = person_role_description(person), rights_of(person)
    person.council_role = council_role if person.council_id else ""
    person.is_lead = is_lead
    person.full_clean(exclude=["password"])
    return person_role_changed(user=user, person=person, before=before, rights_before=rights_before)


def rights_of(person) -> tuple:
    return (person.is_digital_office_staff, person.council_role, person.is_lead)


def person_role_changed(*, user, person, before: str, rights_before: tuple, request=None) -> User:
    """Save a person's new role (set on `person` by the caller: the People page, the admin site) and record it; a
    demotion takes away what the old role gave (person_access_withdraw). The one way a role changes."""
    after = person_role_description(person)
    if before == after and rights_before == rights_of(person):
        return person
    person.save(update_fields=["council_role", "is_lead", "is_digital_office_staff"])
    access_record(AccessEvent.Kind.ROLE_CHANGED, actor=user, person=person, council_id=person.council_id,
                  partner_id=person.partner_id, summary=f"{before} → {after}")
    if policies.lost_rights(before=rights_before, after=rights_of(person)):
        person_access_withdraw(user=user, person=person, request=request, reason="demoted")
    return person


def person_access_withdraw(*, user, person, request=None, reason: str) -> dict:
    """What a person loses when deactivated or demoted, whatever the door (People page, admin site, command line):
    their open invitations are withdrawn (an invitation dies with its maker's right to make it), the partner API
    keys they made are revoked, every open session of theirs ends at its next request, and the access record says
    so. Returns the counts."""
    now = timezone.now()
    actor = user if getattr(user, "pk", None) else None
    invitations = list(Invitation.objects.select_for_update().filter(
        created_by=person, accepted_at__isnull=True, withdrawn_at__isnull=True))
    for invitation in invitations:
        invitation.withdrawn_at, invitation.withdrawn_by = now, actor
        invitation.save(update_fields=["withdrawn_at", "withdrawn_by"])
        access_record(AccessEvent.Kind.INVITATION_WITHDRAWN, actor=user, email=invitation.email,
                      council_id=invitation.council_id, partner_id=invitation.partner_id,
                      summary=_("made by %(person)s, who was %(reason)s") % {
                          "person": person.email, "reason": _("deactivated") if reason == "deactivated"
                          else _("given a lesser role")})
    revoked = PartnerAPIKey.objects.filter(created_by=person, revoked=False).update(revoked=True, revoked_at=now)
    User.objects.filter(pk=person.pk).update(session_epoch=models.F("session_epoch") + 1)
    person.refresh_from_db(fields=["session_epoch"])
    counts = {"invitations": len(invitations), "keys": revoked}
    security_log.event("person_access_withdrawn", request, user=user if actor else None, person=person.email,
                       reason=reason, invitations_withdrawn=len(invitations), keys_revoked=revoked)
    return counts


@transaction.atomic
def person_deactivate(*, user, person, request=None) -> int:
    """Stop a person using the portal: their account is kept (their history stays theirs) but inactive, so every
    open session of theirs is signed out at its next request (the authentication backend refuses inactive
    accounts) and they cannot sign in again, by password or single sign-on; the partner API keys they made are
    revoked. Returns how many keys were revoked."""
    if not (user is policies.SYSTEM or policies.can_manage_person(user, person)
            or (policies.can_use_admin(user) and person.pk != user.pk)):  # the admin site's user change form
        raise PermissionDenied(_("You may not deactivate this person."))
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.deactivated_at is not None and not person.is_active:
        return 0
    person.is_active = False
    person.deactivated_at = timezone.now()
    person.save(update_fields=["is_active", "deactivated_at"])
    counts = person_access_withdraw(user=user, person=person, request=request, reason="deactivated")
    parts = []
    if counts["keys"]:
        parts.append(_("%(count)s partner API key(s) revoked") % {"count": counts["keys"]})
    if counts["invitations"]:
        parts.append(_("%(count)s open invitation(s) withdrawn") % {"count": counts["invitations"]})
    access_record(AccessEvent.Kind.DEACTIVATED, actor=user, person=person, council_id=person.council_id,
                  partner_id=person.partner_id, summary="; ".join(parts))
    security_log.event("person_deactivated", request, user=user if getattr(user, "pk", None) else None,
                       person=person.email, keys_revoked=counts["keys"])
    return counts["keys"]
