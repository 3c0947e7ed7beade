"""EmailDomain moves to the people app (people.0001): removed from councils' state only; the table
(councils_emaildomain) and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('councils', '0003_email_domains_and_digital_leads'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the table stays as it is, with its rows.
            state_operations=[
                migrations.DeleteModel(
                    name='EmailDomain',
                ),
            ],
            database_operations=[],
        ),
    ]
