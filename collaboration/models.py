"""Working together between councils (README "Working together"): conversations on initiatives and on updates,
mentions, following, notifications and their weekly digest, each person's e-mail and calendar settings, and saved
views of the portfolio list and the dashboard."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TrackedModel

EDIT_WINDOW = datetime.timedelta(minutes=15)


class Comment(TrackedModel):
    """A comment on an initiative (update empty) or on one of its updates. A reply's parent is a comment without a
    parent (one level deep). Deleting keeps the row, shown as "deleted"; what it said stays in its history."""

    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE, related_name="comments",
                                   verbose_name=_("initiative"))
    update = models.ForeignKey("initiatives.ProgressUpdate", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="comments", verbose_name=_("update"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies",
                               verbose_name=_("in reply to"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments",
                               verbose_name=_("author"))
    body = models.TextField(_("comment"), max_length=5000, blank=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    mentioned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in",
                                       verbose_name=_("people mentioned"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["initiative", "update", "created_at"])]
        constraints = [models.CheckConstraint(name="comment_has_text_or_is_deleted",
                                              condition=~Q(body="") | Q(deleted_at__isnull=False))]

    def __str__(self):
        return f"{self.author} on {self.initiative_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Follow(models.Model):
    """One person following (or, `following` false, no longer following) an initiative, a council or a theme.

    People follow their own council's initiatives without a row (a rule, selectors.followers_condition); a row
    with `following` false is how they stop."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    initiative = models.ForeignKey("initiatives.Initiative", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="follows")
    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="follows")
    theme = models.ForeignKey("strategy.Theme", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="follows")
    following = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="follow_one_thing",
                condition=(Q(initiative__isnull=False, council__isnull=True, theme__isnull=True)
                           | Q(initiative__isnull=True, council__isnull=False, theme__isnull=True)
                           | Q(initiative__isnull=True, council__isnull=True, theme__isnull=False)),
            ),
            models.UniqueConstraint(fields=["person", "initiative"], name="follow_initiative_once",
                                    condition=Q(initiative__isnull=False)),
            models.UniqueConstraint(fields=["person", "council"], name="follow_council_once",
                                    condition=Q(council__isnull=False)),
            models.UniqueConstraint(fields=["person", "theme"], name="follow_theme_once",
                                    condition=Q(theme__isnull=False)),
        ]

    def __str__(self):
        return f"{self.person_id} follows {self.initiative_id or self.council_id or self.theme_id}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        MENTION = "mention", _("Mentioned you")
        REPLY = "reply", _("Replied to you")
        COMMENT = "comment", _("New comment")
        UPDATE_APPROVED = "update_approved", _("Update approved")
        UPDATE_RETURNED = "update_returned", _("Update returned to you")

    IMMEDIATE_KINDS = (Kind.MENTION, Kind.UPDATE_RETURNED)

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE, related_name="+")
    update = models.ForeignKey("initiatives.ProgressUpdate", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The Monday of the week whose digest listed it (empty until then).
    digest_week = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["person", "read_at", "-created_at"]),
                   models.Index(fields=["digest_week", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.person_id}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class Preferences(models.Model):
    """A person's e-mail frequency and calendar address (a row only once they change something)."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("E-mail me at once when I am mentioned or an update is returned to me, "
                                   "and the rest once a week")
        WEEKLY = "weekly", _("Everything in one e-mail a week")
        NEVER = "never", _("No e-mails: I will look at my notifications page")

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collaboration")
    frequency = models.CharField(_("how often we e-mail you"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.IMMEDIATE)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    history = HistoricalRecords()

    def __str__(self):
        return str(self.person)


class DigestSent(models.Model):
    """The weekly digest, claimed before it is sent: once per person per week, however often the job runs."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()  # its Monday
    run = models.CharField(max_length=32)  # which run claimed it
    items = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "week"], name="one_digest_per_person_per_week")]

    def __str__(self):
        return f"{self.person_id} {self.week}"


class SavedView(TrackedModel):
    class Page(models.TextChoices):
        PORTFOLIO = "portfolio", _("Initiatives")
        DASHBOARD = "dashboard", _("Dashboard")

    class Sharing(models.TextChoices):
        PRIVATE = "private", _("Only me")
        COUNCIL = "council", _("My council's team")
        EVERYONE = "everyone", _("Everyone")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("name"), max_length=80)
    page = models.CharField(_("page"), max_length=10, choices=Page.choices)
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    sharing = models.CharField(_("who sees it"), max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE)
    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", help_text=_("The team it is shared with."))

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_once_per_owner")]

    def __str__(self):
        return self.name


class BoardMeeting(TrackedModel):
    """A date of the Digital Office's board, kept by the office: the calendar feed lists each one. (The portfolio
    keeps only the date of the last meeting, for the dashboard's "since the last board"; this is the list ahead.)"""

    held_on = models.DateField(_("date"), unique=True)
    title = models.CharField(_("title"), max_length=120, blank=True,
                             help_text=_("Leave empty for “Digital Office board meeting”."))

    class Meta:
        ordering = ["held_on"]
        verbose_name = _("board meeting")
        verbose_name_plural = _("board meetings")

    def __str__(self):
        return self.title or str(_("Digital Office board meeting"))
