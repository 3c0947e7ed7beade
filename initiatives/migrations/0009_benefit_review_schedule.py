"""The benefits review job for beat, created once (as the other schedules): daily at 08:30, it makes the review of
each initiative closed 12 months ago whose benefits are still tracked (once per initiative)."""

from django.db import migrations
from django.utils import timezone

NAME = "Benefits reviews after closure"
TASK = "initiatives.tasks.create_benefit_reviews"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="30", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London")
    PeriodicTask.objects.create(
        name=NAME, task=TASK, crontab=crontab,
        description="Makes the benefits review of each initiative closed 12 months ago whose benefits are still "
                    "tracked (once per initiative); it is done when each is realised, abandoned or superseded.")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0008_benefits_old_fields_removed"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
