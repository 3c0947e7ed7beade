"""Celery set for reliability: late acks, given back when a worker dies, time limits, no stored results, a
visibility timeout longer than any wait, schedules that live in the database, and mail from the environment."""

import importlib
import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from core.jobs import RETRY_BACKOFF_MAX_SECONDS
from digital_office.celery import app

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "digital_office.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "PATH": "/usr/bin:/bin",
}


def settings_under(env, *names, module="digital_office.settings.production"):
    """The named settings as a process started with `env` (and no .env of its own) sees them."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def longest_wait_of_any_job():
    """Every countdown, retry delay and time limit a message may sit unacknowledged for, in seconds."""
    from partner_access import services as webhooks

    return max(
        webhooks.backoff_seconds(webhooks.WEBHOOK_MAX_ATTEMPTS),  # the longest webhook retry countdown
        RETRY_BACKOFF_MAX_SECONDS,  # autoretry's backoff (jitter only shortens it)
        settings.REPORT_TIME_LIMIT,
        settings.CELERY_TASK_TIME_LIMIT,
        settings.JOB_STALE_AFTER_SECONDS + 1,  # the sweep a starting worker schedules
    )


def test_the_visibility_timeout_outlasts_every_countdown_retry_delay_and_time_limit():
    seen = settings_under({}, "CELERY_BROKER_TRANSPORT_OPTIONS", "REPORT_TIME_LIMIT")
    visibility_timeout = seen["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
    assert visibility_timeout > longest_wait_of_any_job() * 2
    shorter = settings_under({"CELERY_VISIBILITY_TIMEOUT": "600"}, "CELERY_BROKER_TRANSPORT_OPTIONS")
    assert shorter["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] == 600  # an operator may change it


def test_tasks_are_acknowledged_late_given_back_when_their_worker_dies_and_time_limited():
    conf = app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "initiatives.tasks.generate_report" in ours and "partner_api.tasks.deliver_webhook" in ours
    for name, task in ours.items():
        assert task.acks_late, name
    report = ours["initiatives.tasks.generate_report"]
    assert report.soft_time_limit < report.time_limit and report.reject_on_worker_lost
    assert report.retry_jitter and report.retry_backoff


def test_only_passing_errors_are_retried():
    from django.db import OperationalError
    from django.template import TemplateSyntaxError

    report = app.tasks["initiatives.tasks.generate_report"]
    assert OperationalError in report.autoretry_for
    assert not any(issubclass(TemplateSyntaxError, error) for error in report.autoretry_for)
    assert not any(error in (Exception, BaseException) for error in report.autoretry_for)


def test_no_result_is_stored_so_a_webhook_retry_never_fails_to_encode(db, settings, monkeypatch):
    """A retried delivery returned Celery's Retry, which the Redis result backend could not encode."""
    from councils.models import PartnerOrganisation
    from partner_access.models import WebhookDelivery, WebhookEndpoint
    from partner_access.tasks import deliver_webhook

    assert app.conf.result_backend is None and app.conf.task_ignore_result
    settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST = True
    endpoint = WebhookEndpoint.objects.create(
        partner=PartnerOrganisation.objects.get(slug="cosla"), url="http://127.0.0.1:9/nothing-listens",
        events=["report.ready"], secret="whsec_test",
    )
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="report.ready", payload={"id": "1"})
    scheduled = []
    monkeypatch.setattr(deliver_webhook, "apply_async", lambda *args, **options: scheduled.append(options))
    deliver_webhook.push_request(id="test-delivery", retries=0, is_eager=False, called_directly=False)
    try:
        value = deliver_webhook.run(delivery.pk)  # as a worker runs it: the retry is scheduled, not run
    finally:
        deliver_webhook.pop_request()
    assert scheduled and scheduled[0]["countdown"] == 30
    json.dumps(value)  # what a result backend would have had to store
    assert value == "retrying"


def test_schedules_live_in_the_database_and_a_start_does_not_overwrite_them(db, monkeypatch):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    # Beat closes its database connection between ticks; here that connection holds the test's transaction.
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)

    assert settings.CELERY_BEAT_SCHEDULE == {}
    if not PeriodicTask.objects.exists():
        # A transactional test run earlier in this process flushed every table, the migration's rows too: put back
        # what the migration writes, with the migration's own function.
        from django.apps import apps

        importlib.import_module("initiatives.migrations.0003_default_schedules").create_schedules(apps, None)
    tasks = {task.name: task for task in PeriodicTask.objects.select_related("crontab", "interval")}
    assert {"Reminders for progress updates", "Monthly portfolio report", "Prune the API request log",
            "Sweep stuck jobs"} <= set(tasks)
    for task in tasks.values():
        assert task.task in app.tasks, task.task
    reminder = tasks["Reminders for progress updates"]
    reminder.crontab.hour = "7"  # what Digital Office staff do in the admin site
    reminder.crontab.save()
    DatabaseScheduler(app=app, lazy=False)  # what beat does when it starts
    assert PeriodicTask.objects.get(name="Reminders for progress updates").crontab.hour == "7"


def test_mail_comes_from_the_environment():
    names = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
             "DEFAULT_FROM_EMAIL", "SERVER_EMAIL")
    by_url = settings_under({
        "EMAIL_URL": "smtp+tls://mailer:s3cret@smtp.example.org:587",
        "DEFAULT_FROM_EMAIL": "Digital Office <portal@example.scot>", "SERVER_EMAIL": "errors@example.scot",
    }, *names)
    assert by_url == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587, "EMAIL_HOST_USER": "mailer", "EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "Digital Office <portal@example.scot>", "SERVER_EMAIL": "errors@example.scot",
    }
    by_parts = settings_under({
        "EMAIL_HOST": "relay.example.org", "EMAIL_PORT": "2525", "EMAIL_HOST_USER": "u", "EMAIL_HOST_PASSWORD": "p",
        "EMAIL_USE_TLS": "true", "DEFAULT_FROM_EMAIL": "portal@example.scot",
    }, *names)
    assert (by_parts["EMAIL_HOST"], by_parts["EMAIL_PORT"], by_parts["EMAIL_USE_TLS"]) == ("relay.example.org", 2525,
                                                                                           True)
    assert by_parts["SERVER_EMAIL"] == "portal@example.scot"  # errors come from the same address by default
    local = settings_under({}, "EMAIL_BACKEND", module="digital_office.settings.local")
    assert local["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize("name", ["EMAIL_URL", "EMAIL_HOST", "DEFAULT_FROM_EMAIL", "SERVER_EMAIL", "REDIS_URL"])
def test_env_example_documents_the_mail_and_queue_variables(name):
    assert f"{name}=" in (ROOT / ".env.example").read_text()
