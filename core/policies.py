"""Who may do what with the portal as a whole (docs/design.md §3): the admin site, partner keys and API scopes.

A caller is a signed-in person (their role decides) or a partner key (its scopes decide); the domain apps'
policies build on these. Services check them before writing; templates ask them through context flags.
"""

from .roles import Role, is_digital_office, role_of, second_factor_verified
from .scopes import CONTRACTS_READ, FUNDING_READ, GRANT_BOUND_SCOPES, READ_SCOPES, WEBHOOKS_MANAGE


class SystemActor:
    """The operator at the command line (`manage.py partner_key`): trusted like Digital Office staff."""

    is_authenticated = True
    pk = None

    def __str__(self):
        return "command line"


SYSTEM = SystemActor()


def can_use_admin(user) -> bool:
    """The admin site: superusers and Digital Office staff marked as staff, once this session used two-factor."""
    if not (user.is_authenticated and user.is_active and user.is_staff and second_factor_verified(user)):
        return False
    return user.is_superuser or is_digital_office(user)


def can_manage_partner_access(user) -> bool:
    """Make and revoke keys, register webhooks for any partner, redeliver: Digital Office staff."""
    return user is SYSTEM or is_digital_office(user)


def can_manage_keys_of(user, partner_id) -> bool:
    """Make, rotate and revoke one partner organisation's API keys: Digital Office staff (any organisation, any
    scope) and the organisation's own leads (within the scopes the office granted it: the caller passes them)."""
    return can_manage_partner_access(user) or is_lead_of(user, partner_id=partner_id)


def can_see_service_status(user) -> bool:
    """The status page (/status/: the services and the change feed's horizon, with the backend holding it):
    Digital Office staff."""
    return is_digital_office(user)


def api_key_of(caller):
    """The partner key a request was made with (see core.api.authentication.KeyPrincipal), or None."""
    return getattr(caller, "api_key", None)


# partner id -> the scopes the Digital Office grants the organisation now. partner_access keeps the grants and
# registers the lookup at start-up (the kernel knows no grants); without one, no grant-bound scope works.
_grant_lookup = None


def register_grant_lookup(lookup):
    global _grant_lookup  # noqa: PLW0603 - set once, at start-up
    _grant_lookup = lookup


def _key_scopes(key) -> set[str]:
    """A key's scopes, less any grant-bound one (comments:read) its organisation is not granted now: one query,
    made once per request and only for a key that carries such a scope."""
    scopes = set(key.scopes)
    bound = scopes & GRANT_BOUND_SCOPES
    if not bound:
        return scopes
    cached = getattr(key, "_granted_now", None)
    if cached is None:
        cached = set(_grant_lookup(key.partner_id)) if _grant_lookup is not None else set()
        key._granted_now = cached
    return scopes - (bound - cached)


