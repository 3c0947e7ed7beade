import datetime
from decimal import Decimal

import factory

from councils.models import Contribution, Council, FundingAgreement, Payment


def council(code="S12000049"):
    """A reference council (loaded at test set-up), by GSS code."""
    return Council.objects.get(gss_code=code)


class FundingAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingAgreement

    title = factory.Sequence(lambda n: f"Test agreement {n}")
    first_year = 2016
    last_year = 2018
    budget = Decimal("1000000.00")


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    agreement = factory.SubFactory(FundingAgreementFactory)
    council = factory.LazyFunction(council)
    financial_year = 2017
    amount_due = Decimal("25000.00")
    due_date = factory.LazyAttribute(lambda o: datetime.date(o.financial_year, 6, 30))


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    contribution = factory.SubFactory(ContributionFactory)
    amount = Decimal("1000.00")
    paid_on = datetime.date(2017, 6, 1)
