"""The library's daily jobs for beat, created once (as contracts' schedules): assets past their review-by date and
the yearly reconfirmation of councils using an asset. Staff change them in the admin site."""

from django.db import migrations
from django.utils import timezone

CRONTABS = {
    # name: (task, minute, hour, description)
    "Practice assets due for review": (
        "practice.tasks.assets_review_due", "40", "8",
        "Marks published assets past their review-by date as needing an update and reminds each owner once.",
    ),
    "Practice adoptions to reconfirm": (
        "practice.tasks.adoptions_reconfirm_due", "50", "8",
        "Asks councils using an asset for a year to reconfirm it; unconfirmed after 30 days, the use lapses.",
    ),
}


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, (task, minute, hour, description) in CRONTABS.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Europe/London",
        )
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab, description=description)
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=list(CRONTABS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0002_search_indexes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
