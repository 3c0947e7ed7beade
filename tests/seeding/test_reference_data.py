import csv
import datetime
import json
from pathlib import Path

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from councils.models import Council, CouncilCodeAlias, PartnerOrganisation
from seeding.reference_data import reference_data_load
from strategy.models import Outcome, Strategy, Theme
from tests.admin_forms import admin_save

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "reference"


def test_the_32_councils_have_exactly_the_gss_codes_of_the_csv():
    with open(SHIPPED / "scottish_councils.csv", newline="") as handle:
        expected = {row["gss_code"]: row for row in csv.DictReader(handle)}
    assert len(expected) == 32
    assert set(Council.objects.values_list("gss_code", flat=True)) == set(expected)
    glasgow = Council.objects.get(gss_code="S12000049")
    assert (glasgow.name, glasgow.population, glasgow.population_year) == ("Glasgow City", 622820, 2022)


@pytest.mark.parametrize(
    ("old_code", "name"),
    [
        ("S12000046", "Glasgow City"),
        ("S12000015", "Fife"),
        ("S12000024", "Perth and Kinross"),
        ("S12000044", "North Lanarkshire"),
    ],
)
def test_an_old_gss_code_resolves_to_the_council_now(old_code, name):
    assert Council.objects.by_code(old_code).get().name == name


def test_current_codes_resolve_too_and_unknown_codes_do_not():
    assert Council.objects.by_code("s12000049 ").get().name == "Glasgow City"
    assert not Council.objects.by_code("S12999999").exists()


def test_seven_partners():
    assert PartnerOrganisation.objects.count() == 7
    assert PartnerOrganisation.objects.get(slug="cosla").name == "Convention of Scottish Local Authorities (COSLA)"


def test_six_outcomes_word_for_word_and_three_themes():
    shipped = json.loads((SHIPPED / "strategy.json").read_text())
    strategy = Strategy.objects.get()
    assert strategy.vision == "All councils will be digital businesses by 2020"
    assert list(Outcome.objects.values_list("number", "title")) == [
        (o["number"], o["title"]) for o in shipped["outcomes"]
    ]
    assert (
        Outcome.objects.get(number=6).title == "Have a workforce equipped and skilled for the digital world we live in"
    )
    assert list(Theme.objects.values_list("title", flat=True)) == [
        "Digital Leadership",
        "Digital Foundations",
        "Digital Services",
    ]


def test_loading_twice_leaves_the_same_rows_and_adds_no_history():
    def snapshot():
        return (
            list(Council.objects.order_by("gss_code").values()),
            list(PartnerOrganisation.objects.order_by("slug").values()),
            list(Outcome.objects.order_by("number").values()),
            list(Theme.objects.order_by("slug").values()),
            Council.history.count(),
        )

    before = snapshot()
    counts = reference_data_load()
    assert snapshot() == before
    assert counts["councils"] == 32 and counts["partners"] == 7 and counts["outcomes"] == 6


def test_reloading_repairs_a_changed_fact():
    Council.objects.filter(gss_code="S12000047").update(population=1)
    reference_data_load()
    assert Council.objects.get(gss_code="S12000047").population == 371340


def test_the_reference_loader_ends_with_analyze_on_postgresql():
    """The loader refreshes the planner's statistics when it finishes (PostgreSQL only; SQLite needs nothing)."""
    with CaptureQueriesContext(connection) as queries:
        reference_data_load()
    analyzed = [q["sql"] for q in queries.captured_queries if q["sql"].strip().upper() == "ANALYZE"]
    assert analyzed == (["ANALYZE"] if connection.vendor == "postgresql" else [])
    if connection.vendor == "postgresql":
        assert queries.captured_queries[-1]["sql"] == "ANALYZE"


# Reference rows keyed stably (issue 22): an admin's edits never make the loader add a row.

REFERENCE_MODELS = [Council, CouncilCodeAlias, PartnerOrganisation, Strategy, Outcome, Theme]
NOT_SHIPPED = {(Council, "sso_creates_viewers")}  # the office's own settings, not facts of the files


def editable_fields(model):
    """The fields an admin can change (the form's): editable, not the key the loader matches on, not a link to
    another reference row (the one strategy)."""
    keys = {"gss_code", "old_code", "code"}
    return [field for field in model._meta.concrete_fields if field.editable and not field.primary_key
            and field.name not in keys and not isinstance(field, models.ForeignKey)]


def edited(field, value, pk):
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, models.DateField):
        return value + datetime.timedelta(days=1)
    if isinstance(field, models.IntegerField):
        return value + 100 + pk  # outcome numbers stay unique within their strategy
    return f"{value[: field.max_length - 12]}-edited-{pk}"


