"""Today's benefits into the register's shape, without loss (issue 26).

- "cashable" becomes the cash-releasing category, anything else non-cash-releasing efficiency;
- the council a benefit was recorded for becomes its one council holding a 100% share (and the council reporting
  its realisations);
- "confirmed by the council" moves onto each realisation as the council's confirmation (graded estimated: the old
  register kept no evidence);
- the realised value and targets are kept as they were. Where the dated realisations did not add up to the realised
  value, the difference is kept as one more realisation, so the register's realised total equals the old one.
"""

from decimal import Decimal

from django.db import migrations
from django.db.models import OuterRef, Subquery, Sum

CARRIED_OVER = ("Carried over from the register before evidence grades: the realised value recorded then, less its "
                "dated realisations.")


def forwards(apps, schema_editor):
    Benefit = apps.get_model("initiatives", "Benefit")
    BenefitShare = apps.get_model("initiatives", "BenefitShare")
    BenefitRealisation = apps.get_model("initiatives", "BenefitRealisation")
    Benefit.objects.filter(is_cashable=True).update(category="cash_releasing")
    Benefit.objects.filter(is_cashable=False).update(category="non_cash_releasing")
    BenefitShare.objects.bulk_create(
        BenefitShare(benefit_id=pk, council_id=council_id, percent=Decimal("100"), is_demo=is_demo)
        for pk, council_id, is_demo in Benefit.objects.filter(council__isnull=False).values_list(
            "pk", "council_id", "is_demo").iterator()
    )
    of_benefit = Benefit.objects.filter(pk=OuterRef("benefit_id"))
    BenefitRealisation.objects.update(
        council_id=Subquery(of_benefit.values("council_id")[:1]),
        confirmed=Subquery(of_benefit.values("confirmed_by_council")[:1]),
    )
    sums = dict(BenefitRealisation.objects.values("benefit_id").annotate(total=Sum("value")).values_list(
        "benefit_id", "total"))
    carried = []
    for benefit in Benefit.objects.only("pk", "council_id", "realised_value", "confirmed_by_council", "is_demo",
                                        "updated_at").iterator():
        difference = benefit.realised_value - (sums.get(benefit.pk) or Decimal("0"))
        if difference:
            carried.append(BenefitRealisation(
                benefit_id=benefit.pk, council_id=benefit.council_id, recorded_on=benefit.updated_at.date(),
                value=difference, grade="estimated", evidence_note=CARRIED_OVER,
                confirmed=benefit.confirmed_by_council, is_demo=benefit.is_demo))
    BenefitRealisation.objects.bulk_create(carried)


def backwards(apps, schema_editor):
    Benefit = apps.get_model("initiatives", "Benefit")
    BenefitRealisation = apps.get_model("initiatives", "BenefitRealisation")
    Benefit.objects.update(is_cashable=False)
    Benefit.objects.filter(category="cash_releasing").update(is_cashable=True)
    confirmed = BenefitRealisation.objects.filter(confirmed=True).values("benefit_id")
    Benefit.objects.filter(pk__in=confirmed).update(confirmed_by_council=True)
    BenefitRealisation.objects.filter(evidence_note=CARRIED_OVER).delete()


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0006_benefits_register")]

    operations = [migrations.RunPython(forwards, backwards)]
