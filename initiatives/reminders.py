"""E-mails that keep updates coming, and the settings page that times them.

Four kinds, each sent at most once per person, initiative, period and kind (a database constraint):
- kick-off, when a period's submission window opens;
- a reminder a set number of days before the window closes;
- the overdue chase, once the window has closed;
- escalation to Digital Office staff a further set number of days later.
Only editors of councils that lead or adopt an initiative are reminded (never observers), only for live
initiatives, and only while the update has not been submitted. A person gets one e-mail per kind per run,
listing every initiative it is about. The job runs daily and catches up: a day missed sends the next day.
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import selectors as core_selectors

from . import policies, selectors
from .models import Initiative, OfficeSettings, Participation, Reminder, ReportingPeriod

logger = logging.getLogger(__name__)

# Periods whose deadline passed longer ago than this are no longer chased by e-mail (they stay overdue on the list).
CHASE_FOR_DAYS = 45


@transaction.atomic
def office_settings_update(*, user, **fields) -> OfficeSettings:
    if not policies.can_manage_office_settings(user):
        raise PermissionDenied(_("Only Digital Office staff change these settings."))
    office = OfficeSettings.objects.select_for_update().filter(pk=1).first() or OfficeSettings(pk=1)
    for name in ("reminder_days_before_close", "escalation_days_after_due", "last_board_on"):
        if name in fields:
            setattr(office, name, fields[name])
    office.full_clean()
    office.save()
    return office


def reminders_send(*, on: datetime.date | None = None) -> dict:
    """Send what is due on `on` (today): counts of e-mails by kind and of people reminded."""
    on = on or selectors.today()
    office = selectors.office_settings()
    counts = defaultdict(int)
    open_periods = ReportingPeriod.objects.filter(submission_opens_on__lte=on, submission_due_on__gte=on)
    for period in open_periods:
        _send_to_editors(period, Reminder.Kind.KICKOFF, counts)
        if on >= period.submission_due_on - datetime.timedelta(days=office.reminder_days_before_close):
            _send_to_editors(period, Reminder.Kind.BEFORE_CLOSE, counts)
    closed = ReportingPeriod.objects.filter(
        submission_due_on__lt=on, submission_due_on__gte=on - datetime.timedelta(days=CHASE_FOR_DAYS)
    )
    for period in closed:
        _send_to_editors(period, Reminder.Kind.OVERDUE, counts)
        if on >= period.submission_due_on + datetime.timedelta(days=office.escalation_days_after_due):
            _escalate(period, counts)
    return dict(counts)


def _missing(period):
    """Initiatives that must report for `period` and have not submitted, with the councils that write for them."""
    initiatives = list(
        Initiative.objects.filter(selectors.update_missing_condition(period))
        .select_related("lead_council")
        .order_by("reference")
    )
    writers = defaultdict(set)
    for initiative_id, council_id in Participation.objects.filter(
        initiative__in=[i.pk for i in initiatives], role__in=policies.reminded_roles()
    ).values_list("initiative_id", "council_id"):
        writers[initiative_id].add(council_id)
    return initiatives, writers


def _send_to_editors(period, kind, counts):
    initiatives, writers = _missing(period)
    editors = defaultdict(list)
    for editor in core_selectors.active_council_editors({c for ids in writers.values() for c in ids}):
        editors[editor.council_id].append(editor)
    by_person = defaultdict(list)
    people = {}
    for initiative in initiatives:
        for council_id in writers.get(initiative.pk, ()):
            for editor in editors.get(council_id, ()):
                by_person[editor.pk].append(initiative)
                people[editor.pk] = editor
    for person_id, items in by_person.items():
        _send(people[person_id], period, kind, items, counts)


def _escalate(period, counts):
    initiatives, _writers = _missing(period)
    if not initiatives:
        return
    for person in core_selectors.active_digital_office_staff():
        _send(person, period, Reminder.Kind.ESCALATION, initiatives, counts)


def _claim(recipient, period, kind, initiatives):
    """Write a pending row for each initiative not yet sent this kind for this period; return those initiatives."""
    claimed = []
    for initiative in initiatives:
        try:
            with transaction.atomic():
                _row, created = Reminder.objects.get_or_create(
                    initiative=initiative, period=period, recipient=recipient, kind=kind,
                    defaults={"status": Reminder.Status.PENDING},
                )
        except IntegrityError:  # another run wrote it at the same moment
            created = False
        if created:
            claimed.append(initiative)
    return claimed


def _send(recipient, period, kind, initiatives, counts):
    initiatives = _claim(recipient, period, kind, initiatives)
    if not initiatives:
        return
    rows = Reminder.objects.filter(
        recipient=recipient, period=period, kind=kind, initiative__in=[i.pk for i in initiatives]
    )
    try:
        _message(recipient, period, kind, initiatives).send()
    except Exception as exc:  # the log says which did not go, so they can be chased by hand
        logger.warning("Reminder (%s) to %s failed: %s", kind, recipient.email, exc)
        rows.update(status=Reminder.Status.FAILED, detail=f"{exc.__class__.__name__}: {exc}"[:500],
                    updated_at=timezone.now())
        counts["failed"] += 1
        return
    rows.update(status=Reminder.Status.SENT, updated_at=timezone.now())
    counts[kind] += 1


SUBJECTS = {
    Reminder.Kind.KICKOFF: gettext_lazy("Progress updates for %(period)s can now be submitted"),
    Reminder.Kind.BEFORE_CLOSE: gettext_lazy("Progress updates for %(period)s are due on %(due)s"),
    Reminder.Kind.OVERDUE: gettext_lazy("Progress updates for %(period)s are overdue"),
    Reminder.Kind.ESCALATION: gettext_lazy("Escalation: progress updates for %(period)s still missing"),
}


def _message(recipient, period, kind, initiatives) -> EmailMultiAlternatives:
    base = settings.PORTAL_URL.rstrip("/")
    items = [
        {
            "initiative": initiative,
            "url": base + reverse("initiatives:update", kwargs={"reference": initiative.reference,
                                                                "period_start": period.starts_on}),
        }
        for initiative in initiatives
    ]
    context = {
        "recipient": recipient, "period": period, "kind": kind, "items": items,
        "my_council_url": base + reverse("initiatives:my_council"),
        "review_url": base + reverse("initiatives:list") + "?overdue=true",
    }
    subject = str(SUBJECTS[kind]) % {"period": period.label, "due": period.submission_due_on.strftime("%-d %B %Y")}
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string("initiatives/email/reminder.txt", context), to=[recipient.email]
    )
    message.attach_alternative(render_to_string("initiatives/email/reminder.html", context), "text/html")
    return message


def reminders_sweep(*, now=None) -> int:
    """Reminders left pending by a process that died while sending: marked, never sent again by themselves."""
    now = now or timezone.now()
    stale_since = now - datetime.timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    return Reminder.objects.filter(status=Reminder.Status.PENDING, updated_at__lt=stale_since).update(
        status=Reminder.Status.FAILED,
        detail=_("Interrupted while sending: it may not have arrived. It is not sent again by itself."),
        updated_at=now,
    )
