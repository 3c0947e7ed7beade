"""Reads about people: teams, invitations, the access record, e-mail domains and single sign-on settings, each read
within the reader's rights (the accounts themselves: core.selectors)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from core import policies as core_policies
from core import selectors as core_selectors
from councils.models import Council, PartnerOrganisation

from .models import AccessEvent, EmailDomain, Invitation, invitation_token_hash


def require_team(user, *, council_id=None, partner_id=None, office=False) -> None:
    """A council's, partner's or the Digital Office's people are shown to Digital Office staff and the
    organisation's leads: to the organisation's other staff the page is refused (403); to everyone else it is not
    found (404)."""
    if office:
        allowed = core_policies.can_see_office_team(user)
    else:
        allowed = core_policies.can_see_team(user, council_id=council_id, partner_id=partner_id)
    if allowed:
        return
    if not office and core_policies.belongs_to(user, council_id=council_id, partner_id=partner_id):
        raise PermissionDenied
    raise Http404


def team_council(*, user, slug: str) -> Council:
    council = get_object_or_404(Council, slug=slug)
    require_team(user, council_id=council.pk)
    return council


def team_partner(*, user, slug: str) -> PartnerOrganisation:
    partner = get_object_or_404(PartnerOrganisation, slug=slug)
    require_team(user, partner_id=partner.pk)
    return partner


def team_of_person(*, user, pk: int):
    """A person whose page this user may see (their organisation's team), else 404 or 403."""
    person = core_selectors.person_by_pk(pk)
    if person is None:
        raise Http404
    require_team(user, council_id=person.council_id, partner_id=person.partner_id,
                 office=person.council_id is None and person.partner_id is None)
    return person


def team_of_invitation(*, user, pk: int):
    invitation = invitations(open_only=False).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    require_team(user, council_id=invitation.council_id, partner_id=invitation.partner_id,
                 office=invitation.council_id is None and invitation.partner_id is None)
    return invitation


def email_domains():
    return EmailDomain.objects.select_related("council").order_by("council__name", "domain")


def councils_with_sso():
    """Every council, with its mapped e-mail domains (the people index lists them)."""
    return Council.objects.prefetch_related("email_domains").order_by("name")


def partners_list():
    return PartnerOrganisation.objects.order_by("name")


def invitation_mail_status(*, invitation_id: int) -> str:
    """What became of an invitation's last e-mail (Invitation.Mail)."""
    return Invitation.objects.filter(pk=invitation_id).values_list("mail_status", flat=True).first() or ""


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link's token belongs to (whatever its state), or None."""
    return (
        Invitation.objects.select_related("council", "partner", "created_by")
        .filter(token_hash=invitation_token_hash(token or "")).first()
    )


def invitations(*, council_id=None, partner_id=None, office=None, open_only=True):
    """Invitations, newest first: of one council or partner, of Digital Office staff (office=True), or all (none
    named). Open ones only unless asked (an expired one is open: it may be resent)."""
    found = Invitation.objects.select_related("council", "partner", "created_by")
    if open_only:
        found = found.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)
    if council_id is not None:
        found = found.filter(council_id=council_id)
    elif partner_id is not None:
        found = found.filter(partner_id=partner_id)
    elif office:
        found = found.filter(role=Invitation.Role.DIGITAL_OFFICE)
    return found.order_by("-created_at")


def access_events(*, council_id=None, partner_id=None, person=None, limit=200):
    """The access record, newest first: all of it, or one council's, partner's or person's part."""
    found = AccessEvent.objects.select_related("actor", "person", "council", "partner")
    if person is not None:
        found = found.filter(person=person)
    if council_id is not None:
        found = found.filter(council_id=council_id)
    elif partner_id is not None:
        found = found.filter(partner_id=partner_id)
    return found[:limit]
