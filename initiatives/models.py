"""The collaborative portfolio: initiatives, their periodic progress updates, and what they track."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TrackedModel

from .benefit_models import (  # noqa: F401  (the benefits register: its own module)
    Benefit,
    BenefitRealisation,
    BenefitReview,
    BenefitShare,
    BenefitTarget,
)


class Stage(models.TextChoices):
    """GDS phases, then the two ways an initiative stops moving."""

    PROPOSED = "proposed", _("Proposed")
    DISCOVERY = "discovery", _("Discovery")
    ALPHA = "alpha", _("Alpha")
    BETA = "beta", _("Beta")
    LIVE = "live", _("Live")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


# Initiatives in these stages are under way: they report every period and count as covering their outcomes.
LIVE_STAGES = (Stage.DISCOVERY, Stage.ALPHA, Stage.BETA, Stage.LIVE)


class Rag(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


class Publication(models.TextChoices):
    """Whether the public portfolio shows an initiative: by its stage (settings.PUBLIC_STAGES_BY_DEFAULT), or as the
    office decided (public/: README "Public portfolio and open data")."""

    BY_STAGE = "by_stage", _("By its stage")
    PUBLIC = "public", _("Public")
    WITHHELD = "withheld", _("Not public")


class Initiative(TrackedModel):
    reference = models.CharField(_("reference"), max_length=12, unique=True, help_text=_("For example DO-0042."))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    theme = models.ForeignKey("strategy.Theme", on_delete=models.PROTECT, related_name="initiatives")
    outcomes = models.ManyToManyField("strategy.Outcome", related_name="initiatives", blank=True)
    lead_council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="led_initiatives")
    councils = models.ManyToManyField("councils.Council", through="Participation", related_name="initiatives")
    partners = models.ManyToManyField("councils.PartnerOrganisation", related_name="initiatives", blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.PROPOSED, db_index=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("planned end date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (£)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    owner = models.ForeignKey(
        "core.User",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_initiatives",
    )
    # The latest approved update, kept by the approval service so lists filter and sort on status
    # without scanning ~100,000 updates.
    current_update = models.ForeignKey(
        "ProgressUpdate",
        verbose_name=_("current status"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The approved update before the current one, kept with it, so the dashboard says what worsened since the
    # previous period ("from Amber to Red") without looking through each initiative's history.
    previous_update = models.ForeignKey(
        "ProgressUpdate",
        verbose_name=_("previous status"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    publication = models.CharField(
        _("public portfolio"), max_length=8, choices=Publication, default=Publication.BY_STAGE
    )
    # Optimistic locking: a save that started from an older version is refused (no lost edits).
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(
        m2m_fields=[outcomes, partners], excluded_fields=["current_update", "previous_update"]
    )

    class Meta:
        ordering = ["reference"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                name="initiative_ends_after_start",
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                violation_error_message=_("The planned end date cannot come before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The planned end date cannot come before the start date.")})


class Participation(TrackedModel):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        ADOPTER = "adopter", _("Adopter")
        OBSERVER = "observer", _("Observer")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="participations")
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "role", "council__name"]
        verbose_name = _("participating council")
        verbose_name_plural = _("participating councils")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "council"], name="one_role_per_council_per_initiative"),
        ]

    def __str__(self):
        return f"{self.council} ({self.get_role_display()})"


class JoinRequest(TrackedModel):
    """A council asks to take part in an initiative; an editor of the lead council or Digital Office staff decide."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="join_requests")
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="join_requests")
    role = models.CharField(_("role asked for"), max_length=10, choices=Participation.Role.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "created_at"]
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "council"], condition=Q(state="pending"), name="one_pending_join_request",
                violation_error_message=_("Your council has already asked to join this initiative."),
            ),
        ]

    def __str__(self):
        return f"{self.council} → {self.initiative.reference} ({self.get_role_display()})"


