"""Who a person is in the portal (docs/design.md §3). Every permission check starts from here."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class Role:
    DIGITAL_OFFICE = "digital_office"
    COUNCIL_EDITOR = "council_editor"
    COUNCIL_VIEWER = "council_viewer"
    PARTNER = "partner"
    NONE = "none"

    LABELS = {
        DIGITAL_OFFICE: _("Digital Office staff"),
        COUNCIL_EDITOR: _("Council editor"),
        COUNCIL_VIEWER: _("Council viewer"),
        PARTNER: _("Partner user"),
        NONE: _("No role yet"),
    }


@dataclass(frozen=True)
class Identity:
    role: str
    organisation: object | None

    @property
    def role_label(self):
        return Role.LABELS[self.role]

    @property
    def organisation_name(self):
        if self.role == Role.DIGITAL_OFFICE:
            return _("Digital Office for Scottish Local Government")
        return self.organisation.name if self.organisation else ""


def role_of(user) -> str:
    if not user or not user.is_authenticated:
        return Role.NONE
    if user.is_digital_office_staff:
        return Role.DIGITAL_OFFICE
    if user.council_id and user.council_role == "editor":
        return Role.COUNCIL_EDITOR
    if user.council_id and user.council_role == "viewer":
        return Role.COUNCIL_VIEWER
    if user.partner_id:
        return Role.PARTNER
    return Role.NONE


# The User model's council_role for each council role, and back.
COUNCIL_ROLE_FIELD = {Role.COUNCIL_EDITOR: "editor", Role.COUNCIL_VIEWER: "viewer"}


def council_role_for(role) -> str:
    """What a person of `role` keeps in User.council_role ("" unless they are council staff)."""
    return COUNCIL_ROLE_FIELD.get(role, "")


def role_label(user) -> str:
    """A person's role in words ("Council editor"), the one label every page and message uses."""
    return Role.LABELS[role_of(user)]


def lead_label(*, council) -> str:
    """What a lead is called: a council's "digital lead", a partner's "lead"."""
    return _("digital lead") if council else _("lead")


def role_description(*, role, council=None, partner=None, is_lead=False) -> str:
    """ "Council editor, Glasgow City Council (digital lead)": a role in words, for e-mails and the record."""
    text = str(Role.LABELS[role])
    organisation = council or partner
    if organisation is not None:
        text = f"{text}, {organisation}"
    if is_lead:
        text = f"{text} ({lead_label(council=council)})"
    return text


def person_role_description(person) -> str:
    """A person's role as it stands now, in words (role_description)."""
    return role_description(role=role_of(person), council=person.council, partner=person.partner,
                            is_lead=person.is_lead)


def identity_of(user) -> Identity:
    role = role_of(user)
    organisation = None
    if role in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        organisation = user.council
    elif role == Role.PARTNER:
        organisation = user.partner
    return Identity(role=role, organisation=organisation)


def second_factor_verified(user) -> bool:
    """This session used a second factor: set on request.user by core.middleware.SecondFactorMiddleware."""
    return getattr(user, "second_factor_verified", False) is True


def is_digital_office(user) -> bool:
    """Digital Office staff acting as such: their session used two-factor authentication (core.second_factor).

    Staff who have not are still Digital Office staff (role_of), but may do nothing that needs the role."""
    return role_of(user) == Role.DIGITAL_OFFICE and second_factor_verified(user)


def is_council_editor_of(user, council_id) -> bool:
    return role_of(user) == Role.COUNCIL_EDITOR and user.council_id == council_id


def is_council_staff_of(user, council_id) -> bool:
    return role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER) and user.council_id == council_id
