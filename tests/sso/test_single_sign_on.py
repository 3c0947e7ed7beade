"""Single sign-on against a real OpenID Connect provider (npm `oidc-provider`) that the tests start on loopback.

The portal side is Django's test client; the provider side is `requests`, filling in the provider's own login form.
The portal talks to the provider for real (discovery, the token endpoint, the user info endpoint)."""

import json
import re
import shutil
import socket
import subprocess
import time
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from core.models import User
from councils.models import Council
from digital_office.settings.base import oidc_providers
from people import services as people_services
from people.models import AccessEvent, EmailDomain, Invitation
from tests.conftest import signed_in_with_two_factor

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
PROVIDER_ID = "testidp"
CLIENT_ID, CLIENT_SECRET = "digital-office-portal", "test-client-secret-not-real"
TENANT = "5f8b1c1e-glasgow-tenant"
CALLBACK = f"http://testserver/accounts/oidc/{PROVIDER_ID}/login/callback/"

# One worker runs this file's tests: they share a module-scoped fixture that is slow to start (make test's loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.xdist_group("sso")]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def identity_provider(tmp_path_factory):
    """The OpenID Connect provider, running for this module: its issuer URL."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").exists():
        pytest.fail("Single sign-on tests need Node.js and the npm package oidc-provider: run `npm ci`.")
    port = free_port()
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [node, str(SCRIPT)], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True,
            env={"PATH": "/usr/bin:/bin", "PORT": str(port), "OIDC_CLIENT_ID": CLIENT_ID,
                 "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_REDIRECT_URIS": CALLBACK, "OIDC_TENANT": TENANT},
        )
    try:
        deadline = time.monotonic() + 30
        while "listening" not in log.read_text() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "listening" in log.read_text(), f"the provider did not start: {log.read_text()}"
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(identity_provider, settings):
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers(
        server_url=identity_provider, client_id=CLIENT_ID, secret=CLIENT_SECRET, provider_id=PROVIDER_ID,
        name="Council Microsoft 365", issuers=["https://login.example.org/another-tenant/v2.0", identity_provider],
    )
    return identity_provider


@pytest.fixture
def glasgow(db):
    council = Council.objects.get(gss_code="S12000049")
    EmailDomain.objects.create(domain="glasgow.gov.uk", council=council, tenant_id=TENANT)
    return council


def sign_in_with_sso(client: Client, login: str):
    """Press "Sign in with ..." on the portal, sign in at the provider as `login`, come back: the portal's answer."""
    page = client.get("/accounts/login/")
    assert b"Sign in with Council Microsoft 365" in page.content
    response = client.post(f"/accounts/oidc/{PROVIDER_ID}/login/")
    assert response.status_code == 302, response.content[:500]
    at_provider = requests.Session()
    url = response["Location"]
    for _step in range(10):
        answer = at_provider.get(url, allow_redirects=False, timeout=10)
        if answer.status_code == 200 and "<form" in answer.text:  # the provider's login form
            action = unescape(re.search(r'<form[^>]*action="([^"]+)"', answer.text).group(1))
            answer = at_provider.post(urljoin(url, action), data={"prompt": "login", "login": login,
                                                                  "password": "any"},
                                      allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303), answer.text[:500]
        url = urljoin(url, answer.headers["Location"])
        if url.startswith(CALLBACK):
            parsed = urlparse(url)
            return client.get(parsed.path + "?" + parsed.query)
    raise AssertionError("the provider never sent the person back to the portal")


def test_login_page_offers_no_single_sign_on_unless_configured(client):
    assert b"/accounts/oidc/" not in client.get("/accounts/login/").content


def test_a_mapped_domain_with_an_invitation_joins_as_invited(sso, glasgow, client):
    lead = User.objects.create_user(email="lead@glasgow.gov.uk", council=glasgow, council_role="editor",
                                    is_lead=True)
    people_services.invitation_create(user=lead, email="Invited.Person@glasgow.gov.uk", role="council_editor",
                                    council=glasgow)
    response = sign_in_with_sso(client, "invited.person@glasgow.gov.uk")
    assert response.status_code == 302 and response["Location"] == "/"
    person = User.objects.get(email="invited.person@glasgow.gov.uk")
    assert (person.council, person.council_role, person.is_lead) == (glasgow, "editor", False)
    assert not person.has_usable_password()
    assert Invitation.objects.get(email="invited.person@glasgow.gov.uk").user == person
    assert SocialAccount.objects.get(user=person).provider == PROVIDER_ID
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.SSO_MATCHED)
    assert (event.person, event.council) == (person, glasgow)
    home = client.get("/")
    assert "Council editor" in home.content.decode() or b"My council" in home.content
    assert int(client.session["_auth_user_id"]) == person.pk

    # Next time the same sign-in is recognised (linked), and comes straight in.
    client.logout()
    assert sign_in_with_sso(client, "invited.person@glasgow.gov.uk").status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk
    assert User.objects.filter(email="invited.person@glasgow.gov.uk").count() == 1


