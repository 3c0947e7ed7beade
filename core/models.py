"""The user model, partner API keys, the base every tracked record shares, and the partner API's change feed."""

import datetime
import hashlib
import re

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey
from simple_history.models import HistoricalRecords

from .roles import Role as PortalRole
from .scopes import SCOPES, validate_scopes


class TrackedModel(models.Model):
    """Created/updated times (the API's incremental sync reads `updated_at`) and the demo mark."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    is_demo = models.BooleanField(
        _("demo record"),
        default=False,
        db_index=True,
        help_text=_("Made by seed_demo: not real data."),
    )

    class Meta:
        abstract = True


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("is_digital_office_staff", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with their email address.

    Their role comes from where they belong (docs/design.md §3): Digital Office staff, staff of one
    council (editor or viewer), or staff of a partner organisation.
    """

    class CouncilRole(models.TextChoices):
        EDITOR = "editor", _("Editor")
        VIEWER = "viewer", _("Viewer")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    is_digital_office_staff = models.BooleanField(_("Digital Office staff"), default=False)
    council = models.ForeignKey(
        "councils.Council",
        verbose_name=_("council"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    council_role = models.CharField(_("council role"), max_length=10, choices=CouncilRole.choices, blank=True)
    partner = models.ForeignKey(
        "councils.PartnerOrganisation",
        verbose_name=_("partner organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    is_lead = models.BooleanField(
        _("lead"),
        default=False,
        help_text=_(
            "A council's digital lead (an editor) or a partner's lead: invites and manages the people of their own "
            "organisation."
        ),
    )
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo account"), default=False)
    # Where the single sign-on linked to this account comes from: every later sign-in must come from the same issuer
    # and tenant (councils.services.sso_sign_in).
    sso_issuer = models.CharField(_("single sign-on issuer"), max_length=300, blank=True, editable=False)
    sso_tenant_id = models.CharField(_("single sign-on tenant id"), max_length=64, blank=True, editable=False)
    # Raised to end every open session of the person (deactivation, demotion): it is part of the session's
    # authentication hash, so each session is signed out at its next request.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                name="user_one_organisation",
                condition=~(models.Q(council__isnull=False) & models.Q(partner__isnull=False)),
                violation_error_message=_("A person belongs to a council or a partner, not both."),
            ),
            models.CheckConstraint(
                name="user_council_role_with_council",
                condition=(
                    (models.Q(council__isnull=True) & models.Q(council_role=""))
                    | (models.Q(council__isnull=False) & models.Q(council_role__in=["editor", "viewer"]))
                ),
                violation_error_message=_("Council staff need a role (editor or viewer), and only they have one."),
            ),
            models.CheckConstraint(
                name="user_lead_is_editor_or_partner",
                condition=(
                    models.Q(is_lead=False)
                    | models.Q(council_role="editor", is_digital_office_staff=False)
                    | models.Q(partner__isnull=False, is_digital_office_staff=False)
                ),
                violation_error_message=_("Only a council editor or a partner's user can be a lead."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def _get_session_auth_hash(self, secret=None):
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "core.models.User.session_epoch", f"{self.password}:{self.session_epoch}", secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_short_name(self):
        return (self.full_name or self.email).split(" ")[0]


def invitation_token_hash(token: str) -> str:
    """What is kept of an invitation link's token: its SHA-256 (the token itself is long and random)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation to join the portal in one role, sent by e-mail with a single-use link that expires.

    Only a hash of the link's token is kept (like a password), so the link cannot be rebuilt from the database;
    resending makes a new token, and the old link stops working. The state is derived: pending, accepted,
    withdrawn or expired."""

    class Role(models.TextChoices):
        # The labels are core.roles' own.
        COUNCIL_EDITOR = PortalRole.COUNCIL_EDITOR, PortalRole.LABELS[PortalRole.COUNCIL_EDITOR]
        COUNCIL_VIEWER = PortalRole.COUNCIL_VIEWER, PortalRole.LABELS[PortalRole.COUNCIL_VIEWER]
        PARTNER = PortalRole.PARTNER, PortalRole.LABELS[PortalRole.PARTNER]
        DIGITAL_OFFICE = PortalRole.DIGITAL_OFFICE, PortalRole.LABELS[PortalRole.DIGITAL_OFFICE]

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    council = models.ForeignKey(
        "councils.Council", verbose_name=_("council"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="invitations",
    )
    partner = models.ForeignKey(
        "councils.PartnerOrganisation", verbose_name=_("partner organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="invitations",
    )
    is_lead = models.BooleanField(_("lead"), default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    created_by = models.ForeignKey(
        "core.User", verbose_name=_("invited by"), null=True, on_delete=models.PROTECT, related_name="+",
    )
    class Mail(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        RETRYING = "retrying", _("not sent yet: trying again")
        SENT = "sent", _("sent")
        FAILED = "failed", _("could not be sent")

    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=0)
    # The e-mail goes by a Celery task with retries (core.tasks.send_invitation): what became of the last one.
    mail_status = models.CharField(_("e-mail"), max_length=10, choices=Mail.choices, default=Mail.QUEUED)
    mail_error = models.CharField(_("e-mail error"), max_length=300, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.ForeignKey(
        "core.User", verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="invitations_accepted",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "core.User", verbose_name=_("withdrawn by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=models.Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="one_open_invitation_per_email",
                violation_error_message=_("This address already has an invitation: resend it or withdraw it."),
            ),
            models.CheckConstraint(
                name="invitation_organisation_fits_role",
                condition=(
                    models.Q(role__in=["council_editor", "council_viewer"], council__isnull=False,
                             partner__isnull=True)
                    | models.Q(role="partner", council__isnull=True, partner__isnull=False)
                    | models.Q(role="digital_office", council__isnull=True, partner__isnull=True)
                ),
                violation_error_message=_(
                    "Council staff are invited to a council, partner users to a partner, Digital Office staff to "
                    "neither."
                ),
            ),
            models.CheckConstraint(
                name="invitation_lead_is_editor_or_partner",
                condition=models.Q(is_lead=False) | models.Q(role__in=["council_editor", "partner"]),
                violation_error_message=_("Only a council editor or a partner's user can be a lead."),
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.withdrawn_at:
            return self.State.WITHDRAWN
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def state_label(self):
        return self.State(self.state).label

    @property
    def is_open(self) -> bool:
        """Not yet accepted or withdrawn (an expired one may be resent)."""
        return self.accepted_at is None and self.withdrawn_at is None

    @property
    def organisation(self):
        return self.council or self.partner


class AccessEvent(models.Model):
    """The record of who may use the portal: every invitation, role change, deactivation and single sign-on match,
    with who did it, when and what. Digital Office staff read all of it; a council's (or partner's) leads read
    their own organisation's."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("Invited")
        INVITATION_RESENT = "invitation_resent", _("Invitation resent")
        INVITATION_WITHDRAWN = "invitation_withdrawn", _("Invitation withdrawn")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        ROLE_CHANGED = "role_changed", _("Role changed")
        DEACTIVATED = "deactivated", _("Deactivated")
        SSO_MATCHED = "sso_matched", _("Single sign-on: matched to an invitation")
        SSO_CREATED = "sso_created", _("Single sign-on: joined as a viewer")
        SSO_LINKED = "sso_linked", _("Single sign-on: linked to an existing account")
        DOMAIN_ADDED = "domain_added", _("E-mail domain mapped")
        DOMAIN_REMOVED = "domain_removed", _("E-mail domain removed")
        SSO_SETTING = "sso_setting", _("Single sign-on setting changed")
        KEY_CREATED = "key_created", _("API key created")
        KEY_ROTATED = "key_rotated", _("API key rotated")
        KEY_REVOKED = "key_revoked", _("API key revoked")
        SCOPES_GRANTED = "scopes_granted", _("API scopes granted")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("what"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        "core.User", verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    person = models.ForeignKey(
        "core.User", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="access_events",
    )
    email = models.EmailField(_("email address"), blank=True)
    council = models.ForeignKey(
        "councils.Council", verbose_name=_("council"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    partner = models.ForeignKey(
        "councils.PartnerOrganisation", verbose_name=_("partner organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    summary = models.CharField(_("details"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("access record entry")
        verbose_name_plural = _("access record")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["council", "-at"], name="access_event_council")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.email}"


RATE_PATTERN = re.compile(r"^[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)$")


def validate_rate(value):
    if value and not RATE_PATTERN.match(value):
        raise ValidationError(_("Write a rate as a number of requests per period, for example 600/min or 10000/day."))


class PartnerAPIKey(AbstractAPIKey):
    """A key of the form PREFIX.SECRET: only its prefix and a hash of the whole key are stored."""

    partner = models.ForeignKey(
        "councils.PartnerOrganisation", verbose_name=_("partner organisation"),
        on_delete=models.PROTECT, related_name="api_keys",
    )
    scopes = models.JSONField(_("scopes"), default=list, validators=[validate_scopes])
    rate_limit = models.CharField(
        _("rate limit"), max_length=20, blank=True, validators=[validate_rate],
        help_text=_("For example 600/min. Blank: the default rate."),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def expires_on(self):
        """The last day the key works (UK time), or None."""
        if self.expiry_date is None:
            return None
        return (timezone.localtime(self.expiry_date) - datetime.timedelta(microseconds=1)).date()

    @property
    def is_usable(self):
        return not self.revoked and not self.has_expired

    @property
    def state_label(self):
        if self.revoked:
            return _("Revoked")
        if self.has_expired:
            return _("Expired")
        return _("Active")

    def scope_labels(self):
        return [(scope, SCOPES.get(scope, scope)) for scope in self.scopes]


class CurrentTransactionId(models.Func):
    """The id of the transaction that inserts the row: `pg_current_xact_id()` on PostgreSQL, 0 elsewhere.

    The change feed serves an entry only once every transaction with a smaller id has finished (see
    core.selectors.change_page), so a transaction that commits late is still delivered. SQLite serialises
    its writers, so there the entry's id alone orders commits.
    """

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        return "0", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return "(pg_current_xact_id()::text::bigint)", []


class Change(models.Model):
    """One entry of the partner API's change feed (`/api/v1/changes/`): a record of a kind the API serves was
    created, changed or deleted. Written in the transaction that made the change (core.services.change_record),
    so the entry and the change commit, or roll back, together. The feed serves the record as it is when read."""

    class Operation(models.TextChoices):
        UPSERT = "upsert", _("Created or changed")
        DELETE = "delete", _("Deleted")

    txid = models.BigIntegerField(_("transaction"), db_default=CurrentTransactionId(), editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    object_id = models.BigIntegerField(_("record id"))
    operation = models.CharField(_("operation"), max_length=6, choices=Operation.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    # For records confidential to one council (contributions): that council, recorded with the entry so that a
    # delete, too, reaches only the readers who could see the record (core.policies.can_see_council_owned).
    owner_council_id = models.BigIntegerField(_("owning council"), null=True, blank=True)

    class Meta:
        verbose_name = _("change feed entry")
        verbose_name_plural = _("change feed entries")
        indexes = [models.Index(fields=["txid", "id"], name="change_feed_position")]

    def __str__(self):
        return f"{self.kind} {self.object_id} {self.operation}"


class ChangeFeedFloor(models.Model):
    """How far the change feed has been pruned (one row): the position of the last entry deleted. A partner whose
    position is below it has missed entries, and must take a full copy again (core.services.change_prune)."""

    txid = models.BigIntegerField(default=0)
    entry_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("change feed floor")
        verbose_name_plural = _("change feed floor")

    def __str__(self):
        return f"{self.txid}.{self.entry_id}"

    @property
    def position(self) -> tuple[int, int]:
        return (self.txid, self.entry_id)

class WorkerHeartbeat(models.Model):
    """A Celery worker or beat process saying it is alive, every few seconds (/healthz reads it)."""

    class Role(models.TextChoices):
        WORKER = "worker", _("worker")
        BEAT = "beat", _("beat")

    name = models.CharField(max_length=255, unique=True, help_text="host name and process id")
    role = models.CharField(max_length=10, choices=Role.choices)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return self.name
