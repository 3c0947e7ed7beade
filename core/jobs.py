"""Celery jobs: enqueuing tasks from services, which errors are worth a retry, and signs of life.

Tasks call services, so a service cannot import its app's task module without an import cycle. A service
names the task instead (as Celery registers it, `app.tasks.function`) and it is sent once the transaction
commits, so the worker never reads a row that is not there yet. digital_office.apps loads every task
module in every process, so the name always resolves (and in tests, with eager tasks, runs at once).
"""

import contextlib
import logging
import smtplib
import threading
from dataclasses import dataclass

import kombu.exceptions
import redis
from celery import current_app
from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction

logger = logging.getLogger(__name__)

# The queue could not be reached: the job's row stays queued and the sweep sends it later.
BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# Errors that may pass by themselves: a task retries on these (with backoff and jitter), never on others.
TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    *BROKER_ERRORS,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)
# Celery's retry options for tasks whose service raises TRANSIENT_ERRORS.
RETRY_BACKOFF_MAX_SECONDS = 600
RETRY_OPTIONS = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": RETRY_BACKOFF_MAX_SECONDS,
    "retry_jitter": True,
    "max_retries": 5,
}


@dataclass
class Enqueued:
    """What became of a job handed to the queue: `sent` is None until the transaction commits."""

    task_name: str
    sent: bool | None = None
    error: str = ""


def enqueue_after_commit(task_name: str, *args, on_sent=None, **options) -> Enqueued:
    """Send `task_name(*args)` after the current transaction commits (at once outside a transaction).

    `options` go to Celery's apply_async (countdown, queue, ...). When the queue cannot be reached the
    failure is logged and returned, never raised: the caller's rows are committed and a sweep sends the job
    later. `on_sent()` runs once the message is with the broker.
    """
    job = Enqueued(task_name)

    def send():
        try:
            current_app.tasks[task_name].apply_async(args=args, **options)
        except BROKER_ERRORS as exc:
            logger.warning("Could not queue %s%r: %s", task_name, args, exc)
            job.sent, job.error = False, str(exc)
            return
        job.sent = True
        if on_sent is not None:
            on_sent()

    transaction.on_commit(send)
    return job


@contextlib.contextmanager
def beating(beat, *, every: float):
    """Call `beat()` every `every` seconds from a thread while the block runs (a job saying it is alive).

    The thread has its own database connection, closed when the block ends.
    """
    stop = threading.Event()

    def run():
        try:
            while not stop.wait(every):
                try:
                    beat()
                except Exception:  # a missed heartbeat is not worth failing the job for
                    logger.exception("Heartbeat failed")
                    close_old_connections()
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)
