"""Who may do what with the strategy, its measures and digital maturity (docs/design.md §3), in one place.

The strategy page, outcomes and measures are part of the portfolio: every signed-in role reads them.
Maturity assessments are confidential to the council assessed and the Digital Office: council staff
read their own council's, partners none. Only Digital Office staff write any of it. Services call
these before writing and raise PermissionDenied; selectors use them to filter what a person sees.
"""

from core.roles import Role, is_digital_office, role_of

COUNCIL_ROLES = (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER)


def can_read_strategy(user) -> bool:
    return role_of(user) != Role.NONE


def can_manage_measures(user) -> bool:
    """Define measures and record their readings."""
    return is_digital_office(user)


def can_read_maturity(user) -> bool:
    return role_of(user) in (Role.DIGITAL_OFFICE, *COUNCIL_ROLES)


def can_read_all_maturity(user) -> bool:
    """Every council's assessments, and the sector view by council name."""
    return is_digital_office(user)


def maturity_council_id_of(user) -> int | None:
    """The one council whose assessments a council's staff may read; None for everyone else."""
    return user.council_id if role_of(user) in COUNCIL_ROLES else None


def can_record_maturity(user) -> bool:
    """Record and correct assessments, rename dimensions and levels, set the digital business threshold."""
    return is_digital_office(user)
