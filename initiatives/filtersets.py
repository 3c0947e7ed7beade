"""One FilterSet per model: the portfolio list, its filter form, the API and the exports share them."""

import datetime

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filters import WholeNumberFilter
from councils import selectors as councils_selectors
from councils.selectors import financial_year_label, financial_year_of
from strategy import selectors as strategy_selectors

from .models import (
    Benefit,
    BenefitRealisation,
    BenefitShare,
    BenefitTarget,
    Initiative,
    Milestone,
    ProgressUpdate,
    Rag,
    Reminder,
    Report,
    ReportingPeriod,
    Risk,
    Stage,
)
from .selectors import (
    WORST_RATING,
    last_closed_on_time_condition,
    overdue_condition,
    slipped_condition,
    worsened_condition,
    worst_rating,
)

RAG_CHOICES = Rag.choices


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting that never reorders rows between pages: ties are broken by reference."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "reference") if value else qs


class InitiativeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", help_text=_("Reference, title or summary"))
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=strategy_selectors.theme_list(), to_field_name="slug", empty_label=_("Any theme")
    )
    outcome = django_filters.ModelChoiceFilter(
        label=_("Outcome"),
        field_name="outcomes",
        queryset=strategy_selectors.outcome_list(),
        to_field_name="number",
        empty_label=_("Any outcome"),
    )
    stage = django_filters.MultipleChoiceFilter(
        label=_("Stage"), choices=Stage.choices, widget=forms.CheckboxSelectMultiple
    )
    lead_council = django_filters.ModelChoiceFilter(
        label=_("Lead council"),
        queryset=councils_selectors.council_list(),
        to_field_name="gss_code",
        empty_label=_("Any council"),
    )
    council = django_filters.ModelChoiceFilter(
        label=_("Participating council"),
        queryset=councils_selectors.council_list(),
        to_field_name="gss_code",
        method="filter_participating",
        empty_label=_("Any council"),
    )
    rating = django_filters.ChoiceFilter(
        label=_("Rating"),
        choices=[
            ("red", _("Red on any axis")),
            ("amber", _("Amber or Red on any axis")),
            ("green", _("Green on every axis")),
            ("not_rated", _("Not rated yet")),
        ],
        method="filter_rating",
        empty_label=_("Any rating"),
        help_text=_("The current status: the latest approved update."),
    )
    rag_delivery = django_filters.ChoiceFilter(
        label=_("Delivery"), field_name="current_update__rag_delivery", choices=RAG_CHOICES, empty_label=_("Any rating")
    )
    rag_spend = django_filters.ChoiceFilter(
        label=_("Spend"), field_name="current_update__rag_spend", choices=RAG_CHOICES, empty_label=_("Any rating")
    )
    rag_benefits = django_filters.ChoiceFilter(
        label=_("Benefits"), field_name="current_update__rag_benefits", choices=RAG_CHOICES, empty_label=_("Any rating")
    )
    rag_risk = django_filters.ChoiceFilter(
        label=_("Risk"), field_name="current_update__rag_risk", choices=RAG_CHOICES, empty_label=_("Any rating")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Update overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    on_time = django_filters.BooleanFilter(
        label=_("Last period's update on time"),
        method="filter_on_time",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
        help_text=_("Initiatives that owed an update for the last closed period: submitted by its due date or not."),
    )
    worsened = django_filters.BooleanFilter(
        label=_("Worse than the previous period"),
        method="filter_worsened",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes"))]),
    )
    slipped = django_filters.BooleanFilter(
        label=_("Milestone slipped past its baseline"),
        method="filter_slipped",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes"))]),
    )
    updated_since = django_filters.IsoDateTimeFilter(
        label=_("Changed since"), field_name="updated_at", lookup_expr="gte"
    )
    ordering = StableOrderingFilter(
        label=_("Sort by"),
        empty_label=None,
        fields=[
            ("reference", "reference"),
            ("title", "title"),
            ("lead_council__name", "lead_council"),
            ("stage", "stage"),
            ("worst_rating", "rating"),
            ("budget", "budget"),
            ("start_date", "start_date"),
            ("updated_at", "updated_at"),
        ],
        field_labels={
            "reference": _("Reference"),
            "title": _("Title"),
            "lead_council__name": _("Lead council"),
            "stage": _("Stage"),
            "worst_rating": _("Rating, Red first"),
            "-rating": _("Rating, Green first"),
            "budget": _("Budget"),
            "start_date": _("Start date"),
            "updated_at": _("Last changed"),
        },
    )

    class Meta:
        model = Initiative
        fields = []

    def filter_queryset(self, queryset):
        # Sorting and filtering by rating read each initiative's worst current rating.
        return super().filter_queryset(queryset.alias(worst_rating=worst_rating()))

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value) | Q(summary__icontains=value))

    @extend_schema_field(OpenApiTypes.STR)  # a GSS code (core.api.schema lists them)
    def filter_participating(self, queryset, name, value):
        return queryset.filter(participations__council=value) if value else queryset

    def filter_rating(self, queryset, name, value):
        """Red: red on some axis. Amber: amber or red on some axis. Green: green on all four."""
        if not value:
            return queryset
        if value in ("green", "not_rated"):
            return queryset.filter(worst_rating=WORST_RATING[value])
        return queryset.filter(worst_rating__lte=WORST_RATING[value])

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = overdue_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_on_time(self, queryset, name, value):
        return queryset if value is None else queryset.filter(last_closed_on_time_condition(value))

    def filter_worsened(self, queryset, name, value):
        return queryset.filter(worsened_condition()) if value else queryset

    def filter_slipped(self, queryset, name, value):
        return queryset.filter(slipped_condition()) if value else queryset


