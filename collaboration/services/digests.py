"""The weekly digest: one e-mail per person listing what they were told and have not read, skipped when there is
nothing, sent once per person per week however often the job runs (a database constraint claims each one first).

A run costs the same few queries whatever the number of people: who has something, one insert claiming their
digests, who this run claimed, their notifications, and two updates."""

import uuid

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..models import DigestSent, Notification, Preferences
from . import mail
from .notifications import notification_url

__all__ = ["digests_send"]

LISTED_PER_DIGEST = 50


def _waiting(now):
    """Notifications no digest listed yet, unread, of people who still want e-mails."""
    return Notification.objects.filter(
        digest_week__isnull=True, read_at__isnull=True, created_at__lt=now, person__is_active=True,
    ).exclude(person__collaboration__frequency=Preferences.Frequency.NEVER)


@transaction.atomic
def digests_send(*, now=None) -> dict:
    now = now or timezone.now()
    week = selectors.week_of(timezone.localdate(now))
    run = uuid.uuid4().hex
    already = DigestSent.objects.filter(week=week, person_id=OuterRef("person_id"))
    person_ids = list(_waiting(now).filter(~Exists(already)).values_list("person_id", flat=True).distinct())
    DigestSent.objects.bulk_create([DigestSent(person_id=pk, week=week, run=run) for pk in person_ids],
                                   ignore_conflicts=True)
    claimed = DigestSent.objects.filter(week=week, run=run).values("person_id")
    items = list(_waiting(now).filter(person_id__in=claimed).select_related(
        "person", "initiative", "update", "update__period", "comment", "actor").order_by("person_id", "-created_at"))
    _waiting(now).filter(person_id__in=claimed).update(digest_week=week)
    by_person = {}
    for item in items:
        by_person.setdefault(item.person_id, []).append(item)
    rows = list(DigestSent.objects.filter(week=week, run=run))
    for row in rows:
        row.items = len(by_person.get(row.person_id, []))
    DigestSent.objects.bulk_update(rows, ["items"])
    notifications_url = mail.absolute(reverse("collaboration:notifications"))
    for person_items in by_person.values():
        person = person_items[0].person
        listed = [{"notification": n, "url": mail.absolute(notification_url(n))}
                  for n in person_items[:LISTED_PER_DIGEST]]
        mail.send(
            person=person,
            subject=_("Your week in the Digital Office portal: %(count)s new") % {"count": len(person_items)},
            template="collaboration/email/digest.txt",
            context={"items": listed, "more": max(0, len(person_items) - LISTED_PER_DIGEST), "week": week,
                     "notifications_url": notifications_url},
        )
    return {"sent": len(by_person), "week": week.isoformat()}
