"""/healthz: the state of the database, the broker and the Celery workers."""

import redis
from django.conf import settings
from django.db import connection

from .celery import app


def service_health() -> dict:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means unhealthy; say which
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"
        try:
            replies = app.control.ping(timeout=0.5)
            checks["celery"] = "ok" if replies else "no workers"
        except Exception as exc:
            checks["celery"] = f"error: {exc.__class__.__name__}"
    else:
        checks["redis"] = "not configured (filesystem broker)"
        checks["celery"] = "not checked (filesystem broker has no remote control)"
    status = "ok" if checks["database"] == "ok" and not checks["redis"].startswith("error") else "error"
    return {"status": status, "checks": checks}