def snapshot(model):
    return {row.pk: {field.name: getattr(row, field.name) for field in editable_fields(model)}
            for row in model.objects.all()}


@pytest.fixture
def superuser_admin(client):
    from core.models import User
    from tests.conftest import mark_second_factor_used

    admin = User.objects.create_superuser(email="root@example.org", password="x" * 20)
    client.force_login(admin)
    mark_second_factor_used(client, admin)
    return client


def test_every_edit_of_a_reference_row_then_three_reloads_adds_no_row_and_restores_the_shipped_facts(
        superuser_admin):
    """What the loader does with an edited field: it restores the shipped value of every field the files give
    (the slug, name and kind of a partner, a theme's slug, title, summary and order, an outcome's number, title
    and note, the strategy's facts, a council's name, population and cells), and keeps the fields the files do
    not give (a council's single sign-on setting). Rows are matched on a key the admin shows read-only (GSS code,
    old code, `code`), so an edited slug or number is not a new row."""
    shipped = {model: snapshot(model) for model in REFERENCE_MODELS}
    counts = {model: model.objects.count() for model in REFERENCE_MODELS}
    # Through the admin's forms, the slugs and names the old loader matched on (COSLA, Digital Leadership) ...
    admin_save(superuser_admin, PartnerOrganisation.objects.get(code="cosla"), slug="cosla-edited", name="COSLA")
    admin_save(superuser_admin, Theme.objects.get(code="digital-leadership"), slug="leadership",
               title="Leadership")
    admin_save(superuser_admin, Outcome.objects.get(code="1"), number=60, title="Better outcomes")
    assert PartnerOrganisation.objects.get(code="cosla").slug == "cosla-edited"
    # ... then every other editable field of every reference row, as a shell or a script would.
    for model in REFERENCE_MODELS:
        for row in model.objects.all():
            for field in editable_fields(model):
                setattr(row, field.name, edited(field, getattr(row, field.name), row.pk))
            row.save()
    strategy_id = Strategy.objects.get().pk
    for _ in range(3):
        reference_data_load()
    for model in REFERENCE_MODELS:
        assert model.objects.count() == counts[model], f"{model.__name__} duplicated"
        now = snapshot(model)
        assert set(now) == set(shipped[model]), f"{model.__name__}: other rows"
        for pk, values in now.items():
            for name, value in values.items():
                if (model, name) in NOT_SHIPPED:
                    assert value != shipped[model][pk][name], "the loader overwrote the office's own setting"
                else:
                    assert value == shipped[model][pk][name], f"{model.__name__} {pk} {name} not restored"
    assert Strategy.objects.get().pk == strategy_id
    assert PartnerOrganisation.objects.filter(name__icontains="COSLA").count() == 1
    assert Theme.objects.filter(title="Digital Leadership").count() == 1


def test_the_keys_are_read_only_in_the_admin(superuser_admin):
    partner = PartnerOrganisation.objects.get(code="cosla")
    council = Council.objects.get(gss_code="S12000049")
    for url, key in [(f"/admin/councils/partnerorganisation/{partner.pk}/change/", "code"),
                     (f"/admin/strategy/theme/{Theme.objects.get(code='digital-services').pk}/change/", "code"),
                     (f"/admin/strategy/outcome/{Outcome.objects.get(code='6').pk}/change/", "code"),
                     (f"/admin/councils/council/{council.pk}/change/", "gss_code")]:
        page = superuser_admin.get(url).content.decode()
        assert f'name="{key}"' not in page, url  # shown as text, not a field the form would post
    superuser_admin.post(f"/admin/councils/partnerorganisation/{partner.pk}/change/",
                         {"code": "changed", "slug": "cosla", "name": partner.name, "kind": partner.kind})
    assert PartnerOrganisation.objects.filter(code="cosla").exists()


def test_a_database_loaded_before_codes_existed_is_adopted_not_duplicated():
    """Rows that have no code yet (as if loaded before the migration) get theirs from the shipped slug or number."""
    PartnerOrganisation.objects.update(code=None)
    Theme.objects.update(code=None)
    Outcome.objects.update(code=None)
    reference_data_load()
    assert PartnerOrganisation.objects.count() == 7 and Theme.objects.count() == 3 and Outcome.objects.count() == 6
    assert PartnerOrganisation.objects.get(slug="cosla").code == "cosla"
    assert sorted(Outcome.objects.values_list("code", flat=True)) == [str(n) for n in range(1, 7)]
