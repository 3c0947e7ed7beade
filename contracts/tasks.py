"""Celery jobs of the register, run by beat (contracts/migrations: the schedules): each calls one service, and each
is idempotent (alerts and digests are claimed by unique rows before they are sent)."""

from celery import shared_task

from core.jobs import RETRY_OPTIONS

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def send_contract_alerts():
    return services.contract_alerts_send()


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def send_candidates_digest():
    return services.candidates_digest_send()
