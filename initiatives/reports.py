"""Progress reports (made by Celery) and reminders for late updates.

Both are idempotent: generating a report that is already ready changes nothing, and a person gets
at most one reminder per initiative per period (a database constraint), however often the job runs.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors as core_selectors
from core.jobs import enqueue_after_commit
from core.services import change_record

from . import events, policies, receivers, selectors
from .models import Initiative, Milestone, Reminder, Report, Risk, Stage

logger = logging.getLogger(__name__)

GENERATE_TASK = "initiatives.tasks.generate_report"


# -- reports ----------------------------------------------------------------------------------


@transaction.atomic
def report_request(*, user, kind, council=None, period=None) -> Report:
    """Queue a report; the Celery task makes its PDF after the transaction commits."""
    if not policies.can_run_reports(user):
        raise PermissionDenied(_("Only Digital Office staff run reports."))
    return _report_queue(kind=kind, council=council, period=period, requested_by=user)


def _report_queue(*, kind, council=None, period=None, requested_by=None) -> Report:
    if kind == Report.Kind.COUNCIL_SUMMARY and council is None:
        raise ValidationError({"council": _("Choose the council the summary is for.")})
    report = Report(
        kind=kind, council=council, period=period or selectors.last_closed_period(), requested_by=requested_by
    )
    report.full_clean()
    report.save()
    enqueue_after_commit(GENERATE_TASK, report.pk)
    return report


def report_content(report: Report) -> dict:
    """What a report says, read in a fixed number of queries."""
    initiatives = selectors.initiative_list(user=None).order_by("reference")
    if report.council_id:
        initiatives = initiatives.filter(participations__council_id=report.council_id).distinct()
    rows = list(initiatives)
    ids = [i.pk for i in rows]
    counted = Initiative.objects.filter(pk__in=ids).aggregate(**selectors.rag_aggregates())
    status_counts = {
        count.axis: {"green": count.green, "amber": count.amber, "red": count.red}
        for count in selectors.rag_counts({"total": len(ids), **counted})
    }
    stage_counts = dict(
        Initiative.objects.filter(pk__in=ids).values_list("stage").annotate(n=Count("pk")).order_by("stage")
    )
    overdue = list(
        Initiative.objects.filter(pk__in=ids)
        .filter(selectors.overdue_condition())
        .select_related("lead_council")
        .order_by("reference")
    )
    content = {
        "report": report,
        "initiatives": rows,
        "status_counts": status_counts,
        "stages": [(label, stage_counts.get(value, 0)) for value, label in Stage.choices],
        "overdue": overdue,
        "generated_at": timezone.now(),
    }
    if report.kind == Report.Kind.BOARD_PACK:
        content["slipped_milestones"] = list(
            Milestone.objects.filter(initiative__in=ids, completed_on__isnull=True)
            .filter(forecast_date__gt=F("baseline_date"))
            .select_related("initiative")
            .order_by("forecast_date")[:50]
        )
        content["top_risks"] = list(
            Risk.objects.filter(initiative__in=ids, status=Risk.Status.OPEN)
            .select_related("initiative")
            .order_by("-likelihood", "-impact")[:20]
        )
    return content


def report_generate(*, report_id: int) -> Report:
    """Make the report's PDF. Idempotent: a report already ready is left as it is."""
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("council", "period").get(pk=report_id)
        if report.status == Report.Status.READY:
            return report
        report.status = Report.Status.RUNNING
        report.save(update_fields=["status", "updated_at"])
    try:
        from weasyprint import HTML  # noqa: PLC0415 - loads Pango and fonts (about a second): only in the worker

        html = render_to_string("initiatives/reports/report.html", report_content(report))
        pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    except Exception as exc:  # a failed report says why, and can be run again
        logger.exception("Report %s failed", report_id)
        with transaction.atomic():
            Report.objects.filter(pk=report_id).update(
                status=Report.Status.FAILED, error=str(exc)[:2000], updated_at=timezone.now()
            )
            change_record(kind=receivers.REPORT, ids=[report_id])
        raise
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        name = f"{report.kind}-{report.period.starts_on:%Y-%m}" if report.period else report.kind
        if report.council_id:
            name += f"-{report.council.slug}"
        report.file.save(f"{name}.pdf", ContentFile(pdf), save=False)
        report.status = Report.Status.READY
        report.error = ""
        report.finished_at = timezone.now()
        report.save()
        transaction.on_commit(lambda: events.report_ready.send(sender=Report, report_id=report.pk))
    return report


def monthly_report_queue() -> Report | None:
    """The scheduled monthly portfolio report for the last closed period, once per period."""
    period = selectors.last_closed_period()
    if period is None:
        return None
    with transaction.atomic():
        existing = Report.objects.filter(kind=Report.Kind.PORTFOLIO, period=period, council__isnull=True).first()
        return existing or _report_queue(kind=Report.Kind.PORTFOLIO, period=period)


def reports_visible_to(user):
    """Every signed-in role reads reports (DESIGN.md §3)."""
    if not policies.can_read_portfolio(user):
        return Report.objects.none()
    return Report.objects.select_related("period", "council", "requested_by")


# -- reminders --------------------------------------------------------------------------------


def reminders_send_overdue(*, on=None) -> dict:
    """Email the editors of each council taking part in an initiative whose update is overdue."""
    period = selectors.last_closed_period(on=on)
    if period is None:
        return {"sent": 0, "failed": 0, "skipped": 0}
    overdue = list(Initiative.objects.filter(selectors.overdue_condition()).prefetch_related("participations"))
    council_ids = {p.council_id for i in overdue for p in i.participations.all()}
    editors = {}
    for user in core_selectors.active_council_editors(council_ids):
        editors.setdefault(user.council_id, []).append(user)
    already = set(Reminder.objects.filter(period=period).values_list("initiative_id", "recipient_id"))
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for initiative in overdue:
        for participation in initiative.participations.all():
            for editor in editors.get(participation.council_id, []):
                if (initiative.pk, editor.pk) in already:
                    counts["skipped"] += 1
                    continue
                status, detail = _send_reminder(editor, initiative, period)
                Reminder.objects.get_or_create(
                    initiative=initiative,
                    period=period,
                    recipient=editor,
                    defaults={"status": status, "detail": detail},
                )
                already.add((initiative.pk, editor.pk))
                counts[status] += 1
    return counts


def _send_reminder(editor, initiative, period):
    subject = _("Update overdue: %(ref)s for %(period)s") % {"ref": initiative.reference, "period": period.label}
    body = _(
        "The progress update of %(ref)s %(title)s for %(period)s was due on %(due)s and has not been submitted.\n\n"
        "Please write it in the Digital Office portal."
    ) % {
        "ref": initiative.reference,
        "title": initiative.title,
        "period": period.label,
        "due": period.submission_due_on,
    }
    try:
        send_mail(subject, body, None, [editor.email])
    except Exception as exc:  # the log says which reminders did not go, so they can be chased
        return Reminder.Status.FAILED, str(exc)[:500]
    return Reminder.Status.SENT, ""
