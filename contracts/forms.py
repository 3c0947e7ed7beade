from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, SpreadsheetField
from councils.selectors import council_list

from .models import Contract


class ContractForm(forms.ModelForm):
    council = forms.ModelChoiceField(
        label=_("Council"), queryset=council_list(), required=False,
        help_text=_("Leave empty for a Digital Office (shared service) contract."),
    )

    class Meta:
        model = Contract
        fields = [
            "council", "reference", "title", "kind", "route", "supplier_name", "supplier_company_number", "cpv_code",
            "product", "value", "value_basis", "start_date", "initial_end_date", "extension_count",
            "extension_months", "extensions_taken", "maximum_end_date", "notice_months", "review_date", "notes",
            "in_sector_view",
        ]
        widgets = {name: DateInput() for name in ("start_date", "initial_end_date", "maximum_end_date",
                                                  "review_date")}

    def __init__(self, *args, office: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not office:
            del self.fields["council"]
            del self.fields["in_sector_view"]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[c for c in Contract.Decision.choices if c[0]],
                                 widget=forms.RadioSelect)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class UseForm(forms.Form):
    council = forms.ModelChoiceField(label=_("Council"), queryset=council_list())
    end_date = forms.DateField(label=_("Its end date"), widget=DateInput())
    annual_spend = forms.DecimalField(label=_("Annual spend (£)"), min_value=0, max_digits=14, decimal_places=2)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel or OpenDocument, up to 10 MB."))


class ImportForm(forms.Form):
    file = SpreadsheetField(label=_("Spreadsheet"))