def test_a_mapped_domain_without_an_invitation_joins_as_a_viewer_only_if_the_council_allows(sso, glasgow, client):
    lead = User.objects.create_user(email="lead@glasgow.gov.uk", full_name="Lena Lead", council=glasgow,
                                    council_role="editor", is_lead=True)
    refused = sign_in_with_sso(client, "walk.in@glasgow.gov.uk")
    assert refused.status_code == 403
    text = refused.content.decode()
    assert "You have no invitation" in text and "Lena Lead" in text and lead.email in text
    assert not User.objects.filter(email="walk.in@glasgow.gov.uk").exists()
    assert "_auth_user_id" not in client.session

    glasgow.sso_creates_viewers = True
    glasgow.save()
    response = sign_in_with_sso(Client(), "walk.in@glasgow.gov.uk")
    assert response.status_code == 302
    person = User.objects.get(email="walk.in@glasgow.gov.uk")
    assert (person.council, person.council_role, person.full_name) == (glasgow, "viewer", "Test walk.in")
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.SSO_CREATED, person=person).exists()


def test_an_unmapped_domain_is_refused_saying_whom_to_ask(sso, glasgow, client, settings):
    settings.PEOPLE_CONTACT_EMAIL = "access@digitaloffice.example.scot"
    response = sign_in_with_sso(client, "someone@elsewhere.example.org")
    assert response.status_code == 403
    text = response.content.decode()
    assert "not set up for single sign-on" in text and "access@digitaloffice.example.scot" in text
    assert not User.objects.filter(email="someone@elsewhere.example.org").exists()
    assert "_auth_user_id" not in client.session


def test_an_address_the_provider_has_not_verified_is_refused(sso, glasgow, client):
    people_services.invitation_create(user=signed_in_with_two_factor(User.objects.create_user(
        email="do@example.scot", is_digital_office_staff=True)), email="who@glasgow.gov.uk", role="council_viewer",
        council=glasgow)
    response = sign_in_with_sso(client, "unverified:who@glasgow.gov.uk")
    assert response.status_code == 403
    assert not User.objects.filter(email="who@glasgow.gov.uk").exists()


def test_a_deactivated_person_is_refused_whether_linked_or_not(sso, glasgow, client):
    office = signed_in_with_two_factor(User.objects.create_user(email="do@example.scot",
                                                                is_digital_office_staff=True))
    person = User.objects.create_user(email="leaver@glasgow.gov.uk", council=glasgow, council_role="editor")
    assert sign_in_with_sso(client, "leaver@glasgow.gov.uk").status_code == 302  # linked by address
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.SSO_LINKED, person=person).exists()
    client.logout()

    people_services.person_deactivate(user=office, person=person)
    response = sign_in_with_sso(client, "leaver@glasgow.gov.uk")
    assert response.status_code == 403
    assert "Your account has been deactivated" in response.content.decode()
    assert "_auth_user_id" not in client.session

    # Not linked yet: refused the same way.
    other = User.objects.create_user(email="gone@glasgow.gov.uk", council=glasgow, council_role="viewer")
    people_services.person_deactivate(user=office, person=other)
    response = sign_in_with_sso(Client(), "gone@glasgow.gov.uk")
    assert response.status_code == 403 and "deactivated" in response.content.decode()


def test_a_sign_in_from_another_tenant_is_refused(sso, glasgow, client):
    EmailDomain.objects.filter(domain="glasgow.gov.uk").update(tenant_id="another-tenant")
    glasgow.sso_creates_viewers = True
    glasgow.save()
    response = sign_in_with_sso(client, "walk.in@glasgow.gov.uk")
    assert response.status_code == 403
    assert not User.objects.filter(email="walk.in@glasgow.gov.uk").exists()


def test_settings_turn_single_sign_on_on_from_the_environment():
    assert oidc_providers(server_url="", client_id="x", secret="y", provider_id="entra", name="M") == {}
    app = oidc_providers(server_url="https://login.microsoftonline.com/T/v2.0", client_id="x", secret="y",
                         provider_id="entra", name="Microsoft 365")["openid_connect"]["APPS"][0]
    assert (app["provider_id"], app["settings"]["server_url"]) == ("entra", "https://login.microsoftonline.com/T/v2.0")
    json.dumps(app)  # plain data




# -- issue 20: single sign-on bound to its tenant ---------------------------------------------------------------------

FIFE_TENANT = "9c3d2a7b-fife-tenant"


@pytest.fixture
def one_issuer_sso(identity_provider, settings):
    """Single sign-on trusting one directory only (a single-tenant app): a mapping may go without a tenant id."""
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers(
        server_url=identity_provider, client_id=CLIENT_ID, secret=CLIENT_SECRET, provider_id=PROVIDER_ID,
        name="Council Microsoft 365",
    )
    return identity_provider


def office_client(client):
    from tests.conftest import mark_second_factor_used

    office = User.objects.create_user(email="cdo@digitaloffice.example.scot", is_digital_office_staff=True,
                                      is_staff=True)
    client.force_login(office)
    mark_second_factor_used(client, office)
    return client


