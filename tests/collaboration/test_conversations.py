"""Conversations as each role meets them (hand-made requests): who reads an initiative's and a draft update's
conversation, comments sanitised, replies one level deep, edits within 15 minutes, deletion kept in history,
mentions of people who cannot see refused with their name."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from collaboration.models import Comment, Notification

from .conftest import CDO, FIFE_EDITOR, GLASGOW_EDITOR, GLASGOW_VIEWER, HIGHLAND_EDITOR, PARTNER, person

pytestmark = pytest.mark.django_db


def conversation_url(initiative):
    return reverse("collaboration:initiative_conversation", args=[initiative.reference])


def post(client, url, body, **extra):
    return client.post(url, {"body": body, **extra})


@pytest.mark.parametrize("email, status", [
    (CDO, 200), (GLASGOW_EDITOR, 200), (GLASGOW_VIEWER, 200), (HIGHLAND_EDITOR, 200), (PARTNER, 403),
])
def test_an_initiatives_conversation_is_for_councils_and_the_office_not_partners(
        client, login_as, shared, email, status):
    Comment.objects.create(initiative=shared, author=person(GLASGOW_EDITOR), body="Shared *thought*")
    login_as(email)
    response = client.get(conversation_url(shared))
    assert response.status_code == status
    if status == 200:
        assert "Shared <em>thought</em>" in response.content.decode()
    detail = client.get(reverse("initiatives:detail", args=[shared.reference])).content.decode()
    assert ("Shared <em>thought</em>" in detail) == (status == 200)


@pytest.mark.parametrize("email, status", [
    (CDO, 200), (GLASGOW_EDITOR, 200), (GLASGOW_VIEWER, 200), (FIFE_EDITOR, 200), (HIGHLAND_EDITOR, 404),
    (PARTNER, 404),
])
def test_a_draft_updates_conversation_is_for_the_initiatives_councils_and_the_office(
        client, login_as, draft, email, status):
    Comment.objects.create(initiative=draft.initiative, update=draft, author=person(GLASGOW_EDITOR),
                           body="Draft-only remark")
    login_as(email)
    response = client.get(reverse("collaboration:update_conversation", args=[draft.pk]))
    assert response.status_code == status
    assert ("Draft-only remark" in response.content.decode()) == (status == 200)
    # Nor can they post to it, or ask who could be mentioned in it.
    assert post(client, reverse("collaboration:update_conversation", args=[draft.pk]), "hi").status_code in (
        (302,) if status == 200 else (404,))
    # The initiative's own conversation never shows the update's comments.
    assert "Draft-only remark" not in client.get(conversation_url(draft.initiative)).content.decode()


def test_the_review_page_shows_the_updates_conversation_beside_the_formal_review(client, login_as, draft):
    draft.state = "submitted"
    draft.save()
    Comment.objects.create(initiative=draft.initiative, update=draft, author=person(FIFE_EDITOR),
                           body="Is the spend figure final?")
    login_as("cto@demo.digitaloffice.scot")
    page = client.get(reverse("initiatives:review", args=[draft.pk])).content.decode()
    assert "Conversation about this update" in page
    assert "Is the spend figure final?" in page
    assert page.index("Is the spend figure final?") < page.index('id="decision"')


def test_a_comment_is_sanitised_markdown(client, login_as, shared):
    login_as(GLASGOW_EDITOR)
    response = post(client, conversation_url(shared), "**Bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert response.status_code == 302
    page = client.get(conversation_url(shared)).content.decode()
    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "javascript:alert" not in page


def test_an_empty_comment_is_refused_with_what_to_do(client, login_as, shared):
    login_as(GLASGOW_EDITOR)
    response = post(client, conversation_url(shared), "   ")
    assert response.status_code == 200
    assert "Enter your comment." in response.content.decode()
    assert "Error:" in response.content.decode()


def test_replies_are_one_level_deep(client, login_as, shared):
    first = Comment.objects.create(initiative=shared, author=person(FIFE_EDITOR), body="Question")
    login_as(GLASGOW_EDITOR)
    post(client, conversation_url(shared), "Answer", parent=first.pk)
    answer = Comment.objects.get(body="Answer")
    post(client, conversation_url(shared), "Answer to the answer", parent=answer.pk)
    assert Comment.objects.get(body="Answer to the answer").parent == first
    assert Notification.objects.filter(person=person(FIFE_EDITOR), kind="reply").count() == 2


def test_the_author_edits_within_15_minutes_only(client, login_as, shared):
    login_as(GLASGOW_EDITOR)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        post(client, conversation_url(shared), "First text")
    comment = Comment.objects.get(body="First text")
    edit = reverse("collaboration:comment_edit", args=[comment.pk])
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, 14, tzinfo=datetime.UTC), tick=False):
        assert client.post(edit, {"body": "Second text"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Second text" and comment.edited_at is not None
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, 16, tzinfo=datetime.UTC), tick=False):
        assert client.post(edit, {"body": "Third text"}).status_code == 403
    login_as(FIFE_EDITOR)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, 5, tzinfo=datetime.UTC), tick=False):
        assert client.post(edit, {"body": "Not mine"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Second text"


def test_the_author_deletes_a_comment_shown_as_deleted_and_kept_in_history(client, login_as, shared):
    comment = Comment.objects.create(initiative=shared, author=person(GLASGOW_EDITOR), body="Regrettable words")
    login_as(FIFE_EDITOR)
    assert client.post(reverse("collaboration:comment_delete", args=[comment.pk])).status_code == 403
    login_as(GLASGOW_EDITOR)
    assert client.post(reverse("collaboration:comment_delete", args=[comment.pk])).status_code == 302
    page = client.get(conversation_url(shared)).content.decode()
    assert "This comment was deleted." in page
    assert "Regrettable words" not in page
    assert "Regrettable words" in {h.body for h in comment.history.all()}


def test_a_mention_tells_the_person_at_once(client, login_as, shared, django_capture_on_commit_callbacks):
    login_as(GLASGOW_EDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, conversation_url(shared), f"@{FIFE_EDITOR} could you look at this?")
    assert response.status_code == 302
    fife = person(FIFE_EDITOR)
    assert Notification.objects.filter(person=fife, kind="mention", comment__body__contains="look at this").count() == 1
    sent = [m for m in mail.outbox if m.to == [FIFE_EDITOR]]
    assert len(sent) == 1 and "mentioned you" in sent[0].subject
    assert "/collaboration/unsubscribe/" in sent[0].body
    assert sent[0].extra_headers["List-Unsubscribe"].startswith("<http")


def test_a_mention_of_someone_who_cannot_see_the_conversation_is_refused_naming_them(client, login_as, draft):
    login_as(GLASGOW_EDITOR)
    url = reverse("collaboration:update_conversation", args=[draft.pk])
    text = f"Can @{HIGHLAND_EDITOR} help?"
    response = post(client, url, text)
    assert response.status_code == 200
    page = response.content.decode()
    highland = person(HIGHLAND_EDITOR)
    assert f"{highland.get_full_name()} ({HIGHLAND_EDITOR}) cannot see this conversation" in page
    assert text.replace("@", "&#x27;") not in page and "Can @" in page  # what was typed is kept
    assert not Comment.objects.filter(update=draft).exists()
    assert not Notification.objects.filter(person=highland).exists()
    # A partner user never can; an address nobody uses is named too.
    response = post(client, url, "@nobody@example.org and @" + PARTNER)
    assert "Nobody with the address nobody@example.org uses the portal" in response.content.decode()
    assert "cannot see this conversation" in response.content.decode()


def test_the_mention_suggestions_are_only_people_who_may_see(client, login_as, draft):
    login_as(GLASGOW_EDITOR)
    url = reverse("collaboration:mentions")
    found = client.get(url, {"q": "editor@", "initiative": draft.initiative.reference, "update": draft.pk}).json()
    emails = {row["email"] for row in found["results"]}
    assert FIFE_EDITOR in emails and HIGHLAND_EDITOR not in emails
    found = client.get(url, {"q": "editor@", "initiative": draft.initiative.reference}).json()
    assert HIGHLAND_EDITOR in {row["email"] for row in found["results"]}
    found = client.get(url, {"q": "partner", "initiative": draft.initiative.reference}).json()
    assert PARTNER not in {row["email"] for row in found["results"]}
    login_as(HIGHLAND_EDITOR)
    assert client.get(url, {"q": "e", "initiative": draft.initiative.reference, "update": draft.pk}).status_code == 404
