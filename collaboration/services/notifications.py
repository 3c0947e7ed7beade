"""Notifications: who is told of a comment or an update, the immediate e-mails, and marking them read."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives import selectors as portfolio_selectors

from .. import selectors
from ..models import Notification, Preferences
from . import mail

__all__ = ["notifications_for_comment", "notifications_mark_read", "notify_update_approved",
           "notify_update_returned", "notification_url"]


def notification_url(notification) -> str:
    """Where a notification leads: the comment in its conversation, or the update."""
    if notification.comment_id:
        if notification.update_id:
            path = reverse("collaboration:update_conversation", kwargs={"pk": notification.update_id})
        else:
            path = reverse("collaboration:initiative_conversation",
                           kwargs={"reference": notification.initiative.reference})
        return f"{path}#comment-{notification.comment_id}"
    if notification.kind == Notification.Kind.UPDATE_RETURNED:
        return reverse("initiatives:update", kwargs={"reference": notification.initiative.reference,
                                                     "period_start": notification.update.period.starts_on})
    return reverse("initiatives:detail", kwargs={"reference": notification.initiative.reference})


def _frequencies(person_ids) -> dict:
    return dict(Preferences.objects.filter(person_id__in=person_ids).values_list("person_id", "frequency"))


def _send_immediately(notifications, people: dict) -> None:
    frequencies = _frequencies([n.person_id for n in notifications])
    for notification in notifications:
        if notification.kind not in Notification.IMMEDIATE_KINDS:
            continue
        if frequencies.get(notification.person_id, Preferences.Frequency.IMMEDIATE) != Preferences.Frequency.IMMEDIATE:
            continue
        person = people[notification.person_id]
        if notification.kind == Notification.Kind.MENTION:
            subject = _("%(name)s mentioned you on %(reference)s") % {
                "name": notification.actor.get_full_name() if notification.actor else _("Someone"),
                "reference": notification.initiative.reference}
        else:
            subject = _("Your update for %(reference)s was returned") % {"reference": notification.initiative.reference}
        mail.send(person=person, subject=subject, template="collaboration/email/notification.txt",
                  context={"notification": notification, "url": mail.absolute(notification_url(notification))})
    # Told at once: the weekly digest does not list them again.
    Notification.objects.filter(pk__in=[n.pk for n in notifications if n.kind in Notification.IMMEDIATE_KINDS
                                        and frequencies.get(n.person_id, Preferences.Frequency.IMMEDIATE)
                                        == Preferences.Frequency.IMMEDIATE]).update(
        digest_week=selectors.week_of(timezone.localdate()))


def notifications_for_comment(*, comment, mentioned: list, is_new: bool = True) -> list[Notification]:
    """Tell the people mentioned, the author of the comment replied to, and (for a new comment) the initiative's
    followers who may read it; one notification each, the most personal kind, never to the author."""
    initiative, update = comment.initiative, comment.update
    kinds = {}
    if is_new:
        followers = selectors.readers(initiative, update).filter(selectors.followers_condition(initiative))
        kinds.update({pk: Notification.Kind.COMMENT for pk in followers.values_list("pk", flat=True)})
        if comment.parent_id and comment.parent.author_id:
            kinds[comment.parent.author_id] = Notification.Kind.REPLY
    for person in mentioned:
        kinds[person.pk] = Notification.Kind.MENTION
    kinds.pop(comment.author_id, None)
    made = Notification.objects.bulk_create([
        Notification(person_id=pk, kind=kind, initiative=initiative, update=update, comment=comment,
                     actor=comment.author, is_demo=comment.is_demo)
        for pk, kind in kinds.items()
    ])
    mentioned_by_pk = {person.pk: person for person in mentioned}
    immediate = [n for n in made if n.kind == Notification.Kind.MENTION]
    for notification in immediate:
        notification.initiative, notification.actor = initiative, comment.author
    _send_immediately(immediate, mentioned_by_pk)
    return made


@transaction.atomic
def notify_update_approved(*, update_id: int) -> int:
    """The initiative's followers who may read approved updates (everyone who follows it) hear of it."""
    update = portfolio_selectors.update_with_period(update_id)
    if update is None:
        return 0
    initiative = update.initiative
    people = selectors.readers(initiative).filter(selectors.followers_condition(initiative)).exclude(
        pk=update.reviewed_by_id).values_list("pk", flat=True)
    made = Notification.objects.bulk_create([
        Notification(person_id=pk, kind=Notification.Kind.UPDATE_APPROVED, initiative=initiative, update=update,
                     actor_id=update.reviewed_by_id)
        for pk in people
    ])
    return len(made)


@transaction.atomic
def notify_update_returned(*, update_id: int) -> int:
    """Whoever wrote or submitted a returned update is told at once (their settings allowing)."""
    update = portfolio_selectors.update_with_period(update_id)
    if update is None:
        return 0
    people = selectors.people_by_pk({pk for pk in (update.author_id, update.submitted_by_id) if pk})
    made = Notification.objects.bulk_create([
        Notification(person_id=pk, kind=Notification.Kind.UPDATE_RETURNED, initiative=update.initiative,
                     update=update, actor_id=update.reviewed_by_id)
        for pk in people if pk != update.reviewed_by_id
    ])
    for notification in made:
        notification.initiative, notification.update = update.initiative, update
    _send_immediately(made, people)
    return len(made)


def notifications_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the person's notifications read, or all of them (pk None)."""
    unread = Notification.objects.filter(person=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