def test_a_domain_cannot_be_mapped_without_its_tenant_while_several_directories_are_trusted(sso, client):
    glasgow = Council.objects.get(gss_code="S12000049")
    office = office_client(client)
    page = office.post("/people/domains/", {"domain": "glasgow.gov.uk", "council": glasgow.pk, "tenant_id": ""})
    assert page.status_code == 200
    assert "Enter the council&#x27;s directory (tenant) id" in page.content.decode()
    assert not EmailDomain.objects.filter(domain="glasgow.gov.uk").exists()
    assert office.post("/people/domains/", {"domain": "glasgow.gov.uk", "council": glasgow.pk,
                                            "tenant_id": TENANT}).status_code == 302
    assert EmailDomain.objects.get(domain="glasgow.gov.uk").tenant_id == TENANT


def test_another_tenant_cannot_take_over_an_account_through_a_mapping_without_tenant(sso, client):
    """Finding 1 (nOAuth): a mapping kept from before (no tenant id) no longer lets Fife's directory assert a
    Glasgow address and come in as Glasgow's digital lead."""
    glasgow = Council.objects.get(gss_code="S12000049")
    EmailDomain.objects.create(domain="glasgow.gov.uk", council=glasgow)  # saved before the rule, no tenant id
    lead = User.objects.create_user(email="lead@glasgow.gov.uk", council=glasgow, council_role="editor",
                                    is_lead=True)
    response = sign_in_with_sso(client, f"tid={FIFE_TENANT}:lead@glasgow.gov.uk")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(user=lead).exists()


def test_a_linked_account_keeps_its_issuer_and_tenant_and_is_checked_again_at_each_sign_in(sso, glasgow, client):
    """Finding 2: pinning another tenant, or deleting the mapping, shuts out an account already linked."""
    person = User.objects.create_user(email="staff@glasgow.gov.uk", council=glasgow, council_role="editor")
    assert sign_in_with_sso(client, "staff@glasgow.gov.uk").status_code == 302
    person.refresh_from_db()
    assert (person.sso_issuer, person.sso_tenant_id) == (sso, TENANT)
    client.logout()

    EmailDomain.objects.filter(domain="glasgow.gov.uk").update(tenant_id=FIFE_TENANT)  # re-pinned
    response = sign_in_with_sso(client, "staff@glasgow.gov.uk")
    assert response.status_code == 403 and "_auth_user_id" not in client.session

    EmailDomain.objects.filter(domain="glasgow.gov.uk").update(tenant_id=TENANT)
    assert sign_in_with_sso(Client(), "staff@glasgow.gov.uk").status_code == 302

    EmailDomain.objects.filter(domain="glasgow.gov.uk").update(tenant_id="")  # unpinned, several directories
    assert sign_in_with_sso(Client(), "staff@glasgow.gov.uk").status_code == 403

    EmailDomain.objects.filter(domain="glasgow.gov.uk").delete()
    fresh = Client()
    assert sign_in_with_sso(fresh, "staff@glasgow.gov.uk").status_code == 403
    assert "_auth_user_id" not in fresh.session


def test_a_linked_account_is_refused_from_another_tenant_when_the_mapping_has_none(one_issuer_sso, client):
    glasgow = Council.objects.get(gss_code="S12000049")
    EmailDomain.objects.create(domain="glasgow.gov.uk", council=glasgow)
    User.objects.create_user(email="staff@glasgow.gov.uk", council=glasgow, council_role="editor")
    assert sign_in_with_sso(client, "staff@glasgow.gov.uk").status_code == 302
    other = sign_in_with_sso(Client(), f"tid={FIFE_TENANT}:staff@glasgow.gov.uk")
    assert other.status_code == 403


def test_a_missing_email_verified_claim_is_not_verified_without_entras_signal_or_a_tenant_pin(one_issuer_sso, client):
    """Finding 3: Entra ID sends no email_verified claim; its verified-domain claim (xms_edov) or the mapping's tenant
    pin is what makes an address verified."""
    glasgow = Council.objects.get(gss_code="S12000049")
    glasgow.sso_creates_viewers = True
    glasgow.save()
    mapping = EmailDomain.objects.create(domain="glasgow.gov.uk", council=glasgow)
    assert sign_in_with_sso(client, "noclaim:walk.in@glasgow.gov.uk").status_code == 403
    assert not User.objects.filter(email="walk.in@glasgow.gov.uk").exists()

    assert sign_in_with_sso(Client(), "noclaim:edov:walk.in@glasgow.gov.uk").status_code == 302
    assert User.objects.filter(email="walk.in@glasgow.gov.uk").exists()

    mapping.tenant_id = TENANT
    mapping.save()
    assert sign_in_with_sso(Client(), "noclaim:pinned@glasgow.gov.uk").status_code == 302
    assert User.objects.filter(email="pinned@glasgow.gov.uk").exists()


def test_an_address_with_a_trailing_dot_joins_without_an_error(sso, glasgow, client):
    """Finding 9: "walk.in@glasgow.gov.uk." (a fully qualified domain) crashed account creation."""
    glasgow.sso_creates_viewers = True
    glasgow.save()
    response = sign_in_with_sso(client, "walk.in@glasgow.gov.uk.")
    assert response.status_code == 302
    assert User.objects.filter(email="walk.in@glasgow.gov.uk").exists()
