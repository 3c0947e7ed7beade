"""What every form of the portal shares: putting a service's errors on a form, the date input, spreadsheet uploads,
the filters a list shows."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .imports import MAX_UPLOAD_BYTES, is_spreadsheet_name


class DateInput(forms.DateInput):
    """The browser's date picker, with the value written as it expects (YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def apply_errors(form, error: ValidationError, *, renamed: dict | None = None):
    """Put a service's ValidationError on the form: by field where it names one the form shows (and may change),
    else at the top. `renamed` maps a model field to the form field that edits it (expiry_date -> expires_on)."""
    renamed = renamed or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.error_dict.items():
        name = renamed.get(name, name)
        field = form.fields.get(name)
        form.add_error(name if field is not None and not field.disabled else None, errors)


class SpreadsheetField(forms.FileField):
    """An uploaded CSV file or Excel workbook for an import (core.imports), refused early if it cannot be one."""

    default_help_text = _("A CSV file (.csv) or an Excel workbook (.xlsx), up to 1 MB.")

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and not is_spreadsheet_name(upload.name):
            raise forms.ValidationError(_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB: split it into smaller files."))
        return upload


class ImportConfirmForm(forms.Form):
    """Confirms the preview of an import: the stashed file (token), and what the person saw it would do (plan)."""

    token = forms.CharField(widget=forms.HiddenInput)
    plan = forms.CharField(widget=forms.HiddenInput)


@dataclass(frozen=True)
class AppliedFilter:
    """One filter a list is showing, and the query string of the same list without it."""

    label: str
    value: str
    remove_query: str


def applied_filters(form, query, *, ignored=("ordering", "page", "export")) -> list[AppliedFilter]:
    """The filters applied to a list, one per value (each stage ticked is one), for removable tags.

    `form` is the bound filter form (a django-filter FilterSet's form, validated); `query` the request's GET.
    """
    if not form.is_bound or not form.is_valid():
        return []
    applied = []
    for name, field in form.fields.items():
        if name in ignored:
            continue
        raw = query.getlist(name)
        values = [value for value in raw if value not in ("", None)]
        if not values:
            continue
        choices = {str(key): label for key, label in getattr(field, "choices", [])}
        for value in values:
            shown = choices.get(str(value), value)
            remaining = query.copy()
            remaining.setlist(name, [v for v in raw if v != value])
            for key in ignored:
                if key != "ordering":  # removing a filter keeps the sort, and starts again at page 1
                    remaining.pop(key, None)
            applied.append(AppliedFilter(str(field.label), str(shown), remaining.urlencode()))
    return applied
