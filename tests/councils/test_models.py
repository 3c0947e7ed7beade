import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from councils.models import Contribution, financial_year_label, financial_year_of
from tests.councils.factories import ContributionFactory, council

pytestmark = pytest.mark.django_db


def test_a_second_contribution_for_the_same_council_and_year_is_refused_by_the_database():
    first = ContributionFactory(council=council("S12000049"), financial_year=2017)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.create(
            agreement=first.agreement, council=first.council, financial_year=2017,
            amount_due=first.amount_due, due_date=first.due_date,
        )
    assert Contribution.objects.filter(council=first.council, financial_year=2017).count() == 1


def test_the_same_year_for_another_council_is_fine():
    first = ContributionFactory(council=council("S12000049"), financial_year=2017)
    ContributionFactory(agreement=first.agreement, council=council("S12000047"), financial_year=2017)
    assert Contribution.objects.filter(financial_year=2017).count() == 2


def test_full_clean_explains_the_duplicate_in_plain_words():
    first = ContributionFactory(financial_year=2018)
    duplicate = Contribution(
        agreement=first.agreement, council=first.council, financial_year=2018,
        amount_due=first.amount_due, due_date=first.due_date,
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has a contribution for that financial year" in str(error.value)


def test_money_is_decimal_in_pounds():
    contribution = ContributionFactory(amount_due="12345.67")
    contribution.refresh_from_db()
    assert str(contribution.amount_due) == "12345.67"


@pytest.mark.parametrize(("start", "label"), [(2016, "2016/17"), (2017, "2017/18"), (2099, "2099/00")])
def test_financial_years_are_written_the_scottish_way(start, label):
    assert financial_year_label(start) == label


def test_a_financial_year_runs_from_april_to_march():
    import datetime

    assert financial_year_of(datetime.date(2018, 3, 31)) == 2017
    assert financial_year_of(datetime.date(2018, 4, 1)) == 2018
