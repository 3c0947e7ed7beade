"""Reads of conversations, following, notifications and saved views, each in a fixed number of queries."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from councils import selectors as council_selectors
from initiatives import selectors as portfolio_selectors
from strategy import selectors as strategy_selectors

from . import policies
from .models import BoardMeeting, Comment, Follow, Notification, Preferences, SavedView

User = get_user_model()
MENTION_SUGGESTIONS = 10


def initiative_by_reference(reference: str):
    return get_object_or_404(
        portfolio_selectors.initiative_records().select_related("theme", "lead_council")
        .prefetch_related("participations"),
        reference=reference,
    )


def update_for_conversation(*, user, pk: int):
    """An update and its initiative; not found for those who may not read its conversation (as the update)."""
    update = get_object_or_404(
        portfolio_selectors.update_records().select_related("initiative", "initiative__theme", "period", "council")
        .prefetch_related("initiative__participations"),
        pk=pk,
    )
    if not policies.can_read_conversation(user, update.initiative, update):
        raise Http404
    return update


def conversation(*, initiative, update=None) -> list[Comment]:
    """The comments, oldest first, each top-level one with its `thread_replies`: one query."""
    comments = list(
        Comment.objects.filter(initiative=initiative, update=update).select_related("author", "author__council")
    )
    by_pk = {comment.pk: comment for comment in comments}
    for comment in comments:
        comment.thread_replies = []
    top = []
    for comment in comments:
        parent = by_pk.get(comment.parent_id)
        (parent.thread_replies if parent else top).append(comment)
    return top


def comment_by_pk(*, user, pk: int) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related("initiative", "update", "author").prefetch_related("initiative__participations"),
        pk=pk,
    )
    if not policies.can_read_conversation(user, comment.initiative, comment.update):
        raise Http404
    return comment


def api_comments(*, user):
    """The comments a partner key reads through the API (policies.api_comments_condition), with their initiative."""
    condition = policies.api_comments_condition(user)
    if condition is None:
        return Comment.objects.none()
    return Comment.objects.filter(condition).select_related("initiative")


def readers(initiative, update=None):
    return User.objects.filter(policies.readers_condition(initiative, update))


def mention_candidates(*, initiative, update=None, text: str):
    """Up to ten people who may read the conversation whose name or address contains `text`."""
    text = text.strip().lstrip("@")
    if not text:
        return User.objects.none()
    return (
        readers(initiative, update).filter(Q(full_name__icontains=text) | Q(email__icontains=text))
        .select_related("council").order_by("full_name", "email")[:MENTION_SUGGESTIONS]
    )


def people_by_email(emails) -> dict:
    return {person.email.lower(): person for person in
            User.objects.filter(email__in=list(emails), is_active=True).select_related("council")}


def followers_condition(initiative) -> Q:
    """A Q over users: who follows `initiative`. Its own councils' people by default (unless they stopped), and
    those who follow it, one of its councils, or its theme."""
    council_ids = portfolio_selectors.participation_records().filter(initiative=initiative).values("council_id")
    rows = Follow.objects.filter(person=OuterRef("pk"))
    stopped = rows.filter(initiative=initiative, following=False)
    chose = rows.filter(following=True).filter(
        Q(initiative=initiative) | Q(council_id__in=council_ids) | Q(theme_id=initiative.theme_id))
    return Q(is_active=True) & ((Q(council_id__in=council_ids) & ~Exists(stopped)) | Exists(chose))


def is_following(user, initiative) -> bool:
    return User.objects.filter(followers_condition(initiative), pk=user.pk).exists()


def followed_initiatives(user):
    """The initiatives a person follows (the same rule as followers_condition, from the other side)."""
    rows = Follow.objects.filter(person_id=user.pk, following=True)
    participation = portfolio_selectors.participation_records()
    own = participation.filter(initiative_id=OuterRef("pk"), council_id=user.council_id)
    via_council = participation.filter(initiative_id=OuterRef("pk"),
                                       council_id__in=rows.filter(council__isnull=False).values("council_id"))
    stopped = Follow.objects.filter(person_id=user.pk, following=False, initiative_id=OuterRef("pk"))
    return portfolio_selectors.initiative_records().filter(
        (Exists(own) & ~Exists(stopped))
        | Q(pk__in=rows.filter(initiative__isnull=False).values("initiative_id"))
        | Q(theme_id__in=rows.filter(theme__isnull=False).values("theme_id"))
        | Exists(via_council)
    )


def following_page(*, user) -> dict:
    rows = list(Follow.objects.filter(person=user).select_related("initiative", "council", "theme")
                .order_by("-following", "created_at"))
    return {
        "initiatives": list(followed_initiatives(user).select_related("lead_council").order_by("reference")[:200]),
        "councils": [row.council for row in rows if row.council_id and row.following],
        "themes": [row.theme for row in rows if row.theme_id and row.following],
        "stopped": [row.initiative for row in rows if row.initiative_id and not row.following],
        "council_choices": council_selectors.council_list(),
        "theme_choices": strategy_selectors.theme_list(),
    }


def notifications(*, user):
    """Unread first, newest first, with what each line shows (a fixed number of queries per page)."""
    return (
        Notification.objects.filter(person=user)
        .select_related("initiative", "update", "update__period", "comment", "actor")
        .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk")
    )


def unread_count(user) -> int:
    return Notification.objects.filter(person=user, read_at__isnull=True).count()


def preferences_of(user) -> Preferences:
    return Preferences.objects.filter(person=user).first() or Preferences(person=user)


def preferences_by_token(token: str) -> Preferences | None:
    if not token:
        return None
    return Preferences.objects.select_related("person", "person__council").filter(
        calendar_token=token, person__is_active=True).first()


def visible_views(user):
    return SavedView.objects.filter(policies.visible_views_condition(user)).select_related("owner")


NAVIGATION_SAVED_VIEWS = 8  # the navigation lists this many by name, then links to the whole list


def navigation_saved_views(user) -> dict:
    """The saved views this person's navigation lists by name: {"views": [{"pk", "name"}...], "more": bool}, the
    first NAVIGATION_SAVED_VIEWS by name, in one query. (Not cached: a cached value costs a query too, the check
    of core.cache's renewal marker, and a view shared with a team must show at once in every member's page.)"""
    rows = list(visible_views(user).order_by("name", "pk").values("pk", "name")[: NAVIGATION_SAVED_VIEWS + 1])
    return {"views": rows[:NAVIGATION_SAVED_VIEWS], "more": len(rows) > NAVIGATION_SAVED_VIEWS}


def saved_view(*, user, pk: int) -> SavedView:
    return get_object_or_404(visible_views(user), pk=pk)


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the week `day` falls in."""
    return day - datetime.timedelta(days=day.weekday())


def people_by_pk(pks) -> dict:
    return {person.pk: person for person in User.objects.filter(pk__in=list(pks), is_active=True)}


def board_meetings(*, since=None, until=None):
    meetings = BoardMeeting.objects.all()
    if since is not None:
        meetings = meetings.filter(held_on__gte=since)
    if until is not None:
        meetings = meetings.filter(held_on__lte=until)
    return meetings.order_by("held_on")


def board_meeting(*, user, pk: int) -> BoardMeeting:
    if not policies.can_manage_board_meetings(user):
        raise Http404
    return get_object_or_404(BoardMeeting, pk=pk)
