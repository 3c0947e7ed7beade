"""The jobs that make reports, and the e-mails that send the monthly one.

One row per kind, period and council. Asking for it again makes it again under the next `request_number`; a job
claims the row before it works and keeps a heartbeat while it does, so a second delivery of the same job, or
one for an older request, changes nothing, and a job whose worker died is found by the sweep (a beat job)
and run again or marked failed with the reason. The files are written whole before the row points at them.
"""

import datetime
import logging
import os
import socket

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors as core_selectors
from core.jobs import TRANSIENT_ERRORS, beating, enqueue_after_commit
from core.services import change_record

from .. import events, policies, receivers, selectors
from ..models import Report, ReportEmail, ReportSubscription
from .figures import report_figures
from .render import remove_partial_files, render_pdf, render_xlsx, store_whole

__all__ = [
    "GENERATE_TASK",
    "monthly_report_queue",
    "report_generate",
    "report_queue",
    "report_request",
    "report_sweep",
    "report_emails_send",
    "report_subscription_add",
    "report_subscription_remove",
    "reports_visible_to",
]

logger = logging.getLogger(__name__)

GENERATE_TASK = "initiatives.tasks.generate_report"
EMAIL_TASK = "initiatives.tasks.send_report_emails"


# -- asking for a report ------------------------------------------------------------------------


@transaction.atomic
def report_request(*, user, kind, council=None, period=None) -> Report:
    """Queue a report (or make it again); the Celery job makes its files after the transaction commits.

    The returned report says what happened: `job` is the queue hand-over (`job.sent` False when the queue
    could not be reached: the row stays queued and the sweep sends it later), or None when the same report
    was already being made.
    """
    if not policies.can_run_reports(user):
        raise PermissionDenied(_("Only Digital Office staff run reports."))
    return report_queue(kind=kind, council=council, period=period, requested_by=user)


def _this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claimer_gone(claimed_by: str) -> bool:
    """The process that claimed a job is known to be dead: it ran on this host and is no longer running."""
    host, _colon, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] in ("Z", "X")  # a zombie has died
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _stale(report, now=None) -> bool:
    """A report in progress whose worker died: silent for JOB_STALE_AFTER_SECONDS, or its process is gone."""
    now = now or timezone.now()
    limit = datetime.timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    if report.status == Report.Status.RUNNING:
        silent = (report.heartbeat_at or report.started_at or report.updated_at) < now - limit
        return silent or _claimer_gone(report.claimed_by)
    if report.status == Report.Status.QUEUED:
        waited = datetime.timedelta(seconds=settings.REPORT_REQUEUE_AFTER_SECONDS)
        return report.enqueued_at is None or report.enqueued_at < now - waited
    return False


@transaction.atomic
def report_queue(*, kind, council=None, period=None, requested_by=None) -> Report:
    """Queue the report of this kind, period and council, unless it is being made now."""
    if kind == Report.Kind.COUNCIL_SUMMARY and council is None:
        raise ValidationError({"council": _("Choose the council the summary is for.")})
    if kind != Report.Kind.COUNCIL_SUMMARY:
        council = None
    period = period or selectors.last_closed_period()
    if period is None:
        raise ValidationError({"period": _("No reporting period has closed yet: choose a period.")})
    report, created = Report.objects.select_for_update().get_or_create(
        kind=kind, period=period, council=council, defaults={"requested_by": requested_by}
    )
    if not created and report.in_progress and not _stale(report):
        report.job = None
        return report
    if not created:
        report.request_number += 1
    report.status = Report.Status.QUEUED
    report.requested_by = requested_by
    report.attempts = 0
    report.error = ""
    report.queued_at = timezone.now()
    report.enqueued_at = None
    report.full_clean(validate_constraints=False)
    report.save()
    report.job = _send(report)
    return report


def _send(report):
    pk, request_number = report.pk, report.request_number

    def sent():
        Report.objects.filter(pk=pk, request_number=request_number).update(enqueued_at=timezone.now())

    return enqueue_after_commit(GENERATE_TASK, pk, request_number, on_sent=sent)


def monthly_report_queue() -> Report | None:
    """The monthly portfolio report of the last closed period: queued once that period has none (or a failed one).

    Beat runs this daily, so a missed run is caught up; one queued or running is left to the sweep.
    """
    period = selectors.last_closed_period()
    if period is None:
        return None
    existing = Report.objects.filter(kind=Report.Kind.PORTFOLIO, period=period, council__isnull=True).first()
    if existing is not None and existing.status != Report.Status.FAILED:
        return existing
    return report_queue(kind=Report.Kind.PORTFOLIO, period=period)


def reports_visible_to(user):
    """Every signed-in role reads reports (docs/design.md §3)."""
    if not policies.can_read_portfolio(user):
        return Report.objects.none()
    return Report.objects.select_related("period", "council", "requested_by").order_by(
        "-period__starts_on", "kind", "council__name"
    )


# -- making it ----------------------------------------------------------------------------------


