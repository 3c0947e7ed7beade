"""Following, the notifications page, the weekly digest (once per person per week, however often it runs), the
immediate e-mails, unsubscribing without signing in, and the settings page."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collaboration import services
from collaboration.models import Comment, DigestSent, Follow, Notification, Preferences
from core.models import User
from initiatives.models import Initiative
from strategy.models import Theme

from .conftest import FIFE_EDITOR, GLASGOW_EDITOR, GLASGOW_VIEWER, HIGHLAND_EDITOR, person

pytestmark = pytest.mark.django_db


def comment_by(email, initiative, body="A comment"):
    return services.comment_post(user=person(email), initiative=initiative, body=body)


def told(email, comment):
    return Notification.objects.filter(person=person(email), comment=comment).exists()


def test_people_follow_their_councils_initiatives_by_default_without_a_row(shared):
    Follow.objects.filter(person__email__in=[GLASGOW_VIEWER, HIGHLAND_EDITOR]).delete()
    comment = comment_by(FIFE_EDITOR, shared)
    assert told(GLASGOW_VIEWER, comment)  # Glasgow takes part
    assert not told(HIGHLAND_EDITOR, comment)  # Highland does not
    assert not told(FIFE_EDITOR, comment)  # never the author
    assert not Follow.objects.filter(person__email=GLASGOW_VIEWER).exists()


def test_stopping_and_following_again(client, login_as, shared):
    login_as(GLASGOW_VIEWER)
    client.post(reverse("collaboration:following"), {"initiative": shared.reference, "following": ""})
    assert not told(GLASGOW_VIEWER, comment_by(FIFE_EDITOR, shared, "one"))
    page = client.get(reverse("collaboration:following")).content.decode()
    assert "Initiatives you stopped following" in page and shared.reference in page
    client.post(reverse("collaboration:following"), {"initiative": shared.reference, "following": "on"})
    assert told(GLASGOW_VIEWER, comment_by(FIFE_EDITOR, shared, "two"))


def test_following_a_council_or_a_theme_follows_its_initiatives(client, login_as, shared):
    login_as(HIGHLAND_EDITOR)
    client.post(reverse("collaboration:following"), {"council": shared.lead_council_id, "following": "on"})
    assert told(HIGHLAND_EDITOR, comment_by(FIFE_EDITOR, shared, "council"))
    Follow.objects.filter(person=person(HIGHLAND_EDITOR)).delete()
    other = Initiative.objects.exclude(pk=shared.pk).exclude(participations__council=person(HIGHLAND_EDITOR).council) \
        .filter(theme__isnull=False).first()
    client.post(reverse("collaboration:following"), {"theme": other.theme_id, "following": "on"})
    assert told(HIGHLAND_EDITOR, comment_by(GLASGOW_EDITOR, other, "theme"))
    assert Theme.objects.get(pk=other.theme_id).title in client.get(reverse("collaboration:following")).content.decode()


def test_a_followers_notification_of_a_draft_updates_comment_only_goes_to_who_may_see_it(draft):
    Follow.objects.create(person=person(HIGHLAND_EDITOR), initiative=draft.initiative)
    comment = services.comment_post(user=person(GLASGOW_EDITOR), initiative=draft.initiative, update=draft,
                                    body="About the draft")
    assert told(FIFE_EDITOR, comment)
    assert not told(HIGHLAND_EDITOR, comment)  # follows the initiative, may not see the draft


def test_the_notifications_page_lists_unread_first_and_marks_read(client, login_as, shared):
    fife = person(FIFE_EDITOR)
    Notification.objects.filter(person=fife).delete()
    old = comment_by(GLASGOW_EDITOR, shared, "older")
    new = comment_by(GLASGOW_EDITOR, shared, "newer")
    Notification.objects.filter(person=fife, comment=new).update(read_at=timezone.now())
    login_as(FIFE_EDITOR)
    page = client.get(reverse("collaboration:notifications")).content.decode()
    assert "You have 1 unread notification." in page
    assert page.index(f"#comment-{old.pk}") < page.index(f"#comment-{new.pk}")  # unread first, though older
    unread = Notification.objects.get(person=fife, comment=old)
    client.post(reverse("collaboration:notifications"), {"notification": unread.pk})
    assert Notification.objects.get(pk=unread.pk).read_at is not None
    assert "You have 0 unread notifications." in client.get(reverse("collaboration:notifications")).content.decode()


def _many_notifications(count, *, people):
    initiative = Initiative.objects.order_by("pk").first()
    author = person(GLASGOW_EDITOR)
    comment = Comment.objects.create(initiative=initiative, author=author, body="x")
    Notification.objects.bulk_create([
        Notification(person=p, kind="comment", initiative=initiative, comment=comment, actor=author)
        for p in people for _ in range(count)
    ])


def test_the_notifications_page_costs_the_same_queries_with_3_and_60_notifications(client, login_as, demo_data):
    fife = person(FIFE_EDITOR)
    login_as(FIFE_EDITOR)
    Notification.objects.filter(person=fife).delete()
    _many_notifications(3, people=[fife])
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("collaboration:notifications")).status_code == 200
    _many_notifications(57, people=[fife])
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("collaboration:notifications")).status_code == 200
    assert len(many) == len(few)


def _digest_mails():
    return [m for m in mail.outbox if "Your week" in m.subject]


@time_machine.travel(datetime.datetime(2026, 12, 7, 6, 0, tzinfo=datetime.UTC))
def test_the_weekly_digest_goes_once_per_person_per_week_and_is_skipped_when_empty(
        shared, django_capture_on_commit_callbacks):
    Notification.objects.all().delete()
    comment_by(FIFE_EDITOR, shared, "Worth a digest")
    waiting = set(Notification.objects.values_list("person__email", flat=True))
    assert GLASGOW_VIEWER in waiting
    monday = timezone.make_aware(datetime.datetime(2026, 12, 7, 7, 0))
    with django_capture_on_commit_callbacks(execute=True):
        first = services.digests_send(now=monday)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.digests_send(now=monday + datetime.timedelta(minutes=5))  # beat ran it twice
    assert first["sent"] == len(waiting) and second["sent"] == 0
    sent = _digest_mails()
    assert sorted(m.to[0] for m in sent) == sorted(waiting)
    assert DigestSent.objects.filter(week=datetime.date(2026, 12, 7)).count() == len(waiting)
    viewer_mail = next(m for m in sent if m.to == [GLASGOW_VIEWER])
    assert f"/collaboration/initiatives/{shared.reference}/conversation/#comment-" in viewer_mail.body
    assert "/collaboration/unsubscribe/" in viewer_mail.body
    # Something new later that week waits for next week's digest: the constraint holds the line.
    comment_by(FIFE_EDITOR, shared, "Later that week")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send(now=monday + datetime.timedelta(days=2))["sent"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send(now=monday + datetime.timedelta(days=7))["sent"] == len(waiting)
    # Nobody with nothing new gets an empty one.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send(now=monday + datetime.timedelta(days=14))["sent"] == 0
    assert _digest_mails() == []


@time_machine.travel(datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.UTC))
def test_the_digest_job_costs_the_same_queries_for_5_and_60_people(demo_data, django_capture_on_commit_callbacks):
    Notification.objects.all().delete()
    people = list(User.objects.filter(is_active=True).order_by("pk"))
    extra = [User.objects.create_user(email=f"digest{i}@glasgow.demo.digitaloffice.scot", password=None,
                                      council=person(GLASGOW_VIEWER).council, council_role="viewer") for i in range(60)]
    _many_notifications(2, people=people[:5])
    with CaptureQueriesContext(connection) as few, django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send(now=timezone.make_aware(datetime.datetime(2026, 12, 7, 7)))["sent"] == 5
    _many_notifications(3, people=extra)
    with CaptureQueriesContext(connection) as many, django_capture_on_commit_callbacks(execute=True):
        assert services.digests_send(now=timezone.make_aware(datetime.datetime(2026, 12, 14, 7)))["sent"] == 60
    assert len(many) == len(few)


def test_unsubscribing_from_the_link_in_an_email_works_without_signing_in(
        client, shared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comment_by(GLASGOW_EDITOR, shared, f"@{FIFE_EDITOR} hello")
    message = next(m for m in mail.outbox if m.to == [FIFE_EDITOR])
    link = re.search(r"https?://\S+/collaboration/unsubscribe/\S+/", message.body).group(0)
    path = link[link.index("/collaboration/"):]
    assert client.get(path).status_code == 200  # asks first: mail scanners follow links
    assert Preferences.objects.filter(person=person(FIFE_EDITOR), frequency="never").count() == 0
    response = client.post(path)
    assert response.status_code == 200 and "E-mails stopped" in response.content.decode()
    assert Preferences.objects.get(person=person(FIFE_EDITOR)).frequency == "never"
    assert client.get("/collaboration/unsubscribe/forged-token/").status_code == 404
    # No more e-mails: neither a mention nor the digest.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_by(GLASGOW_EDITOR, shared, f"@{FIFE_EDITOR} again")
        services.digests_send()
    assert [m for m in mail.outbox if m.to == [FIFE_EDITOR]] == []


def test_the_settings_page_sets_the_frequency(client, login_as, shared, django_capture_on_commit_callbacks):
    login_as(FIFE_EDITOR)
    response = client.post(reverse("collaboration:settings"), {"frequency": "weekly"})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        comment_by(GLASGOW_EDITOR, shared, f"@{FIFE_EDITOR} weekly only")
    assert [m for m in mail.outbox if m.to == [FIFE_EDITOR]] == []  # waits for the digest
    response = client.post(reverse("collaboration:settings"), {"frequency": "hourly"})
    assert response.status_code == 200 and "Error:" in response.content.decode()


def test_an_update_returned_is_emailed_to_who_wrote_it(client, login_as, draft, django_capture_on_commit_callbacks):
    from initiatives import services as portfolio_services
    from tests.conftest import signed_in_with_two_factor

    draft.state = "submitted"
    draft.author = person(GLASGOW_EDITOR)
    draft.submitted_by = person(GLASGOW_EDITOR)
    draft.save()
    cto = signed_in_with_two_factor(User.objects.get(email="cto@demo.digitaloffice.scot"))
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_services.update_return(user=cto, update=draft, comment="Please add the spend.")
    notes = Notification.objects.filter(kind="update_returned", update=draft)
    assert [n.person.email for n in notes] == [GLASGOW_EDITOR]
    sent = [m for m in mail.outbox if m.to == [GLASGOW_EDITOR]]
    assert len(sent) == 1 and "returned" in sent[0].subject
    login_as(GLASGOW_EDITOR)
    assert "was returned" in client.get(reverse("collaboration:notifications")).content.decode()
