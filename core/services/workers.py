"""Celery workers' heartbeats (/healthz reads them)."""

import datetime

from django.utils import timezone

from ..models import (
    WorkerHeartbeat,
)


def worker_heartbeat(*, name: str, role: str, started_at) -> None:
    """Record that a worker (or beat) process is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        name=name[:255], defaults={"role": role, "started_at": started_at, "seen_at": timezone.now()}
    )


def worker_heartbeat_replace_dead(*, name: str, silent_for_seconds: float) -> int:
    """A process starting on a host replaces the ones of its kind there that died without a word (SIGKILL, OOM):
    their rows, silent for longer than `silent_for_seconds`, are removed. `name` is "<kind>@<host>:<pid>"."""
    prefix = name[:255].rpartition(":")[0] + ":"
    since = timezone.now() - datetime.timedelta(seconds=silent_for_seconds)
    deleted, _ = WorkerHeartbeat.objects.filter(name__startswith=prefix, seen_at__lt=since).exclude(
        name=name[:255]).delete()
    return deleted


def worker_heartbeat_end(*, name: str) -> None:
    """A worker that stops cleanly says so, so it is not counted as alive until its heartbeat ages."""
    WorkerHeartbeat.objects.filter(name=name[:255]).delete()
