"""The contracts register: each council's (and the office's shared) contracts for digital goods and services, the
councils that use each one, their documents, and the renewal alerts sent about them (README "Contracts")."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TrackedModel

from .cpv import cpv_choices, cpv_name

ALERT_MONTHS = (18, 12, 6, 3)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier, when negative); the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


class Contract(TrackedModel):
    class Kind(models.TextChoices):
        FRAMEWORK = "framework", _("Framework")
        CALL_OFF = "call_off", _("Call-off")
        COUNCIL = "council", _("Council contract")
        SHARED_SERVICE = "shared_service", _("Shared service")
        LICENCE = "licence", _("Licence or subscription")

    class Route(models.TextChoices):
        SCOTLAND_EXCEL = "scotland_excel", _("Scotland Excel framework")
        CCS = "ccs", _("Crown Commercial Service framework")
        SCOTTISH_GOVERNMENT = "scottish_government", _("Scottish Government framework")
        OWN_TENDER = "own_tender", _("Own tender")
        DIRECT_AWARD = "direct_award", _("Direct award")

    class ValueBasis(models.TextChoices):
        COMMITTED = "committed", _("Committed")
        POTENTIAL = "potential", _("Potential")

    class Decision(models.TextChoices):
        NONE = "", _("Not decided yet")
        RENEW = "renew", _("Renew")
        EXTEND = "extend", _("Extend")
        RETENDER = "retender", _("Retender")
        SHARED_SERVICE = "shared_service", _("Join a shared service")
        EXIT = "exit", _("Exit")

    council = models.ForeignKey(
        "councils.Council", verbose_name=_("council"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="contracts", help_text=_("Leave empty for the Digital Office's own (shared service) contracts."),
    )
    reference = models.CharField(_("reference"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    route = models.CharField(_("route to market"), max_length=30, choices=Route.choices, default=Route.OWN_TENDER)
    supplier_name = models.CharField(_("supplier"), max_length=200)
    supplier_company_number = models.CharField(
        _("Companies House number"), max_length=8, blank=True,
        help_text=_("Eight characters, like 01234567 or SC123456."),
    )
    cpv_code = models.CharField(_("category (CPV code)"), max_length=10, choices=cpv_choices())
    product = models.CharField(_("product or system"), max_length=200, blank=True)
    value = models.DecimalField(_("value (£)"), max_digits=14, decimal_places=2,
                                validators=[MinValueValidator(0)])
    value_basis = models.CharField(_("value basis"), max_length=10, choices=ValueBasis.choices,
                                   default=ValueBasis.COMMITTED)
    start_date = models.DateField(_("start date"))
    initial_end_date = models.DateField(_("initial end date"))
    extension_count = models.PositiveSmallIntegerField(_("extension options"), default=0,
                                                       validators=[MaxValueValidator(10)])
    extension_months = models.PositiveSmallIntegerField(_("length of each extension (months)"), default=0,
                                                        validators=[MaxValueValidator(120)])
    extensions_taken = models.PositiveSmallIntegerField(_("extensions taken"), default=0)
    maximum_end_date = models.DateField(
        _("maximum extent"), null=True, blank=True,
        help_text=_("The latest the contract may run to, with every extension. Leave empty to work it out."),
    )
    notice_months = models.PositiveSmallIntegerField(_("notice period (months)"), default=0,
                                                     validators=[MaxValueValidator(36)])
    review_date = models.DateField(_("review date"), null=True, blank=True)
    owner = models.ForeignKey("core.User", verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_contracts")
    notes = models.TextField(_("notes"), blank=True)
    in_sector_view = models.BooleanField(
        _("in the sector-wide view"), default=True,
        help_text=_("Counted, without its value or terms, in how many councils use a supplier for a category."),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True, default="")
    decision_notes = models.TextField(_("decision notes"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    initiatives = models.ManyToManyField("initiatives.Initiative", blank=True, related_name="+",
                                         verbose_name=_("initiatives drafted from it"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["initial_end_date", "reference"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="contract_reference_unique_per_council"),
        ]
        indexes = [models.Index(fields=["cpv_code", "initial_end_date"])]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def category_name(self) -> str:
        return cpv_name(self.cpv_code)

    @property
    def latest_possible_end(self) -> datetime.date:
        """The end with every extension option taken, capped by the maximum extent when one is set."""
        end = add_months(self.initial_end_date, self.extension_count * self.extension_months)
        return min(end, self.maximum_end_date) if self.maximum_end_date else end

    @property
    def current_end_date(self) -> datetime.date:
        """The initial end moved by the extensions taken so far (never past the maximum extent)."""
        end = add_months(self.initial_end_date, self.extensions_taken * self.extension_months)
        return min(end, self.latest_possible_end)

    @property
    def notice_date(self) -> datetime.date:
        """The last day to give notice before the current end (the end itself without a notice period)."""
        return add_months(self.current_end_date, -self.notice_months)

    @property
    def extensions_left(self) -> int:
        return max(0, self.extension_count - self.extensions_taken)

    def clean(self):
        errors = {}
        if self.start_date and self.initial_end_date and self.initial_end_date < self.start_date:
            errors["initial_end_date"] = _("The end date must be on or after the start date.")
        if bool(self.extension_count) != bool(self.extension_months):
            field = "extension_months" if self.extension_count else "extension_count"
            errors[field] = _("Give both the number of extension options and the length of each, or neither.")
        if self.extensions_taken > self.extension_count:
            errors["extensions_taken"] = _("More extensions are taken than the contract allows (%(count)s).") % {
                "count": self.extension_count}
        if self.maximum_end_date and self.initial_end_date and self.maximum_end_date < self.initial_end_date:
            errors["maximum_end_date"] = _("The maximum extent must be on or after the initial end date.")
        if self.supplier_company_number and not _company_number_ok(self.supplier_company_number):
            errors["supplier_company_number"] = _(
                "A Companies House number is eight characters: eight digits (01234567) or two letters and six "
                "digits (SC123456).")
        if self.decision and not self.decided_on:
            errors["decided_on"] = _("Give the date of the decision.")
        if errors:
            raise ValidationError(errors)


def _company_number_ok(text: str) -> bool:
    return len(text) == 8 and text.isalnum() and text[2:].isdigit() and (text[:2].isdigit() or text[:2].isalpha())


class ContractUse(TrackedModel):
    """A council that uses a contract (a call-off, a shared service), with its own end date and annual spend."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="uses")
    council = models.ForeignKey("councils.Council", verbose_name=_("council"), on_delete=models.PROTECT,
                                related_name="contract_uses")
    end_date = models.DateField(_("its end date"))
    annual_spend = models.DecimalField(_("annual spend (£)"), max_digits=14, decimal_places=2,
                                       validators=[MinValueValidator(0)], default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["council__name"]
        verbose_name = _("council using a contract")
        verbose_name_plural = _("councils using a contract")
        constraints = [
            models.UniqueConstraint(fields=["contract", "council"], name="one_use_per_council_per_contract"),
        ]


class ContractDocument(TrackedModel):
    """A file kept with a contract (the signed contract, a variation), stored through Django's storage API."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="contracts/%Y/%m/", max_length=300)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contract document")
        verbose_name_plural = _("contract documents")


class ContractAlert(TrackedModel):
    """A renewal alert e-mailed about a contract. Each goes once per person, months before and date (a constraint)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="alerts")
    recipient = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="contract_alerts")
    months_before = models.PositiveSmallIntegerField(_("months before"))
    about_date = models.DateField(_("about the date"), help_text=_("The notice date, or the end without notice."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contract alert")
        verbose_name_plural = _("contract alerts")
        constraints = [
            models.UniqueConstraint(fields=["contract", "recipient", "months_before", "about_date"],
                                    name="one_contract_alert_per_person_per_step"),
        ]


class CandidateDigest(TrackedModel):
    """The monthly digest of collaboration candidates sent to the office: one per month (a constraint)."""

    month = models.DateField(_("month"), unique=True)
    candidates = models.PositiveIntegerField(_("candidates"))
    recipients = models.PositiveIntegerField(_("recipients"))

    class Meta:
        ordering = ["-month"]
