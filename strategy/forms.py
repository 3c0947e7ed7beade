from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, SpreadsheetField
from councils import selectors as councils_selectors

from .models import MaturityDimension, MaturityLevel, Measure, Outcome


class MeasureForm(forms.Form):
    outcome = forms.ModelChoiceField(
        label=_("Outcome"), queryset=Outcome.objects.order_by("number"), empty_label=_("Choose an outcome")
    )
    title = forms.CharField(
        label=_("Title"), max_length=200,
        help_text=_("What is measured, for example “Share of transactions completed online”."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  help_text=_("How it is measured, and where the figures come from."))
    unit = forms.CharField(label=_("Unit"), max_length=50, help_text=_("For example %, £, people or services."))
    baseline = forms.DecimalField(
        label=_("Baseline"), max_digits=14, decimal_places=2, help_text=_("The value when measuring began.")
    )
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)
    target_date = forms.DateField(label=_("Target date"), widget=DateInput)
    higher_is_better = forms.TypedChoiceField(
        label=_("Which direction is better?"), widget=forms.RadioSelect, coerce=lambda value: value == "True",
        choices=[(True, _("Higher is better")), (False, _("Lower is better"))],
    )

    @classmethod
    def initial_from(cls, measure: Measure) -> dict:
        return {name: getattr(measure, name) for name in cls.base_fields}


class ReadingForm(forms.Form):
    council = forms.ModelChoiceField(
        label=_("Whose reading is it?"), queryset=councils_selectors.council_list(), required=False,
        empty_label=_("The whole sector (all councils)"),
    )
    taken_on = forms.DateField(label=_("Date of the reading"), widget=DateInput)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, help_text=_("For example the source of the figure.")
    )

    def __init__(self, *args, unit="", **kwargs):
        super().__init__(*args, **kwargs)
        if unit:
            self.fields["value"].help_text = _("In %(unit)s.") % {"unit": unit}


class ReadingsImportForm(forms.Form):
    file = SpreadsheetField(
        label=_("File of readings"),
        help_text=_("A CSV file (.csv) or an Excel workbook (.xlsx), up to 1 MB: a first row naming the columns "
                    "date, council, value and note, then one reading per row. Council as a GSS code or name, "
                    "or empty for the whole sector."),
    )


class AssessmentForm(forms.Form):
    """An assessment: council and date, a level for every dimension (the dimensions are data), overall level, notes."""

    council = forms.ModelChoiceField(
        label=_("Council"), queryset=councils_selectors.council_list(), empty_label=_("Choose a council")
    )
    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DateInput)

    def __init__(self, *args, dimensions, levels, council_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = list(dimensions)
        level_queryset = MaturityLevel.objects.order_by("rank")
        for dimension in self.dimensions:
            hint = dimension.description  # field.html escapes hints
            if dimension.is_placeholder:
                hint = _("Placeholder name: the Digital Office can rename it.")
            self.fields[self.dimension_field(dimension)] = forms.ModelChoiceField(
                label=dimension.name, queryset=level_queryset, empty_label=_("Choose a level"), help_text=hint,
            )
        self.fields["overall_level"] = forms.ModelChoiceField(
            label=_("Overall level"), queryset=level_queryset, empty_label=_("Choose a level"),
        )
        self.fields["notes"] = forms.CharField(
            label=_("Notes"), widget=forms.Textarea(attrs={"rows": 5}), required=False
        )
        if council_locked:
            self.fields["council"].disabled = True

    @staticmethod
    def dimension_field(dimension) -> str:
        return f"dimension_{dimension.pk}"

    def levels(self) -> dict:
        return {dimension: self.cleaned_data[self.dimension_field(dimension)] for dimension in self.dimensions}

    @classmethod
    def initial_from(cls, assessment) -> dict:
        initial = {"council": assessment.council, "assessed_on": assessment.assessed_on,
                   "overall_level": assessment.overall_level, "notes": assessment.notes}
        for score in assessment.scores.all():
            initial[f"dimension_{score.dimension_id}"] = score.level_id
        return initial


class DimensionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0,
                               help_text=_("Dimensions are listed from the lowest number to the highest."))

    @staticmethod
    def initial_from(dimension: MaturityDimension) -> dict:
        return {"name": dimension.name, "description": dimension.description, "order": dimension.order}


class LevelForm(forms.Form):
    rank = forms.IntegerField(label=_("Rank"), min_value=1, max_value=32767, help_text=_("1 is the least mature."))
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    @staticmethod
    def initial_from(level: MaturityLevel) -> dict:
        return {"rank": level.rank, "name": level.name, "description": level.description}


class ThresholdForm(forms.Form):
    level = forms.ModelChoiceField(
        label=_("From which overall level is a council a digital business?"),
        queryset=MaturityLevel.objects.order_by("rank"), widget=forms.RadioSelect, empty_label=None,
        help_text=_("A council whose latest assessment in a year reaches this level, or a higher one, "
                    "counts as a digital business that year."),
    )
