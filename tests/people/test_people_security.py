"""People and access against a determined insider (issue 20, findings 4-7 and 10): invitations that die with their
maker, one service for deactivation and demotion whatever the door, invitation limits, an invite form that tells a
lead nothing about other organisations' addresses, and the team page's single sign-on checkbox."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from core import services as core_services
from core.models import PartnerAPIKey, User
from core.policies import SYSTEM
from councils.models import Council, PartnerOrganisation
from people import services as people_services
from people.models import AccessEvent, Invitation
from tests.conftest import signed_in_with_two_factor

from .test_people import (  # noqa: F401 (autouse: the e-mails' task runs at once)
    CDO,
    FIFE_EDITOR,
    LEAD,
    PARTNER,
    VIEWER,
    committed_at_once,
    invite,
    link_in,
    mail_worker,
    signed_in,
)

pytestmark = pytest.mark.django_db


def accept(link, password="a-long-pass-phrase-2026"):
    path = link.replace("http://127.0.0.1:8000", "")
    return Client().post(path, {"full_name": "Private Person", "password1": password, "password2": password})


def lead_invites_private_address():
    lead_client = signed_in(LEAD)
    assert invite(lead_client, email="someone.private@example.com", role="council_editor").status_code == 302
    return Invitation.objects.get(email="someone.private@example.com"), link_in(mail.outbox[-1])


def test_a_deactivated_leads_invitations_are_withdrawn_and_their_links_refused(demo_data):
    """Finding 4: the link of a lead deactivated by the CDO still made an active Glasgow editor."""
    invitation, link = lead_invites_private_address()
    lead = User.objects.get(email=LEAD)
    assert signed_in(CDO).post(f"/people/{lead.pk}/deactivate/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None and invitation.withdrawn_by.email == CDO
    assert AccessEvent.objects.filter(kind="invitation_withdrawn", email=invitation.email).exists()
    response = accept(link)
    assert response.status_code != 302
    assert not User.objects.filter(email="someone.private@example.com").exists()


def test_a_demoted_leads_invitations_are_withdrawn(demo_data):
    invitation, link = lead_invites_private_address()
    lead = User.objects.get(email=LEAD)
    assert signed_in(CDO).post(f"/people/{lead.pk}/", {"council_role": "editor"}).status_code == 302  # not lead
    assert not User.objects.get(pk=lead.pk).is_lead
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    assert accept(link).status_code != 302 and not User.objects.filter(email=invitation.email).exists()


def test_acceptance_checks_again_that_the_inviter_may_still_invite(demo_data):
    """Even if the inviter lost the right some other way (a bulk change), the link no longer makes the account."""
    invitation, link = lead_invites_private_address()
    User.objects.filter(email=LEAD).update(is_lead=False)
    assert accept(link).status_code != 302
    assert not User.objects.filter(email=invitation.email).exists()


def admin_change(client, person, **changes):
    """Post the admin site's user change form for `person` with its current values and `changes` (the CDO made an
    admin-site user); returns the response, checked to be the form's success."""
    data = {
        "email": person.email, "full_name": person.full_name, "job_title": person.job_title,
        "council": person.council_id or "", "council_role": person.council_role, "partner": person.partner_id or "",
        "last_login_0": "", "last_login_1": "", "date_joined_0": person.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
    }
    for flag in ("is_digital_office_staff", "is_active", "is_staff", "is_superuser"):
        if getattr(person, flag):
            data[flag] = "on"
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    response = client.post(f"/admin/core/user/{person.pk}/change/", data)
    assert response.status_code == 302 and response["Location"] == "/admin/core/user/", (
        response.get("Location"), response.content.decode()[:3000])
    return response


@pytest.fixture
def admin_cdo(demo_data):
    User.objects.filter(email=CDO).update(is_staff=True, is_superuser=True)
    return signed_in(CDO)


def test_deactivation_in_the_admin_site_revokes_keys_withdraws_invitations_and_writes_the_record(admin_cdo):
    """Finding 5: unticking is_active in the admin site left the person's API key answering 200, unrecorded."""
    partner_lead = User.objects.get(email=PARTNER)
    User.objects.filter(pk=partner_lead.pk).update(is_lead=True)
    partner = PartnerOrganisation.objects.get(slug="scottish-government")
    key, text = core_services.key_create(user=SYSTEM, partner=partner, name="Lead's key", scopes=["initiatives:read"])
    PartnerAPIKey.objects.filter(pk=key.pk).update(created_by=partner_lead)
    people_services.invitation_create(user=User.objects.get(pk=partner_lead.pk), email="colleague@example.org",
                                    role="partner", partner=partner)
    open_session = signed_in(PARTNER)
    assert open_session.get("/").status_code == 200
    assert Client().get("/api/v1/initiatives/", HTTP_AUTHORIZATION=f"Api-Key {text}").status_code == 200

    admin_change(admin_cdo, User.objects.get(pk=partner_lead.pk), is_active=False)
    person = User.objects.get(pk=partner_lead.pk)
    assert not person.is_active and person.deactivated_at is not None
    assert Client().get("/api/v1/initiatives/", HTTP_AUTHORIZATION=f"Api-Key {text}").status_code in (401, 403)
    assert Invitation.objects.get(email="colleague@example.org").withdrawn_at is not None
    event = AccessEvent.objects.get(kind="deactivated", person=person)
    assert event.actor.email == CDO and "1 partner API key" in event.summary
    assert open_session.get("/").status_code == 302


