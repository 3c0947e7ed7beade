"""Who sees what on the dashboard, the map and the council pages (docs/design.md §3), in one place.

The portfolio's figures are open to every signed-in role. Unapproved states (drafts, submitted and returned
updates) stay with each initiative's councils and the Digital Office (issue 10); funding and maturity follow the
rules of the funding and strategy pages.
"""

from core.roles import Role, is_digital_office, role_of
from councils import policies as funding_policies
from strategy import policies as strategy_policies


def can_see_dashboard(user) -> bool:
    return role_of(user) != Role.NONE


def can_see_unapproved_states(user) -> bool:
    """Returned and awaiting updates of every initiative: Digital Office staff. Council staff see those of the
    initiatives their council takes part in (unapproved_states_council_id); partners none."""
    return is_digital_office(user)


def unapproved_states_council_id(user) -> int | None:
    """The council whose initiatives' unapproved states council staff see; None for everyone else."""
    if role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        return user.council_id
    return None


def can_see_funding(user) -> bool:
    """The pooled funding position (every agreement's headroom): the office-wide ledger's readers."""
    return funding_policies.can_read_all_funding(user)


def can_see_council_funding(user, council) -> bool:
    return funding_policies.can_read_council_funding(user, council.pk)


def can_see_maturity_map(user) -> bool:
    """Maturity as a measure of the map and its table: every council's level, so Digital Office staff only."""
    return strategy_policies.can_read_all_maturity(user)


def can_see_maturity(user, council) -> bool:
    """One council's maturity (its council page): Digital Office staff, and that council's own staff."""
    if strategy_policies.can_read_all_maturity(user):
        return True
    return strategy_policies.maturity_council_id_of(user) == council.pk


def can_see_council_page(user, council) -> bool:
    """A council's page: Digital Office staff for every council, council staff for their own (others: 404)."""
    if is_digital_office(user):
        return True
    return role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER) and user.council_id == council.pk


def can_see_review_links(user) -> bool:
    return is_digital_office(user)


def home_council_gss(user) -> str | None:
    """Council staff's dashboard starts as their council's version: initiatives their council leads or joins."""
    if role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER) and user.council_id:
        return user.council.gss_code
    return None
