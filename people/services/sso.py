"""Single sign-on's side of people: the e-mail domains that belong to each council, whether a council lets people
join as viewers without an invitation, and who a person signing in with their organisation's account is."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core import selectors as core_selectors
from councils.models import Council

from .. import policies
from ..models import AccessEvent, EmailDomain, sso_trusts_several_tenants
from .invitations import access_record, open_invitation_for
from .people import person_join_by_sso, person_link_sso, person_set_sso_identity


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
    access_record(AccessEvent.Kind.DOMAIN_ADDED, actor=user, council_id=council.pk,
                                summary=f"{record.domain} → {council}")
    return record


@transaction.atomic
def email_domain_remove(*, user, record: EmailDomain) -> None:
    if not policies.can_manage_email_domains(user):
        raise PermissionDenied(_("Only Digital Office staff map e-mail domains to councils."))
    access_record(AccessEvent.Kind.DOMAIN_REMOVED, actor=user, council_id=record.council_id,
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
        access_record(AccessEvent.Kind.SSO_SETTING, actor=user, council_id=council.pk, summary=summary)
    return council


def normalise_email(email: str) -> str:
    """An address as single sign-on asserted it, lower case, without the trailing dot of a fully qualified domain
    ("lead@glasgow.gov.uk." is lead@glasgow.gov.uk); "" for anything that is not an address."""
    local, _at, domain = (email or "").strip().lower().rpartition("@")
    email = f"{local}@{normalise_domain(domain)}" if local else ""
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def _mapping(email: str, tenant_id: str | None) -> EmailDomain:
    """The council the address's domain is mapped to, if this sign-in's tenant may speak for it: the mapping's
    tenant when it has one; without one, only while single sign-on trusts a single directory."""
    domain = normalise_domain(email.rpartition("@")[2])
    mapping = EmailDomain.objects.select_related("council").filter(domain=domain).first()
    if mapping is None:
        raise SSORefused("unmapped", email=email)
    if mapping.tenant_id:
        if (tenant_id or "").lower() != mapping.tenant_id.lower():
            raise SSORefused("tenant", email=email, council=mapping.council)
    elif sso_trusts_several_tenants():
        raise SSORefused("tenant", email=email, council=mapping.council)
    return mapping


def _verified(*, email_verified: bool | None, domain_verified: bool | None, mapping: EmailDomain) -> bool:
    """Whether the address is the person's. A provider that says so (`email_verified`, Entra's verified-domain
    claim `xms_edov`), or the tenant pinned on the mapping (the council's own directory vouches for its domain);
    a missing claim alone is not enough, and either claim saying false refuses."""
    if email_verified is False or domain_verified is False:
        return False
    return bool(email_verified or domain_verified or mapping.tenant_id)


def _same_identity(person, *, issuer: str, tenant_id: str | None) -> bool:
    """A linked account comes in only from the issuer and tenant it was linked from."""
    if person.sso_issuer and (issuer or "") != person.sso_issuer:
        return False
    return not person.sso_tenant_id or (tenant_id or "").lower() == person.sso_tenant_id.lower()


@transaction.atomic
def sso_sign_in(*, email: str, email_verified: bool | None, domain_verified: bool | None = None, full_name: str = "",
                tenant_id: str | None = None, issuer: str = "", linked_person=None, provider: str = "") -> SSOOutcome:
    """Who a person who signed in with single sign-on is in the portal, or SSORefused.

    Every sign-in is checked again, an account already linked to it (`linked_person`) too: the account must be
    active, its address's domain mapped to a council, the sign-in from the mapped tenant (required when several
    directories are trusted) and from the issuer and tenant the account was linked from. So unpinning, re-pinning
    or deleting a mapping takes effect at the next sign-in. Otherwise the address decides: an active account with
    the address is linked to it (its issuer and tenant kept); else the pending invitation for the address makes the
    account, or, without one, the council's setting decides whether the person joins as its viewer."""
    tenant_id = (tenant_id or "").strip()
    if linked_person is not None:
        if not linked_person.is_active:
            raise SSORefused("deactivated", email=linked_person.email, council=linked_person.council)
        mapping = _mapping(linked_person.email, tenant_id)
        if not _same_identity(linked_person, issuer=issuer, tenant_id=tenant_id):
            raise SSORefused("tenant", email=linked_person.email, council=mapping.council)
        person_set_sso_identity(person=linked_person, issuer=issuer, tenant_id=tenant_id)
        return SSOOutcome(person=linked_person)
    email = normalise_email(email)
    if not email:
        raise SSORefused("no_email")
    person = core_selectors.person_by_email(email)
    if person is not None and not person.is_active:
        raise SSORefused("deactivated", email=email, council=person.council)
    mapping = _mapping(email, tenant_id)
    if not _verified(email_verified=email_verified, domain_verified=domain_verified, mapping=mapping):
        raise SSORefused("unverified", email=email)
    if person is not None:
        if not _same_identity(person, issuer=issuer, tenant_id=tenant_id):
            raise SSORefused("tenant", email=email, council=mapping.council)
        person_link_sso(person=person, provider=provider, issuer=issuer, tenant_id=tenant_id)
        return SSOOutcome(person=person, linked=True)
    invitation = open_invitation_for(email)
    if invitation is None and not policies.sso_creates_viewer(mapping.council):
        raise SSORefused("no_invitation", email=email, council=mapping.council,
                         leads=core_selectors.leads_of(council_id=mapping.council_id).order_by("full_name", "email"))
    person = person_join_by_sso(
        email=email, full_name=full_name, invitation=invitation, council=mapping.council, provider=provider,
        issuer=issuer, tenant_id=tenant_id,
    )
    return SSOOutcome(person=person, created=True)
