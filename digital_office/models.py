"""The user model and the base every tracked record shares."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
