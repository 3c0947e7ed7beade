"""The weekly digest's job for beat, created once (as the other apps' schedules): Monday mornings. Staff change it in
the admin site."""

from django.db import migrations
from django.utils import timezone

NAME = "Weekly digest"
TASK = "collaboration.tasks.send_weekly_digests"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="1", day_of_month="*", month_of_year="*", timezone="Europe/London",
    )
    PeriodicTask.objects.create(
        name=NAME, task=TASK, crontab=crontab,
        description="One e-mail per person with the week's unread notifications; skipped when there are none; "
                    "once per person per week however often it runs.",
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("collaboration", "0001_conversations_following_views"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
