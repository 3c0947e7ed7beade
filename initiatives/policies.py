"""Who may do what with the portfolio (docs/design.md §3), in one place.

Services call these before writing and raise PermissionDenied; selectors and views use them only to
decide what to offer. Reading the portfolio is open to every signed-in role.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from core.roles import Role, is_council_editor_of, is_digital_office, role_of

from .models import Participation, ProgressUpdate

# Who keeps what: the lead keeps the initiative, adopters keep the registers (and their own council's benefits)
# and write updates with the lead; observers read and follow, never write.
WRITING_ROLES = (Participation.Role.LEAD, Participation.Role.ADOPTER)


def participating_council_ids(initiative) -> set[int]:
    return {p.council_id for p in initiative.participations.all()}


def council_role_in(initiative, council_id) -> str | None:
    """The part a council plays in an initiative (lead, adopter, observer), or None."""
    if council_id is None:
        return None
    return next((p.role for p in initiative.participations.all() if p.council_id == council_id), None)


def _editor_role_in(user, initiative) -> str | None:
    if role_of(user) != Role.COUNCIL_EDITOR:
        return None
    return council_role_in(initiative, user.council_id)


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
    """Milestones, risks and benefits: Digital Office staff and editors of the lead and adopting councils."""
    return is_digital_office(user) or _editor_role_in(user, initiative) in WRITING_ROLES


def can_record_benefit_for(user, initiative, council_id) -> bool:
    """A council records benefits only for itself; the lead also records the initiative's own (no council);
    Digital Office staff record them for any council taking part."""
    if is_digital_office(user):
        return council_id is None or council_id in participating_council_ids(initiative)
    role = _editor_role_in(user, initiative)
    if role == Participation.Role.LEAD:
        return council_id in (None, user.council_id)
    return role == Participation.Role.ADOPTER and council_id == user.council_id


def benefit_council_ids(benefit) -> set[int]:
    """The councils a benefit is theirs: the one keeping it and those holding a share of it."""
    ids = {share.council_id for share in benefit.shares.all()}
    return ids | ({benefit.council_id} if benefit.council_id else set())


def can_set_benefit_shares(user, benefit) -> bool:
    """Which councils a benefit accrues to, and how much: whoever keeps the benefit (the office, its council)."""
    return can_keep_registers(user, benefit.initiative) and can_record_benefit_for(
        user, benefit.initiative, benefit.council_id)


def can_change_benefit_status(user, benefit) -> bool:
    """Realised, abandoned or superseded: whoever keeps the benefit, after its initiative closed too."""
    return can_set_benefit_shares(user, benefit)


def can_record_realisation(user, benefit, council_id) -> bool:
    """A council reports realisations of benefits it shares in or keeps, for itself; the office for any of them
    or for the benefit as a whole (no council)."""
    if is_digital_office(user):
        return council_id is None or council_id in benefit_council_ids(benefit)
    return (role_of(user) == Role.COUNCIL_EDITOR and council_id == user.council_id
            and council_id in benefit_council_ids(benefit))


def can_confirm_realisation(user, realisation) -> bool:
    """A council confirms its own realisations only; the office confirms those reported without a council."""
    if realisation.council_id is None:
        return is_digital_office(user)
    return is_council_editor_of(user, realisation.council_id)


def can_audit_realisation(user) -> bool:
    """Only the Digital Office marks a realisation audited."""
    return is_digital_office(user)


def can_read_benefit_evidence(user, benefit) -> bool:
    """Evidence files: the office and the staff of the councils the benefit is theirs (others: 404)."""
    if is_digital_office(user):
        return True
    return role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER) and user.council_id in benefit_council_ids(
        benefit)


def can_join_initiative(user, initiative) -> bool:
    """Ask to join: editors of a council not yet taking part (the lead council or the Digital Office decide)."""
    return role_of(user) == Role.COUNCIL_EDITOR and user.council_id not in participating_council_ids(initiative)


def can_decide_join_requests(user, initiative) -> bool:
    return is_digital_office(user) or is_council_editor_of(user, initiative.lead_council_id)


def can_draft_update(user, initiative) -> bool:
    """Write and submit the initiative's updates: Digital Office staff and editors of the lead and adopters."""
    return is_digital_office(user) or _editor_role_in(user, initiative) in WRITING_ROLES


def can_review_updates(user) -> bool:
    return is_digital_office(user)


