"""A person's calendar (iCalendar, RFC 5545, made with the icalendar library): their council's reporting deadlines,
the milestones of the initiatives they follow, the board meetings the office lists (collaboration.BoardMeeting) and
the date of the last board it recorded (when no listed meeting is on that day). One all-day event per date,
each with a UID that stays the same from one download to the next, so calendar programs update rather than copy."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core.roles import Role, role_of
from initiatives import policies as portfolio_policies
from initiatives import selectors as portfolio_selectors

from . import selectors

PAST = datetime.timedelta(days=92)
AHEAD = datetime.timedelta(days=400)
MILESTONES_LISTED = 500


def _host() -> str:
    return urlsplit(settings.PORTAL_URL).hostname or "digitaloffice.scot"


def _event(*, uid: str, day: datetime.date, summary: str, description: str, url: str, stamp) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{_host()}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", settings.PORTAL_URL.rstrip("/") + url)
    event.add("transp", "TRANSPARENT")
    return event


def _deadline_periods(person, today):
    """Every period's deadline for the office; a council's when it leads or adopts an initiative that reports."""
    periods = portfolio_selectors.period_records().filter(
        submission_due_on__gte=today - PAST, submission_due_on__lte=today + AHEAD).order_by("starts_on")
    if role_of(person) == Role.DIGITAL_OFFICE:
        return list(periods)
    if not person.council_id:
        return []
    reports = portfolio_selectors.participation_records().filter(
        council_id=person.council_id, role__in=portfolio_policies.reminded_roles()).exists()
    return list(periods) if reports else []


def person_calendar(person) -> bytes:
    today = timezone.localdate()
    calendar = Calendar()
    calendar.add("prodid", "-//Digital Office for Scottish Local Government//Portal//EN")
    calendar.add("version", "2.0")
    name = person.get_full_name() or person.email
    calendar.add("x-wr-calname", _("Digital Office portal: %(name)s") % {"name": name})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    my_council = reverse("initiatives:my_council")
    for period in _deadline_periods(person, today):
        calendar.add_component(_event(
            uid=f"deadline-{period.pk}", day=period.submission_due_on,
            summary=_("Progress updates due: %(period)s") % {"period": period.label},
            description=_("The last day to submit progress updates for %(period)s.") % {"period": period.label},
            url=my_council, stamp=period.updated_at,
        ))
    milestones = (
        portfolio_selectors.milestone_records()
        .filter(initiative__in=selectors.followed_initiatives(person), completed_on__isnull=True,
                forecast_date__gte=today - PAST, forecast_date__lte=today + AHEAD)
        .select_related("initiative").order_by("forecast_date", "pk")[:MILESTONES_LISTED]
    )
    for milestone in milestones:
        calendar.add_component(_event(
            uid=f"milestone-{milestone.pk}", day=milestone.forecast_date,
            summary=f"{milestone.initiative.reference}: {milestone.title}",
            description=_("Milestone of %(initiative)s (forecast date).") % {"initiative": milestone.initiative.title},
            url=reverse("initiatives:detail", kwargs={"reference": milestone.initiative.reference}),
            stamp=milestone.updated_at,
        ))
    meetings = list(selectors.board_meetings(since=today - PAST, until=today + AHEAD))
    for meeting in meetings:
        calendar.add_component(_event(
            uid=f"board-meeting-{meeting.pk}", day=meeting.held_on, summary=str(meeting),
            description=_("A board meeting of the Digital Office."), url=reverse("dashboard:dashboard"),
            stamp=meeting.updated_at,
        ))
    board = portfolio_selectors.last_board_date()
    if board is not None and board not in {meeting.held_on for meeting in meetings}:
        calendar.add_component(_event(
            uid=f"board-{board.isoformat()}", day=board, summary=_("Digital Office board meeting"),
            description=_("The board meeting date the Digital Office recorded."), url=reverse("dashboard:dashboard"),
            stamp=datetime.datetime.combine(board, datetime.time.min, tzinfo=datetime.UTC),
        ))
    return calendar.to_ical()

