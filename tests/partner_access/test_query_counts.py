"""Every API list, the review queue and the home page cost a number of queries that does not grow with the data
(docs/design.md §7): measured with a handful of initiatives, then again with more than a page of them. (A list page
that is not full may cost one query more, not less: the keyset walk then also reads rows changed since it began;
a feed page reads the records of each kind it holds, at most one query per kind.)"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import cache as portal_cache
from core import services as core_services
from core.models import User
from core.scopes import READ_SCOPES
from councils.models import PartnerOrganisation
from initiatives.models import Benefit, Initiative, Milestone, Participation, ProgressUpdate, Risk
from strategy.models import Outcome
from tests.conftest import mark_second_factor_used
from tests.councils.factories import council
from tests.initiatives.factories import InitiativeFactory, ProgressUpdateFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

APPROVED = ProgressUpdate.State.APPROVED
SUBMITTED = ProgressUpdate.State.SUBMITTED
ADOPTERS = ["S12000047", "S12000036", "S12000033"]


def grow(count):
    """`count` more initiatives, each with what the lists nest and serve: councils taking part, outcomes,
    partners, an approved update (its current status) and one awaiting review, a milestone, a risk, a benefit."""
    done, review = ReportingPeriodFactory(), ReportingPeriodFactory(starts_on=datetime.date(2026, 11, 1),
                                                                     ends_on=datetime.date(2026, 11, 30))
    outcomes, partners = list(Outcome.objects.all()), list(PartnerOrganisation.objects.all())
    for n in range(count):
        initiative = InitiativeFactory()
        for code in ADOPTERS[: 1 + n % 3]:
            Participation.objects.create(initiative=initiative, council=council(code), role="adopter")
        initiative.outcomes.set(outcomes[: 1 + n % 4])
        initiative.partners.set(partners[: n % 3])
        update = ProgressUpdateFactory(initiative=initiative, period=done, state=APPROVED)
        Initiative.objects.filter(pk=initiative.pk).update(current_update=update)
        ProgressUpdateFactory(initiative=initiative, period=review, state=SUBMITTED,
                              submitted_at=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC))
        Milestone.objects.create(initiative=initiative, title="Go live", baseline_date=datetime.date(2026, 1, 1),
                                 forecast_date=datetime.date(2026, 2, 1))
        Risk.objects.create(initiative=initiative, title="Supplier", likelihood=3, impact=4)
        Benefit.objects.create(initiative=initiative, council=council(ADOPTERS[0]), title="Savings",
                               target_value=Decimal("1000"))


def queries(client, url):
    """The queries of one request, after one that pays what is done once (the key's last use, once a minute), with
    its page computed (new cache tokens: no page cached)."""
    client.get(url)
    portal_cache.renew(portal_cache.PARTNER_DATA)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured)


API_LISTS = [
    "/api/v1/initiatives/?page_size=100",
    "/api/v1/initiatives/?page_size=100&stage=alpha&ordering=-reference",
    "/api/v1/initiatives/?format=csv",
    "/api/v1/updates/?page_size=100",
    "/api/v1/updates/?format=csv",
    "/api/v1/milestones/?page_size=100",
    "/api/v1/risks/?page_size=100",
    "/api/v1/benefits/?page_size=100",
    "/api/v1/changes/?after=0.0&page_size=100",
]


@pytest.mark.parametrize("url", API_LISTS)
def test_api_lists_cost_no_more_queries_with_124_initiatives_than_with_4(reference_data, make_key, key_client, url):
    """Fault guarded: one query per row (a nested list or a related record read row by row)."""
    client = key_client(make_key(scopes=READ_SCOPES)[1])
    grow(4)
    small = queries(client, url)
    grow(120)
    assert Initiative.objects.count() == 124
    assert queries(client, url) <= small


def test_one_initiative_costs_no_more_queries_however_many_councils_take_part(reference_data, make_key, key_client):
    client = key_client(make_key(scopes=READ_SCOPES)[1])
    grow(1)
    initiative = Initiative.objects.get()
    small = queries(client, f"/api/v1/initiatives/{initiative.reference}/")
    for code in ["S12000005", "S12000006", "S12000008", "S12000010", "S12000011"]:
        Participation.objects.create(initiative=initiative, council=council(code), role="observer")
    assert queries(client, f"/api/v1/initiatives/{initiative.reference}/") <= small


@pytest.mark.parametrize("url", ["/", "/initiatives/review/"])
def test_the_review_queue_and_home_cost_no_more_queries_with_124_initiatives_than_with_4(reference_data, client, url):
    staff = User.objects.create_user(email="reviewer@example.org", is_digital_office_staff=True)
    client.force_login(staff)
    mark_second_factor_used(client, staff)
    grow(4)
    small = queries(client, url)
    grow(120)
    assert ProgressUpdate.objects.filter(state=SUBMITTED).count() == 124
    assert queries(client, url) <= small


FEED_MIXES = [  # 100 entries of five kinds, in three proportions
    {"initiative": 96, "update": 1, "milestone": 1, "risk": 1, "benefit": 1},
    {"initiative": 1, "update": 96, "milestone": 1, "risk": 1, "benefit": 1},
    {"initiative": 20, "update": 20, "milestone": 20, "risk": 20, "benefit": 20},
]


def test_a_feed_page_of_100_costs_the_same_queries_whatever_mix_of_kinds_it_holds(reference_data, make_key,
                                                                                   key_client):
    """Fault guarded: a record read (or formatted with a query) entry by entry: each kind's records are read at
    once, so a page costs one set of queries per kind it holds, however many entries of each."""
    client = key_client(make_key(scopes=READ_SCOPES)[1])
    grow(96)
    ids = {
        "initiative": list(Initiative.objects.values_list("pk", flat=True)),
        "update": list(ProgressUpdate.objects.filter(state=APPROVED).values_list("pk", flat=True)),
        "milestone": list(Milestone.objects.values_list("pk", flat=True)),
        "risk": list(Risk.objects.values_list("pk", flat=True)),
        "benefit": list(Benefit.objects.values_list("pk", flat=True)),
    }
    after = "0.0"
    while True:  # to the end of what growing entered
        data = client.get("/api/v1/changes/", {"after": after, "page_size": 1000}).json()
        after = data["next_after"]
        if not data["has_more"]:
            break
    counts = []
    for mix in FEED_MIXES:
        for kind, count in mix.items():
            core_services.change_record(kind=kind, ids=ids[kind][:count])
        url = f"/api/v1/changes/?after={after}&page_size=100"
        data = client.get(url).json()
        assert len(data["results"]) == 100
        assert {(entry["type"], entry["operation"]) for entry in data["results"]} == {
            (kind, "upsert") for kind in mix}
        assert all(entry["record"] is not None for entry in data["results"])
        counts.append(queries(client, url))
        after = data["next_after"]
    assert counts[0] == counts[1] == counts[2], counts
