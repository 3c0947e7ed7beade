import datetime
from decimal import Decimal

import factory

from initiatives.models import Initiative, Participation, ProgressUpdate, Rag, ReportingPeriod
from strategy.models import Theme
from tests.councils.factories import council


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"DO-T{n:03d}")
    title = factory.Sequence(lambda n: f"Test initiative {n}")
    summary = "A test initiative."
    theme = factory.LazyFunction(lambda: Theme.objects.get(slug="digital-services"))
    lead_council = factory.LazyFunction(council)
    stage = "alpha"
    start_date = datetime.date(2024, 1, 1)
    budget = Decimal("100000.00")

    @factory.post_generation
    def lead_participation(self, create, extracted, **kwargs):
        if create:
            Participation.objects.create(initiative=self, council=self.lead_council, role=Participation.Role.LEAD)


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ["starts_on"]

    starts_on = datetime.date(2026, 10, 1)
    ends_on = datetime.date(2026, 10, 31)
    submission_opens_on = datetime.date(2026, 10, 25)
    submission_due_on = datetime.date(2026, 11, 10)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    initiative = factory.SubFactory(InitiativeFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    council = factory.LazyAttribute(lambda o: o.initiative.lead_council)
    rag_delivery = Rag.GREEN
    rag_spend = Rag.GREEN
    rag_benefits = Rag.GREEN
    rag_risk = Rag.GREEN
    percent_complete = 40
    spend_to_date = Decimal("25000.00")
