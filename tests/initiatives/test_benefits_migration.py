"""The data migration into the benefits register (initiatives 0007), on a copy of the demo data: the demo set is
seeded, taken back to the shape before the register (0005: cashable or not, one council, "confirmed by the
council"), one benefit given a realised value its dated realisations do not add up to, then migrated forward.
Counts and sums are the same before and after; each benefit's council holds a 100% share."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, F, Sum

from seeding.demo import demo_seed
from tests.conftest import DEMO_TODAY

BEFORE = [("initiatives", "0005_dashboard_figures")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_todays_benefits_move_into_the_register_without_loss(reference_data):
    demo_seed(scale="small", seed=1, today=DEMO_TODAY)
    try:
        old = migrate(BEFORE)
        Benefit = old.get_model("initiatives", "Benefit")
        Realisation = old.get_model("initiatives", "BenefitRealisation")
        odd = Benefit.objects.filter(council__isnull=False).order_by("pk").first()
        Benefit.objects.filter(pk=odd.pk).update(realised_value=odd.realised_value + Decimal("123.45"))
        before = {
            "benefits": Benefit.objects.count(),
            "cashable": Benefit.objects.filter(is_cashable=True).count(),
            "with council": Benefit.objects.filter(council__isnull=False).count(),
            "target": Benefit.objects.aggregate(s=Sum("target_value"))["s"],
            "realised": Benefit.objects.aggregate(s=Sum("realised_value"))["s"],
            "realisations": Realisation.objects.count(),
            "realisation values": Realisation.objects.aggregate(s=Sum("value"))["s"],
            "confirmed realisations": Realisation.objects.filter(benefit__confirmed_by_council=True).count(),
            "by benefit": {b.pk: (b.title, b.council_id, b.target_value, b.realised_value, b.unit)
                           for b in Benefit.objects.all()},
        }
        assert before["benefits"] > 40 and before["cashable"] and before["confirmed realisations"]

        new = migrate(leaves())
        Benefit = new.get_model("initiatives", "Benefit")
        Realisation = new.get_model("initiatives", "BenefitRealisation")
        Share = new.get_model("initiatives", "BenefitShare")
        assert Benefit.objects.count() == before["benefits"]
        assert Benefit.objects.filter(category="cash_releasing").count() == before["cashable"]
        assert Benefit.objects.filter(category="non_cash_releasing").count() == (
            before["benefits"] - before["cashable"])
        assert Benefit.objects.aggregate(s=Sum("target_value"))["s"] == before["target"]
        assert Benefit.objects.aggregate(s=Sum("realised_value"))["s"] == before["realised"]
        assert {b.pk: (b.title, b.council_id, b.target_value, b.realised_value, b.unit)
                for b in Benefit.objects.all()} == before["by benefit"]
        # every dated realisation kept, one more for the benefit whose realisations fell £123.45 short
        assert Realisation.objects.count() == before["realisations"] + 1
        assert Realisation.objects.aggregate(s=Sum("value"))["s"] == before["realisation values"] + Decimal("123.45")
        carried = Realisation.objects.get(evidence_note__startswith="Carried over")
        assert (carried.benefit_id, carried.value, carried.grade) == (odd.pk, Decimal("123.45"), "estimated")
        assert Realisation.objects.aggregate(s=Sum("value"))["s"] == before["realised"]  # realised = realisations
        # each benefit's council holds it whole; its realisations are that council's, confirmed as the benefit was
        assert Share.objects.count() == before["with council"]
        assert set(Share.objects.values_list("percent", flat=True)) == {Decimal("100")}
        assert not Share.objects.exclude(council_id=F("benefit__council_id")).exists()
        assert Benefit.objects.annotate(n=Count("shares")).filter(n__gt=1).count() == 0
        kept = Realisation.objects.filter(benefit__council__isnull=False)
        assert not kept.exclude(council_id=F("benefit__council_id")).exists()
        assert not Realisation.objects.filter(benefit__council__isnull=True, council__isnull=False).exists()
        assert Realisation.objects.filter(confirmed=True).exclude(
            evidence_note__startswith="Carried over").count() == before["confirmed realisations"]
    finally:
        migrate(leaves())

