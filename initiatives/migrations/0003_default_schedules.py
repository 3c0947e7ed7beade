"""The jobs beat runs, created once. django-celery-beat's database scheduler reads them at every tick, so
Digital Office staff change them in the admin site without a restart, and nothing rewrites them from settings."""

from django.db import migrations
from django.utils import timezone

CRONTABS = {
    # name: (task, minute, hour, day_of_week, description)
    "Reminders for progress updates": (
        "initiatives.tasks.send_reminders",
        "0",
        "9",
        "*",
        "Kick-off, window closing, overdue and escalation e-mails; each goes once, so a missed day is caught up.",
    ),
    "Monthly portfolio report": (
        "initiatives.tasks.queue_monthly_report",
        "0",
        "6",
        "*",
        "Queues the portfolio report of the last closed period once it has none (daily, so a missed run is caught up).",
    ),
    "Prune the change feed": (
        "core.tasks.prune_change_feed",
        "45",
        "2",
        "*",
        "Deletes the partner API's change feed entries past their retention period (partners behind it copy again).",
    ),
    "Refresh contribution figures": (
        "councils.tasks.refresh_contribution_figures",
        "5",
        "0",
        "*",
        "Re-sends to partners the contributions whose status or figures changed with the date (due to overdue).",
    ),
    "Prune the API request log": (
        "partner_api.tasks.prune_request_log",
        "30",
        "2",
        "*",
        "Deletes API request log rows past their retention period.",
    ),
}
SWEEP = (
    "Sweep stuck jobs",
    "initiatives.tasks.sweep_stuck_jobs",
    60,
    "Requeues or fails reports whose worker died or that were never handed to the queue.",
)
OLD_NAMES = ["chase-overdue-updates", "prune-api-request-log", "monthly-portfolio-report"]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    # Entries copied from the old CELERY_BEAT_SCHEDULE setting are replaced by these.
    PeriodicTask.objects.filter(name__in=OLD_NAMES).delete()
    for name, (task, minute, hour, day_of_week, description) in CRONTABS.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week=day_of_week, day_of_month="*", month_of_year="*",
            timezone="Europe/London",
        )
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab, description=description)
    name, task, seconds, description = SWEEP
    if not PeriodicTask.objects.filter(name=name).exists():
        interval, _created = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
        PeriodicTask.objects.create(name=name, task=task, interval=interval, description=description)
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0002_reports_reminders_subscriptions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, migrations.RunPython.noop)]