def scopes_of(caller) -> set[str]:
    key = api_key_of(caller)
    if key is not None:
        return _key_scopes(key)
    role = role_of(caller)
    if role == Role.DIGITAL_OFFICE and not is_digital_office(caller):
        return set()  # staff who have not used their second factor in this session
    if role in (Role.DIGITAL_OFFICE, Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        # Council staff read funding and contracts too, but only their own council's (councils.selectors.
        # visible_contributions, contracts.policies.contract_filter).
        return {*READ_SCOPES, CONTRACTS_READ}
    if role == Role.PARTNER:
        return set(READ_SCOPES) - {FUNDING_READ}
    return set()


def visibility_of(caller) -> tuple:
    """Everything that decides which rows of the API's cached lists a caller sees, so that callers who see the same
    rows share cached pages and nobody else does: a key's scopes (not the key: every key with the same scopes sees
    the same rows), a person's scopes with their role, council and partner."""
    scopes = tuple(sorted(scopes_of(caller)))
    if api_key_of(caller) is not None:
        return ("key", scopes)
    return ("person", scopes, str(role_of(caller)), getattr(caller, "council_id", None),
            getattr(caller, "partner_id", None))


def can_use_scope(caller, scope: str) -> bool:
    if scope == WEBHOOKS_MANAGE:
        # Webhooks belong to a partner organisation: only its keys manage them through the API.
        key = api_key_of(caller)
        return key is not None and scope in _key_scopes(key)
    return scope in scopes_of(caller)


def can_see_council_owned(caller, council_id) -> bool:
    """Whether the caller may be told of a record confidential to council `council_id` (a contribution): Digital
    Office staff, that council's staff, and partner keys (whose scopes decide which kinds they read)."""
    if api_key_of(caller) is not None:
        return True
    role = role_of(caller)
    if role == Role.DIGITAL_OFFICE:
        return is_digital_office(caller)
    if role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        return caller.council_id == council_id
    return False


def key_has_scope(caller, scope: str) -> bool:
    """True for a partner key that carries `scope`; False for everyone else (people are judged by role)."""
    key = api_key_of(caller)
    return key is not None and scope in _key_scopes(key)


# -- people: invitations, teams, deactivation, the access record (README "People and access") ------------------


def is_lead(user) -> bool:
    """A council's digital lead (an editor) or a partner's lead, active."""
    return bool(
        getattr(user, "is_lead", False) and user.is_active and role_of(user) in (Role.COUNCIL_EDITOR, Role.PARTNER)
    )


def is_lead_of(user, *, council_id=None, partner_id=None) -> bool:
    if not is_lead(user):
        return False
    if council_id is not None:
        return role_of(user) == Role.COUNCIL_EDITOR and user.council_id == council_id
    return partner_id is not None and role_of(user) == Role.PARTNER and user.partner_id == partner_id


def can_manage_people(user) -> bool:
    """Any people page at all (the navigation's "People"): Digital Office staff and leads."""
    return is_digital_office(user) or is_lead(user)


def can_invite(user, *, role, council_id=None, partner_id=None, is_lead=False) -> bool:
    """Digital Office staff invite anyone, in any role, lead or not. A council's digital lead invites editors and
    viewers of their own council; a partner's lead, users of their own partner; neither makes leads."""
    if is_digital_office(user):
        return True
    if is_lead:
        return False
    if role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        return council_id is not None and is_lead_of(user, council_id=council_id)
    if role == Role.PARTNER:
        return partner_id is not None and is_lead_of(user, partner_id=partner_id)
    return False


def inviter_may_still_invite(inviter, *, role, council_id=None, partner_id=None, is_lead=False) -> bool:
    """At acceptance: whether the person who made an invitation could still make it (active, in a role that invites
    this one). None: made by the operator or the demo seed. Unlike can_invite, no session is asked about."""
    if inviter is None:
        return True
    if not inviter.is_active:
        return False
    if role_of(inviter) == Role.DIGITAL_OFFICE:
        return True
    if is_lead:
        return False
    if role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        return council_id is not None and is_lead_of(inviter, council_id=council_id)
    if role == Role.PARTNER:
        return partner_id is not None and is_lead_of(inviter, partner_id=partner_id)
    return False


def sees_addresses_of(user, person_or_invitation) -> bool:
    """Whether the invite form may say what it knows of an address (it has an account, was deactivated, is invited
    already): Digital Office staff for every address, a lead for the addresses of their own organisation only."""
    if is_digital_office(user):
        return True
    council_id = getattr(person_or_invitation, "council_id", None)
    partner_id = getattr(person_or_invitation, "partner_id", None)
    if council_id:
        return is_lead_of(user, council_id=council_id)
    if partner_id:
        return is_lead_of(user, partner_id=partner_id)
    return False


def lost_rights(*, before, after) -> bool:
    """A role change that takes rights away (demotion): a lead no longer one, an editor made a viewer, Digital
    Office staff no longer so. `before` and `after`: (is_digital_office_staff, council_role, is_lead)."""
    (office_before, role_before, lead_before), (office_after, role_after, lead_after) = before, after
    return (office_before and not office_after) or (lead_before and not lead_after) or (
        role_before == "editor" and role_after != "editor")


def invitable_roles(user) -> list[str]:
    """The roles this person may invite people in (the invitation form offers these)."""
    if is_digital_office(user):
        return [Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER, Role.PARTNER, Role.DIGITAL_OFFICE]
    if is_lead(user) and role_of(user) == Role.COUNCIL_EDITOR:
        return [Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER]
    if is_lead(user) and role_of(user) == Role.PARTNER:
        return [Role.PARTNER]
    return []


def can_see_team(user, *, council_id=None, partner_id=None) -> bool:
    """A council's (or partner's) people, their roles, last sign-in and two-factor state: Digital Office staff and
    the organisation's leads."""
    return is_digital_office(user) or is_lead_of(user, council_id=council_id, partner_id=partner_id)


def can_see_office_team(user) -> bool:
    """The Digital Office's own people: its staff."""
    return is_digital_office(user)


def belongs_to(user, *, council_id=None, partner_id=None) -> bool:
    """Staff of this organisation (a refusal there is 403; elsewhere the team is not found, 404)."""
    if council_id is not None:
        return role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER) and user.council_id == council_id
    return partner_id is not None and role_of(user) == Role.PARTNER and user.partner_id == partner_id


def can_manage_person(user, person) -> bool:
    """Change the role of, or deactivate, `person`: Digital Office staff anyone but themselves; a lead the people of
    their own organisation who are neither leads nor Digital Office staff."""
    if person.pk == getattr(user, "pk", None):
        return False
    if is_digital_office(user):
        return True
    if person.is_lead or person.is_digital_office_staff:
        return False
    if person.council_id:
        return is_lead_of(user, council_id=person.council_id)
    if person.partner_id:
        return is_lead_of(user, partner_id=person.partner_id)
    return False


def can_set_role(user, person, *, council_role, is_lead) -> bool:
    """The new role stays within the person's organisation; only Digital Office staff make or unmake leads."""
    if not can_manage_person(user, person):
        return False
    if not is_digital_office(user) and is_lead:
        return False
    if person.council_id:
        return council_role in ("editor", "viewer") and (council_role == "editor" or not is_lead)
    return person.partner_id is not None and council_role == ""


def can_read_access_record(user, *, council_id=None, partner_id=None) -> bool:
    """The whole record: Digital Office staff (no organisation named). An organisation's part: also its leads."""
    if is_digital_office(user):
        return True
    if council_id is None and partner_id is None:
        return False
    return is_lead_of(user, council_id=council_id, partner_id=partner_id)
