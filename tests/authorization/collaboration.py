"""Conversations, following, notifications, calendar feeds and saved views in the authorisation matrix.

The sample initiative (Glasgow leads, Fife observes, Highland takes no part) has a conversation every council and the
office read, partners not; its submitted update's conversation is for Glasgow, Fife and the office only (404 to the
rest, as the update). The sample comment is the lead editor's (only they change or delete it); the sample saved view
is shared with Glasgow's team (the viewer opens it, only its owner deletes it). The calendar feed and the
unsubscribe page answer everyone alike: the secret in their address is the key. Through the API, comments are read
only by the key with comments:read, whose organisation (the Scottish Government) the office allows to read them."""

import datetime

from django.utils import timezone

from collaboration.models import BoardMeeting, Comment, Preferences, SavedView
from collaboration.services.mail import unsubscribe_token
from core.models import User
from councils.models import PartnerOrganisation
from partner_access.models import DEFAULT_GRANTED_SCOPES, ScopeGrant
from tests.authorization.roles import (
    ACCOUNTS,
    COUNCIL_STAFF,
    FORM,
    LEAD,
    OBSERVER,
    PARTNER,
    SIGNED_IN,
    STAFF,
    VIEWER,
    Page,
    everyone,
)

READERS = (*COUNCIL_STAFF, STAFF)
UPDATE_READERS = (VIEWER, LEAD, OBSERVER, STAFF)

EXPECTED = {
    "collaboration:initiative_conversation": Page(get={READERS: 200, PARTNER: 403}, post={READERS: FORM}),
    "collaboration:update_conversation": Page(get={UPDATE_READERS: 200}, post={UPDATE_READERS: FORM}, otherwise=404),
    "collaboration:comment_edit": Page(get={LEAD: 200, PARTNER: 404}, post={LEAD: FORM, PARTNER: 404}),
    "collaboration:comment_delete": Page(get={LEAD: 200, PARTNER: 404}, post={LEAD: 302, PARTNER: 404}),
    # Called bare, without the initiative it is about: not found (tests/collaboration test the suggestions).
    "collaboration:mentions": Page(get={SIGNED_IN: 404}, post=None),
    "collaboration:notifications": Page(get=everyone(), post=everyone(302)),
    "collaboration:following": Page(get={READERS: 200}, post={READERS: 302}),
    "collaboration:settings": Page(get=everyone(), post=everyone(FORM)),
    "collaboration:calendar_reset": Page(get=None, post=everyone(302)),
    "collaboration:calendar_feed": Page(get={"all": 200}, post=None, public=True),
    "collaboration:unsubscribe": Page(get={"all": 200}, public=True),
    # the office keeps the board's dates; deleting one answers anyone else 404
    "collaboration:board_meetings": Page(get={STAFF: 200}, post={STAFF: FORM}),
    "collaboration:board_meeting_delete": Page(get=None, post={STAFF: 302}, otherwise=404),
    "collaboration:saved_views": Page(get=everyone(), post=None),
    "collaboration:saved_view_save": Page(get=everyone(), post=everyone(FORM)),
    "collaboration:saved_view": Page(get={(VIEWER, LEAD): 302}, post=None, otherwise=404),
    "collaboration:saved_view_delete": Page(get=None, post={LEAD: 302, VIEWER: 403}, otherwise=404),
}


def world(w):
    lead = User.objects.get(email=ACCOUNTS[LEAD])
    comment = Comment.objects.create(initiative=w["initiative"], author=lead, body="Sample comment")
    # Written "later" than now, so the 15 minutes its author may change it in last however long the matrix runs.
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() + datetime.timedelta(hours=2))
    view = SavedView.objects.create(owner=lead, name="Sample view", page="portfolio", query="stage=live",
                                    sharing="council", council_id=lead.council_id)
    preferences, _created = Preferences.objects.get_or_create(person=lead)
    ScopeGrant.objects.update_or_create(partner=PartnerOrganisation.objects.get(slug="scottish-government"),
                                        defaults={"scopes": [*DEFAULT_GRANTED_SCOPES, "comments:read"]})
    meeting = BoardMeeting.objects.create(held_on=timezone.localdate() + datetime.timedelta(days=30))
    return {"comment": comment, "saved_view": view, "board_meeting": meeting,
            "calendar_token": preferences.calendar_token, "unsubscribe_token": unsubscribe_token(lead)}


def api_values(w):
    return {"/comments/": w["comment"].pk}


def page_kwargs(name, w):
    if name == "collaboration:initiative_conversation":
        return {"reference": w["initiative"].reference}
    if name == "collaboration:update_conversation":
        return {"pk": w["update"].pk}
    if name in ("collaboration:comment_edit", "collaboration:comment_delete"):
        return {"pk": w["comment"].pk}
    if name in ("collaboration:saved_view", "collaboration:saved_view_delete"):
        return {"pk": w["saved_view"].pk}
    if name == "collaboration:board_meeting_delete":
        return {"pk": w["board_meeting"].pk}
    if name == "collaboration:calendar_feed":
        return {"token": w["calendar_token"]}
    if name == "collaboration:unsubscribe":
        return {"token": w["unsubscribe_token"]}
    if name.startswith("collaboration:"):
        return {}
    return None
