"""A client generated from the schema (tests/partner_access/test_generated_client.py's fixture) reads the library's
lists and follows their changes in the feed."""

import importlib

import pytest

from core import services as core_services
from core.policies import SYSTEM
from core.scopes import SCOPES
from councils.models import PartnerOrganisation
from practice.models import Asset
from tests.partner_access.test_generated_client import PACKAGE, generated_client  # noqa: F401 - the fixture

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.serial]


def test_a_generated_client_reads_the_library_and_its_feed(generated_client, live_server):  # noqa: F811
    partner = PartnerOrganisation.objects.get(slug="scottish-government")
    _key, text = core_services.key_create(user=SYSTEM, partner=partner, name="Warehouse", scopes=list(SCOPES))
    client = generated_client.AuthenticatedClient(base_url=live_server.url, token=text, prefix="Api-Key")
    assets_list = importlib.import_module(f"{PACKAGE}.api.practice_assets.practice_assets_list")
    adoptions_list = importlib.import_module(f"{PACKAGE}.api.practice_adoptions.practice_adoptions_list")
    changes_list = importlib.import_module(f"{PACKAGE}.api.changes.changes_list")
    changes_latest = importlib.import_module(f"{PACKAGE}.api.changes.changes_latest")
    start = changes_latest.sync(client=client).next_after
    page = assets_list.sync(client=client, page_size=50)
    assert "Council tax self-service playbook" in {row.title for row in page.results}
    assert adoptions_list.sync(client=client, page_size=50).results
    playbook = Asset.objects.get(title="Council tax self-service playbook")
    playbook.summary = "Changed for the client."
    playbook.save()
    feed = changes_list.sync(client=client, after=start)
    entries = {(entry.type_, entry.id): entry for entry in feed.results}
    assert entries[("practice-asset", playbook.pk)].record["summary"] == "Changed for the client."