def can_review_update(user, *, drafted_by: set) -> bool:
    """Four eyes: nobody approves or returns an update they drafted, revised or submitted."""
    return can_review_updates(user) and user.pk not in drafted_by


def can_reopen_period(user) -> bool:
    """Reopen the last closed reporting period for one initiative, so its update can still be written."""
    return is_digital_office(user)


def can_see_unapproved_updates(user, initiative) -> bool:
    """Drafts, submitted and returned updates and the reviewers' comments: the initiative's own councils (any
    role) and Digital Office staff. Everyone else sees approved updates only."""
    if is_digital_office(user):
        return True
    return role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER) and user.council_id in (
        participating_council_ids(initiative)
    )


def visible_updates_condition(user) -> Q:
    """The updates a person finds outside an initiative's page (the portal's search): approved ones, and, under
    can_see_unapproved_updates' rule, the submitted and returned ones of the initiatives their council takes part
    in (every one for the office). A draft is never found, whoever searches."""
    condition = ~Q(state=ProgressUpdate.State.DRAFT)
    if is_digital_office(user):
        return condition
    approved = Q(state=ProgressUpdate.State.APPROVED)
    if role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        own = Exists(Participation.objects.filter(initiative_id=OuterRef("initiative_id"), council_id=user.council_id))
        return condition & (approved | Q(own))
    return condition & approved


def can_draft_for_council(user) -> bool:
    """My council offers to write updates: council editors (viewers see the same list without actions)."""
    return role_of(user) == Role.COUNCIL_EDITOR


def can_run_reports(user) -> bool:
    return is_digital_office(user)


def can_set_publication(user) -> bool:
    """Whether an initiative is in the public portfolio: the Digital Office decides."""
    return is_digital_office(user)


def can_manage_office_settings(user) -> bool:
    """Reminder delays, the board date, the monthly report's subscribers, the reminder log: Digital Office staff."""
    return is_digital_office(user)


def reminded_roles():
    """Councils taking part in these roles write the updates and are reminded; observers only follow."""
    return (Participation.Role.LEAD, Participation.Role.ADOPTER)


def updates_served_by_api(queryset):
    """The API serves approved updates only, to everyone: drafts, submitted and returned ones stay in the portal."""
    return queryset.filter(state=ProgressUpdate.State.APPROVED)


def update_is_editable(update) -> bool:
    """A draft or a returned update can still be changed and submitted; a submitted or approved one is frozen."""
    return update is None or update.state in (ProgressUpdate.State.DRAFT, ProgressUpdate.State.RETURNED)


@dataclass(frozen=True)
class UpdateWritable:
    """The answer to "may this update be written now?": true when it may; otherwise `refusal` says why, as each
    refusal is told differently (403; "this period is closed"; "it moved on, your text is kept")."""

    refusal: str = ""

    NOT_A_WRITER = "not_a_writer"  # not Digital Office staff nor an editor of the lead or an adopting council
    PERIOD_CLOSED = "period_closed"  # neither the open period nor one the Digital Office reopened for it
    MOVED_ON = "moved_on"  # submitted or approved: frozen

    def __bool__(self) -> bool:
        return not self.refusal


def update_writable(user, initiative, *, period, update, writable_period_ids) -> UpdateWritable:
    """May `user` write (save or submit) the update of `initiative` for `period` now? The one answer the service,
    the update form and My council's task list all use (README "Who may do what").

    `update` is the existing update or None; `writable_period_ids` the periods open for writing for this initiative
    (the open period and any the Digital Office reopened for it: selectors.writable_periods). An update the
    Digital Office returned may always be revised and submitted again, whatever its period (they asked for it)."""
    if not can_draft_update(user, initiative):
        return UpdateWritable(UpdateWritable.NOT_A_WRITER)
    returned = update is not None and update.state == ProgressUpdate.State.RETURNED
    if not returned and period.pk not in writable_period_ids:
        return UpdateWritable(UpdateWritable.PERIOD_CLOSED)
    if not update_is_editable(update):
        return UpdateWritable(UpdateWritable.MOVED_ON)
    return UpdateWritable()


def can_see_my_council(user) -> bool:
    """My council: council staff, editors and viewers."""
    return role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER)


def council_reports_progress(role) -> bool:
    """Leads and adopters report an initiative's progress each period; observers follow it and owe nothing."""
    return role in WRITING_ROLES
