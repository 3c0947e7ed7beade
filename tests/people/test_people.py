"""People and access from the outside: invitations, the link, leads' limits, teams, roles, deactivation and the access
record, as each role would meet them (hand-made requests through the test client)."""

import datetime
import re
import smtplib

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import services as core_services
from core.models import PartnerAPIKey, User
from councils.models import Council, PartnerOrganisation
from people import services as people_services
from people.models import AccessEvent, Invitation
from seeding.demo import DEMO_INVITATION_EMAIL, DEMO_INVITATION_TOKEN
from tests.conftest import mark_second_factor_used, signed_in_with_two_factor

pytestmark = pytest.mark.django_db

CDO = "cdo@demo.digitaloffice.scot"
LEAD = "editor@glasgow.demo.digitaloffice.scot"  # Glasgow's digital lead in the demo
VIEWER = "viewer@glasgow.demo.digitaloffice.scot"
FIFE_EDITOR = "editor@fife.demo.digitaloffice.scot"
PARTNER = "partner@scottish-government.demo.digitaloffice.scot"


@pytest.fixture(autouse=True)
def committed_at_once(monkeypatch):
    """The test's transaction never commits: what waits for the commit (the e-mail's task) runs at once instead,
    as it does when a request's transaction commits."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture(autouse=True)
def mail_worker(monkeypatch):
    """The invitation e-mails' task runs at once (eager), its retries too; a retry is not an error that reaches
    the request, as it is not in a worker."""
    from people import tasks

    monkeypatch.setitem(tasks.send_invitation.app.conf, "task_eager_propagates", False)


def signed_in(email, *, second_factor=True):
    client = Client()
    user = User.objects.get(email=email)
    client.force_login(user)
    if second_factor:
        mark_second_factor_used(client, user)
    return client


def link_in(message) -> str:
    return re.search(r"http://\S+/accounts/invitations/\S+/", message.body).group(0)


def invite(client, **fields):
    data = {"email": "new.person@glasgow.gov.uk", "full_name": "New Person", "role": "council_viewer",
            "council": Council.objects.get(gss_code="S12000049").pk, "partner": "", "is_lead": ""}
    data.update(fields)
    return client.post("/people/invite/", data)


@pytest.fixture
def fife():
    return Council.objects.get(gss_code="S12000047")


def test_the_demo_has_glasgows_lead_and_a_pending_invitation(demo_data):
    assert User.objects.get(email=LEAD).is_lead
    invitation = Invitation.objects.get(email=DEMO_INVITATION_EMAIL)
    assert invitation.state == Invitation.State.PENDING and invitation.created_by.email == LEAD
    response = Client().get(f"/accounts/invitations/{DEMO_INVITATION_TOKEN}/")
    assert response.status_code == 200 and b"Accept your invitation" in response.content


def test_a_lead_invites_to_their_own_council_and_the_email_carries_a_working_link(demo_data):
    response = invite(signed_in(LEAD))
    glasgow = Council.objects.get(gss_code="S12000049")
    assert response.status_code == 302 and response["Location"] == f"/people/councils/{glasgow.slug}/"
    invitation = Invitation.objects.get(email="new.person@glasgow.gov.uk")
    assert (invitation.role, invitation.council.gss_code, invitation.created_by.email) == (
        "council_viewer", "S12000049", LEAD)
    [message] = mail.outbox
    assert message.to == ["new.person@glasgow.gov.uk"] and message.reply_to == [LEAD]
    assert "Council viewer, Glasgow City" in message.body
    page = Client().get(link_in(message).replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200 and b"Council viewer" in page.content
    assert AccessEvent.objects.filter(kind="invited", email="new.person@glasgow.gov.uk", actor__email=LEAD).exists()


@pytest.mark.parametrize("fields, why", [
    ({"council": "fife"}, "another council"),
    ({"role": "digital_office", "council": ""}, "Digital Office staff"),
    ({"role": "council_editor", "is_lead": "on"}, "a lead"),
    ({"role": "partner", "council": "", "partner": "scottish-government"}, "a partner user"),
])
def test_a_lead_cannot_invite_outside_their_limits(demo_data, fields, why):
    if fields.get("council") == "fife":
        fields["council"] = Council.objects.get(gss_code="S12000047").pk
    if fields.get("partner"):
        fields["partner"] = PartnerOrganisation.objects.get(slug=fields["partner"]).pk
    response = invite(signed_in(LEAD), **fields)
    assert response.status_code == 403, why
    assert not Invitation.objects.filter(email="new.person@glasgow.gov.uk").exists()
    assert not mail.outbox


@pytest.mark.parametrize("email", [VIEWER, FIFE_EDITOR, PARTNER])
def test_viewers_editors_and_partner_users_who_are_not_leads_cannot_invite(demo_data, email):
    client = signed_in(email)
    assert client.get("/people/invite/").status_code == 403
    assert invite(client).status_code == 403
    assert invite(client, council=User.objects.get(email=email).council_id or "").status_code == 403
    assert not Invitation.objects.filter(email="new.person@glasgow.gov.uk").exists()


def test_staff_without_their_second_factor_cannot_invite(demo_data):
    response = invite(signed_in(CDO, second_factor=False), role="digital_office", council="")
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
    assert not Invitation.objects.exists() or not Invitation.objects.filter(email="new.person@glasgow.gov.uk")


def test_digital_office_staff_invite_anyone_and_an_existing_account_is_told_so(demo_data):
    client = signed_in(CDO)
    response = invite(client, email="New.Staff@DigitalOffice.example.scot", role="digital_office", council="")
    assert response.status_code == 302
    assert Invitation.objects.get(email="new.staff@digitaloffice.example.scot").role == "digital_office"
    again = invite(client, email=VIEWER)
    assert again.status_code == 200
    assert "already has an account" in again.content.decode()
    assert b"value=\"viewer@glasgow.demo.digitaloffice.scot\"" in again.content  # what was typed is kept
    twice = invite(client, email="new.staff@digitaloffice.example.scot", role="digital_office", council="")
    assert "has already been invited" in twice.content.decode()


def test_withdrawn_used_expired_and_unknown_links_are_refused_with_a_clear_page(demo_data):
    lead = signed_in_with_two_factor(User.objects.get(email=LEAD))
    glasgow = lead.council
    withdrawn, withdrawn_token = people_services.invitation_create(
        user=lead, email="w@glasgow.gov.uk", role="council_viewer", council=glasgow)
    people_services.invitation_withdraw(user=lead, invitation=withdrawn)
    response = Client().get(f"/accounts/invitations/{withdrawn_token}/")
    assert response.status_code == 410 and b"This invitation was withdrawn" in response.content

    expired, expired_token = people_services.invitation_create(
        user=lead, email="e@glasgow.gov.uk", role="council_viewer", council=glasgow)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = Client().get(f"/accounts/invitations/{expired_token}/")
    assert response.status_code == 410 and b"This invitation has expired" in response.content
    assert b"Ask the person who invited you to send it again" in response.content

    _used, used_token = people_services.invitation_create(
        user=lead, email="u@glasgow.gov.uk", role="council_viewer", council=glasgow)
    first = Client().post(f"/accounts/invitations/{used_token}/", {
        "full_name": "Una Used", "password1": "a-long-enough-passphrase", "password2": "a-long-enough-passphrase"})
    assert first.status_code == 302
    again = Client().post(f"/accounts/invitations/{used_token}/", {
        "full_name": "Someone Else", "password1": "another-long-passphrase", "password2": "another-long-passphrase"})
    assert again.status_code == 410 and b"This invitation has been used" in again.content
    assert User.objects.get(email="u@glasgow.gov.uk").full_name == "Una Used"

    response = Client().get("/accounts/invitations/not-a-real-token/")
    assert response.status_code == 404 and b"This invitation link does not work" in response.content


def test_resending_replaces_the_link_and_extends_it(demo_data):
    lead = signed_in_with_two_factor(User.objects.get(email=LEAD))
    invitation, old_token = people_services.invitation_create(
        user=lead, email="r@glasgow.gov.uk", role="council_viewer", council=lead.council)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    response = signed_in(LEAD).post(f"/people/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    assert Client().get(f"/accounts/invitations/{old_token}/").status_code == 404
    new_link = link_in(mail.outbox[-1]).replace("http://127.0.0.1:8000", "")
    assert Client().get(new_link).status_code == 200
    assert Invitation.objects.get(pk=invitation.pk).send_count == 2


def test_a_lead_cannot_touch_another_councils_invitations_or_people(demo_data, fife):
    office = signed_in_with_two_factor(User.objects.get(email=CDO))
    invitation, _token = people_services.invitation_create(
        user=office, email="f@fife.gov.uk", role="council_viewer", council=fife)
    client = signed_in(LEAD)
    assert client.post(f"/people/invitations/{invitation.pk}/withdraw/").status_code == 404
    assert client.post(f"/people/invitations/{invitation.pk}/resend/").status_code == 404
    fife_editor = User.objects.get(email=FIFE_EDITOR)
    assert client.post(f"/people/{fife_editor.pk}/deactivate/").status_code == 404
    assert client.get(f"/people/councils/{fife.slug}/").status_code == 404
    cdo = User.objects.get(email=CDO)
    assert client.post(f"/people/{cdo.pk}/deactivate/").status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).withdrawn_at is None
    assert User.objects.get(email=FIFE_EDITOR).is_active and User.objects.get(email=CDO).is_active


def test_a_lead_changes_roles_in_their_council_but_makes_no_leads(demo_data):
    viewer = User.objects.get(email=VIEWER)
    client = signed_in(LEAD)
    response = client.post(f"/people/{viewer.pk}/", {"council_role": "editor", "is_lead": "on"})
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert (viewer.council_role, viewer.is_lead) == ("editor", False)
    event = AccessEvent.objects.get(kind="role_changed", person=viewer)
    assert event.actor.email == LEAD and "Council viewer" in event.summary and "Council editor" in event.summary
    # a fellow lead is the Digital Office's to change
    User.objects.filter(pk=viewer.pk).update(is_lead=True)
    assert client.post(f"/people/{viewer.pk}/", {"council_role": "viewer"}).status_code == 403


def test_the_team_page_shows_roles_last_sign_in_and_two_factor(demo_data):
    User.objects.filter(email=VIEWER).update(last_login=timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 5)))
    glasgow = Council.objects.get(gss_code="S12000049")
    page = signed_in(CDO).get(f"/people/councils/{glasgow.slug}/").content.decode()
    assert "viewer@glasgow.demo.digitaloffice.scot" in page and "4 Mar 2026 10:05" in page
    assert "digital lead" in page and DEMO_INVITATION_EMAIL in page
    rows = page.split("<tr>")[1:]
    # Each role in core.roles' words (Role.LABELS), the lead marked as a council's "digital lead".
    lead = next(row for row in rows if f"<td>{LEAD}</td>" in row)
    viewer = next(row for row in rows if f"<td>{VIEWER}</td>" in row)
    assert "<td>Council editor · <strong>digital lead</strong></td>" in lead
    assert "<td>Council viewer</td>" in viewer
    office = signed_in(CDO).get("/people/").content.decode()
    assert CDO in office and "On" in office  # the demo staff have their authenticator


def test_the_teams_old_addresses_redirect_for_good_and_the_council_page_is_the_dashboards(demo_data):
    """Issue 21: the teams moved under /people/ (the app they belong to); bookmarks of the old addresses still work,
    and /councils/<slug>/ stays the council's page."""
    glasgow = Council.objects.get(gss_code="S12000049")
    client = signed_in(CDO)
    for old, new in [(f"/councils/{glasgow.slug}/team/", f"/people/councils/{glasgow.slug}/"),
                     ("/partners/scottish-government/team/", "/people/partners/scottish-government/")]:
        moved = client.get(old)
        assert (moved.status_code, moved["Location"]) == (301, new)
        assert client.get(new).status_code == 200
        assert client.post(old).status_code == 405  # nothing is posted to an old address
    page = client.get(f"/councils/{glasgow.slug}/")
    assert page.status_code == 200 and page.resolver_match.view_name == "dashboard:council"
    assert reverse("councils:funding_council", args=[glasgow.slug]) == f"/funding/councils/{glasgow.slug}/"


