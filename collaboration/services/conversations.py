"""Comments: writing, replying, editing within 15 minutes, deleting (kept in history), and the mentions in them."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policies, selectors
from ..models import Comment
from .notifications import notifications_for_comment

__all__ = ["comment_delete", "comment_edit", "comment_post", "mentions_in"]

# "@name@council.gov.uk": a mention is an @ followed by the person's e-mail address (the form's autocomplete
# writes it; without JavaScript people type it).
MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def mentions_in(text: str) -> list[str]:
    seen = []
    for address in MENTION.findall(text or ""):
        address = address.rstrip(".").lower()
        if address not in seen:
            seen.append(address)
    return seen


def _mentioned_people(body, *, initiative, update) -> list:
    """The people mentioned, each of whom may read the conversation; a ValidationError naming each who may not."""
    addresses = mentions_in(body)
    if not addresses:
        return []
    found = selectors.people_by_email(addresses)
    allowed = set(selectors.readers(initiative, update).filter(pk__in=[p.pk for p in found.values()])
                  .values_list("pk", flat=True))
    errors = []
    for address in addresses:
        person = found.get(address)
        if person is None:
            errors.append(_("Nobody with the address %(address)s uses the portal: check the address or remove "
                            "the mention.") % {"address": address})
        elif person.pk not in allowed:
            errors.append(_("%(name)s (%(address)s) cannot see this conversation, so cannot be mentioned in it: "
                            "remove the mention.") % {"name": person.get_full_name() or address, "address": address})
    if errors:
        raise ValidationError({"body": errors})
    return [found[address] for address in addresses]


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Enter your comment.")})
    if len(body) > 5000:
        raise ValidationError({"body": _("Write a comment of 5,000 characters or fewer.")})
    return body


@transaction.atomic
def comment_post(*, user, initiative, update=None, body: str, parent: Comment | None = None) -> Comment:
    if not policies.can_comment(user, initiative, update):
        raise PermissionDenied(_("You cannot comment on this conversation."))
    body = _clean_body(body)
    if parent is not None:
        if parent.initiative_id != initiative.pk or parent.update_id != (update.pk if update else None):
            raise ValidationError(_("That comment is in another conversation."))
        parent = parent.parent or parent  # replies are one level deep: a reply to a reply joins its thread
    mentioned = _mentioned_people(body, initiative=initiative, update=update)
    comment = Comment(initiative=initiative, update=update, parent=parent, author=user, body=body)
    comment.full_clean()
    comment.save()
    comment.mentioned.set(mentioned)
    notifications_for_comment(comment=comment, mentioned=mentioned)
    return comment


@transaction.atomic
def comment_edit(*, user, comment: Comment, body: str) -> Comment:
    if not policies.can_change_comment(user, comment):
        raise PermissionDenied(_("Comments can be changed only by their author, for 15 minutes after writing them."))
    body = _clean_body(body)
    mentioned = _mentioned_people(body, initiative=comment.initiative, update=comment.update)
    already = set(comment.mentioned.values_list("pk", flat=True))
    comment.body = body
    comment.edited_at = timezone.now()
    comment.full_clean()
    comment.save()
    comment.mentioned.set(mentioned)
    notifications_for_comment(comment=comment, mentioned=[p for p in mentioned if p.pk not in already],
                              is_new=False)
    return comment


@transaction.atomic
def comment_delete(*, user, comment: Comment) -> Comment:
    """The comment stays in its thread shown as "deleted"; what it said stays in its history."""
    if not policies.can_delete_comment(user, comment):
        raise PermissionDenied(_("Only the author can delete a comment."))
    comment.body = ""
    comment.deleted_at = timezone.now()
    comment.save()
    return comment
