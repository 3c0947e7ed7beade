"""Who may do what with the portfolio (DESIGN.md §3), in one place.

Services call these before writing and raise PermissionDenied; selectors and views use them only to
decide what to offer. Reading the portfolio is open to every signed-in role.
"""

from core.roles import Role, is_council_editor_of, is_digital_office, role_of

from .models import Participation, ProgressUpdate


def participating_council_ids(initiative) -> set[int]:
    return {p.council_id for p in initiative.participations.all()}


def can_read_portfolio(user) -> bool:
    return role_of(user) != Role.NONE


def can_create_initiative(user, *, lead_council_id=None) -> bool:
    if is_digital_office(user):
        return True
    if role_of(user) != Role.COUNCIL_EDITOR:
        return False
    return lead_council_id is None or lead_council_id == user.council_id


def can_edit_initiative(user, initiative) -> bool:
    """Edit the initiative itself: Digital Office staff and editors of the lead council."""
    return is_digital_office(user) or is_council_editor_of(user, initiative.lead_council_id)


def can_keep_registers(user, initiative) -> bool:
    """Milestones, risks and benefits: editors of any participating council."""
    return is_digital_office(user) or (
        role_of(user) == Role.COUNCIL_EDITOR and user.council_id in participating_council_ids(initiative)
    )


def can_join_initiative(user, initiative) -> bool:
    return role_of(user) == Role.COUNCIL_EDITOR and user.council_id not in participating_council_ids(initiative)


def can_draft_update(user, initiative) -> bool:
    return can_keep_registers(user, initiative)


def can_review_updates(user) -> bool:
    return is_digital_office(user)


def can_draft_for_council(user) -> bool:
    """My council offers to write updates: council editors (viewers see the same list without actions)."""
    return role_of(user) == Role.COUNCIL_EDITOR


def can_run_reports(user) -> bool:
    return is_digital_office(user)


def can_manage_office_settings(user) -> bool:
    """Reminder delays, the board date, the monthly report's subscribers, the reminder log: Digital Office staff."""
    return is_digital_office(user)


def reminded_roles():
    """Councils taking part in these roles write the updates and are reminded; observers only follow."""
    return (Participation.Role.LEAD, Participation.Role.ADOPTER)


def updates_visible_to(caller, queryset):
    """The API serves approved updates only, to everyone: drafts, submitted and returned ones stay in the portal."""
    return queryset.filter(state=ProgressUpdate.State.APPROVED)


def update_is_editable(update) -> bool:
    """A draft or a returned update can still be changed and submitted; a submitted or approved one is frozen."""
    return update is None or update.state in (ProgressUpdate.State.DRAFT, ProgressUpdate.State.RETURNED)


def can_see_my_council(user) -> bool:
    """My council: council staff, editors and viewers."""
    return role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER)


def council_reports_progress(role) -> bool:
    """Leads and adopters report an initiative's progress each period; observers follow it and owe nothing."""
    return role in (Participation.Role.LEAD, Participation.Role.ADOPTER)