def test_deactivation_signs_out_an_open_session_and_revokes_the_keys_they_made(demo_data, client):
    cto = User.objects.get(email="cto@demo.digitaloffice.scot")
    partner = PartnerOrganisation.objects.get(slug="scottish-government")
    key, text = core_services.key_create(user=signed_in_with_two_factor(cto), partner=partner, name="CTO's key",
                                         scopes=["initiatives:read"])
    other_key, other_text = core_services.key_create(user=signed_in_with_two_factor(User.objects.get(email=CDO)),
                                                     partner=partner, name="CDO's key", scopes=["initiatives:read"])
    open_session = signed_in("cto@demo.digitaloffice.scot")
    assert open_session.get("/").status_code == 200
    assert Client().get("/api/v1/initiatives/", HTTP_AUTHORIZATION=f"Api-Key {text}").status_code == 200

    office = signed_in(CDO)
    assert office.get(f"/people/{cto.pk}/deactivate/").status_code == 200
    response = office.post(f"/people/{cto.pk}/deactivate/", follow=True)
    assert "is deactivated" in response.content.decode() and "1 partner API key" in response.content.decode()

    after = open_session.get("/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/login/")
    assert PartnerAPIKey.objects.get(pk=key.pk).revoked
    assert not PartnerAPIKey.objects.get(pk=other_key.pk).revoked
    assert Client().get("/api/v1/initiatives/", HTTP_AUTHORIZATION=f"Api-Key {text}").status_code in (401, 403)
    assert Client().get("/api/v1/initiatives/", HTTP_AUTHORIZATION=f"Api-Key {other_text}").status_code == 200
    login = Client().post("/accounts/login/", {"login": cto.email, "password": "scotland-digital-2020"})
    assert "_auth_user_id" not in login.wsgi_request.session
    cto.refresh_from_db()
    assert not cto.is_active and cto.deactivated_at is not None
    assert AccessEvent.objects.get(kind="deactivated", person=cto).actor.email == CDO


