from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Preferences, SavedView


class CommentForm(forms.Form):
    errors_name_their_field = True

    body = forms.CharField(
        label=_("Your comment"), max_length=5000, required=False,
        help_text=_("Markdown works (for example **bold** and lists). To mention someone, type @ and their e-mail "
                    "address, like @name@council.gov.uk: they are told, and must be able to see this conversation."),
        widget=forms.Textarea(attrs={"rows": 4, "class": "ds_input", "data-mentions": "true"}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PreferencesForm(forms.Form):
    frequency = forms.ChoiceField(label=_("How often we e-mail you"), choices=Preferences.Frequency.choices,
                                  widget=forms.RadioSelect)


class FollowForm(forms.Form):
    council = forms.IntegerField(required=False)
    theme = forms.IntegerField(required=False)
    initiative = forms.CharField(required=False, max_length=20)
    following = forms.BooleanField(required=False)


class SavedViewForm(forms.Form):
    errors_name_their_field = True

    name = forms.CharField(label=_("Name of the view"), max_length=80, required=False)
    sharing = forms.ChoiceField(label=_("Who sees it"), choices=SavedView.Sharing.choices, initial="private",
                                widget=forms.RadioSelect)
    page = forms.ChoiceField(choices=SavedView.Page.choices, widget=forms.HiddenInput)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, sharing_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sharing"].choices = [c for c in SavedView.Sharing.choices if c[0] in sharing_choices]


class BoardMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"),
                              error_messages={"required": _("Enter the date of the meeting."),
                                              "invalid": _("Enter a real date, for example 2027-03-27.")},
                              widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title (optional)"), max_length=120, required=False,
                            help_text=_("Leave empty for “Digital Office board meeting”."))
