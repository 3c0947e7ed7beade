"""Conversations stay out of the partner API unless the Digital Office allows a partner organisation to read
comments (off by default): then its keys with comments:read read the conversations on initiatives (never an
update's) in /api/v1/comments/ and in the change feed. Every other key, and a granted key once the grant is taken
back, reads nothing of them: no list, no feed entry."""

import pytest
from django.test import Client

from collaboration import services
from core.policies import SYSTEM
from core.scopes import COMMENTS_READ, INITIATIVES_READ
from core.services import key_create
from councils.models import PartnerOrganisation
from partner_access import services as access_services
from partner_access.models import DEFAULT_GRANTED_SCOPES
from tests.conftest import signed_in_with_two_factor

from .conftest import CDO, FIFE_EDITOR, GLASGOW_EDITOR, person

pytestmark = pytest.mark.django_db

FEED = "/api/v1/changes/"
LIST = "/api/v1/comments/"


def key(slug, scopes):
    partner = PartnerOrganisation.objects.get(slug=slug)
    _key, text = key_create(user=SYSTEM, partner=partner, name="Test", scopes=scopes)
    return Client(HTTP_AUTHORIZATION=f"Api-Key {text}")


def grant(slug, *, comments: bool):
    scopes = [*DEFAULT_GRANTED_SCOPES, *([COMMENTS_READ] if comments else [])]
    access_services.scope_grant_set(user=signed_in_with_two_factor(person(CDO)),
                                    partner=PartnerOrganisation.objects.get(slug=slug), scopes=scopes)


def head(client):
    response = client.get("/api/v1/changes/latest/")
    assert response.status_code == 200, response.content
    return response.json()["next_after"]


def feed_types(client, after):
    response = client.get(FEED, {"after": after, "page_size": 1000})
    assert response.status_code == 200, response.content
    return [(entry["type"], entry["id"], entry["operation"], entry["record"]) for entry in response.json()["results"]]


def converse(shared, draft):
    question = services.comment_post(user=person(GLASGOW_EDITOR), initiative=shared, body=f"@{FIFE_EDITOR} hi")
    reply = services.comment_post(user=person(FIFE_EDITOR), initiative=shared, body="Reply", parent=question)
    on_draft = services.comment_post(user=person(GLASGOW_EDITOR), initiative=shared, update=draft,
                                     body="About the draft")
    return question, reply, on_draft


def test_without_the_office_allowing_it_no_key_reads_comments_even_with_the_scope(shared, draft):
    with_scope = key("scottish-government", [COMMENTS_READ, INITIATIVES_READ])
    other = key("scottish-government", [INITIATIVES_READ])
    starts = head(with_scope), head(other)
    converse(shared, draft)
    assert with_scope.get(LIST).status_code == 403
    assert other.get(LIST).status_code == 403
    for client, after in zip((with_scope, other), starts, strict=True):
        assert not [entry for entry in feed_types(client, after) if entry[0] == "comment"]


def test_a_granted_organisations_key_reads_comments_on_initiatives_in_the_list_and_the_feed(shared, draft):
    grant("scottish-government", comments=True)
    granted = key("scottish-government", [COMMENTS_READ])
    other_key = key("scottish-government", [INITIATIVES_READ])  # same organisation, without the scope
    start, other_start = head(granted), head(other_key)
    question, reply, on_draft = converse(shared, draft)

    rows = {row["id"]: row for row in granted.get(LIST, {"initiative": shared.reference}).json()["results"]}
    assert set(rows) >= {question.pk, reply.pk} and on_draft.pk not in rows
    assert rows[reply.pk]["parent"] == question.pk and rows[reply.pk]["body"] == "Reply"
    assert rows[question.pk]["initiative"] == shared.reference
    assert "author" not in rows[question.pk] and FIFE_EDITOR not in str(rows[reply.pk])
    assert granted.get(f"{LIST}{on_draft.pk}/").status_code == 404  # an update's conversation: never served

    entries = {(kind, pk): (operation, record) for kind, pk, operation, record in feed_types(granted, start)}
    assert entries[("comment", question.pk)][0] == "upsert"
    assert entries[("comment", reply.pk)][1]["body"] == "Reply"
    assert ("comment", on_draft.pk) not in entries
    assert not [entry for entry in feed_types(other_key, other_start) if entry[0] == "comment"]

    after = head(granted)
    services.comment_delete(user=person(FIFE_EDITOR), comment=reply)
    deleted = {e[1]: e for e in feed_types(granted, after) if e[0] == "comment"}
    assert deleted[reply.pk][2] == "upsert" and deleted[reply.pk][3]["body"] == ""  # kept in its thread, as deleted
    assert deleted[reply.pk][3]["deleted_at"]


def test_taking_the_grant_back_closes_comments_at_once_for_keys_already_made(shared, draft):
    grant("scottish-government", comments=True)
    granted = key("scottish-government", [COMMENTS_READ, INITIATIVES_READ])
    assert granted.get(LIST).status_code == 200
    grant("scottish-government", comments=False)
    start = head(granted)
    converse(shared, draft)
    assert granted.get(LIST).status_code == 403
    assert not [entry for entry in feed_types(granted, start) if entry[0] == "comment"]


def test_another_organisations_keys_read_no_comments(shared, draft):
    grant("scottish-government", comments=True)
    other = PartnerOrganisation.objects.exclude(slug="scottish-government").order_by("pk").first()
    client = key(other.slug, [COMMENTS_READ, INITIATIVES_READ])
    start = head(client)
    converse(shared, draft)
    assert client.get(LIST).status_code == 403
    assert not [entry for entry in feed_types(client, start) if entry[0] == "comment"]


def test_people_read_no_comments_through_the_api(client, login_as, shared, draft):
    converse(shared, draft)
    for email in (GLASGOW_EDITOR, CDO):
        login_as(email)
        assert client.get(LIST).status_code == 403


def test_the_schema_describes_comments_with_their_scope_and_nothing_else_of_conversations(client, demo_data):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/comments/" in schema["paths"]
    assert schema["paths"]["/api/v1/comments/"]["get"]["x-required-scope"] == COMMENTS_READ
    paths = " ".join(schema["paths"])
    assert "/conversation" not in paths and "notification" not in paths
