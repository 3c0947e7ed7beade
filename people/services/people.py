"""People: joining by single sign-on, their role, and withdrawing their access (deactivation)."""


from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import security_log
from core.models import PartnerAPIKey, User
from core.roles import Role, person_role_description, role_description

from .. import policies
from ..models import AccessEvent, Invitation
from .invitations import _join, _person_from_invitation, access_record


@transaction.atomic
def person_join_by_sso(*, email: str, full_name: str, invitation: Invitation | None = None, council=None,
                       provider: str = "", issuer: str = "", tenant_id: str = "") -> User:
    """Make the account of a person whose organisation's single sign-on vouched for them: as their pending
    invitation says, or (no invitation: the caller, people.sso, decided the council allows it) as a viewer of
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
