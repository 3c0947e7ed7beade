"""Report.generation is named for what it counts: each request for the report (a job carries the number it was
queued for). A rename only: the column's values stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("initiatives", "0005_dashboard_figures"),
    ]

    operations = [
        migrations.RenameField(model_name="report", old_name="generation", new_name="request_number"),
        migrations.RenameField(model_name="historicalreport", old_name="generation", new_name="request_number"),
    ]