def test_a_demotion_in_the_admin_site_ends_the_persons_sessions_and_is_recorded(admin_cdo):
    editor = User.objects.get(email=FIFE_EDITOR)
    open_session = signed_in(FIFE_EDITOR)
    assert open_session.get("/").status_code == 200
    admin_change(admin_cdo, editor, council_role="viewer")
    assert User.objects.get(pk=editor.pk).council_role == "viewer"
    assert AccessEvent.objects.filter(kind="role_changed", person=editor, actor__email=CDO).exists()
    after = open_session.get("/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/login/")


def test_the_command_line_deactivates_through_the_same_service(demo_data):
    invitation, _link = lead_invites_private_address()
    call_command("person_deactivate", LEAD)
    assert not User.objects.get(email=LEAD).is_active
    assert Invitation.objects.get(pk=invitation.pk).withdrawn_at is not None
    assert AccessEvent.objects.filter(kind="deactivated", person__email=LEAD, actor=None).exists()


def test_resends_and_new_invitations_are_limited(demo_data, settings):
    """Finding 6: 25 resends in 4.4 s sent 26 e-mails; 20 new invitations in a row were all sent."""
    settings.INVITATION_SENDS_PER_HOUR = 3
    already = AccessEvent.objects.filter(kind="invited", actor__email=LEAD).count()  # the demo's invitation
    settings.INVITATIONS_PER_INVITER_PER_DAY = already + 4
    lead_client = signed_in(LEAD)
    assert invite(lead_client, email="once@example.com").status_code == 302
    invitation = Invitation.objects.get(email="once@example.com")
    sent = len(mail.outbox)
    for _attempt in range(5):
        lead_client.post(f"/people/invitations/{invitation.pk}/resend/")
    assert len(mail.outbox) - sent == 2  # three in the hour, the first send included
    page = lead_client.post(f"/people/invitations/{invitation.pk}/resend/", follow=True).content.decode()
    assert "wait an hour before sending it again" in page

    for number in range(3):
        assert invite(lead_client, email=f"new{number}@example.com").status_code == 302
    refused = invite(lead_client, email="one-too-many@example.com")
    assert refused.status_code == 200 and "the most allowed" in refused.content.decode()
    assert not Invitation.objects.filter(email="one-too-many@example.com").exists()


@pytest.mark.parametrize("name, why", [
    ("URGENT\nsign in at https://evil.example/login", "Write the name on one line."),
    ("Sign in at https://evil.example/login", "no web or e-mail addresses"),
    ("Visit evil.example/login now", "no web or e-mail addresses"),
    ("Ask admin@evil.example", "no web or e-mail addresses"),
])
def test_the_invited_name_is_one_line_without_links(demo_data, name, why):
    response = invite(signed_in(LEAD), email="named@example.com", full_name=name)
    assert response.status_code == 200
    assert why in response.content.decode()
    assert not Invitation.objects.filter(email="named@example.com").exists() and not mail.outbox


def test_an_ordinary_name_is_accepted(demo_data):
    assert invite(signed_in(LEAD), email="named@example.com", full_name="Mary-Jane O'Neil Jr.").status_code == 302


@pytest.mark.parametrize("email", [
    CDO, FIFE_EDITOR, PARTNER,  # the office, another council, a partner: accounts
    "f@fife.gov.uk",  # another council's open invitation
    "gone@fife.gov.uk",  # another council's deactivated account
])
def test_the_invite_form_tells_a_lead_nothing_about_addresses_outside_their_council(demo_data, email):
    """Finding 7: "already has an account", "was deactivated", "has already been invited" for every address."""
    fife = Council.objects.get(gss_code="S12000047")
    office = signed_in_with_two_factor(User.objects.get(email=CDO))
    people_services.invitation_create(user=office, email="f@fife.gov.uk", role="council_viewer", council=fife)
    gone = User.objects.create_user(email="gone@fife.gov.uk", council=fife, council_role="viewer")
    people_services.person_deactivate(user=office, person=gone)
    text = invite(signed_in(LEAD), email=email).content.decode()
    assert "This address cannot be invited from here" in text
    for revealing in ("already has an account", "was deactivated", "has already been invited"):
        assert revealing not in text


def test_the_invite_form_still_tells_a_lead_about_their_own_councils_addresses(demo_data):
    text = invite(signed_in(LEAD), email=VIEWER).content.decode()
    assert "already has an account" in text


def test_the_team_pages_single_sign_on_checkbox_says_what_it_does(demo_data):
    """Finding 10: the checkbox was labelled "Open invitations to Glasgow City" (a template variable leaked)."""
    glasgow = Council.objects.get(gss_code="S12000049")
    page = signed_in(LEAD).get(f"/people/councils/{glasgow.slug}/").content.decode()
    label = re.search(r'<label class="ds_checkbox__label[^"]*" for="id_allowed">([^<]+)</label>', page)
    assert label is not None, page
    assert label.group(1).strip() == (
        "Let people from the council&#x27;s e-mail domains join as viewers without an invitation")
