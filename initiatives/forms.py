from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from councils import selectors as councils_selectors
from strategy import selectors as strategy_selectors

from .models import (
    Benefit,
    Initiative,
    Milestone,
    Participation,
    ProgressUpdate,
    Rag,
    Report,
    ReportingPeriod,
    Risk,
)
from .services import update_validate_for_submission


class VersionedForm(forms.Form):
    """Carries the version the person started from, so a later save by someone else is detected."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class InitiativeForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the initiative will change, for whom."),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=strategy_selectors.theme_list(), empty_label=_("Choose a theme")
    )
    outcomes = forms.ModelMultipleChoiceField(
        label=_("Outcomes it serves"),
        queryset=strategy_selectors.outcome_list(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    lead_council = forms.ModelChoiceField(
        label=_("Lead council"), queryset=councils_selectors.council_list(), empty_label=_("Choose a council")
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=councils_selectors.partner_list(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Initiative._meta.get_field("stage").choices)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput)
    end_date = forms.DateField(label=_("Planned end date"), required=False, widget=DateInput)
    budget = forms.DecimalField(
        label=_("Budget (£)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("In pounds, for example 250000"),
    )

    def __init__(self, *args, lead_council_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        if lead_council_locked:
            self.fields["lead_council"].disabled = True



class JoinForm(forms.Form):
    role = forms.ChoiceField(
        label=_("How will your council take part?"),
        widget=forms.RadioSelect,
        choices=[
            (Participation.Role.ADOPTER, _("Adopter: we will use what it delivers")),
            (Participation.Role.OBSERVER, _("Observer: we want to follow it")),
        ],
    )


class JoinDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("refuse", _("Refuse"))])


class ReopenPeriodForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen it?"), max_length=300, help_text=_("Kept in the initiative's change history."),
    )


RAG_FIELD = {"choices": Rag.choices, "widget": forms.RadioSelect}
RATING_FIELDS = [name for axis in ProgressUpdate.RAG_AXES for name in (f"rag_{axis}", f"{axis}_commentary")]


class ProgressUpdateForm(VersionedForm):
    rag_delivery = forms.ChoiceField(label=_("Delivery"), **RAG_FIELD)
    delivery_commentary = forms.CharField(
        label=_("Delivery commentary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed when delivery is Amber or Red."),
    )
    rag_spend = forms.ChoiceField(label=_("Spend"), **RAG_FIELD)
    spend_commentary = forms.CharField(
        label=_("Spend commentary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed when spend is Amber or Red."),
    )
    rag_benefits = forms.ChoiceField(label=_("Benefits"), **RAG_FIELD)
    benefits_commentary = forms.CharField(
        label=_("Benefits commentary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed when benefits are Amber or Red."),
    )
    rag_risk = forms.ChoiceField(label=_("Risk"), **RAG_FIELD)
    risk_commentary = forms.CharField(
        label=_("Risk commentary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed when risk is Amber or Red."),
    )
    percent_complete = forms.IntegerField(
        label=_("Percent complete"), min_value=0, max_value=100, help_text=_("A whole number from 0 to 100")
    )
    spend_to_date = forms.DecimalField(label=_("Spend to date (£)"), min_value=0, max_digits=14, decimal_places=2)
    narrative = forms.CharField(
        label=_("What happened this period"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("You can use Markdown: **bold**, lists starting with -, and links."),
    )
    next_steps = forms.CharField(label=_("Next steps"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if self.data.get("action") == "submit":
            # The rule is the service's; asked here as well so that every error on the page shows at once.
            ratings = {name: data.get(name) or "" for name in RATING_FIELDS}
            try:
                update_validate_for_submission(ProgressUpdate(**ratings))
            except ValidationError as error:
                for name, errors in error.error_dict.items():
                    self.add_error(name, errors)
        return data


class ReviewForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("return", _("Return to the council"))],
    )
    review_comment = forms.CharField(
        label=_("Comment for the council"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Needed when you return the update: say what to change."),
    )


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "baseline_date", "forecast_date", "completed_on"]
        widgets = {"baseline_date": DateInput, "forecast_date": DateInput, "completed_on": DateInput}


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = ["title", "description", "likelihood", "impact", "owner", "mitigation", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "mitigation": forms.Textarea(attrs={"rows": 3})}


class BenefitForm(forms.ModelForm):
    class Meta:
        model = Benefit
        fields = [
            "title",
            "council",
            "is_cashable",
            "unit",
            "baseline_value",
            "target_value",
            "realised_value",
            "confirmed_by_council",
        ]

    def __init__(self, *args, councils=None, can_confirm=False, **kwargs):
        """`councils`: those this person may record benefits for (None: any); `can_confirm`: they are an editor of
        the benefit's council (the service checks both again)."""
        super().__init__(*args, **kwargs)
        if councils is not None:
            self.fields["council"].queryset = councils
        if not can_confirm:
            self.fields["confirmed_by_council"].disabled = True
            self.fields["confirmed_by_council"].help_text = _("Only the council's own editors confirm a benefit.")


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=Report.Kind.choices, widget=forms.RadioSelect)
    period = forms.ModelChoiceField(
        label=_("Reporting period"),
        queryset=ReportingPeriod.objects.order_by("-starts_on"),
        required=False,
        empty_label=_("The last closed period"),
    )
    council = forms.ModelChoiceField(
        label=_("Council"),
        queryset=councils_selectors.council_list(),
        required=False,
        empty_label=_("Every council"),
        help_text=_("Needed for a council summary."),
    )
