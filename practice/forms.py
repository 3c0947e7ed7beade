from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from strategy.selectors import outcome_list, theme_list

from .models import Adoption, Asset, StandardPoint
from .reference import STANDARD_CRITERIA
from .selectors import SEARCH_KINDS


class AssetForm(forms.ModelForm):
    themes = forms.ModelMultipleChoiceField(label=_("Themes"), queryset=theme_list(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    outcomes = forms.ModelMultipleChoiceField(label=_("Outcomes"), queryset=outcome_list(), required=False,
                                              widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Asset
        fields = ["kind", "title", "summary", "body", "licence", "maturity", "contacts", "links", "evidence_of_use",
                  "themes", "outcomes", "review_by"]
        widgets = {"review_by": DateInput(), "body": forms.Textarea(attrs={"rows": 10}),
                   "contacts": forms.Textarea(attrs={"rows": 3}), "links": forms.Textarea(attrs={"rows": 3}),
                   "evidence_of_use": forms.Textarea(attrs={"rows": 3})}


class FileForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Give the title of an earlier file to add its next version."))
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, PNG or JPEG, up to 20 MB."))


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What should the owner change?"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))


class AdoptionForm(forms.Form):
    state = forms.ChoiceField(label=_("How far has your council got?"), widget=forms.RadioSelect,
                              choices=[c for c in Adoption.State.choices if c[0] != Adoption.State.UNCONFIRMED],
                              error_messages={"required": _("Choose how far your council has got with it.")})
    reason = forms.CharField(label=_("Reason or notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Needed when your council stopped using it."))


class AdoptionBenefitsForm(forms.Form):
    benefits = forms.MultipleChoiceField(
        label=_("Which of your council's benefits does reusing it bring?"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your council's benefits in the benefits register: those it keeps and those it holds a share of."))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefits"].choices = [
            (str(b.pk), f"{b.initiative.reference}: {b.title}") for b in choices]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the portal"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Everything")), *SEARCH_KINDS])
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    council = forms.CharField(label=_("Council"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Any theme")), *[(t.slug, t.title) for t in theme_list()]]


RATINGS = [("", _("Not assessed")), *StandardPoint.Rating.choices]


class LessonForm(forms.Form):
    what_worked = forms.CharField(label=_("What worked"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    what_did_not = forms.CharField(label=_("What did not work"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    do_again = forms.CharField(label=_("What we would do again"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, name in STANDARD_CRITERIA:
            self.fields[f"rating_{number}"] = forms.ChoiceField(label=f"{number}. {name}", choices=RATINGS,
                                                                required=False)
            self.fields[f"actions_{number}"] = forms.CharField(
                label=_("Actions for criterion %(number)s") % {"number": number}, required=False, max_length=1000)

    def criteria(self):
        """(rating field, actions field) for each criterion, for the template's table."""
        return [(self[f"rating_{n}"], self[f"actions_{n}"]) for n, _name in STANDARD_CRITERIA]

    def points(self) -> list:
        data = self.cleaned_data
        return [(n, data[f"rating_{n}"], data[f"actions_{n}"]) for n, _name in STANDARD_CRITERIA
                if data.get(f"rating_{n}")]
