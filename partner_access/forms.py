from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.scopes import SCOPE_CHOICES
from councils import selectors as councils_selectors

from .models import WebhookEvent


class KeyForm(forms.Form):
    """Shares its page with WebhookForm: the ids of its fields start key- so no id is on the page twice."""

    partner = forms.ModelChoiceField(label=_("Partner organisation"), queryset=councils_selectors.partner_list())
    name = forms.CharField(
        label=_("Name"), max_length=50, help_text=_("To recognise the key by, e.g. “Data warehouse 2026”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple,
        help_text=_("What the key may read. Give only what the partner needs."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=DateInput,
        help_text=_("The last day the key works (UK time). Leave empty for no expiry."),
    )
    rate_limit = forms.CharField(
        label=_("Rate limit"), required=False, max_length=20,
        help_text=_("For example 1200/min. Leave empty for the default rate."),
    )

    def __init__(self, *args, partner=None, granted=None, **kwargs):
        """For a partner organisation's lead (`partner` given): their organisation's key, a choice of the scopes
        the office granted it (`granted`), at the default rate."""
        kwargs.setdefault("auto_id", "key-%s")
        super().__init__(*args, **kwargs)
        if partner is not None:
            del self.fields["partner"], self.fields["rate_limit"]
            self.fields["scopes"].choices = [(scope, label) for scope, label in SCOPE_CHOICES if scope in granted]
            self.fields["scopes"].help_text = _("What the key may read: the scopes the Digital Office granted your "
                                                "organisation. Give only what the system using it needs.")
            self.initial["partner"] = partner


class GrantForm(forms.Form):
    """The scopes a partner organisation's leads may give its keys (the office). Ids start grant-."""

    partner = forms.ModelChoiceField(label=_("Partner organisation"), queryset=councils_selectors.partner_list())
    scopes = forms.MultipleChoiceField(
        label=_("Granted scopes"), choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("What the organisation's leads may give their own keys. Keys already made keep their scopes."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "grant-%s")
        super().__init__(*args, **kwargs)


class WebhookForm(forms.Form):
    """The ids of its fields start webhook- (see KeyForm)."""

    partner = forms.ModelChoiceField(label=_("Partner organisation"), queryset=councils_selectors.partner_list())
    url = forms.URLField(label=_("Address (https://)"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "webhook-%s")
        super().__init__(*args, **kwargs)
