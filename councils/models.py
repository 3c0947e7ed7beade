"""Councils, the partnership they form, partner organisations, and the money councils put in."""

import datetime
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TrackedModel


def financial_year_label(start_year: int) -> str:
    """Scottish financial years run 1 April to 31 March and are written "2017/18"."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


class CouncilQuerySet(models.QuerySet):
    def by_code(self, code: str):
        """Resolve a current or an old GSS code to the council that holds it now."""
        code = code.strip().upper()
        return self.filter(Q(gss_code=code) | Q(code_aliases__old_code=code)).distinct()


class Council(models.Model):
    gss_code = models.CharField(
        _("GSS code"), max_length=9, unique=True, help_text=_("Current ONS/GSS council-area code.")
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    population = models.PositiveIntegerField(_("population"))
    population_year = models.PositiveSmallIntegerField(_("population year"))
    hex_col = models.SmallIntegerField(_("hex column"))
    hex_row = models.SmallIntegerField(_("hex row"))
    sso_creates_viewers = models.BooleanField(
        _("single sign-on makes viewers"),
        default=False,
        help_text=_(
            "A person who signs in with single sign-on from one of the council's e-mail domains, without an "
            "invitation, joins as a viewer of the council."
        ),
    )

    objects = CouncilQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self):
        return self.name


class CouncilCodeAlias(models.Model):
    """A GSS code a council held before a boundary change; data keyed on it must still resolve."""

    old_code = models.CharField(_("old GSS code"), max_length=9, unique=True)
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="code_aliases")
    replaced_on = models.DateField(_("replaced on"))

    class Meta:
        ordering = ["old_code"]
        verbose_name = _("old GSS code")
        verbose_name_plural = _("old GSS codes")

    def __str__(self):
        return f"{self.old_code} → {self.council.gss_code}"


class PartnershipMembership(TrackedModel):
    """A council's membership of the Digital Office partnership over time."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    is_founding_member = models.BooleanField(_("founding member"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["council__name", "joined_on"]
        verbose_name = _("partnership membership")
        verbose_name_plural = _("partnership memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_left_after_joined",
                condition=Q(left_on__isnull=True) | Q(left_on__gt=models.F("joined_on")),
                violation_error_message=_("A council leaves after it joins."),
            ),
        ]

    def __str__(self):
        return (
            f"{self.council} ({self.joined_on:%Y}–{self.left_on:%Y})"
            if self.left_on
            else f"{self.council} ({self.joined_on:%Y}–)"
        )


class PartnerOrganisation(models.Model):
    # The stable key of a shipped partner (its slug in data/reference/partners.csv), which load_reference_data
    # matches on: never edited (read-only in the admin), so an edited slug or name is not a new partner. Empty
    # for an organisation added in the admin.
    code = models.SlugField(_("code"), max_length=60, unique=True, null=True, blank=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self):
        return self.name


class FundingAgreement(TrackedModel):
    """An agreement under which member councils fund the office for a run of financial years."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    first_year = models.PositiveSmallIntegerField(
        _("first financial year"), help_text=_("Start year: 2016 means 2016/17.")
    )
    last_year = models.PositiveSmallIntegerField(
        _("last financial year"), help_text=_("Start year: 2018 means 2018/19.")
    )
    budget = models.DecimalField(
        _("budget (£)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["first_year"]
        verbose_name = _("funding agreement")
        verbose_name_plural = _("funding agreements")
        constraints = [
            models.CheckConstraint(
                name="agreement_years_in_order",
                condition=Q(last_year__gte=models.F("first_year")),
                violation_error_message=_("The last year cannot come before the first."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.period_label})"

    @property
    def period_label(self):
        return f"{financial_year_label(self.first_year)} to {financial_year_label(self.last_year)}"

    @property
    def period_start(self):
        return datetime.date(self.first_year, 4, 1)

    @property
    def period_end(self):
        return datetime.date(self.last_year + 1, 3, 31)


class Contribution(TrackedModel):
    """What one council owes the office for one financial year. Its status is derived, never typed."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        INVOICED = "invoiced", _("Invoiced")
        PART_PAID = "part_paid", _("Part paid")
        PAID = "paid", _("Paid")
        OVERDUE = "overdue", _("Overdue")

    agreement = models.ForeignKey(FundingAgreement, on_delete=models.PROTECT, related_name="contributions")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="contributions")
    financial_year = models.PositiveSmallIntegerField(
        _("financial year"), help_text=_("Start year: 2017 means 2017/18.")
    )
    amount_due = models.DecimalField(
        _("amount due (£)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    due_date = models.DateField(_("due date"))
    invoice_number = models.CharField(_("invoice number"), max_length=50, blank=True)
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["financial_year", "council__name"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "financial_year"],
                name="one_contribution_per_council_per_year",
                violation_error_message=_("This council already has a contribution for that financial year."),
            ),
        ]

    def __str__(self):
        return f"{self.council} {self.financial_year_label}"

    @property
    def financial_year_label(self):
        return financial_year_label(self.financial_year)


class Payment(TrackedModel):
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(
        _("amount (£)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"£{self.amount} on {self.paid_on}"


class FiguresCheck(models.Model):
    """The last day on which the daily job compared contributions' date-derived figures (one row).

    A contribution's paid, outstanding and status depend on today's date (due becomes overdue the day after the
    due date); the job re-sends in the partner API those that changed since this day (services.figures)."""

    checked_on = models.DateField(_("checked on"))

    class Meta:
        verbose_name = _("derived figures check")
        verbose_name_plural = _("derived figures checks")

    def __str__(self):
        return str(self.checked_on)