def test_the_access_record_shows_a_lead_only_their_own_council(demo_data, fife):
    office = signed_in_with_two_factor(User.objects.get(email=CDO))
    people_services.invitation_create(user=office, email="f@fife.gov.uk", role="council_viewer", council=fife)
    people_services.invitation_create(user=office, email="g@glasgow.gov.uk", role="council_viewer",
                                    council=office and Council.objects.get(gss_code="S12000049"))
    lead_view = signed_in(LEAD).get("/people/record/").content.decode()
    assert "g@glasgow.gov.uk" in lead_view and "f@fife.gov.uk" not in lead_view
    office_view = signed_in(CDO).get("/people/record/").content.decode()
    assert "g@glasgow.gov.uk" in office_view and "f@fife.gov.uk" in office_view
    assert signed_in(VIEWER).get("/people/record/").status_code == 403


def test_accepting_sets_a_password_keeps_what_was_typed_and_lands_on_home(demo_data):
    client = Client()
    url = f"/accounts/invitations/{DEMO_INVITATION_TOKEN}/"
    short = client.post(url, {"full_name": "Newcomer Name", "password1": "short", "password2": "short"})
    assert short.status_code == 200
    assert b"Newcomer Name" in short.content and b"at least 12 characters" in short.content
    done = client.post(url, {"full_name": "Newcomer Name", "password1": "a-good-long-passphrase",
                             "password2": "a-good-long-passphrase"})
    assert done.status_code == 302 and done["Location"] == "/"
    person = User.objects.get(email=DEMO_INVITATION_EMAIL)
    assert (person.council.gss_code, person.council_role) == ("S12000049", "viewer")
    assert client.get("/").status_code == 200
    assert Client().post("/accounts/login/", {"login": DEMO_INVITATION_EMAIL,
                                              "password": "a-good-long-passphrase"}).status_code == 302


