"""The practice library (README "Practice library"): what councils and the office share for others to reuse
(assets, with versioned files), the councils that declare they reuse it (adoptions), and the lessons recorded when
an initiative passes a stage gate or closes."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TrackedModel

from .reference import LICENCES, STANDARD_CRITERIA


class Asset(TrackedModel):
    class Kind(models.TextChoices):
        CASE_STUDY = "case_study", _("Case study")
        PLAYBOOK = "playbook", _("Playbook")
        SERVICE_PATTERN = "service_pattern", _("Service pattern")
        CODE = "code", _("Code repository")
        USER_RESEARCH = "user_research", _("User research")
        BUSINESS_CASE = "business_case", _("Business case")
        PROCUREMENT = "procurement", _("Contract or procurement template")
        LESSONS = "lessons", _("Lessons learned")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned")
        PUBLISHED = "published", _("Published")
        NEEDS_UPDATE = "needs_update", _("Needs update")
        RETIRED = "retired", _("Retired")

    class Maturity(models.TextChoices):
        # publiccode.yml's developmentStatus values
        CONCEPT = "concept", _("Concept")
        DEVELOPMENT = "development", _("In development")
        BETA = "beta", _("Beta")
        STABLE = "stable", _("Stable")
        OBSOLETE = "obsolete", _("Obsolete")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=150,
                               help_text=_("One or two sentences, up to 150 characters."))
    body = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    initiative = models.ForeignKey("initiatives.Initiative", verbose_name=_("initiative it came from"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    council = models.ForeignKey(
        "councils.Council", verbose_name=_("owning council"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="practice_assets", help_text=_("Leave empty when the Digital Office owns it."),
    )
    owner = models.ForeignKey("core.User", verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="practice_assets",
                              help_text=_("The person reminded when the asset is due for review."))
    contacts = models.TextField(_("contacts"), blank=True,
                                help_text=_("Who to ask about it: a name and an e-mail address on each line."))
    licence = models.CharField(_("licence"), max_length=40, choices=LICENCES, default="OGL-UK-3.0",
                               help_text=_("An SPDX identifier. The Open Government Licence or an open licence lets "
                                           "other councils reuse it."))
    maturity = models.CharField(_("maturity"), max_length=12, choices=Maturity.choices, default=Maturity.BETA)
    links = models.TextField(_("links"), blank=True,
                             help_text=_("One web address on each line (https://…)."))
    evidence_of_use = models.TextField(
        _("evidence of use"), blank=True,
        help_text=_("Where it is used today and what it achieved. Without it, or a council confirmed as using it, "
                    "a published asset is shown as experimental."),
    )
    themes = models.ManyToManyField("strategy.Theme", blank=True, related_name="+", verbose_name=_("themes"))
    outcomes = models.ManyToManyField("strategy.Outcome", blank=True, related_name="+", verbose_name=_("outcomes"))
    review_by = models.DateField(_("review by"), help_text=_("When the owner checks it is still right."))
    state = models.CharField(_("state"), max_length=15, choices=State.choices, default=State.DRAFT, db_index=True)
    submitted_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    review_reminded_on = models.DateField(_("review reminder sent"), null=True, blank=True)
    created_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "title"]
        verbose_name = _("practice asset")
        verbose_name_plural = _("practice assets")
        indexes = [models.Index(fields=["state", "review_by"])]

    def __str__(self):
        return self.title

    @property
    def is_listed(self) -> bool:
        """In the library for everyone: published, or published and now due for update."""
        return self.state in LISTED_STATES

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    def clean(self):
        check = URLValidator(schemes=["https"])
        for line in self.link_list:
            try:
                check(line)
            except ValidationError:
                raise ValidationError({"links": _("Write each link as a full web address starting with https:// "
                                                  "(%(line)s is not one).") % {"line": line[:80]}}) from None


LISTED_STATES = (Asset.State.PUBLISHED, Asset.State.NEEDS_UPDATE)


class AssetFile(TrackedModel):
    """A file kept with an asset, stored through Django's storage API. A file uploaded under the same title is its
    next version; the page shows the latest and keeps the earlier ones."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    file = models.FileField(_("file"), upload_to="practice/%Y/%m/", max_length=300)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["title", "-version"]
        verbose_name = _("asset file")
        verbose_name_plural = _("asset files")
        constraints = [models.UniqueConstraint(fields=["asset", "title", "version"], name="one_asset_file_version")]


class Adoption(TrackedModel):
    """A council's own declaration that it reuses (or means to reuse) an asset, confirmed by the asset's owner.
    "Using" is reconfirmed every year; unconfirmed, it lapses to "unconfirmed" rather than being kept silently."""

    class State(models.TextChoices):
        INTERESTED = "interested", _("Interested")
        PLANNING = "planning", _("Planning")
        ADOPTING = "adopting", _("Adopting")
        USING = "using", _("Using")
        STOPPED = "stopped", _("Stopped")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="adoptions")
    council = models.ForeignKey("councils.Council", verbose_name=_("council"), on_delete=models.PROTECT,
                                related_name="practice_adoptions")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    declared_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    declared_at = models.DateTimeField(_("declared"))
    confirmed_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed by the owner"), null=True, blank=True)
    using_since = models.DateField(_("using since"), null=True, blank=True)
    using_confirmed_on = models.DateField(_("use last confirmed"), null=True, blank=True)
    reminded_on = models.DateField(_("reconfirmation reminder sent"), null=True, blank=True)
    # The adopting council's own benefits (the register, initiatives' Benefit) that reusing the asset brings: the
    # asset's page shows what adopters realised. Linked by the adopting council's editors, to its benefits only.
    benefits = models.ManyToManyField("initiatives.Benefit", blank=True, related_name="+",
                                      verbose_name=_("benefits realised by reusing it"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["council__name"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [models.UniqueConstraint(fields=["asset", "council"], name="one_adoption_per_council")]


class Lesson(TrackedModel):
    """What an initiative learnt at a stage gate or at closure; it becomes a lessons-learned asset draft."""

    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE, related_name="+")
    from_stage = models.CharField(_("from stage"), max_length=10)
    to_stage = models.CharField(_("to stage"), max_length=10)
    what_worked = models.TextField(_("what worked"))
    what_did_not = models.TextField(_("what did not work"))
    do_again = models.TextField(_("what we would do again"))
    asset = models.OneToOneField(Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="lesson")
    recorded_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    stage_changed = models.BooleanField(_("stage changed"), default=False,
                                        help_text=_("The initiative has moved on with this record."))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lesson record")
        verbose_name_plural = _("lesson records")


class StandardPoint(models.Model):
    """One point of the Digital Scotland Service Standard assessed at a gate: Red, Amber or Green, with actions."""

    class Rating(models.TextChoices):
        GREEN = "green", _("Green")
        AMBER = "amber", _("Amber")
        RED = "red", _("Red")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="standard_points")
    criterion = models.PositiveSmallIntegerField(_("criterion"), choices=STANDARD_CRITERIA)
    rating = models.CharField(_("rating"), max_length=5, choices=Rating.choices)
    actions = models.TextField(_("actions"), blank=True)

    class Meta:
        ordering = ["criterion"]
        constraints = [models.UniqueConstraint(fields=["lesson", "criterion"], name="one_rating_per_criterion")]

    def __str__(self):
        return f"{self.criterion}: {self.rating}"