def _claim(report_id, request_number):
    """Mark the report running for this job, or return None when there is nothing for this job to do."""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("council", "period")
            .filter(pk=report_id)
            .first()
        )
        if report is None or (request_number is not None and report.request_number != request_number):
            return None  # deleted, or asked for again since: the newer job makes it
        if report.status in (Report.Status.READY, Report.Status.FAILED):
            return None
        if report.status == Report.Status.RUNNING and not _stale(report):
            return None  # another worker is making it now
        if report.attempts >= settings.REPORT_MAX_ATTEMPTS:
            _fail(report, _("The worker making it stopped %(n)s times.") % {"n": report.attempts})
            return None
        now = timezone.now()
        report.status = Report.Status.RUNNING
        report.attempts += 1
        report.started_at = report.heartbeat_at = now
        report.claimed_by = _this_process()
        report.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "claimed_by", "updated_at"])
        return report


def _fail(report, reason):
    report.status = Report.Status.FAILED
    report.error = str(reason)[:2000]
    report.finished_at = timezone.now()
    report.save(update_fields=["status", "error", "finished_at", "updated_at"])


def _release(report_id, request_number, reason):
    """Give the report back to the queue after a passing failure (the task retries it)."""
    released = Report.objects.filter(pk=report_id, request_number=request_number, status=Report.Status.RUNNING).update(
        status=Report.Status.QUEUED, error=str(reason)[:2000], updated_at=timezone.now()
    )
    if released:  # an update() sends no signal: tell the partner API's change feed itself
        change_record(kind=receivers.REPORT, ids=[report_id])


def _file_name(report, extension):
    name = f"{report.kind}-{report.period.starts_on:%Y-%m}"
    if report.council_id:
        name += f"-{report.council.slug}"
    return f"reports/{timezone.now():%Y/%m}/{name}-{report.request_number}.{extension}"


def report_generate(*, report_id: int, request_number: int | None = None) -> Report | None:
    """Make the report's PDF and XLSX. Idempotent: a job that finds it ready, or superseded, does nothing."""
    report = _claim(report_id, request_number)
    if report is None:
        return None
    request_number = report.request_number

    def alive():
        Report.objects.filter(pk=report_id, request_number=request_number, status=Report.Status.RUNNING).update(
            heartbeat_at=timezone.now()
        )

    try:
        with beating(alive, every=settings.JOB_HEARTBEAT_SECONDS):
            figures = report_figures(report)
            pdf, xlsx = render_pdf(figures), render_xlsx(figures)
            names = (store_whole(_file_name(report, "pdf"), pdf), store_whole(_file_name(report, "xlsx"), xlsx))
    except SoftTimeLimitExceeded:
        with transaction.atomic():
            _fail(Report.objects.select_for_update().get(pk=report_id),
                  _("It took longer than its time limit (%(s)s seconds).") % {"s": settings.REPORT_SOFT_TIME_LIMIT})
        return None
    except TRANSIENT_ERRORS as exc:
        logger.warning("Report %s: attempt failed, to be retried: %s", report_id, exc)
        _release(report_id, request_number, _("Attempt %(n)s failed (%(error)s); trying again.")
                 % {"n": report.attempts, "error": exc.__class__.__name__})
        raise
    except Exception as exc:  # a failed report says why, and can be asked for again
        logger.exception("Report %s failed", report_id)
        with transaction.atomic():
            _fail(Report.objects.select_for_update().get(pk=report_id), f"{exc.__class__.__name__}: {exc}")
        return None
    return _finish(report_id, request_number, names)


