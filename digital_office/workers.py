"""Signs of life of the Celery processes: each worker and beat writes a heartbeat row every few seconds from a
thread of its own (whatever its pool is doing), which /healthz reads instead of pinging workers over the broker.
A worker that starts also sweeps, after the time a dead job takes to look dead, for jobs its predecessor left.
Connected in DigitalOfficeConfig.ready(), in every process; the signals fire only in workers and beat.
"""

import logging
import os
import socket

from celery import signals
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from core import services as core_services
from core.jobs import beating, enqueue_after_commit

logger = logging.getLogger(__name__)
SWEEP_TASK = "initiatives.tasks.sweep_stuck_jobs"
_running = {}


def _start(role, name):
    started_at = timezone.now()

    def beat():
        core_services.worker_heartbeat(name=name, role=role, started_at=started_at)

    try:
        beat()
        # A worker restarted on its host (after SIGKILL, say) takes its dead predecessor's place in /healthz.
        core_services.worker_heartbeat_replace_dead(
            name=name, silent_for_seconds=settings.HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS)
    except Exception:  # the database not there yet (or not migrated): the beating thread keeps trying
        logger.exception("First heartbeat of %s failed; retrying every %s s", name, settings.JOB_HEARTBEAT_SECONDS)
        close_old_connections()
    context = beating(beat, every=settings.JOB_HEARTBEAT_SECONDS)
    context.__enter__()
    _running[name] = context


def _stop(name):
    context = _running.pop(name, None)
    if context is not None:
        context.__exit__(None, None, None)
        core_services.worker_heartbeat_end(name=name)


def _name(prefix):
    return f"{prefix}@{socket.gethostname()}:{os.getpid()}"


@signals.worker_ready.connect
def _worker_ready(sender=None, **kwargs):
    name = _name(getattr(sender, "hostname", "celery"))
    _start("worker", name)
    # Jobs a worker that died left running look dead once their heartbeat is older than this.
    enqueue_after_commit(SWEEP_TASK, countdown=settings.JOB_STALE_AFTER_SECONDS + 1)


@signals.worker_shutdown.connect
def _worker_shutdown(sender=None, **kwargs):
    for name in [n for n in _running if not n.startswith("beat@")]:
        _stop(name)


@signals.beat_init.connect
def _beat_init(sender=None, **kwargs):
    name = _name("beat")
    _start("beat", name)
