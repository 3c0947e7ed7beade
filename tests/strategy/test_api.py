"""The strategy's part of the partner API: measures follow their readings in a sync; no council's maturity is
served anywhere."""

import datetime

import pytest
from django.utils import timezone

from strategy.models import Measure, MeasureReading
from tests.api_client import all_pages

pytestmark = pytest.mark.django_db


def test_no_maturity_assessment_is_served_anywhere(demo_data, make_key, key_client, client):
    _key, text = make_key()
    keyed = key_client(text)
    assert keyed.get("/api/v1/maturity-assessments/").status_code == 404
    assert keyed.get("/api/v1/maturity/").status_code == 404
    schema = client.get("/api/v1/schema/?format=json").json()
    # A practice asset's "maturity" is its software's (publiccode.yml: concept ... stable), not a council's digital
    # maturity: that field and its enum are the only places the word may appear.
    assert not [path for path in schema["paths"] if "maturity" in path]
    components = {name for name in schema["components"]["schemas"] if "maturity" in name.lower()}
    assert components <= {"AssetMaturityEnum", "MaturityEnum"}, components
    for name, component in schema["components"]["schemas"].items():
        for field in component.get("properties", {}):
            assert "maturity" not in field or name.startswith(("Asset", "PaginatedAsset")), (name, field)
    for path in ("/api/v1/councils/?page_size=500", "/api/v1/initiatives/?page_size=500"):
        assert "maturity" not in keyed.get(path).content.decode().lower()


def test_a_new_reading_brings_its_measure_back_in_the_next_sync(demo_data, make_key, key_client):
    earlier = timezone.now() - datetime.timedelta(hours=1)
    MeasureReading.objects.update(updated_at=earlier)
    Measure.objects.update(updated_at=earlier)
    _key, text = make_key(["strategy:read"])
    client = key_client(text)
    _rows, token = all_pages(client, "/api/v1/measures/")
    reading = MeasureReading.objects.first()
    reading.value += 1
    reading.save()
    rows, _token = all_pages(client, "/api/v1/measures/", updated_since=token)
    assert [row["id"] for row in rows] == [reading.measure_id]
