"""Celery tasks: take ids, call one service. Each is idempotent, so a retry or a second delivery changes nothing twice.

Messages are acknowledged when the task ends and given back if its process dies (settings: late acks,
reject on worker lost); passing errors (core.jobs.TRANSIENT_ERRORS) are retried with backoff and jitter.
"""

from celery import shared_task
from django.conf import settings

from core.jobs import RETRY_OPTIONS

from . import reminders, reports


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TIME_LIMIT,
    **RETRY_OPTIONS,
)
def generate_report(report_id, request_number=None):
    reports.report_generate(report_id=report_id, request_number=request_number)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def send_report_emails(report_id):
    reports.report_emails_send(report_id=report_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def queue_monthly_report():
    reports.monthly_report_queue()


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def send_reminders():
    reminders.reminders_send()


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def sweep_stuck_jobs():
    reports.report_sweep()
    reminders.reminders_sweep()


@shared_task(acks_late=True)
def send_overdue_reminders():
    """The name beat used before reminders had kinds; kept for messages queued under it."""
    reminders.reminders_send()


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def create_benefit_reviews():
    """Daily: the review of each closed initiative's benefits 12 months after closure, made once."""
    from . import benefit_services  # noqa: PLC0415  (kept out of the worker's import of the tasks)

    benefit_services.benefit_reviews_create()