def test_invited_digital_office_staff_set_up_two_factor_before_anything_else(demo_data):
    office = signed_in_with_two_factor(User.objects.get(email=CDO))
    _invitation, token = people_services.invitation_create(user=office, email="staff@digitaloffice.example.scot",
                                                         role="digital_office")
    client = Client()
    response = client.post(f"/accounts/invitations/{token}/", {
        "full_name": "New Staff", "password1": "a-good-long-passphrase", "password2": "a-good-long-passphrase"})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/accounts/2fa/totp/activate/")
    assert client.get("/people/").status_code == 302


class RefusingMailServer:
    """An EMAIL_BACKEND whose mail server is down (connection refused) or refuses the message for good."""

    error = ConnectionRefusedError(111, "Connection refused")
    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        type(self).calls += 1
        raise type(self).error


@pytest.fixture
def refusing_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    RefusingMailServer.calls = 0
    return RefusingMailServer


@pytest.mark.parametrize("error", [ConnectionRefusedError(111, "Connection refused"),
                                   smtplib.SMTPException("the server said no")])
def test_with_no_working_mail_server_the_invitation_stands_and_the_inviter_gets_the_link(
        demo_data, refusing_mail, settings, caplog, error):
    settings.MAIL_MAX_RETRIES = 2
    refusing_mail.error = error
    client = signed_in(LEAD)
    response = invite(client)
    assert response.status_code == 302  # never a 500: the action is kept
    invitation = Invitation.objects.get(email="new.person@glasgow.gov.uk")
    assert invitation.mail_status == "failed" and error.__class__.__name__ in invitation.mail_error
    # a refused connection is tried again (1 + 2 retries); a message the server refuses is not
    assert refusing_mail.calls == (3 if isinstance(error, ConnectionRefusedError) else 1)
    assert any("could not be sent" in record.getMessage() for record in caplog.records if record.levelname == "ERROR")
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "could not be sent: tell the person the link" in text
    link = re.search(r"http://\S+/accounts/invitations/[^/\s]+/", text).group(0)
    assert Client().get(link.replace("http://127.0.0.1:8000", "")).status_code == 200  # the link shown works
    assert "E-mail could not be sent" in text  # and the list of open invitations says so


