"""The copy a partner keeps stays true when the things other records embed are renamed or deleted (hypothesis), by
every door: the admin site's forms (POSTs to its change and delete pages) and the ORM, as services, management
commands and a shell write. Partner organisations, themes, outcomes and councils: initiatives name them (by slug,
number, GSS code and name), measures their outcome, contracts and contributions their council. A copy taken
from the lists and then kept by following the feed from the position taken before it equals a fresh full read.

Fault it guards: deleting a partner organisation or an outcome in the admin sent the delete, not the initiatives
that named it (the link rows go by a cascade that sends no m2m_changed), and their `updated_at` stayed."""

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import User
from core.scopes import SCOPES
from councils.models import Council, PartnerOrganisation
from initiatives import services as portfolio
from initiatives.models import Initiative
from strategy.models import Outcome, Theme
from tests.admin_forms import admin_delete, admin_save
from tests.conftest import mark_second_factor_used, signed_in_with_two_factor
from tests.partner_access.test_sync_property import Partner, grant_every_scope, what_the_partner_may_see

# serial: reads the change feed, whose horizon an open transaction of another test process would hold back.
pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.serial]

KEY_PARTNER = "scottish-government"  # the key's own organisation is never deleted here
WRITES = [
    "partner_rename", "partner_delete", "theme_rename", "theme_delete", "outcome_renumber", "outcome_delete",
    "council_rename", "council_recode", "partner_link",
]
DOORS = st.sampled_from(["admin", "orm"])


def change(instance, door, admin, **changes):
    if door == "admin":
        admin_save(admin, instance, **changes)
    else:
        for name, value in changes.items():
            setattr(instance, name, value)
        instance.save()


def delete(instance, door, admin):
    if door == "admin":
        admin_delete(admin, instance)
    else:
        instance.delete()


def pick(data, queryset):
    rows = list(queryset.order_by("pk"))
    return rows[data.draw(st.integers(min_value=0, max_value=10_000)) % len(rows)] if rows else None


def write_something(data, cdo, admin):
    """One rename or delete of a thing other records embed, by one door."""
    write, door = data.draw(st.sampled_from(WRITES)), data.draw(DOORS)
    if write == "partner_rename":
        partner = pick(data, PartnerOrganisation.objects.exclude(slug=KEY_PARTNER))
        change(partner, door, admin, slug=f"{partner.slug[:50]}-x{partner.pk}")
    elif write == "partner_delete":
        partner = pick(data, PartnerOrganisation.objects.exclude(slug=KEY_PARTNER).filter(initiatives__isnull=False))
        if partner:
            delete(partner, door, admin)
    elif write == "partner_link":
        initiative = pick(data, Initiative.objects.all())
        partner = pick(data, PartnerOrganisation.objects.exclude(initiatives=initiative))
        if partner:
            portfolio.initiative_update(user=cdo, initiative=initiative, version=initiative.version,
                                        partners=[*initiative.partners.all(), partner])
    elif write == "theme_rename":
        theme = pick(data, Theme.objects.all())
        change(theme, door, admin, slug=f"{theme.slug[:40]}-x{theme.pk}")
    elif write == "theme_delete":
        theme, other = pick(data, Theme.objects.all()), None
        other = Theme.objects.exclude(pk=theme.pk).order_by("pk").first()
        if other is None:
            return
        for initiative in Initiative.objects.filter(theme=theme):  # a theme in use is protected: move them first
            portfolio.initiative_update(user=cdo, initiative=initiative, version=initiative.version, theme=other)
        delete(theme, door, admin)
    elif write == "outcome_renumber":
        outcome = pick(data, Outcome.objects.all())
        highest = max(Outcome.objects.values_list("number", flat=True))
        change(outcome, door, admin, number=highest + 1)
    elif write == "outcome_delete":
        outcome = pick(data, Outcome.objects.filter(measures__isnull=True, initiatives__isnull=False).distinct())
        if outcome:
            delete(outcome, door, admin)
    elif write == "council_rename":
        council = pick(data, Council.objects.all())
        change(council, door, admin, name=f"{council.name[:80]} ·")
    else:  # a new GSS code (what a boundary change does), through the ORM: the admin shows it read-only
        council = pick(data, Council.objects.all())
        council.gss_code = f"S99{council.pk:06d}"
        council.save()


# 4 examples (about 40 s each on this machine: every one takes two full reads of the API) keep make test in its time;
# derandomized, so each run draws the same writes, a theme renamed in the admin first.
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_a_copy_kept_by_the_feed_stays_true_when_embedded_things_change(data, demo_data, make_key, key_client):
    with transaction.atomic():  # every example starts from the same data, so a failure replays and shrinks
        a_sync_sees_renames_and_deletes(data, make_key, key_client)
        transaction.set_rollback(True)


def a_sync_sees_renames_and_deletes(data, make_key, key_client):
    cdo = signed_in_with_two_factor(User.objects.get(email="cdo@demo.digitaloffice.scot"))
    root = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        email="root@example.org", password="x" * 20)
    admin = Client()
    admin.force_login(root)
    mark_second_factor_used(admin, root)
    grant_every_scope(KEY_PARTNER)
    _key, text = make_key(SCOPES, partner=KEY_PARTNER, rate_limit="1000000/min")
    partner = Partner(key_client(text))
    while partner.pending:  # a full copy, whole lists
        partner.read_list_page(sorted(partner.pending)[0], 500)
    first = dict(partner.copy)
    for _ in range(data.draw(st.integers(min_value=1, max_value=5))):
        write_something(data, cdo, admin)
        if data.draw(st.booleans()):
            partner.read_feed_page(data.draw(st.sampled_from([1, 3, 500])))
    while partner.read_feed_page(500):
        pass
    truth = what_the_partner_may_see(partner.client)
    assert set(partner.copy) - set(truth) == set(), "extra rows"
    assert set(truth) - set(partner.copy) == set(), "missing rows"
    stale = [key for key, row in truth.items() if partner.copy[key] != row]
    assert stale == [], "stale rows"
    # And `updated_since` sees them: a record whose served content changed has a later `updated_at`.
    for key, row in truth.items():
        before = first.get(key)
        if before is not None and "updated_at" in row and without_stamp(before) != without_stamp(row):
            assert row["updated_at"] > before["updated_at"], key


def without_stamp(row):
    return {name: value for name, value in row.items() if name != "updated_at"}
