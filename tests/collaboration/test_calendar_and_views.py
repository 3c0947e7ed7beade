"""The calendar feed (parsed back with icalendar: one event per deadline, UIDs stable across downloads, revocable
address) and saved views (private, shared with a council's team, shared by the office with everyone)."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from collaboration.models import Follow, Preferences, SavedView
from initiatives.models import Milestone, OfficeSettings, ReportingPeriod

from .conftest import CDO, FIFE_EDITOR, GLASGOW_EDITOR, GLASGOW_VIEWER, HIGHLAND_EDITOR, person

pytestmark = pytest.mark.django_db


def calendar_address(client):
    client.post(reverse("collaboration:calendar_reset"))
    page = client.get(reverse("collaboration:settings")).content.decode()
    start = page.index("/collaboration/calendar/")
    return page[start:page.index('"', start)]


def events(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_the_calendar_lists_deadlines_followed_milestones_and_the_board_date_with_stable_uids(
        client, login_as, shared):
    today = datetime.date.today()
    period = ReportingPeriod.objects.filter(submission_due_on__gte=today).order_by("starts_on").first() or \
        ReportingPeriod.objects.order_by("-starts_on").first()
    period.submission_due_on = today + datetime.timedelta(days=10)
    period.save()
    milestone = Milestone.objects.create(initiative=shared, title="Go live", baseline_date=today,
                                         forecast_date=today + datetime.timedelta(days=30))
    OfficeSettings.objects.update_or_create(pk=1, defaults={"last_board_on": today - datetime.timedelta(days=5)})
    login_as(FIFE_EDITOR)  # Fife takes part in `shared`, so follows it
    url = calendar_address(client)
    client.logout()  # calendar programs do not sign in
    first, second = events(client, url), events(client, url)
    assert set(first) == set(second)
    host = "127.0.0.1"
    deadline = first[f"deadline-{period.pk}@{host}"]
    assert deadline.decoded("DTSTART") == period.submission_due_on
    assert f"milestone-{milestone.pk}@{host}" in first
    assert str(first[f"milestone-{milestone.pk}@{host}"]["SUMMARY"]) == f"{shared.reference}: Go live"
    assert any(uid.startswith("board-") for uid in first)
    assert sum(1 for uid in first if uid == f"deadline-{period.pk}@{host}") == 1
    # Stopping following the initiative takes its milestones off.
    Follow.objects.create(person=person(FIFE_EDITOR), initiative=shared, following=False)
    assert f"milestone-{milestone.pk}@{host}" not in events(client, url)


def test_a_new_calendar_address_revokes_the_old_one(client, login_as, demo_data):
    login_as(GLASGOW_EDITOR)
    old = calendar_address(client)
    new = calendar_address(client)
    assert old != new
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/collaboration/calendar/guess.ics").status_code == 404


def test_a_person_of_a_council_that_reports_nothing_gets_no_deadlines(client, login_as, demo_data):
    Preferences.objects.filter(person=person(HIGHLAND_EDITOR)).delete()
    login_as(HIGHLAND_EDITOR)
    url = calendar_address(client)
    uids = events(client, url)
    from initiatives.models import Participation
    reports = Participation.objects.filter(council=person(HIGHLAND_EDITOR).council,
                                           role__in=["lead", "adopter"]).exists()
    assert any(uid.startswith("deadline-") for uid in uids) == reports


def save(client, name, sharing, query="stage=live&rag_delivery=red&page=3"):
    return client.post(reverse("collaboration:saved_view_save"),
                       {"name": name, "sharing": sharing, "page": "portfolio", "query": query})


def test_a_private_view_is_its_owners_a_council_view_its_teams(client, login_as, demo_data):
    login_as(GLASGOW_EDITOR)
    assert save(client, "Mine", "private").status_code == 302
    assert save(client, "Our team's", "council").status_code == 302
    mine = SavedView.objects.get(name="Mine")
    assert mine.query == "stage=live&rag_delivery=red"  # the page number is not part of a view
    opened = client.get(reverse("collaboration:saved_view", args=[mine.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/initiatives/?stage=live&rag_delivery=red"
    team = SavedView.objects.get(name="Our team's")
    login_as(GLASGOW_VIEWER)
    listed = client.get(reverse("collaboration:saved_views")).content.decode()
    assert "Our team&#x27;s</a>" in listed and "Mine</a>" not in listed
    assert client.get(reverse("collaboration:saved_view", args=[mine.pk])).status_code == 404
    assert client.get(reverse("collaboration:saved_view", args=[team.pk])).status_code == 302
    assert client.post(reverse("collaboration:saved_view_delete", args=[team.pk])).status_code == 403
    login_as(FIFE_EDITOR)
    assert client.get(reverse("collaboration:saved_view", args=[team.pk])).status_code == 404
    assert "Our team&#x27;s</a>" not in client.get(reverse("collaboration:saved_views")).content.decode()


def test_only_the_office_shares_a_view_with_everyone(client, login_as, demo_data):
    login_as(GLASGOW_EDITOR)
    response = save(client, "For all", "everyone")
    assert response.status_code == 200 and "Error:" in response.content.decode()
    assert not SavedView.objects.filter(name="For all").exists()
    assert "Everyone" not in client.get(reverse("collaboration:saved_view_save")).content.decode()
    login_as(CDO)
    assert save(client, "For all", "everyone").status_code == 302
    login_as(HIGHLAND_EDITOR)
    assert "For all" in client.get(reverse("collaboration:saved_views")).content.decode()


def test_a_view_name_is_needed_and_unique_per_owner(client, login_as, demo_data):
    login_as(GLASGOW_EDITOR)
    response = save(client, "", "private")
    assert "Enter a name for the view" in response.content.decode()
    save(client, "Twice", "private")
    response = save(client, "Twice", "private")
    assert "You already have a view called “Twice”" in response.content.decode()


def test_the_list_and_the_dashboard_offer_to_save_the_view_and_the_navigation_lists_saved_views(
        client, login_as, demo_data):
    login_as(GLASGOW_EDITOR)
    page = client.get("/initiatives/?stage=live").content.decode()
    assert "/collaboration/views/new/?page=portfolio&amp;query=stage%3Dlive" in page
    assert 'href="/collaboration/views/"' in page and "Notifications" in page
    page = client.get(reverse("dashboard:dashboard")).content.decode()
    assert "/collaboration/views/new/?page=dashboard" in page


def test_the_office_lists_board_meetings_and_everyones_calendar_has_them(client, login_as, demo_data):
    from collaboration.models import BoardMeeting

    day = datetime.date.today() + datetime.timedelta(days=40)
    login_as(FIFE_EDITOR)
    assert client.get(reverse("collaboration:board_meetings")).status_code == 403
    assert client.post(reverse("collaboration:board_meetings"), {"held_on": day.isoformat()}).status_code == 403
    url = calendar_address(client)
    before = events(client, url)
    login_as(CDO)
    response = client.post(reverse("collaboration:board_meetings"), {"held_on": day.isoformat(),
                                                                     "title": "Board: budget 2027/28"})
    assert response.status_code == 302
    response = client.post(reverse("collaboration:board_meetings"), {"held_on": day.isoformat()})
    assert "There is already a board meeting on that date" in response.content.decode()
    assert "Board: budget 2027/28" in client.get(reverse("collaboration:board_meetings")).content.decode()
    meeting = BoardMeeting.objects.get(held_on=day)
    client.logout()
    after = events(client, url)  # the Fife editor's feed, unchanged address
    uid = next(u for u in after if u.startswith(f"board-meeting-{meeting.pk}@"))
    assert uid not in before
    assert after[uid].decoded("DTSTART") == day and str(after[uid]["SUMMARY"]) == "Board: budget 2027/28"
    assert events(client, url).keys() == after.keys()  # stable across downloads
    login_as(CDO)
    assert client.post(reverse("collaboration:board_meeting_delete", args=[meeting.pk])).status_code == 302
    client.logout()
    assert uid not in events(client, url)


def navigation_views(page) -> list[str]:
    """The names the saved views navigation lists on a page (none: no such navigation)."""
    import re

    html = page.content.decode()
    start = html.find('<nav class="portal-saved-views"')
    if start == -1:
        return []
    return re.findall(r'<a href="/collaboration/views/\d+/">([^<]*)</a>', html[start:html.index("</nav>", start)])


def test_the_navigation_lists_the_views_a_person_sees_by_name_and_keeps_up(
        client, login_as, demo_data, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    demo = {}  # the demo data's own saved views, in each person's navigation
    for email in (GLASGOW_EDITOR, GLASGOW_VIEWER, FIFE_EDITOR):
        login_as(email)
        demo[email] = set(navigation_views(client.get("/")))

    def listed(email):
        login_as(email)
        return set(navigation_views(client.get("/"))) - demo[email]

    login_as(GLASGOW_EDITOR)
    with django_capture_on_commit_callbacks(execute=True):  # the saves' work after commit (the change feed) done
        save(client, "Red and live", "private")
        save(client, "Team watch", "council")
    assert listed(GLASGOW_EDITOR) == {"Red and live", "Team watch"}
    with CaptureQueriesContext(connection) as queries:  # one query for the names on a page, whatever their number
        assert set(navigation_views(client.get("/initiatives/"))) - demo[GLASGOW_EDITOR] == {
            "Red and live", "Team watch"}
    assert len([q for q in queries.captured_queries if "collaboration_savedview" in q["sql"]]) == 1

    assert listed(GLASGOW_VIEWER) == {"Team watch"}  # the team's view, not the private one
    assert listed(FIFE_EDITOR) == set()
    login_as(CDO)
    with django_capture_on_commit_callbacks(execute=True):
        save(client, "Office picks", "everyone")
    assert listed(FIFE_EDITOR) == {"Office picks"}  # shown at once in another council's navigation

    assert listed(GLASGOW_EDITOR) == {"Office picks", "Red and live", "Team watch"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("collaboration:saved_view_delete", args=[SavedView.objects.get(name="Team watch").pk]))
    assert listed(GLASGOW_EDITOR) == {"Office picks", "Red and live"}
    assert listed(GLASGOW_VIEWER) == {"Office picks"}


def test_the_navigation_names_the_first_views_then_links_to_all(client, login_as, demo_data):
    login_as(GLASGOW_EDITOR)
    for number in range(10):
        save(client, f"0{number} view", "private")  # before the demo's views by name
    page = client.get("/")
    assert navigation_views(page) == [f"0{number} view" for number in range(8)]
    assert 'href="/collaboration/views/">All saved views</a>' in page.content.decode()
