"""Celery jobs of the library, run daily by beat (practice/migrations: the schedules); each calls one service and
is idempotent (a second run the same day changes and sends nothing)."""

from celery import shared_task

from core.jobs import RETRY_OPTIONS

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def assets_review_due():
    return services.assets_review_due()


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def adoptions_reconfirm_due():
    return services.adoptions_reconfirm_due()
