"""People's forms: inviting, a person's role, e-mail domains, single sign-on viewers and accepting an invitation.
Each keeps what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.policies import invitable_roles
from core.roles import Role
from councils.models import Council, PartnerOrganisation

from .models import EmailDomain, Invitation


class InvitationForm(forms.Form):
    """Invite a person. The roles, councils and partners offered are those the inviter may invite to
    (core.policies.invitable_roles); the service checks again whatever is posted."""

    errors_name_their_field = True

    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        error_messages={"required": _("Enter the email address of the person to invite."),
                        "invalid": _("Enter an email address in the right form, like name@example.gov.uk.")},
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    role = forms.ChoiceField(
        label=_("Role"), widget=forms.RadioSelect,
        error_messages={"required": _("Choose the role the person will have.")},
    )
    council = forms.ModelChoiceField(
        label=_("Council"), queryset=Council.objects.none(), required=False, empty_label=_("Choose a council"),
        help_text=_("For council editors and viewers."),
    )
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=PartnerOrganisation.objects.none(), required=False,
        empty_label=_("Choose a partner organisation"), help_text=_("For partner users."),
    )
    is_lead = forms.BooleanField(
        label=_("Make them a lead"), required=False,
        help_text=_("A council editor or partner user who invites and manages their own organisation's people."),
    )

    def __init__(self, *args, user, **kwargs):
        """Every role, council and partner is accepted as posted, so that the service's policy decides (a lead who
        posts another council gets 403); the choices shown are only those this person may use."""
        super().__init__(*args, **kwargs)
        roles = invitable_roles(user)
        self.fields["role"].choices = list(Invitation.Role.choices)
        self.fields["role"].widget.choices = [(role, Role.LABELS[role]) for role in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]
        self.fields["council"].queryset = Council.objects.order_by("name")
        self.fields["partner"].queryset = PartnerOrganisation.objects.order_by("name")
        self.show_lead = Role.DIGITAL_OFFICE in roles
        if self.show_lead:
            return
        self.fields["is_lead"].widget = forms.HiddenInput()
        if user.council_id and Role.COUNCIL_EDITOR in roles:
            self.fields["council"].widget.choices = [(user.council_id, str(user.council))]
            self.fields["council"].initial = user.council_id
            self.fields["partner"].widget = forms.HiddenInput()
        elif user.partner_id and Role.PARTNER in roles:
            self.fields["partner"].widget.choices = [(user.partner_id, str(user.partner))]
            self.fields["partner"].initial = user.partner_id
            self.fields["council"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER) and not data.get("council"):
            self.add_error("council", _("Choose the council the person will work for."))
        if role == Role.PARTNER and not data.get("partner"):
            self.add_error("partner", _("Choose the partner organisation the person will work for."))
        if data.get("is_lead") and role not in (Role.COUNCIL_EDITOR, Role.PARTNER):
            self.add_error("is_lead", _("Only a council editor or a partner user can be a lead."))
        return data


class RoleForm(forms.Form):
    """A person's role within their organisation: editor or viewer of their council; lead (Digital Office only)."""

    council_role = forms.ChoiceField(
        label=_("Role"), widget=forms.RadioSelect,
        choices=[("editor", _("Editor: writes updates and keeps the registers")), ("viewer", _("Viewer: reads"))],
    )
    is_lead = forms.BooleanField(
        label=_("Lead"), required=False,
        help_text=_("Invites and manages the people of their own organisation."),
    )

    def __init__(self, *args, person, may_set_lead, **kwargs):
        super().__init__(*args, **kwargs)
        if not person.council_id:
            del self.fields["council_role"]
        if not may_set_lead:
            del self.fields["is_lead"]


class EmailDomainForm(forms.ModelForm):
    class Meta:
        model = EmailDomain
        fields = ["domain", "council", "tenant_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].help_text = _("For example glasgow.gov.uk: everyone whose address ends @glasgow.gov.uk.")
        self.fields["council"].empty_label = _("Choose a council")
        self.fields["council"].queryset = Council.objects.order_by("name")


class SSOViewersForm(forms.Form):
    allowed = forms.BooleanField(
        label=_("Let people from the council's e-mail domains join as viewers without an invitation"),
        required=False,
    )


class AcceptInvitationForm(forms.Form):
    errors_name_their_field = True

    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                error_messages={"required": _("Enter your full name.")})
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput,
        help_text=_("At least 12 characters; not a common password, nor all numbers, nor like your name or address."),
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput,
        error_messages={"required": _("Type the password again.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords are not the same: type the same password twice."))
        return data
