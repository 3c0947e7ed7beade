"""People's records, moved from core (Invitation, AccessEvent) and councils (EmailDomain) without touching the
database: the state is created here, each model keeps its table (Meta.db_table), and the rows stay."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = {"core": ["invitation", "accessevent"], "councils": ["emaildomain"]}


def content_types_to_people(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, models_moved in MOVED.items():
        for model in models_moved:
            if not ContentType.objects.filter(app_label="people", model=model).exists():
                ContentType.objects.filter(app_label=app_label, model=model).update(app_label="people")


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, models_moved in MOVED.items():
        ContentType.objects.filter(app_label="people", model__in=models_moved).update(app_label=app_label)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0011_invitations_and_access_record_moved_to_people'),
        ('councils', '0004_email_domains_moved_to_people'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the table stays as it is, with its rows.
            state_operations=[
                migrations.CreateModel(
                    name='EmailDomain',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('domain', models.CharField(max_length=253, unique=True, validators=[django.core.validators.RegexValidator('^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$', 'Write a domain such as glasgow.gov.uk, without the @.')], verbose_name='e-mail domain')),
                        ('tenant_id', models.CharField(blank=True, help_text="Microsoft Entra ID: the council's tenant id. Sign-ins from any other tenant are refused.", max_length=64, verbose_name='directory (tenant) id')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='added')),
                        ('council', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='email_domains', to='councils.council', verbose_name='council')),
                    ],
                    options={
                        'verbose_name': 'e-mail domain',
                        'verbose_name_plural': 'e-mail domains',
                        'db_table': 'councils_emaildomain',
                        'ordering': ['domain'],
                    },
                ),
                migrations.CreateModel(
                    name='AccessEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                        ('kind', models.CharField(choices=[('invited', 'Invited'), ('invitation_resent', 'Invitation resent'), ('invitation_withdrawn', 'Invitation withdrawn'), ('invitation_accepted', 'Invitation accepted'), ('role_changed', 'Role changed'), ('deactivated', 'Deactivated'), ('sso_matched', 'Single sign-on: matched to an invitation'), ('sso_created', 'Single sign-on: joined as a viewer'), ('sso_linked', 'Single sign-on: linked to an existing account'), ('domain_added', 'E-mail domain mapped'), ('domain_removed', 'E-mail domain removed'), ('sso_setting', 'Single sign-on setting changed')], max_length=30, verbose_name='what')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                        ('summary', models.CharField(blank=True, max_length=300, verbose_name='details')),
                        ('is_demo', models.BooleanField(default=False, verbose_name='demo record')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('council', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='councils.council', verbose_name='council')),
                        ('partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='councils.partnerorganisation', verbose_name='partner organisation')),
                        ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='access_events', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ],
                    options={
                        'verbose_name': 'access record entry',
                        'verbose_name_plural': 'access record',
                        'db_table': 'core_accessevent',
                        'ordering': ['-at', '-id'],
                        'indexes': [models.Index(fields=['council', '-at'], name='access_event_council')],
                    },
                ),
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='email address')),
                        ('full_name', models.CharField(blank=True, max_length=200, verbose_name='full name')),
                        ('role', models.CharField(choices=[('council_editor', 'Council editor'), ('council_viewer', 'Council viewer'), ('partner', 'Partner user'), ('digital_office', 'Digital Office staff')], max_length=20, verbose_name='role')),
                        ('is_lead', models.BooleanField(default=False, verbose_name='lead')),
                        ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='invited at')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='last sent')),
                        ('send_count', models.PositiveSmallIntegerField(default=0, verbose_name='times sent')),
                        ('mail_status', models.CharField(choices=[('queued', 'waiting to be sent'), ('retrying', 'not sent yet: trying again'), ('sent', 'sent'), ('failed', 'could not be sent')], default='queued', max_length=10, verbose_name='e-mail')),
                        ('mail_error', models.CharField(blank=True, max_length=300, verbose_name='e-mail error')),
                        ('expires_at', models.DateTimeField(verbose_name='expires at')),
                        ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted at')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at')),
                        ('is_demo', models.BooleanField(default=False, verbose_name='demo record')),
                        ('council', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='invitations', to='councils.council', verbose_name='council')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by')),
                        ('partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='invitations', to='councils.partnerorganisation', verbose_name='partner organisation')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='invitations_accepted', to=settings.AUTH_USER_MODEL, verbose_name='account')),
                        ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='withdrawn by')),
                    ],
                    options={
                        'verbose_name': 'invitation',
                        'verbose_name_plural': 'invitations',
                        'db_table': 'core_invitation',
                        'ordering': ['-created_at'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('accepted_at__isnull', True), ('withdrawn_at__isnull', True)), fields=('email',), name='one_open_invitation_per_email', violation_error_message='This address already has an invitation: resend it or withdraw it.'), models.CheckConstraint(condition=models.Q(models.Q(('council__isnull', False), ('partner__isnull', True), ('role__in', ['council_editor', 'council_viewer'])), models.Q(('council__isnull', True), ('partner__isnull', False), ('role', 'partner')), models.Q(('council__isnull', True), ('partner__isnull', True), ('role', 'digital_office')), _connector='OR'), name='invitation_organisation_fits_role', violation_error_message='Council staff are invited to a council, partner users to a partner, Digital Office staff to neither.'), models.CheckConstraint(condition=models.Q(('is_lead', False), ('role__in', ['council_editor', 'partner']), _connector='OR'), name='invitation_lead_is_editor_or_partner', violation_error_message="Only a council editor or a partner's user can be a lead.")],
                    },
                ),
            ],
            database_operations=[],
        ),
        # Their content types follow them, so permissions and admin history given on them stay.
        migrations.RunPython(content_types_to_people, content_types_back, elidable=True),
    ]
