"""Celery tasks: take ids, call one service. Each is idempotent, so a retry changes nothing twice."""

from celery import shared_task

from . import reports


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def generate_report(self, report_id):
    try:
        reports.report_generate(report_id=report_id)
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def queue_monthly_report():
    report = reports.monthly_report_queue()
    return report.pk if report else None


@shared_task
def send_overdue_reminders():
    return reports.reminders_send_overdue()
