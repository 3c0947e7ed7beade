from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, SpreadsheetField

from .models import Council, FundingAgreement, financial_year_label
from .services import ImportKind

FIRST_FINANCIAL_YEAR = 2010


def financial_year_choices():
    last = timezone.localdate().year + 6
    return [("", _("Choose a financial year"))] + [
        (year, financial_year_label(year)) for year in range(FIRST_FINANCIAL_YEAR, last)
    ]


class FinancialYearField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=financial_year_choices, coerce=int, empty_value=None, **kwargs)


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    first_year = FinancialYearField(label=_("First financial year"))
    last_year = FinancialYearField(label=_("Last financial year"))
    budget = forms.DecimalField(label=_("Pooled budget (£)"), min_value=0, max_digits=14, decimal_places=2,
                                help_text=_("In pounds, for example 1500000"))


class ContributionForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_("Funding agreement"), queryset=FundingAgreement.objects.all(),
                                       empty_label=_("Choose an agreement"))
    council = forms.ModelChoiceField(label=_("Council"), queryset=Council.objects.all(),
                                     empty_label=_("Choose a council"))
    financial_year = FinancialYearField(label=_("Financial year"))
    amount_due = forms.DecimalField(label=_("Amount due (£)"), min_value=0, max_digits=12, decimal_places=2,
                                    help_text=_("In pounds, for example 25000"))
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=50, required=False)
    invoice_date = forms.DateField(label=_("Invoice date"), widget=DateInput, required=False,
                                   help_text=_("The contribution shows as invoiced from this date."))
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # a contribution keeps its agreement, council and year
            for name in ("agreement", "council", "financial_year"):
                self.fields[name].disabled = True


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount paid (£)"), min_value=0.01, max_digits=12, decimal_places=2,
                                help_text=_("In pounds, for example 12500.50"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("The remittance or bank reference, if there is one."))


class ImportForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_("Funding agreement"), queryset=FundingAgreement.objects.all(),
                                       empty_label=_("Choose an agreement"))
    kind = forms.ChoiceField(label=_("What does the file hold?"), choices=ImportKind.CHOICES, widget=forms.RadioSelect)
    file = SpreadsheetField(
        label=_("File"),
        help_text=_("A CSV file (.csv) or an Excel workbook (.xlsx), up to 1 MB, with the columns of the template."),
    )
