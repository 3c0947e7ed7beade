"""Conversations stay out of the partner API: no operation serves them, and writing, editing or deleting a comment
adds nothing to the change feed (the per-partner grant the issue allows is not built, so no key has it)."""

import pytest

from collaboration import services
from core.models import Change

from .conftest import FIFE_EDITOR, GLASGOW_EDITOR, person

pytestmark = pytest.mark.django_db


def test_no_api_operation_serves_comments(client, demo_data):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode().lower()
    assert "comment" not in "".join(line for line in schema.splitlines() if '"/api/v1/' in line)
    assert "/conversation" not in schema and "notification" not in schema


def test_a_conversation_adds_nothing_to_the_change_feed(shared):
    before = Change.objects.count()
    comment = services.comment_post(user=person(GLASGOW_EDITOR), initiative=shared, body=f"@{FIFE_EDITOR} hi")
    services.comment_post(user=person(FIFE_EDITOR), initiative=shared, body="Reply", parent=comment)
    services.comment_edit(user=person(GLASGOW_EDITOR), comment=comment, body="Changed")
    services.comment_delete(user=person(GLASGOW_EDITOR), comment=comment)
    assert Change.objects.count() == before
