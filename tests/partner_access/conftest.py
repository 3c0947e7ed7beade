import pytest
from _pytest.nodes import Node
from django.test import Client

from core import services
from core.policies import SYSTEM
from core.scopes import SCOPES
from councils.models import PartnerOrganisation

if not hasattr(Node, "_nodeid"):
    # schemathesis 4.32's lazy (fixture-loaded) schemas rename the running test through `node._nodeid`,
    # which pytest 9 no longer has: read it as the node id and ignore the renaming (it only affects reports).
    Node._nodeid = property(lambda node: node.nodeid, lambda node, value: None)


@pytest.fixture
def make_key(db):
    """make_key(scopes, partner="scottish-government", **fields) -> (PartnerAPIKey, full key text)."""

    def _make(scopes=tuple(SCOPES), partner="scottish-government", **fields):
        organisation = PartnerOrganisation.objects.get(slug=partner)
        return services.key_create(user=SYSTEM, partner=organisation, name="Test key", scopes=list(scopes), **fields)

    return _make


@pytest.fixture
def key_client():
    """key_client(text) -> a test client that sends `Authorization: Api-Key <text>`."""

    def _client(text):
        return Client(HTTP_AUTHORIZATION=f"Api-Key {text}")

    return _client


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
