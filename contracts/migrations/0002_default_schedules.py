"""The register's jobs for beat, created once (as initiatives' schedules): renewal alerts daily, the office's digest
of collaboration candidates on the first of each month. Staff change them in the admin site."""

from django.db import migrations
from django.utils import timezone

CRONTABS = {
    # name: (task, minute, hour, day_of_month, description)
    "Contract renewal alerts": (
        "contracts.tasks.send_contract_alerts", "15", "9", "*",
        "E-mails contract owners (or the council's digital leads) 18, 12, 6 and 3 months before the date to act; "
        "each once, none once a decision is recorded.",
    ),
    "Contracts radar digest": (
        "contracts.tasks.send_candidates_digest", "30", "7", "1",
        "The month's collaboration candidates from the renewal radar, to the Digital Office's staff (once a month).",
    ),
}


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, (task, minute, hour, day_of_month, description) in CRONTABS.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month=day_of_month, month_of_year="*",
            timezone="Europe/London",
        )
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab, description=description)
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=list(CRONTABS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0001_contracts_register"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