def test_an_invitation_whose_mail_is_being_retried_is_shown_as_sent_later(demo_data, monkeypatch):
    from people import tasks

    monkeypatch.setattr(tasks.send_invitation, "apply_async", lambda *args, **kwargs: None)  # queued, not run yet
    client = signed_in(LEAD)
    response = invite(client)
    assert response.status_code == 302
    assert Invitation.objects.get(email="new.person@glasgow.gov.uk").mail_status == "queued"
    assert "will be sent later" in client.get(response["Location"]).content.decode()


def test_a_transient_mail_failure_is_retried_with_backoff_then_sent(demo_data, monkeypatch):
    from core import tasks

    delays = []
    real_delay = tasks.mail_retry_delay
    monkeypatch.setattr(tasks, "mail_retry_delay", lambda retries: delays.append(real_delay(retries)) or delays[-1])
    failures = iter([smtplib.SMTPServerDisconnected("gone"), ConnectionRefusedError(111, "refused")])
    real_send = mail.EmailMultiAlternatives.send

    def flaky_send(message, *args, **kwargs):
        error = next(failures, None)
        if error is not None:
            raise error
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", flaky_send)
    client = signed_in(LEAD)
    response = invite(client)
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.person@glasgow.gov.uk")
    assert invitation.mail_status == "sent" and invitation.send_count == 1
    assert len(mail.outbox) == 1
    assert len(delays) == 2 and 5 <= delays[0] <= 6 and 10 <= delays[1] <= 12  # doubling, jitter
    assert "Invitation sent to new.person@glasgow.gov.uk" in client.get(response["Location"]).content.decode()
