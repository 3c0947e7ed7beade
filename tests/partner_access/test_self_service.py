"""Partners serve themselves: a partner organisation's lead makes, rotates and revokes its API keys at /api-keys/,
within the scopes the Digital Office granted it (contracts:read never by default); the office sees and revokes any
key and sets the grants; every key event is in the access record. Hand-made POSTs as each role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from core import services as core_services
from core.models import PartnerAPIKey, User
from core.policies import SYSTEM
from councils.models import PartnerOrganisation
from people.models import AccessEvent
from tests.conftest import mark_second_factor_used

pytestmark = pytest.mark.django_db

LEAD_EMAIL = "lead@scottish-government.example.org"


@pytest.fixture
def partners(demo_data):
    return PartnerOrganisation.objects.get(slug="scottish-government"), PartnerOrganisation.objects.get(slug="cosla")


def person(email, **fields):
    return User.objects.create_user(email=email, password="x" * 20, full_name=email.split("@")[0], **fields)


def signed_in(user):
    client = Client()
    client.force_login(user)
    if user.is_digital_office_staff:
        mark_second_factor_used(client, user)
    return client


@pytest.fixture
def lead(partners):
    return signed_in(person(LEAD_EMAIL, partner=partners[0], is_lead=True))


@pytest.fixture
def office(demo_data):
    return signed_in(User.objects.get(email="cdo@demo.digitaloffice.scot"))


def key_of(partner, name="Other"):
    return core_services.key_create(user=SYSTEM, partner=partner, name=name, scopes=["councils:read"])[0]


def make(client, **fields):
    return client.post("/api-keys/new/", {"name": "Warehouse", **fields})


def test_a_partners_lead_sees_and_makes_their_organisations_keys_only(lead, partners):
    own, other = partners
    mine, theirs = key_of(own, "Ours"), key_of(other, "Theirs")
    page = lead.get("/api-keys/")
    assert page.status_code == 200
    text = page.content.decode()
    assert mine.prefix in text and theirs.prefix not in text
    assert "Webhooks" not in text and "Recent API requests" not in text  # the office's sections
    assert "<code>initiatives:read</code>" in text and "contracts:read" not in text  # the granted scopes only

    made = make(lead, scopes=["initiatives:read", "reports:read"])
    assert made.status_code == 200
    key = PartnerAPIKey.objects.get(name="Warehouse")
    assert key.partner == own and key.scopes == ["initiatives:read", "reports:read"] and key.rate_limit == ""
    assert f"{key.prefix}." in made.content.decode()  # the text, shown this once
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.KEY_CREATED, summary__contains=key.prefix)
    assert event.actor.email == LEAD_EMAIL and event.partner == own


def test_a_lead_cannot_make_a_key_with_a_scope_not_granted(lead, partners):
    for scopes in (["contracts:read"], ["funding:read", "initiatives:read"], ["webhooks:manage"]):
        refused = make(lead, scopes=scopes)
        assert refused.status_code == 400
        assert "Select a valid choice" in refused.content.decode()
    assert not PartnerAPIKey.objects.filter(name="Warehouse").exists()
    # another organisation or an own rate posted by hand are not read: the key is theirs, at the default rate
    made = make(lead, scopes=["councils:read"], partner=partners[1].pk, rate_limit="100000/min")
    assert made.status_code == 200
    key = PartnerAPIKey.objects.get(name="Warehouse")
    assert key.partner == partners[0] and key.rate_limit == ""


def test_the_service_refuses_a_lead_whatever_the_form(partners):
    own, other = partners
    user = person(LEAD_EMAIL, partner=own, is_lead=True)
    with pytest.raises(PermissionDenied):
        core_services.key_create(user=user, partner=other, name="x", scopes=["councils:read"],
                                 granted=["councils:read"])
    with pytest.raises(Exception, match="not been granted contracts:read"):
        core_services.key_create(user=user, partner=own, name="x", scopes=["contracts:read"], granted=["councils:read"])


def test_a_lead_cannot_revoke_or_rotate_another_organisations_key(lead, partners):
    theirs = key_of(partners[1])
    assert lead.post(f"/api-keys/{theirs.prefix}/revoke/").status_code == 404
    assert lead.post(f"/api-keys/{theirs.prefix}/rotate/").status_code == 404
    theirs.refresh_from_db()
    assert not theirs.revoked
    assert not AccessEvent.objects.filter(kind__in=[AccessEvent.Kind.KEY_REVOKED, AccessEvent.Kind.KEY_ROTATED])


def test_a_lead_rotates_and_revokes_their_own_keys_in_the_access_record(lead, partners, key_client):
    old = key_of(partners[0], "Nightly copy")
    rotated = lead.post(f"/api-keys/{old.prefix}/rotate/")
    assert rotated.status_code == 200
    old.refresh_from_db()
    assert old.revoked
    new = PartnerAPIKey.objects.get(name="Nightly copy", revoked=False)
    assert new.scopes == old.scopes and new.partner == old.partner
    body = rotated.content.decode()
    assert f"It replaces key {old.prefix}" in body
    text = body.split('id="new-key" class="portal-secret">')[1].split("<")[0]
    assert key_client(text).get("/api/v1/councils/").status_code == 200
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.KEY_ROTATED, partner=partners[0],
                                      summary__startswith=f"{old.prefix} -> ").count() == 1

    assert lead.post(f"/api-keys/{new.prefix}/revoke/").status_code == 302
    new.refresh_from_db()
    assert new.revoked and key_client(text).get("/api/v1/councils/").status_code == 401
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.KEY_REVOKED, summary__contains=new.prefix).count() == 1


def test_a_key_whose_scope_was_taken_back_cannot_be_rotated_by_the_lead(lead, office, partners):
    key = core_services.key_create(user=SYSTEM, partner=partners[0], name="Funding", scopes=["funding:read"])[0]
    lead.post(f"/api-keys/{key.prefix}/rotate/", follow=True)
    key.refresh_from_db()
    assert not key.revoked  # refused, told why; the office can still rotate or revoke it
    assert office.post(f"/api-keys/{key.prefix}/rotate/").status_code == 200


def test_council_staff_and_a_partner_who_is_not_a_lead_cannot_use_the_page(partners, demo_data):
    key = key_of(partners[0])
    for user in (User.objects.get(email="editor@glasgow.demo.digitaloffice.scot"),  # a council's digital lead
                 User.objects.get(email="partner@scottish-government.demo.digitaloffice.scot")):  # not a lead
        client = signed_in(user)
        assert client.get("/api-keys/").status_code == 403
        assert make(client, scopes=["councils:read"]).status_code == 403
        assert client.post(f"/api-keys/{key.prefix}/revoke/").status_code == 403
        assert client.post(f"/api-keys/{key.prefix}/rotate/").status_code == 403
        assert client.post("/api-keys/scopes/", {"partner": partners[0].pk, "scopes": ["contracts:read"]}
                           ).status_code == 403
    key.refresh_from_db()
    assert not key.revoked and not PartnerAPIKey.objects.filter(name="Warehouse").exists()


def test_only_the_office_grants_scopes_and_contracts_read_is_never_granted_by_default(lead, office, partners):
    own = partners[0]
    assert lead.post("/api-keys/scopes/", {"partner": own.pk, "scopes": ["contracts:read"]}).status_code == 403
    assert make(lead, scopes=["contracts:read"]).status_code == 400
    granted = office.post("/api-keys/scopes/", {"partner": own.pk, "scopes": ["contracts:read", "initiatives:read"]})
    assert granted.status_code == 302
    assert AccessEvent.objects.get(kind=AccessEvent.Kind.SCOPES_GRANTED, partner=own).summary == (
        "contracts:read, initiatives:read")
    assert make(lead, scopes=["contracts:read"]).status_code == 200
    assert make(lead, scopes=["councils:read"]).status_code == 400  # no longer granted


def test_the_office_sees_and_revokes_any_key(office, partners):
    keys = [key_of(partner, f"Key of {partner.slug}") for partner in partners]
    page = office.get("/api-keys/").content.decode()
    assert all(key.prefix in page for key in keys)
    assert "Scopes granted to each partner organisation" in page
    assert office.post(f"/api-keys/{keys[1].prefix}/revoke/").status_code == 302
    keys[1].refresh_from_db()
    assert keys[1].revoked
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.KEY_REVOKED)
    assert event.actor.email == "cdo@demo.digitaloffice.scot" and event.partner == partners[1]
