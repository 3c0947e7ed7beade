"""Celery jobs of the kernel: each calls one service and is idempotent."""

from celery import shared_task

from . import services


@shared_task
def prune_change_feed():
    """Keep the change feed to its retention period (beat runs it nightly)."""
    return services.change_prune()