class MilestoneFilterSet(django_filters.FilterSet):
    initiative = django_filters.CharFilter(field_name="initiative__reference", label=_("Initiative reference"))
    due_after = django_filters.DateFilter(
        field_name="forecast_date", lookup_expr="gte", label=_("Forecast on or after")
    )
    due_before = django_filters.DateFilter(
        field_name="forecast_date", lookup_expr="lte", label=_("Forecast on or before")
    )
    completed = django_filters.BooleanFilter(
        field_name="completed_on", lookup_expr="isnull", exclude=True, label=_("Completed")
    )
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Milestone
        fields = []


class ProgressUpdateFilterSet(django_filters.FilterSet):
    initiative = django_filters.CharFilter(field_name="initiative__reference", label=_("Initiative reference"))
    period = django_filters.DateFilter(field_name="period__starts_on", label=_("Period (first day)"))
    state = django_filters.ChoiceFilter(choices=ProgressUpdate.State.choices)
    council = django_filters.CharFilter(field_name="council__gss_code", label=_("Reporting council (GSS code)"))
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = ProgressUpdate
        fields = []


class RiskFilterSet(django_filters.FilterSet):
    initiative = django_filters.CharFilter(field_name="initiative__reference", label=_("Initiative reference"))
    status = django_filters.ChoiceFilter(choices=Risk.Status.choices)
    min_score = WholeNumberFilter(
        method="filter_min_score", label=_("Minimum score (likelihood × impact)"), min_value=1, max_value=25
    )
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Risk
        fields = []

    def filter_min_score(self, queryset, name, value):
        return queryset.alias(score=F("likelihood") * F("impact")).filter(score__gte=value)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}/\d{2}$"})
class FinancialYearFilter(django_filters.ChoiceFilter):
    """A Scottish financial year such as "2024/25" (its choices follow today's date)."""


def _financial_year_choices():
    last = financial_year_of(timezone.localdate()) + 5
    return [(financial_year_label(year), financial_year_label(year)) for year in range(last, 2015, -1)]


class BenefitFilterSet(django_filters.FilterSet):
    """The benefits register (the page, the API and the reports): category, evidence grade, the council a benefit
    is kept by or accrues to, and the financial year it has a target or a realisation in."""

    initiative = django_filters.CharFilter(field_name="initiative__reference", label=_("Initiative reference"))
    category = django_filters.MultipleChoiceFilter(label=_("Category"), choices=Benefit.Category.choices,
                                                   widget=forms.CheckboxSelectMultiple)
    grade = django_filters.ChoiceFilter(label=_("Evidence grade"), choices=BenefitRealisation.Grade.choices,
                                        method="filter_grade", empty_label=_("Any grade"),
                                        help_text=_("Benefits with a realisation of this grade"))
    council = django_filters.CharFilter(label=_("Council (GSS code)"), method="filter_council",
                                        help_text=_("The council keeping the benefit or holding a share of it"))
    financial_year = FinancialYearFilter(label=_("Financial year"), choices=_financial_year_choices,
                                         method="filter_year", empty_label=_("Any year"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Benefit.Status.choices,
                                         empty_label=_("Any status"))
    cashable = django_filters.BooleanFilter(label=_("Cash-releasing (was: cashable)"), method="filter_cashable")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Benefit
        fields = []

    def filter_grade(self, queryset, name, value):
        return queryset.filter(pk__in=BenefitRealisation.objects.filter(grade=value).values("benefit_id"))

    def filter_council(self, queryset, name, value):
        code = value.strip().upper()
        return queryset.filter(Q(council__gss_code=code) | Q(pk__in=BenefitShare.objects.filter(
            council__gss_code=code).values("benefit_id")))

    def filter_year(self, queryset, name, value):
        year = int(value[:4])
        starts = datetime.date(year, 4, 1)
        realised = BenefitRealisation.objects.filter(recorded_on__gte=starts,
                                                     recorded_on__lt=starts.replace(year=year + 1))
        return queryset.filter(Q(pk__in=BenefitTarget.objects.filter(financial_year=year).values("benefit_id"))
                               | Q(pk__in=realised.values("benefit_id")))

    def filter_cashable(self, queryset, name, value):
        cash = Q(category=Benefit.Category.CASH_RELEASING)
        return queryset.filter(cash if value else ~cash)


class ReportFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Report.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Report.Status.choices)
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Report
        fields = []


class ReminderFilterSet(django_filters.FilterSet):
    """The reminder log page."""

    period = django_filters.ModelChoiceFilter(
        label=_("Reporting period"),
        queryset=ReportingPeriod.objects.order_by("-starts_on"),
        empty_label=_("Any period"),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Reminder.Kind.choices, empty_label=_("Any kind"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Reminder.Status.choices, empty_label=_("Any status")
    )
    initiative = django_filters.CharFilter(
        field_name="initiative__reference", lookup_expr="iexact", label=_("Initiative reference")
    )

    class Meta:
        model = Reminder
        fields = []
