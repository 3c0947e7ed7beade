import datetime
from decimal import Decimal

import factory

from strategy.models import MaturityAssessment, MaturityLevel, Measure, MeasureReading, Outcome
from tests.councils.factories import council


def outcome(number=1):
    """A reference outcome (loaded at test set-up), by number."""
    return Outcome.objects.get(number=number)


def level(rank):
    """A reference (placeholder) maturity level, by rank."""
    return MaturityLevel.objects.get(rank=rank)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    outcome = factory.LazyFunction(outcome)
    title = factory.Sequence(lambda n: f"Test measure {n}")
    unit = "%"
    baseline = Decimal("20.00")
    target = Decimal("60.00")
    target_date = datetime.date(2020, 12, 31)
    higher_is_better = True


class MeasureReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureReading

    measure = factory.SubFactory(MeasureFactory)
    council = None
    taken_on = datetime.date(2019, 3, 31)
    value = Decimal("30.00")


class MaturityAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaturityAssessment

    council = factory.LazyFunction(council)
    assessed_on = datetime.date(2019, 11, 1)
    overall_level = factory.LazyFunction(lambda: level(2))
