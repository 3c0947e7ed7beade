"""Invitation and AccessEvent move to the people app (people.0001): removed from core's state only; their tables
(core_invitation, core_accessevent) and rows stay, and are people's now."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0010_merge_20261207_0908'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the table stays as it is, with its rows.
            state_operations=[
                migrations.RemoveField(
                    model_name='invitation',
                    name='council',
                ),
                migrations.RemoveField(
                    model_name='invitation',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='invitation',
                    name='partner',
                ),
                migrations.RemoveField(
                    model_name='invitation',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='invitation',
                    name='withdrawn_by',
                ),
                migrations.DeleteModel(
                    name='AccessEvent',
                ),
                migrations.DeleteModel(
                    name='Invitation',
                ),
            ],
            database_operations=[],
        ),
    ]
