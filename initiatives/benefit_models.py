"""The benefits register (issue 26): benefits that stand up at a board.

A benefit is counted once, whole, for the portfolio; the councils it accrues to each hold a share of it (together at
most 100%), so a saving two councils share is never claimed twice. Its committed target is profiled by Scottish
financial year; "potential if all 32 adopt" is kept apart and never summed into a target. Realisations are dated,
graded by their evidence (estimated, evidenced, audited) and confirmed by their own council. Dis-benefits are
benefits of their own category, shown against the others and never netted from them.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TrackedModel
from councils.selectors import financial_year_label

MONEY = {"max_digits": 14, "decimal_places": 2}


class Benefit(TrackedModel):
    class Category(models.TextChoices):
        """The Green Book's classes of benefit, and the dis-benefit recorded beside them."""

        CASH_RELEASING = "cash_releasing", _("Cash-releasing saving")
        NON_CASH_RELEASING = "non_cash_releasing", _("Non-cash-releasing efficiency")
        QUALITY = "quality", _("Citizen or service quality")
        SOCIETAL = "societal", _("Wider societal")
        DIS_BENEFIT = "dis_benefit", _("Dis-benefit")

    class Status(models.TextChoices):
        """A benefit is tracked (after its initiative closes too) until it is realised, abandoned or superseded."""

        TRACKING = "tracking", _("Being tracked")
        REALISED = "realised", _("Realised")
        ABANDONED = "abandoned", _("Abandoned")
        SUPERSEDED = "superseded", _("Superseded")

    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE, related_name="benefits")
    # The council that keeps the benefit in the register (null: the initiative's own, kept by its lead or the
    # office). The councils it accrues to are its shares.
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="benefits",
        verbose_name=_("kept by council"),
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices,
                                default=Category.NON_CASH_RELEASING, db_index=True)
    measure = models.CharField(_("measure"), max_length=200, blank=True,
                               help_text=_("What is measured, for example “calls to the contact centre a month”."))
    unit = models.CharField(_("unit"), max_length=50, default="£")
    method = models.TextField(_("measurement method"), blank=True)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    baseline_value = models.DecimalField(_("baseline"), default=Decimal("0"), **MONEY)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    baseline_source = models.CharField(_("baseline source"), max_length=200, blank=True)
    target_value = models.DecimalField(_("committed target"), **MONEY,
                                       help_text=_("The sum of the yearly target profile when there is one."))
    realised_value = models.DecimalField(_("realised to date"), default=Decimal("0"), **MONEY)
    potential_all_councils = models.DecimalField(
        _("potential if all 32 councils adopt"), null=True, blank=True, **MONEY,
        help_text=_("Kept apart from the committed target and never added to it."))
    responsible_officer = models.CharField(_("responsible officer"), max_length=200, blank=True)
    expected_start = models.DateField(_("expected to start"), null=True, blank=True)
    fully_realised_by = models.DateField(_("expected to be fully realised by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.TRACKING,
                              db_index=True)
    status_reason = models.TextField(_("reason"), blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="supersedes", verbose_name=_("superseded by"))
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "title"]
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        constraints = [
            models.CheckConstraint(
                name="benefit_abandoned_has_reason",
                condition=~Q(status="abandoned") | ~Q(status_reason=""),
                violation_error_message=_("Say why the benefit is abandoned."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_cashable(self) -> bool:
        """The register before categories said "cashable": a cash-releasing saving."""
        return self.category == self.Category.CASH_RELEASING

    @property
    def is_dis_benefit(self) -> bool:
        return self.category == self.Category.DIS_BENEFIT

    def clean(self):
        if self.expected_start and self.fully_realised_by and self.fully_realised_by < self.expected_start:
            raise ValidationError({"fully_realised_by": _("A benefit cannot be fully realised before it starts.")})
        if self.status == self.Status.ABANDONED and not (self.status_reason or "").strip():
            raise ValidationError({"status_reason": _("Say why the benefit is abandoned.")})
        if self.status == self.Status.SUPERSEDED and self.superseded_by_id is None:
            raise ValidationError({"superseded_by": _("Name the benefit that supersedes this one.")})
        if self.superseded_by_id is not None and self.superseded_by_id == self.pk:
            raise ValidationError({"superseded_by": _("A benefit cannot supersede itself.")})


class BenefitTarget(TrackedModel):
    """The committed target of one Scottish financial year (1 April to 31 March)."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.PositiveSmallIntegerField(_("financial year"),
                                                      help_text=_("Start year: 2024 means 2024/25."))
    value = models.DecimalField(_("target"), **MONEY)
    history = HistoricalRecords()

    class Meta:
        ordering = ["benefit", "financial_year"]
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        constraints = [
            models.UniqueConstraint(fields=["benefit", "financial_year"], name="one_target_per_benefit_per_year"),
        ]

    @property
    def financial_year_label(self) -> str:
        return financial_year_label(self.financial_year)


class BenefitShare(TrackedModel):
    """A council's share of a benefit, in percent; a benefit's shares total at most 100 (the service says so)."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="shares")
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="benefit_shares")
    percent = models.DecimalField(
        _("share (%)"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))])
    history = HistoricalRecords()

    class Meta:
        ordering = ["benefit", "-percent", "council__name"]
        verbose_name = _("council's share")
        verbose_name_plural = _("councils' shares")
        constraints = [
            models.UniqueConstraint(fields=["benefit", "council"], name="one_share_per_council_per_benefit"),
            models.CheckConstraint(name="benefit_share_within_0_100",
                                   condition=Q(percent__gt=0, percent__lte=100)),
        ]


class BenefitRealisation(TrackedModel):
    """A dated value realised for a benefit (the whole benefit, counted once), with the grade of its evidence."""

    class Grade(models.TextChoices):
        ESTIMATED = "estimated", _("Estimated")
        EVIDENCED = "evidenced", _("Evidenced")
        AUDITED = "audited", _("Audited")

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="realisations")
    # The council that reports the realisation and alone confirms it (null: the office's or the initiative's own).
    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="benefit_realisations", verbose_name=_("reported by council"))
    recorded_on = models.DateField(_("recorded on"))
    value = models.DecimalField(_("value"), **MONEY)
    grade = models.CharField(_("evidence grade"), max_length=10, choices=Grade.choices, default=Grade.ESTIMATED,
                             db_index=True)
    evidence_note = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="benefits/%Y/%m/", max_length=300, blank=True)
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    confirmed = models.BooleanField(_("confirmed by the council"), default=False)
    confirmed_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    audited_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    audited_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["benefit", "recorded_on"]
        verbose_name = _("benefit realisation")
        verbose_name_plural = _("benefit realisations")

    @property
    def has_evidence(self) -> bool:
        return bool((self.evidence_note or "").strip() and (self.evidence_file or self.evidence_link))

    def clean(self):
        if self.grade != self.Grade.ESTIMATED and not self.has_evidence:
            raise ValidationError({"evidence_note": _(
                "An evidenced or audited realisation needs its evidence: a note and a file or a link.")})


class BenefitReview(TrackedModel):
    """The review of an initiative's benefits 12 months after it closed: made once, by the daily job, and done when
    every benefit is realised, abandoned or superseded."""

    initiative = models.OneToOneField("initiatives.Initiative", on_delete=models.CASCADE,
                                      related_name="benefit_review")
    closed_on = models.DateField(_("initiative closed on"))
    due_on = models.DateField(_("review due on"))
    completed_on = models.DateField(_("review completed on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "initiative"]
        verbose_name = _("benefits review")
        verbose_name_plural = _("benefits reviews")
