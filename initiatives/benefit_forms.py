"""Forms of the benefits register: the benefit, its yearly targets, its councils' shares, a realisation, its status."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.imports import CellError, parse_financial_year, parse_money
from councils.selectors import financial_year_label

from .benefit_models import Benefit, BenefitRealisation

_PROFILE_LINE = re.compile(r"^\s*(?P<year>[^:=]+?)\s*[:=]\s*£?\s*(?P<value>.+?)\s*$")


def profile_text(targets) -> str:
    return "\n".join(f"{financial_year_label(t.financial_year)}: {t.value}" for t in targets)


def parse_profile(text: str) -> dict[int, Decimal]:
    """Lines like "2024/25: 12000", one a year, as {2024: Decimal("12000")}; each problem named by its line."""
    profile, problems = {}, []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _PROFILE_LINE.match(line)
        if not match:
            problems.append(_("Line %(n)s: write a year and its target, like “2024/25: 12000”.") % {"n": number})
            continue
        try:
            year = parse_financial_year(match["year"])
            value = parse_money(match["value"])
        except CellError as error:
            problems.append(_("Line %(n)s: %(problem)s") % {"n": number, "problem": error})
            continue
        if year in profile:
            problems.append(_("Line %(n)s: %(year)s is given twice.") % {"n": number,
                                                                         "year": financial_year_label(year)})
        profile[year] = value
    if problems:
        raise ValidationError(problems)
    return profile


class BenefitForm(forms.ModelForm):
    target_profile = forms.CharField(
        label=_("Target profile by financial year"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One line a year, like “2024/25: 12000”. When given, the committed target is their sum."))

    class Meta:
        model = Benefit
        fields = [
            "title", "council", "category", "measure", "unit", "method", "data_source",
            "baseline_value", "baseline_date", "baseline_source", "target_profile", "target_value",
            "potential_all_councils", "responsible_officer", "expected_start", "fully_realised_by",
        ]
        widgets = {"baseline_date": DateInput, "expected_start": DateInput, "fully_realised_by": DateInput,
                   "method": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, councils=None, **kwargs):
        """`councils`: those this person may record benefits for (None: any; the service checks again)."""
        super().__init__(*args, **kwargs)
        if councils is not None:
            self.fields["council"].queryset = councils
        self.fields["target_value"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["target_profile"] = profile_text(self.instance.targets.all())

    def clean_target_profile(self):
        return parse_profile(self.cleaned_data.get("target_profile", ""))

    def clean(self):
        data = super().clean()
        if not data.get("target_profile") and data.get("target_value") is None and "target_value" not in self.errors:
            self.add_error("target_value", _("Give the committed target, or its profile by financial year."))
        return data


class ShareForm(forms.Form):
    council = forms.ModelChoiceField(label=_("Council"), queryset=None, required=False,
                                     empty_label=_("Choose a council"))
    percent = forms.DecimalField(label=_("Share (%)"), required=False, max_digits=5, decimal_places=2,
                                 min_value=Decimal("0.01"), max_value=Decimal("100"))

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils

    def clean(self):
        data = super().clean()
        if bool(data.get("council")) != (data.get("percent") is not None) and not self.errors:
            raise ValidationError(_("Give both the council and its share, or leave both empty."))
        return data


class BaseShareFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            council = getattr(form, "cleaned_data", {}).get("council")
            if council and council.pk in seen:
                raise ValidationError(_("%(council)s is named twice.") % {"council": council.name})
            if council:
                seen.add(council.pk)

    def shares(self) -> list[tuple]:
        return [(f.cleaned_data["council"], f.cleaned_data["percent"]) for f in self.forms
                if f.cleaned_data.get("council")]


ShareFormSet = forms.formset_factory(ShareForm, formset=BaseShareFormSet, extra=0, max_num=32, absolute_max=32)


class RealisationForm(forms.ModelForm):
    evidence_link = forms.URLField(label=_("Evidence link"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = BenefitRealisation
        fields = ["council", "recorded_on", "value", "grade", "evidence_note", "evidence_file", "evidence_link"]
        widgets = {"recorded_on": DateInput, "evidence_note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"grade": _("Estimated, or evidenced with a note and a file or link. Only the Digital Office "
                                 "marks a realisation audited.")}

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils
        self.fields["grade"].choices = [
            c for c in self.fields["grade"].choices if c[0] != BenefitRealisation.Grade.AUDITED]


class BenefitStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Benefit.Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required when the benefit is abandoned."))
    superseded_by = forms.ModelChoiceField(label=_("Superseded by"), queryset=Benefit.objects.none(),
                                           required=False, empty_label=_("Choose the benefit that replaces it"))

    def __init__(self, *args, benefit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["superseded_by"].queryset = Benefit.objects.exclude(pk=benefit.pk).select_related(
            "initiative").order_by("initiative__reference", "title")
        self.fields["superseded_by"].label_from_instance = lambda b: f"{b.initiative.reference} {b.title}"
