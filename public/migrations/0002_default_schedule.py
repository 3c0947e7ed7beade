"""The monthly snapshot's job for beat, created once (as contracts' schedules): daily, it publishes the last closed
period once its approvals are closed, and does nothing when that period is already published."""

from django.db import migrations
from django.utils import timezone

NAME = "Public portfolio snapshot"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="45", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London",
    )
    PeriodicTask.objects.create(
        name=NAME, task="public.tasks.publish_due_snapshot", crontab=crontab,
        description="Publishes the public portfolio's snapshot for the last closed period once its approvals close "
        "(one per period).",
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
