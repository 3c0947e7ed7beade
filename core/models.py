"""The user model, partner API keys, and the base every tracked record shares."""

import datetime
import re

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey
from simple_history.models import HistoricalRecords

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

    Their role comes from where they belong (DESIGN.md §3): Digital Office staff, staff of one
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
    is_demo = models.BooleanField(_("demo account"), default=False)

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
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name or self.email).split(" ")[0]


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
