"""People and access pages: invitations, each council's and partner's team, a person's role and deactivation, the
access record, single sign-on's e-mail domains, and accepting an invitation. Parse input, call one service or
selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import policies as core_policies
from core import selectors as core_selectors
from core.forms import apply_errors
from core.roles import Role, role_description, role_of
from councils.models import Council, PartnerOrganisation

from . import policies, selectors, services
from .forms import AcceptInvitationForm, EmailDomainForm, InvitationForm, RoleForm, SSOViewersForm
from .models import Invitation

SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _team_url(*, council=None, partner=None):
    if council is not None:
        return reverse("people:council_team", kwargs={"slug": council.slug})
    if partner is not None:
        return reverse("people:partner_team", kwargs={"slug": partner.slug})
    return reverse("people:index")


def _own_team_url(user):
    return _team_url(council=user.council if user.council_id else None,
                     partner=user.partner if user.partner_id else None)


def index(request):
    """Digital Office staff: every organisation's team, the office's own people and the open invitations. A lead
    goes to their own organisation's team."""
    user = request.user
    if not core_policies.is_digital_office(user):
        if core_policies.is_lead(user):
            return redirect(_own_team_url(user))
        raise PermissionDenied(_("Only Digital Office staff and digital leads manage people."))
    return render(request, "people/index.html", {
        "councils": selectors.councils_with_sso(),
        "partners": selectors.partners_list(),
        "people": core_selectors.people(office=True),
        "invitations": selectors.invitations(),
    })


