"""The strategy the portfolio serves: outcomes, themes, measures, and digital maturity."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TrackedModel


class Strategy(models.Model):
    title = models.CharField(_("title"), max_length=200)
    vision = models.CharField(_("vision"), max_length=200)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    approved_by = models.CharField(_("approved by"), max_length=300, blank=True)
    drafted = models.CharField(_("drafted"), max_length=100, blank=True)
    digital_business_level = models.ForeignKey(
        "MaturityLevel",
        verbose_name=_("digital business threshold"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A council whose overall maturity reaches this level counts as a digital business."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")

    def __str__(self):
        return self.vision


class Outcome(models.Model):
    # The stable key of a shipped outcome (its number in data/reference/strategy.json, as text), which
    # load_reference_data matches on: never edited (read-only in the admin). Empty for one added in the admin.
    code = models.CharField(_("code"), max_length=20, unique=True, null=True, blank=True, editable=False)
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="outcomes")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [models.UniqueConstraint(fields=["strategy", "number"], name="unique_outcome_number")]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Theme(models.Model):
    # The stable key of a shipped theme (its slug in data/reference/strategy.json), which load_reference_data
    # matches on: never edited (read-only in the admin). Empty for one added in the admin.
    code = models.SlugField(_("code"), max_length=60, unique=True, null=True, blank=True, editable=False)
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="themes")
    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.title


class Measure(TrackedModel):
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="measures")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("target date"))
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["outcome__number", "title"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self):
        return self.title


class MeasureReading(TrackedModel):
    """A dated value of a measure, for the whole sector (no council) or for one council."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="readings")
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="measure_readings"
    )
    taken_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "taken_on"]
        verbose_name = _("measure reading")
        verbose_name_plural = _("measure readings")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "council", "taken_on"],
                name="one_council_reading_per_date",
                condition=Q(council__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["measure", "taken_on"],
                name="one_sector_reading_per_date",
                condition=Q(council__isnull=True),
            ),
        ]
        # The API's `ordering=taken_on`: keyset pages seek, never scan.
        indexes = [models.Index(fields=["taken_on", "id"], name="reading_taken_on")]

    def __str__(self):
        return f"{self.measure}: {self.value} on {self.taken_on}"


class MaturityDimension(models.Model):
    """An aspect of digital maturity. Names are data the office edits; defaults are placeholders."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_placeholder = models.BooleanField(_("placeholder name"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("maturity dimension")
        verbose_name_plural = _("maturity dimensions")

    def __str__(self):
        return self.name


class MaturityLevel(models.Model):
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("1 is the least mature."))
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_placeholder = models.BooleanField(_("placeholder name"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["rank"]
        verbose_name = _("maturity level")
        verbose_name_plural = _("maturity levels")

    def __str__(self):
        return f"{self.rank}. {self.name}"


class MaturityAssessment(TrackedModel):
    """Confidential to the council and the Digital Office (docs/design.md §3): never shown to partners."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="maturity_assessments")
    assessed_on = models.DateField(_("assessed on"))
    overall_level = models.ForeignKey(MaturityLevel, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    assessed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["council__name", "assessed_on"]
        verbose_name = _("maturity assessment")
        verbose_name_plural = _("maturity assessments")
        constraints = [
            models.UniqueConstraint(fields=["council", "assessed_on"], name="one_assessment_per_council_per_date"),
        ]

    def __str__(self):
        return f"{self.council} {self.assessed_on}"


class MaturityScore(models.Model):
    assessment = models.ForeignKey(MaturityAssessment, on_delete=models.CASCADE, related_name="scores")
    dimension = models.ForeignKey(MaturityDimension, on_delete=models.PROTECT, related_name="scores")
    level = models.ForeignKey(MaturityLevel, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension__order"]
        verbose_name = _("maturity score")
        verbose_name_plural = _("maturity scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "dimension"], name="one_score_per_dimension"),
        ]

    def __str__(self):
        return f"{self.dimension}: {self.level}"
