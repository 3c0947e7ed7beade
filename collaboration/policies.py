"""Who may read and write conversations, follow, and see saved views: the one place these rules live.

A conversation is read by whoever may read what it is about (initiatives.policies): an initiative's by every council
and the office; an update's, like the update before approval, only by the initiative's own councils and the office.
Partners' people see no conversation. Partner keys read the conversations on initiatives (never an update's)
through the API only with the scope comments:read, which works only while the Digital Office grants the key's
organisation access to comments (off by default; core.policies.scopes_of)."""

from django.db.models import Q
from django.utils import timezone

from core.policies import key_has_scope
from core.roles import Role, is_digital_office, role_of
from core.scopes import COMMENTS_READ
from initiatives import policies as portfolio_policies

from .models import EDIT_WINDOW, SavedView

CONVERSATION_ROLES = (Role.DIGITAL_OFFICE, Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER)


def can_read_conversation(user, initiative, update=None) -> bool:
    if update is not None:
        return portfolio_policies.can_see_unapproved_updates(user, initiative)
    return role_of(user) in CONVERSATION_ROLES


def can_comment(user, initiative, update=None) -> bool:
    return can_read_conversation(user, initiative, update)


def api_comments_condition(caller) -> Q | None:
    """The comments the API serves a caller: those on initiatives, to a key whose organisation is granted access to
    comments; None (nothing) for everyone else."""
    if not key_has_scope(caller, COMMENTS_READ):
        return None
    return Q(update__isnull=True)


def readers_condition(initiative, update=None) -> Q:
    """The people (a Q over users) who may read the conversation: who may be mentioned in it and told of it.

    The same rule as can_read_conversation, for people not in a request (office staff count as such)."""
    active = Q(is_active=True)
    office = Q(is_digital_office_staff=True)
    council_staff = Q(council__isnull=False, council_role__in=("editor", "viewer"))
    if update is not None:
        council_staff &= Q(council_id__in=portfolio_policies.participating_council_ids(initiative))
    return active & (office | council_staff)


def can_change_comment(user, comment, *, now=None) -> bool:
    """The author, within 15 minutes of writing it, while it is not deleted."""
    now = now or timezone.now()
    return comment.author_id == user.pk and not comment.is_deleted and now - comment.created_at <= EDIT_WINDOW


def can_delete_comment(user, comment) -> bool:
    return comment.author_id == user.pk and not comment.is_deleted


def can_follow(user) -> bool:
    return role_of(user) in CONVERSATION_ROLES


def can_have_notifications(user) -> bool:
    return role_of(user) != Role.NONE


def visible_views_condition(user) -> Q:
    """Saved views a person sees: their own, those shared with their council's team, those shared with everyone."""
    condition = Q(owner_id=user.pk) | Q(sharing=SavedView.Sharing.EVERYONE)
    if user.council_id:
        condition |= Q(sharing=SavedView.Sharing.COUNCIL, council_id=user.council_id)
    return condition


def can_save_views(user) -> bool:
    return role_of(user) != Role.NONE


def sharing_choices(user) -> list[str]:
    """Council staff share with their council's team; only the office shares with everyone."""
    choices = [SavedView.Sharing.PRIVATE]
    if user.council_id and role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        choices.append(SavedView.Sharing.COUNCIL)
    if is_digital_office(user):
        choices.append(SavedView.Sharing.EVERYONE)
    return choices


def can_delete_view(user, view) -> bool:
    return view.owner_id == user.pk


def can_manage_board_meetings(user) -> bool:
    """The list of board meeting dates in everyone's calendar feed: the Digital Office keeps it."""
    return is_digital_office(user)
