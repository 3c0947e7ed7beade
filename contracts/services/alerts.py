"""Renewal alerts and the office's monthly digest of collaboration candidates.

An alert goes to the contract's owner (or, with none, the council's digital leads; for the office's own contracts,
its staff) 18, 12, 6 and 3 months before the date to act by: the notice date, or the end when there is no notice
period. Each step goes once per person and date (a database constraint: a retry or a second run sends nothing
twice), only the latest step reached is sent (a contract recorded five months before its date gets the six-month
alert, not three at once), and none once a decision is recorded. Extending the contract moves the date, so the
steps start again for the new one.
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors as core_selectors

from .. import selectors
from ..models import ALERT_MONTHS, CandidateDigest, Contract, ContractAlert, add_months

logger = logging.getLogger(__name__)


def act_by(contract) -> datetime.date:
    return contract.notice_date if contract.notice_months else contract.current_end_date


def alert_step(contract, on: datetime.date) -> int | None:
    """The step (months before) reached on `on`, or None before the first or after the date."""
    date = act_by(contract)
    if on > date:
        return None
    reached = [months for months in ALERT_MONTHS if on >= add_months(date, -months)]
    return min(reached) if reached else None


def alert_recipients(contract, leads_by_council, office_staff) -> list:
    if contract.owner is not None and contract.owner.is_active:
        return [contract.owner]
    if contract.council_id is None:
        return office_staff
    return leads_by_council.get(contract.council_id, [])


def _claim(contract, recipient, months, date) -> ContractAlert | None:
    try:
        with transaction.atomic():
            alert, created = ContractAlert.objects.get_or_create(
                contract=contract, recipient=recipient, months_before=months, about_date=date,
                defaults={"status": ContractAlert.Status.PENDING},
            )
    except IntegrityError:  # another run wrote it at the same moment
        return None
    return alert if created else None


def _alert_message(contract, recipient, months, date) -> EmailMessage:
    url = settings.PORTAL_URL.rstrip("/") + reverse("contracts:detail", kwargs={"pk": contract.pk})
    context = {"contract": contract, "recipient": recipient, "months": months, "date": date, "url": url,
               "is_notice": bool(contract.notice_months)}
    subject = _("Contract %(reference)s: %(months)s months to decide (by %(date)s)") % {
        "reference": contract.reference, "months": months, "date": date.strftime("%-d %B %Y")}
    return EmailMessage(subject=subject, body=render_to_string("contracts/email/alert.txt", context),
                        to=[recipient.email])


def contract_alerts_send(*, on: datetime.date | None = None) -> dict:
    """Send the alerts due on `on` (today). Counts of e-mails sent and failed."""
    on = on or selectors.today()
    counts = defaultdict(int)
    contracts = list(
        Contract.objects.filter(decision="").exclude(maximum_end_date__lt=on)
        .select_related("owner", "council")
    )
    due = [(contract, step) for contract in contracts if (step := alert_step(contract, on)) is not None]
    if not due:
        return {}
    leads_by_council = defaultdict(list)
    for person in core_selectors.council_leads({c.council_id for c, _step in due if c.council_id}):
        leads_by_council[person.council_id].append(person)
    office_staff = list(core_selectors.active_digital_office_staff())
    for contract, months in due:
        date = act_by(contract)
        for recipient in alert_recipients(contract, leads_by_council, office_staff):
            alert = _claim(contract, recipient, months, date)
            if alert is None:
                continue
            try:
                _alert_message(contract, recipient, months, date).send()
            except Exception as exc:  # the log says which did not go, so they can be chased by hand
                logger.warning("Contract alert to %s failed: %s", recipient.email, exc)
                ContractAlert.objects.filter(pk=alert.pk).update(
                    status=ContractAlert.Status.FAILED, detail=f"{exc.__class__.__name__}: {exc}"[:500],
                    updated_at=timezone.now())
                counts["failed"] += 1
                continue
            ContractAlert.objects.filter(pk=alert.pk).update(status=ContractAlert.Status.SENT,
                                                             updated_at=timezone.now())
            counts["sent"] += 1
    return dict(counts)


def candidates_digest_send(*, on: datetime.date | None = None) -> int:
    """The month's digest of collaboration candidates to the office's staff, once a month (a unique month row).
    Returns the number of e-mails sent (0 when this month's went already)."""
    on = on or selectors.today()
    month = on.replace(day=1)
    staff = list(core_selectors.active_digital_office_staff())
    found = selectors.expiries(Contract.objects.all(), start=on, end=add_months(on, selectors.RADAR_MONTHS))
    candidates = selectors.collaboration_candidates(found)
    try:
        with transaction.atomic():
            CandidateDigest.objects.create(month=month, candidates=len(candidates), recipients=len(staff))
    except IntegrityError:
        return 0
    url = settings.PORTAL_URL.rstrip("/") + reverse("contracts:radar")
    body = render_to_string("contracts/email/digest.txt", {"candidates": candidates, "url": url, "month": month})
    subject = _("Contracts radar: %(count)s collaboration candidates this month") % {"count": len(candidates)}
    sent = 0
    for person in staff:
        EmailMessage(subject=subject, body=body, to=[person.email]).send()
        sent += 1
    return sent
