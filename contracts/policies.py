"""Who may do what with contracts (README "Contracts"), in one place.

A council's contracts hold commercial terms: they are visible to that council's staff and to the Digital Office
only (a denied read is a 404: selectors filter by `contract_filter`). The office's own shared-service contracts are
visible to the office and to the councils that use them. Writes (record, edit, decide, documents, import) are for
the office and the owning council's editors: anyone else who can see the contract is refused with a 403. Partner
keys read contracts through the API only with the scope `contracts:read`, which no key has unless the office gives
it. The radar and its drafts are the office's; the anonymised sector view (counts only) is open to signed-in staff.
"""

from django.db.models import Q

from core.policies import key_has_scope
from core.roles import Role, is_council_editor_of, is_digital_office, role_of
from core.scopes import CONTRACTS_READ


def can_read_all_contracts(user) -> bool:
    return is_digital_office(user) or key_has_scope(user, CONTRACTS_READ)


def own_council_id(user):
    if role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        return user.council_id
    return None


def contract_filter(user) -> Q | None:
    """The condition on contracts a caller may read; None when they may read none."""
    if can_read_all_contracts(user):
        return Q()
    council_id = own_council_id(user)
    if council_id is None:
        return None
    return Q(council_id=council_id) | Q(council__isnull=True, uses__council_id=council_id)


def can_use_register(user) -> bool:
    """The register's pages at all: the office and council staff."""
    return is_digital_office(user) or own_council_id(user) is not None


def can_edit_contract(user, contract) -> bool:
    if is_digital_office(user):
        return True
    return contract.council_id is not None and is_council_editor_of(user, contract.council_id)


def can_record_for(user, council_id) -> bool:
    """Add (or import) contracts of this council; None is the office's own."""
    if is_digital_office(user):
        return True
    return council_id is not None and is_council_editor_of(user, council_id)


def can_record_any(user) -> bool:
    return is_digital_office(user) or role_of(user) == Role.COUNCIL_EDITOR


def can_use_radar(user) -> bool:
    """The renewal radar, its candidates, exports and drafts: Digital Office staff."""
    return is_digital_office(user)


def can_see_sector_view(user) -> bool:
    return is_digital_office(user) or role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER, Role.PARTNER)
