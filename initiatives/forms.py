from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from councils import selectors as councils_selectors
from strategy import selectors as strategy_selectors

from .benefit_forms import BenefitForm  # noqa: F401  (the benefits register keeps its forms apart)
from .models import (
    Initiative,
    Milestone,
    OfficeSettings,
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
    errors_name_their_field = True

    role = forms.ChoiceField(
        label=_("How will your council take part?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how your council will take part")},
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


RATING_FIELDS = [name for axis in ProgressUpdate.RAG_AXES for name in (f"rag_{axis}", f"{axis}_commentary")]


def _rating(label, required_message):
    return forms.ChoiceField(
        label=label,
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


def _commentary(label, hint):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text=hint)


class ProgressUpdateForm(forms.Form):
    """The monthly update. Its error messages say what to do, in the words of the GOV.UK Design System's
    error message guidance: the summary at the top shows each one as it is."""

    errors_name_their_field = True  # includes/error_summary.html shows each message without the field label

    # The version the person started from; 0 when the update did not exist yet (services.NOT_YET_SAVED).
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("This page was opened in an older way: reload it, then make your changes again."),
            "invalid": _("This page was opened in an older way: reload it, then make your changes again."),
            "min_value": _("This page was opened in an older way: reload it, then make your changes again."),
        },
    )
    rag_delivery = _rating(_("Delivery"), _("Select Green, Amber or Red for delivery"))
    delivery_commentary = _commentary(
        _("Delivery commentary"), _("Say why delivery is Amber or Red, and what is being done about it.")
    )
    rag_spend = _rating(_("Spend"), _("Select Green, Amber or Red for spend"))
    spend_commentary = _commentary(
        _("Spend commentary"), _("Say why spend is Amber or Red, and what is being done about it.")
    )
    rag_benefits = _rating(_("Benefits"), _("Select Green, Amber or Red for benefits"))
    benefits_commentary = _commentary(
        _("Benefits commentary"), _("Say why benefits are Amber or Red, and what is being done about it.")
    )
    rag_risk = _rating(_("Risk"), _("Select Green, Amber or Red for risk"))
    risk_commentary = _commentary(
        _("Risk commentary"), _("Say why risk is Amber or Red, and what is being done about it.")
    )
    percent_complete = forms.IntegerField(
        label=_("Percent complete"),
        min_value=0,
        max_value=100,
        help_text=_("A whole number from 0 to 100"),
        error_messages={
            "required": _("Enter how complete the initiative is, as a percentage from 0 to 100"),
            "invalid": _("Enter a percentage from 0 to 100, as a whole number like 45"),
            "min_value": _("Enter a percentage from 0 to 100"),
            "max_value": _("Enter a percentage from 0 to 100"),
        },
    )
    spend_to_date = forms.DecimalField(
        label=_("Spend to date (£)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("In pounds, for example 120000 or 120000.50"),
        error_messages={
            "required": _("Enter the spend to date in pounds, for example 120000"),
            "invalid": _("Enter the spend to date as an amount in pounds, like 120000 or 120000.50"),
            "min_value": _("Spend to date must be £0 or more"),
            "max_digits": _("Spend to date must be less than £1,000,000,000,000"),
            "max_whole_digits": _("Spend to date must be less than £1,000,000,000,000"),
            "max_decimal_places": _("Enter the spend to date in pounds and pence, with at most 2 digits of pence"),
        },
    )
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

    def axes(self, previous=None):
        """Each axis's rating and commentary fields together, with the last approved rating and commentary."""
        return [
            {
                "axis": axis,
                "rating": self[f"rag_{axis}"],
                "commentary": self[f"{axis}_commentary"],
                "previous_rating": getattr(previous, f"rag_{axis}", None),
                "previous_commentary": getattr(previous, f"{axis}_commentary", ""),
            }
            for axis in ProgressUpdate.RAG_AXES
        ]


class ReviewForm(VersionedForm):
    errors_name_their_field = True  # GOV.UK style messages: the summary shows them as written

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("return", _("Return to the council"))],
        error_messages={
            "required": _("Select whether to approve the update or return it to the council"),
            "invalid_choice": _("Select whether to approve the update or return it to the council"),
        },
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


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Report"),
        choices=Report.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose which report to run")},
    )
    period = forms.ModelChoiceField(
        label=_("Reporting period"),
        queryset=ReportingPeriod.objects.order_by("-starts_on"),
        required=False,
        empty_label=_("The last closed period"),
        help_text=_("Figures as they stood at the end of the period, overdue updates as of its deadline."),
    )
    council = forms.ModelChoiceField(
        label=_("Council"),
        queryset=councils_selectors.council_list(),
        required=False,
        empty_label=_("Every council"),
        help_text=_("Needed for a council summary."),
    )


class OfficeSettingsForm(forms.ModelForm):
    class Meta:
        model = OfficeSettings
        fields = ["reminder_days_before_close", "escalation_days_after_due", "last_board_on"]
        widgets = {"last_board_on": DateInput}
        error_messages = {
            "reminder_days_before_close": {
                "min_value": _("Enter a number of days from 1 to 14"),
                "max_value": _("Enter a number of days from 1 to 14"),
                "required": _("Enter a number of days from 1 to 14"),
            },
            "escalation_days_after_due": {
                "min_value": _("Enter a number of days from 1 to 28"),
                "max_value": _("Enter a number of days from 1 to 28"),
                "required": _("Enter a number of days from 1 to 28"),
            },
        }


class SubscriberForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of a portal account"),
        error_messages={"required": _("Enter the e-mail address of a portal account"),
                        "invalid": _("Enter an e-mail address like name@example.scot")},
    )
