"""The office's list of board meeting dates (the calendar feed lists them)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import policies
from ..models import BoardMeeting

__all__ = ["board_meeting_add", "board_meeting_delete"]


@transaction.atomic
def board_meeting_add(*, user, held_on, title: str = "") -> BoardMeeting:
    if not policies.can_manage_board_meetings(user):
        raise PermissionDenied(_("Only Digital Office staff keep the board's dates."))
    if BoardMeeting.objects.filter(held_on=held_on).exists():
        raise ValidationError({"held_on": _("There is already a board meeting on that date.")})
    meeting = BoardMeeting(held_on=held_on, title=(title or "").strip())
    meeting.full_clean(validate_unique=False)
    meeting.save()
    return meeting


@transaction.atomic
def board_meeting_delete(*, user, meeting: BoardMeeting) -> None:
    if not policies.can_manage_board_meetings(user):
        raise PermissionDenied(_("Only Digital Office staff keep the board's dates."))
    meeting.delete()