def _finish(report_id, request_number, names):
    """Point the row at its new files in one step; the old files go once that has committed."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.request_number != request_number or report.status != Report.Status.RUNNING:
            transaction.on_commit(lambda: _delete_files(names))  # superseded while we worked
            return None
        old = [f.name for f in (report.file, report.spreadsheet) if f and f.name not in names]
        report.file.name, report.spreadsheet.name = names
        report.status = Report.Status.READY
        report.error = ""
        report.finished_at = timezone.now()
        report.save()
        transaction.on_commit(lambda: _delete_files(old))
        transaction.on_commit(lambda: events.report_ready.send(sender=Report, report_id=report_id))
        if report.kind == Report.Kind.PORTFOLIO and report.council_id is None:
            enqueue_after_commit(EMAIL_TASK, report_id)
    return report


def _delete_files(names):
    for name in names:
        default_storage.delete(name)


def report_sweep(*, now=None) -> dict:
    """Jobs whose worker died or that never reached the queue: run again, or failed with the reason.

    Beat runs it every minute and a worker once after it starts; each step is safe to repeat.
    """
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0, "resent": 0, "partial_files": 0, "emails_interrupted": 0}
    stale_since = now - datetime.timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    too_long = now - datetime.timedelta(seconds=settings.REPORT_TIME_LIMIT + settings.JOB_STALE_AFTER_SECONDS)
    requeue_before = now - datetime.timedelta(seconds=settings.REPORT_REQUEUE_AFTER_SECONDS)
    candidates = Report.objects.filter(
        Q(status=Report.Status.RUNNING, claimed_by__startswith=f"{socket.gethostname()}:")
        | Q(status=Report.Status.RUNNING, heartbeat_at__lt=stale_since)
        | Q(status=Report.Status.RUNNING, started_at__lt=too_long)
        | Q(status=Report.Status.QUEUED, enqueued_at__isnull=True)
        | Q(status=Report.Status.QUEUED, enqueued_at__lt=requeue_before)
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            report = Report.objects.select_for_update().filter(pk=pk).first()
            if report is None or not report.in_progress:
                continue
            if report.status == Report.Status.RUNNING and report.started_at and report.started_at < too_long:
                _fail(report, _("It took longer than its time limit (%(s)s seconds).")
                      % {"s": settings.REPORT_TIME_LIMIT})
                counts["failed"] += 1
            elif report.status == Report.Status.RUNNING and _stale(report, now):
                if report.attempts >= settings.REPORT_MAX_ATTEMPTS:
                    _fail(report, _("The worker making it stopped %(n)s times.") % {"n": report.attempts})
                    counts["failed"] += 1
                    continue
                report.status = Report.Status.QUEUED
                report.error = _("The worker making it stopped; trying again.")
                report.enqueued_at = None
                report.save(update_fields=["status", "error", "enqueued_at", "updated_at"])
                _send(report)
                counts["requeued"] += 1
            elif report.status == Report.Status.QUEUED and _stale(report, now):
                _send(report)
                counts["resent"] += 1
    counts["partial_files"] = remove_partial_files(older_than=stale_since)
    counts["emails_interrupted"] = ReportEmail.objects.filter(
        status=ReportEmail.Status.PENDING, updated_at__lt=stale_since
    ).update(
        status=ReportEmail.Status.FAILED,
        detail=_("Interrupted while sending: it may not have arrived. It is not sent again by itself."),
        updated_at=now,
    )
    return counts


# -- the monthly report by e-mail ---------------------------------------------------------------


@transaction.atomic
def report_subscription_add(*, user, email: str) -> ReportSubscription:
    if not policies.can_manage_office_settings(user):
        raise PermissionDenied(_("Only Digital Office staff choose who receives the monthly report."))
    subscriber = core_selectors.active_user_by_email(email)
    if subscriber is None:
        raise ValidationError({"email": _("No active portal account has this e-mail address.")})
    if not policies.can_read_portfolio(subscriber):
        raise ValidationError({"email": _("This account has no role in the portal, so it cannot read reports.")})
    subscription, _created = ReportSubscription.objects.get_or_create(user=subscriber, defaults={"added_by": user})
    return subscription


@transaction.atomic
def report_subscription_remove(*, user, subscription: ReportSubscription):
    if not policies.can_manage_office_settings(user):
        raise PermissionDenied(_("Only Digital Office staff choose who receives the monthly report."))
    subscription.delete()


def report_emails_send(*, report_id: int) -> dict:
    """Send a ready monthly report to each subscriber, at most once each (a database constraint).

    The row is written before the message goes, so a job run again never sends it twice; a message
    interrupted halfway is marked by the sweep as perhaps not sent, rather than sent again.
    """
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    report = Report.objects.select_related("period").filter(pk=report_id, status=Report.Status.READY).first()
    if report is None:
        return counts
    subscribers = [
        s.user for s in ReportSubscription.objects.select_related("user").filter(user__is_active=True)
        if policies.can_read_portfolio(s.user)
    ]
    for subscriber in subscribers:
        email, created = ReportEmail.objects.get_or_create(report=report, recipient=subscriber)
        if not created:
            counts["skipped"] += 1
            continue
        try:
            _report_message(report, subscriber).send()
        except Exception as exc:  # the log says which did not go, so they can be sent by hand
            logger.warning("Report %s to %s failed: %s", report_id, subscriber.email, exc)
            email.status, email.detail = ReportEmail.Status.FAILED, f"{exc.__class__.__name__}: {exc}"[:500]
            counts["failed"] += 1
        else:
            email.status = ReportEmail.Status.SENT
            counts["sent"] += 1
        email.save(update_fields=["status", "detail", "updated_at"])
    return counts


def _report_message(report, recipient) -> EmailMultiAlternatives:
    link = settings.PORTAL_URL.rstrip("/") + reverse("initiatives:reports")
    files = [f for f in (report.file, report.spreadsheet) if f]
    size = sum(f.size for f in files)
    attach = size <= settings.REPORT_EMAIL_ATTACHMENT_MAX_BYTES
    context = {"report": report, "recipient": recipient, "link": link, "attached": attach}
    subject = _("%(kind)s for %(period)s") % {"kind": report.get_kind_display(), "period": report.period.label}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("initiatives/email/report_ready.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string("initiatives/email/report_ready.html", context), "text/html")
    if attach:
        for f in files:
            with f.open("rb") as handle:
                message.attach(report.download_name(f.name.rsplit(".", 1)[-1]), handle.read())
    return message
