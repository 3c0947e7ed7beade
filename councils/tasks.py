"""Celery jobs of the funding ledger: take no input but the date, call one service, idempotent."""

from celery import shared_task

from .services import contribution_figures_refresh


@shared_task
def refresh_contribution_figures():
    """Beat runs it just after midnight: contributions whose figures changed with the date are re-sent."""
    return len(contribution_figures_refresh())
