"""Celery tasks: take ids, call one service (idempotent: a second delivery of a finished export changes nothing)."""

from celery import shared_task

from core.jobs import RETRY_OPTIONS

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def make_bulk_export(export_id):
    services.export_make(export_id=export_id)