class ReportingPeriod(TrackedModel):
    """A month (or quarter) of reporting, with the window in which updates are submitted."""

    starts_on = models.DateField(_("starts on"), unique=True)
    ends_on = models.DateField(_("ends on"))
    submission_opens_on = models.DateField(_("submissions open"))
    submission_due_on = models.DateField(_("submissions due"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.CheckConstraint(name="period_ends_after_start", condition=Q(ends_on__gte=models.F("starts_on"))),
            models.CheckConstraint(
                name="period_window_in_order", condition=Q(submission_due_on__gte=models.F("submission_opens_on"))
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        if (self.ends_on.year, self.ends_on.month) == (self.starts_on.year, self.starts_on.month):
            return self.starts_on.strftime("%B %Y")
        return f"{self.starts_on:%b %Y} to {self.ends_on:%b %Y}"


class ProgressUpdate(TrackedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="updates")
    council = models.ForeignKey(
        "councils.Council", verbose_name=_("reporting council"), on_delete=models.PROTECT, related_name="updates"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    rag_delivery = models.CharField(_("delivery"), max_length=5, choices=Rag.choices)
    rag_spend = models.CharField(_("spend"), max_length=5, choices=Rag.choices)
    rag_benefits = models.CharField(_("benefits"), max_length=5, choices=Rag.choices)
    rag_risk = models.CharField(_("risk"), max_length=5, choices=Rag.choices)
    delivery_commentary = models.TextField(_("delivery commentary"), blank=True)
    spend_commentary = models.TextField(_("spend commentary"), blank=True)
    benefits_commentary = models.TextField(_("benefits commentary"), blank=True)
    risk_commentary = models.TextField(_("risk commentary"), blank=True)
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), validators=[MaxValueValidator(100)])
    spend_to_date = models.DecimalField(
        _("spend to date (£)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    narrative = models.TextField(_("narrative"), blank=True, help_text=_("Markdown."))
    next_steps = models.TextField(_("next steps"), blank=True)
    author = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    RAG_AXES = ("delivery", "spend", "benefits", "risk")

    class Meta:
        ordering = ["-period__starts_on"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "period"],
                name="one_update_per_initiative_per_period",
                violation_error_message=_("This initiative already has an update for that period."),
            ),
        ]
        indexes = [
            models.Index(fields=["initiative", "state", "period"], name="update_current_status"),
            # "Changed since the last board": the updates approved (or returned) since a date.
            models.Index(fields=["state", "reviewed_at"], name="update_reviewed"),
            # My council's task list: which initiatives reported for the open and the closed periods, read from
            # the index alone (initiatives/selectors/task_list_sql.py).
            models.Index(fields=["period", "state", "initiative"], name="update_period_state"),
        ]

    def __str__(self):
        return f"{self.initiative.reference} {self.period}"


class PeriodReopening(TrackedModel):
    """Digital Office staff reopened a closed reporting period for one initiative, so its update can still be
    written and submitted. Kept in the initiative's change history."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="reopened_periods")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reopenings")
    reason = models.CharField(_("reason"), max_length=300)
    reopened_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "-period__starts_on"]
        verbose_name = _("reopened period")
        verbose_name_plural = _("reopened periods")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "period"], name="one_reopening_per_initiative_period"),
        ]

    def __str__(self):
        return f"{self.initiative.reference} {self.period}"


class Milestone(TrackedModel):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    baseline_date = models.DateField(_("baseline date"))
    forecast_date = models.DateField(_("forecast date"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "baseline_date"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    @property
    def slippage_days(self):
        return (self.forecast_date - self.baseline_date).days


class Risk(TrackedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    SCALE = [MinValueValidator(1), MaxValueValidator(5)]

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"), validators=SCALE)
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"), validators=SCALE)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    mitigation = models.TextField(_("mitigation"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "status", "title"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(name="risk_likelihood_1_to_5", condition=Q(likelihood__gte=1, likelihood__lte=5)),
            models.CheckConstraint(name="risk_impact_1_to_5", condition=Q(impact__gte=1, impact__lte=5)),
        ]

    def __str__(self):
        return self.title

    @property
    def score(self):
        return self.likelihood * self.impact


class Report(TrackedModel):
    """A report made by a Celery job: one row per kind, period and council, kept with its status and files.

    Asking again for the same report makes it again (its `request_number` goes up by one) and swaps in its new files
    when they are complete; a delivery of an older job, or a second delivery of the same one, changes nothing.
    """

    class Kind(models.TextChoices):
        PORTFOLIO = "portfolio", _("Monthly portfolio report")
        BOARD_PACK = "board_pack", _("Board pack")
        COUNCIL_SUMMARY = "council_summary", _("Council summary")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    period = models.ForeignKey(ReportingPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(_("PDF"), upload_to="reports/%Y/%m/", blank=True)
    spreadsheet = models.FileField(_("spreadsheet"), upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    # The job's bookkeeping: which request is being made (each request for the report counts one up; a job carries
    # the number it was queued for), how often it was tried, and signs of life.
    request_number = models.PositiveIntegerField(default=1, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    enqueued_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When its job was last handed to the queue (empty: not yet)."
    )
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_by = models.CharField(max_length=255, blank=True, editable=False, help_text="host:pid of the job's process")
    history = HistoricalRecords(excluded_fields=["heartbeat_at", "enqueued_at"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period"], condition=Q(council__isnull=True), name="one_report_per_kind_and_period"
            ),
            models.UniqueConstraint(
                fields=["kind", "period", "council"],
                condition=Q(council__isnull=False),
                name="one_report_per_kind_period_and_council",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "queued_at"], name="report_job_state"),
            # The API's `ordering=created_at` (and the list pages' newest first): keyset pages seek, never scan.
            models.Index(fields=["created_at", "id"], name="report_created"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.period or '-'})"

    @property
    def in_progress(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def download_name(self, extension):
        """The name a downloaded file is saved under, e.g. board_pack-2026-10.pdf."""
        name = self.kind
        if self.period_id:
            name += f"-{self.period.starts_on:%Y-%m}"
        if self.council_id:
            name += f"-{self.council.slug}"
        return f"{name}.{extension}"


class Reminder(TrackedModel):
    """An e-mail about an update due for a period, and whether it reached the person. Each goes once."""

    class Kind(models.TextChoices):
        KICKOFF = "kickoff", _("Period opened")
        BEFORE_CLOSE = "before_close", _("Window closing soon")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Escalated to the Digital Office")

    class Status(models.TextChoices):
        PENDING = "pending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="reminders")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OVERDUE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "period", "recipient", "kind"],
                name="one_reminder_of_a_kind_per_person_per_period",
            ),
        ]


class OfficeSettings(TrackedModel):
    """What Digital Office staff set on the settings page (one row): reminder delays and the board date."""

    reminder_days_before_close = models.PositiveSmallIntegerField(
        _("days before the window closes"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
        help_text=_("Editors are reminded this many days before updates are due."),
    )
    escalation_days_after_due = models.PositiveSmallIntegerField(
        _("days overdue before escalation"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Updates still missing this many days after they were due are escalated to Digital Office staff."),
    )
    last_board_on = models.DateField(_("date of the last board meeting"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("office settings")
        verbose_name_plural = _("office settings")

    def __str__(self):
        return str(_("Reports and reminders settings"))


class ReportSubscription(TrackedModel):
    """Someone who receives the monthly portfolio report by e-mail, chosen by Digital Office staff."""

    user = models.OneToOneField("core.User", on_delete=models.CASCADE, related_name="report_subscription")
    added_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__email"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")

    def __str__(self):
        return self.user.email


class ReportEmail(TrackedModel):
    """The monthly report sent to one subscriber: at most once per report (a database constraint)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="emails")
    recipient = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="report_emails")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report e-mail")
        verbose_name_plural = _("report e-mails")
        constraints = [models.UniqueConstraint(fields=["report", "recipient"], name="one_report_email_per_person")]
