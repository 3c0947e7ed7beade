"""Lists are the way to take a full copy: walks at page sizes 1, 7 and 500 give exactly the rows of the database,
while rows on earlier (and later) pages change; `next` and `Link` keep every parameter; every datetime is UTC."""

import re

import pytest

from core.scopes import SCOPES
from councils.models import PartnerOrganisation
from digital_office.api_urls import FEED_KINDS, router
from initiatives.models import ProgressUpdate
from partner_access.models import ScopeGrant
from practice import policies as practice_policies

pytestmark = pytest.mark.django_db

LISTS = {basename: f"/api/v1/{prefix}/" for prefix, _viewset, basename in router.registry if basename in FEED_KINDS}
UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


@pytest.fixture
def partner(demo_data, make_key, key_client):
    # comments:read works only while the office grants the organisation access to comments
    ScopeGrant.objects.create(partner=PartnerOrganisation.objects.get(slug="scottish-government"),
                              scopes=sorted(SCOPES))
    _key, text = make_key(SCOPES, rate_limit="1000000/min")
    return key_client(text)


DATES = {"using_since"}  # a practice adoption's: a day, not a moment


def rows_in_database(kind):
    """What a partner with every scope may see: every row, but only approved progress updates and only published
    (or retired) practice assets and the adoptions of those, and the comments on initiatives (not on updates)."""
    queryset = FEED_KINDS[kind].serializer_class.Meta.model.objects.all()
    if kind == "update":
        queryset = queryset.filter(state=ProgressUpdate.State.APPROVED)
    if kind == "practice-asset":
        queryset = queryset.filter(state__in=practice_policies.READ_STATES)
    if kind == "practice-adoption":
        queryset = queryset.filter(asset__state__in=practice_policies.READ_STATES)
    if kind == "comment":
        queryset = queryset.filter(update__isnull=True)
    return queryset


def walk(client, path, *, change_every=None, **params):
    """Follow `next` to the end, keeping the last version of each row; every `change_every` pages, save a row
    served on an earlier page and a row not served yet (both move in `updated_at`)."""
    copy, pages = {}, 0
    response = client.get(path, params)
    model_rows = None
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        pages += 1
        for row in data["results"]:
            copy[row["id"]] = row
        if not data["next"]:
            return copy, pages
        assert response["Link"] == f'<{data["next"]}>; rel="next"'
        if change_every and pages % change_every == 0:
            model_rows = model_rows or rows_in_database(kind_of(path))
            earlier = model_rows.filter(pk=min(copy)).first()
            later = model_rows.exclude(pk__in=list(copy)).order_by("-pk").first()
            for row in (earlier, later):
                if row is not None:
                    row.save()  # through the model's save, as the services and the admin site do
        response = client.get(data["next"])


def kind_of(path):
    return next(kind for kind, list_path in LISTS.items() if list_path == path)


def full_copy(client, path, **params):
    return walk(client, path, page_size=500, **params)[0]


@pytest.mark.parametrize(("page_size", "ordering", "change_every"), [
    (1, None, 7),
    (7, None, 1),
    (7, "-updated_at", 1),
    (7, "id", 2),
    (500, None, 1),
])
def test_a_full_walk_gives_exactly_the_rows_of_the_database_while_rows_change(partner, page_size, ordering,
                                                                             change_every):
    for kind, path in LISTS.items():
        params = {"page_size": page_size}
        orderings = FEED_KINDS[kind].ordering_fields
        if ordering and ordering.lstrip("-") in orderings:
            params["ordering"] = ordering
        copy, pages = walk(partner, path, change_every=change_every, **params)
        expected = set(rows_in_database(kind).values_list("pk", flat=True))
        assert set(copy) == expected, kind
        assert pages >= len(expected) // page_size, kind
        # Nothing stale: every row as the list serves it now.
        assert copy == full_copy(partner, path), kind


def test_contributions_and_measures_walk_whole_in_every_order(partner):
    """Main once sorted these on updated_at but paged on another column: 332 of 347 rows at page size 100."""
    for path in ("/api/v1/contributions/", "/api/v1/measures/"):
        total = rows_in_database(kind_of(path)).count()
        for params in ({"page_size": 100}, {"page_size": 7, "ordering": "-updated_at"}, {"page_size": 3}):
            copy, _pages = walk(partner, path, **params)
            assert len(copy) == total, (path, params)


def test_next_and_link_keep_every_parameter_with_all_its_values(partner):
    response = partner.get(
        "/api/v1/initiatives/?stage=alpha&stage=beta&stage=discovery&page_size=2&theme=digital-services"
    )
    data = response.json()
    stages = {row["stage"] for row in data["results"]}
    assert stages <= {"alpha", "beta", "discovery"}
    assert data["next"], "the demo has more than two such initiatives"
    for url in (data["next"], response["Link"][1:].split(">;")[0]):
        query = url.split("?", 1)[1]
        assert query.count("stage=") == 3 and "stage=alpha" in query and "stage=beta" in query
        assert "theme=digital-services" in query and "page_size=2" in query
    expected = set()
    for stage in ("alpha", "beta", "discovery"):
        expected |= set(full_copy(partner, "/api/v1/initiatives/", stage=stage))
    seen = set(walk(partner, "/api/v1/initiatives/", page_size=2, stage=["alpha", "beta", "discovery"])[0])
    themed = set(full_copy(partner, "/api/v1/initiatives/", theme="digital-services"))
    assert seen == expected
    assert set(walk(partner, "/api/v1/initiatives/", page_size=2, stage=["alpha", "beta", "discovery"],
                    theme="digital-services")[0]) == expected & themed


@pytest.mark.parametrize("path", ["/api/v1/milestones/", "/api/v1/updates/", "/api/v1/risks/", "/api/v1/benefits/"])
def test_ordering_by_id_is_accepted_everywhere_it_is_documented(partner, path):
    response = partner.get(path, {"ordering": "id", "page_size": 500})
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == sorted(ids)
    descending = [row["id"] for row in partner.get(path, {"ordering": "-id", "page_size": 500}).json()["results"]]
    assert descending == sorted(ids, reverse=True)


def test_every_datetime_is_utc_with_z(partner):
    """approved_at was once served in UK local time (+01:00 in summer)."""

    def datetimes(value, name=""):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from datetimes(item, key)
        elif isinstance(value, list):
            for item in value:
                yield from datetimes(item, name)
        elif isinstance(value, str) and name.endswith(("_at", "_since")) and name not in DATES and value:
            yield name, value

    summer = ProgressUpdate.objects.filter(state=ProgressUpdate.State.APPROVED).first()
    ProgressUpdate.objects.filter(pk=summer.pk).update(
        reviewed_at=summer.reviewed_at.replace(month=7, day=15),
    )
    seen = set()
    for path in LISTS.values():
        for name, value in datetimes(full_copy(partner, path)):
            assert UTC.match(value), (path, name, value)
            seen.add(name)
    assert {"approved_at", "created_at", "updated_at"} <= seen
    update = partner.get(f"/api/v1/updates/{summer.pk}/").json()
    assert update["approved_at"].endswith("Z")
    assert partner.get("/api/v1/initiatives/").json()["next_updated_since"].endswith("Z")