def invite(request):
    if not core_policies.can_manage_people(request.user):
        raise PermissionDenied(_("Only Digital Office staff and digital leads invite people."))
    initial = {}
    if request.method == "GET" and request.GET.get("council"):
        initial["council"] = Council.objects.filter(slug=request.GET["council"]).first()
        initial["role"] = Role.COUNCIL_VIEWER
    if request.method == "GET" and request.GET.get("partner"):
        initial["partner"] = PartnerOrganisation.objects.filter(slug=request.GET["partner"]).first()
        initial["role"] = Role.PARTNER
    form = InvitationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, token = services.invitation_create(
                user=request.user, email=data["email"], full_name=data["full_name"], role=data["role"],
                council=data.get("council"), partner=data.get("partner"), is_lead=data.get("is_lead", False),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _say_what_became_of_the_mail(request, invitation, token)
            return redirect(_team_url(council=invitation.council, partner=invitation.partner))
    return render(request, "people/invite.html", {"form": form})


def _say_what_became_of_the_mail(request, invitation, token, *, again=False):
    """Sent, sent later (the task keeps trying), or not sent: then the inviter is given the link to pass on."""
    status = selectors.invitation_mail_status(invitation_id=invitation.pk)
    values = {"email": invitation.email, "days": settings.INVITATION_VALID_DAYS}
    if status == Invitation.Mail.FAILED:
        messages.warning(request, _(
            "The invitation to %(email)s is made, but its e-mail could not be sent: tell the person the link "
            "%(link)s yourself. It works once, for %(days)s days.") % {
            **values, "link": services.invitation_link(token)}, extra_tags="banner")
    elif status == Invitation.Mail.SENT:
        text = (_("Invitation sent again to %(email)s, with a new link; the old one no longer works.") if again
                else _("Invitation sent to %(email)s. The link works once, for %(days)s days."))
        messages.success(request, text % values, extra_tags="banner")
    else:
        messages.success(request, _(
            "The invitation to %(email)s is made; its e-mail will be sent later (the mail server is being tried "
            "again). The list of open invitations says when it has gone. The link works once, for %(days)s days."
        ) % values, extra_tags="banner")


@require_POST
def invitation_resend(request, pk):
    invitation = selectors.team_of_invitation(user=request.user, pk=pk)
    try:
        token = services.invitation_resend(user=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _say_what_became_of_the_mail(request, invitation, token, again=True)
    return redirect(_team_url(council=invitation.council, partner=invitation.partner))


@require_POST
def invitation_withdraw(request, pk):
    invitation = selectors.team_of_invitation(user=request.user, pk=pk)
    try:
        services.invitation_withdraw(user=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Invitation to %(email)s withdrawn: its link no longer works.") % {
            "email": invitation.email})
    return redirect(_team_url(council=invitation.council, partner=invitation.partner))


def _team_page(request, *, council=None, partner=None):
    ids = {"council_id": council.pk} if council else {"partner_id": partner.pk}
    context = {
        "council": council, "partner": partner, "organisation": council or partner,
        "people": core_selectors.people(**ids),
        "invitations": selectors.invitations(**ids),
        "events": selectors.access_events(**ids, limit=10),
        "can_invite": core_policies.can_manage_people(request.user),
    }
    if council is not None:
        context["domains"] = council.email_domains.all()
        if policies.can_set_sso_viewers(request.user, council_id=council.pk):
            context["sso_form"] = SSOViewersForm(initial={"allowed": council.sso_creates_viewers})
    return render(request, "people/team.html", context)


def council_team(request, slug):
    return _team_page(request, council=selectors.team_council(user=request.user, slug=slug))


def partner_team(request, slug):
    return _team_page(request, partner=selectors.team_partner(user=request.user, slug=slug))


@require_POST
def council_sso(request, slug):
    council = selectors.team_council(user=request.user, slug=slug)
    form = SSOViewersForm(request.POST)
    form.is_valid()
    services.council_set_sso_viewers(user=request.user, council=council, allowed=form.cleaned_data["allowed"])
    messages.success(request, _("Single sign-on setting saved."))
    return redirect(_team_url(council=council))


def person(request, pk):
    """A person: their role (which a lead or Digital Office staff may change) and deactivation."""
    someone = selectors.team_of_person(user=request.user, pk=pk)
    may_manage = core_policies.can_manage_person(request.user, someone)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied(_("You may not change this person's role."))
    may_set_lead = core_policies.is_digital_office(request.user) and role_of(someone) in (
        Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER, Role.PARTNER)
    initial = {"council_role": someone.council_role, "is_lead": someone.is_lead}
    form = RoleForm(request.POST or None, person=someone, may_set_lead=may_set_lead, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_set_role(
                user=request.user, person=someone,
                council_role=form.cleaned_data.get("council_role", ""),
                is_lead=form.cleaned_data.get("is_lead", False) if may_set_lead else someone.is_lead,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s's role is saved.") % {"name": someone})
            return redirect("people:person", pk=someone.pk)
    return render(request, "people/person.html", {
        "person": someone, "form": form if may_manage and someone.is_active and len(form.fields) else None,
        "may_manage": may_manage, "team_url": _team_url(council=someone.council, partner=someone.partner),
        "events": selectors.access_events(person=someone, limit=50) if may_manage else [],
    })


def person_deactivate(request, pk):
    someone = selectors.team_of_person(user=request.user, pk=pk)
    if not core_policies.can_manage_person(request.user, someone):
        raise PermissionDenied(_("You may not deactivate this person."))
    if request.method == "POST":
        revoked = services.person_deactivate(user=request.user, person=someone, request=request)
        text = _("%(name)s is deactivated: they are signed out and cannot sign in again.") % {"name": someone}
        if revoked:
            text += " " + _("%(count)s partner API key(s) they made are revoked.") % {"count": revoked}
        messages.success(request, text, extra_tags="banner")
        return redirect(_team_url(council=someone.council, partner=someone.partner))
    return render(request, "people/deactivate.html", {
        "person": someone, "team_url": _team_url(council=someone.council, partner=someone.partner),
    })


def access_record(request):
    """Digital Office staff: the whole record (or one council's); a lead: their own organisation's."""
    user = request.user
    council = None
    if core_policies.is_digital_office(user):
        slug = request.GET.get("council")
        council = get_object_or_404(Council, slug=slug) if slug else None
        events = selectors.access_events(council_id=council.pk if council else None)
    elif core_policies.is_lead(user):
        ids = {"council_id": user.council_id} if user.council_id else {"partner_id": user.partner_id}
        if not core_policies.can_read_access_record(user, **ids):
            raise PermissionDenied
        council = user.council
        events = selectors.access_events(**ids)
    else:
        raise PermissionDenied(_("The access record is for Digital Office staff and digital leads."))
    return render(request, "people/record.html", {"events": events, "council": council,
                                                  "organisation": council or user.partner})


def domains(request):
    if not policies.can_manage_email_domains(request.user):
        raise PermissionDenied(_("Only Digital Office staff map e-mail domains to councils."))
    form = EmailDomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.email_domain_add(user=request.user, domain=data["domain"], council=data["council"],
                                               tenant_id=data["tenant_id"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(domain)s now belongs to %(council)s.") % {
                "domain": record.domain, "council": record.council})
            return redirect("people:domains")
    return render(request, "people/domains.html", {
        "form": form, "domains": selectors.email_domains(), "sso_on": bool(settings.SOCIALACCOUNT_PROVIDERS),
        "contact_email": settings.PEOPLE_CONTACT_EMAIL,
    })


@require_POST
def domain_delete(request, pk):
    if not policies.can_manage_email_domains(request.user):
        raise PermissionDenied(_("Only Digital Office staff map e-mail domains to councils."))
    record = get_object_or_404(selectors.email_domains(), pk=pk)
    services.email_domain_remove(user=request.user, record=record)
    messages.success(request, _("%(domain)s is no longer mapped to a council.") % {"domain": record.domain})
    return redirect("people:domains")


# -- accepting an invitation (the e-mailed link) -----------------------------------------------------------------

REFUSALS = {
    "unknown": 404,
    "accepted": 410,
    "withdrawn": 410,
    "expired": 410,
    "account_exists": 410,
}


def _refused(request, reason, invitation=None):
    return render(request, "people/invitation_refused.html", {
        "reason": reason, "invitation": invitation, "contact_email": settings.PEOPLE_CONTACT_EMAIL,
    }, status=REFUSALS[reason])


@login_not_required
def accept(request, token):
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        return _refused(request, "unknown")
    if invitation.state != invitation.State.PENDING:
        return _refused(request, invitation.state, invitation)
    if request.user.is_authenticated:
        return render(request, "people/accept_signed_in.html", {"invitation": invitation})
    form = AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.invitation_accept(
                token=token, password=form.cleaned_data["password1"], full_name=form.cleaned_data["full_name"],
            )
        except services.InvitationRefused as refusal:
            return _refused(request, refusal.reason, refusal.invitation)
        except ValidationError as error:
            apply_errors(form, error, renamed={"password": "password1", "__all__": "password1"})
        else:
            login(request, person, backend=SIGN_IN_BACKEND)
            messages.success(request, _("Welcome to the portal: your account is ready."))
            return redirect("home")
    return render(request, "people/accept.html", {
        "form": form, "invitation": invitation,
        "role": role_description(role=invitation.role, council=invitation.council,
                                               partner=invitation.partner, is_lead=invitation.is_lead),
        "needs_two_factor": invitation.role == Role.DIGITAL_OFFICE,
    })
