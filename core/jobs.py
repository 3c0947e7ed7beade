"""Enqueuing Celery tasks from services.

Tasks call services, so a service cannot import its app's task module without an import cycle. A service
names the task instead (as Celery registers it, `app.tasks.function`) and it is sent once the transaction
commits, so the worker never reads a row that is not there yet. digital_office.apps loads every task
module in every process, so the name always resolves (and in tests, with eager tasks, runs at once).
"""

from celery import current_app
from django.db import transaction


def enqueue_after_commit(task_name: str, *args, **options):
    """Send `task_name(*args)` after the current transaction commits (at once outside a transaction).

    `options` go to Celery's apply_async (countdown, queue, ...).
    """

    def send():
        current_app.tasks[task_name].apply_async(args=args, **options)

    transaction.on_commit(send)
