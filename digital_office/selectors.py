"""Reads for the pages that belong to the portal as a whole."""

from django.conf import settings
from django.db import connection

from .roles import Role, identity_of


def home_summary(*, user) -> dict:
    """The dashboard every role lands on: the portfolio at a glance, and what needs this person."""
    from initiatives.models import Initiative, ProgressUpdate
    from initiatives.selectors import portfolio_dashboard

    identity = identity_of(user)
    if identity.role == Role.NONE:
        return {"identity": identity}
    dashboard = portfolio_dashboard()
    summary = {"identity": identity, "initiative_count": dashboard["total"], "dashboard": dashboard}
    if identity.role == Role.DIGITAL_OFFICE:
        summary["awaiting_review_count"] = ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED).count()
    elif identity.role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        summary["council_initiative_count"] = (
            Initiative.objects.filter(participations__council=user.council).distinct().count()
        )
        summary["returned_count"] = (
            ProgressUpdate.objects.filter(
                state=ProgressUpdate.State.RETURNED, initiative__participations__council=user.council
            )
            .distinct()
            .count()
        )
    return summary


def service_health() -> dict:
    """State of the database, the broker and the Celery workers, for /healthz."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means unhealthy; say which
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"
        try:
            from .celery import app

            replies = app.control.ping(timeout=0.5)
            checks["celery"] = "ok" if replies else "no workers"
        except Exception as exc:
            checks["celery"] = f"error: {exc.__class__.__name__}"
    else:
        checks["redis"] = "not configured (filesystem broker)"
        checks["celery"] = "not checked (filesystem broker has no remote control)"
    status = "ok" if checks["database"] == "ok" and not checks["redis"].startswith("error") else "error"
    return {"status": status, "checks": checks}
