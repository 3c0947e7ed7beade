"""Single sign-on's side of people: the e-mail domains that belong to each council, whether a council lets people
join as viewers without an invitation, and who a person signing in with their organisation's account is."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core import selectors as core_selectors
from core import services as core_services
from core.models import AccessEvent

from .. import policies
from ..models import Council, EmailDomain


class SSORefused(Exception):
    """A single sign-on that lets nobody in. `reason`: unmapped, no_invitation, deactivated, unverified, tenant or
    no_email; `council` and `leads` say whom to ask, when known."""

    def __init__(self, reason: str, *, email: str = "", council=None, leads=()):
        super().__init__(reason)
        self.reason = reason
        self.email = email
        self.council = council
        self.leads = list(leads)


@dataclass
class SSOOutcome:
    person: object
    linked: bool = False  # an existing account was matched by its address (it is linked now)
    created: bool = False
    details: dict = field(default_factory=dict)


def normalise_domain(domain: str) -> str:
    return (domain or "").strip().lower().lstrip("@").rstrip(".")


@transaction.atomic
def email_domain_add(*, user, domain: str, council: Council, tenant_id: str = "") -> EmailDomain:
    if not policies.can_manage_email_domains(user):
        raise PermissionDenied(_("Only Digital Office staff map e-mail domains to councils."))
    record = EmailDomain(domain=normalise_domain(domain), council=council, tenant_id=(tenant_id or "").strip())
    record.full_clean()
    record.save()
    core_services.access_record(AccessEvent.Kind.DOMAIN_ADDED, actor=user, council_id=council.pk,
                                summary=f"{record.domain} → {council}")
    return record


@transaction.atomic
def email_domain_remove(*, user, record: EmailDomain) -> None:
    if not policies.can_manage_email_domains(user):
        raise PermissionDenied(_("Only Digital Office staff map e-mail domains to councils."))
    core_services.access_record(AccessEvent.Kind.DOMAIN_REMOVED, actor=user, council_id=record.council_id,
                                summary=f"{record.domain} → {record.council}")
    record.delete()


@transaction.atomic
def council_set_sso_viewers(*, user, council: Council, allowed: bool) -> Council:
    if not policies.can_set_sso_viewers(user, council_id=council.pk):
        raise PermissionDenied(_("Only the Digital Office and the council's digital leads change this."))
    if council.sso_creates_viewers != allowed:
        council.sso_creates_viewers = allowed
        council.save(update_fields=["sso_creates_viewers"])
        summary = (_("People from the council's e-mail domains may join as viewers without an invitation")
                   if allowed else _("People from the council's e-mail domains need an invitation"))
        core_services.access_record(AccessEvent.Kind.SSO_SETTING, actor=user, council_id=council.pk, summary=summary)
    return council


def _mapping(email: str, tenant_id: str | None) -> EmailDomain:
    domain = normalise_domain(email.rpartition("@")[2])
    mapping = EmailDomain.objects.select_related("council").filter(domain=domain).first()
    if mapping is None:
        raise SSORefused("unmapped", email=email)
    if mapping.tenant_id and (tenant_id or "").lower() != mapping.tenant_id.lower():
        raise SSORefused("tenant", email=email, council=mapping.council)
    return mapping


@transaction.atomic
def sso_sign_in(*, email: str, email_verified: bool | None, full_name: str = "", tenant_id: str | None = None,
                linked_person=None, provider: str = "") -> SSOOutcome:
    """Who a person who signed in with single sign-on is in the portal, or SSORefused.

    An account already linked to this sign-in (`linked_person`) comes in if it is active. Otherwise the address
    decides: its domain must be mapped to a council (and come from the mapped tenant, when one is set); an active
    account with the address is linked to it; else the pending invitation for the address makes the account, or,
    without one, the council's setting decides whether the person joins as its viewer."""
    email = (email or "").strip().lower()
    if linked_person is not None:
        if not linked_person.is_active:
            raise SSORefused("deactivated", email=linked_person.email, council=linked_person.council)
        return SSOOutcome(person=linked_person)
    if not email or "@" not in email:
        raise SSORefused("no_email")
    if email_verified is False:
        raise SSORefused("unverified", email=email)
    person = core_selectors.person_by_email(email)
    if person is not None and not person.is_active:
        raise SSORefused("deactivated", email=email, council=person.council)
    mapping = _mapping(email, tenant_id)
    if person is not None:
        core_services.person_link_sso(person=person, provider=provider)
        return SSOOutcome(person=person, linked=True)
    invitation = core_services.open_invitation_for(email)
    if invitation is None and not policies.sso_creates_viewer(mapping.council):
        raise SSORefused("no_invitation", email=email, council=mapping.council,
                         leads=core_selectors.leads_of(council_id=mapping.council_id).order_by("full_name", "email"))
    person = core_services.person_join_by_sso(
        email=email, full_name=full_name, invitation=invitation, council=mapping.council, provider=provider,
    )
    return SSOOutcome(person=person, created=True)


