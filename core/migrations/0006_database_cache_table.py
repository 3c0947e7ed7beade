"""The table of the database cache, which stands in for Redis while Redis is down (core.cache)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", "portal_cache", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_workerheartbeat")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
