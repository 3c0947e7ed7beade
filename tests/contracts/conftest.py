import datetime
from decimal import Decimal

import pytest

from contracts.models import Contract, ContractUse, add_months
from councils.models import Council

CRM = "48445000-9"
ERP = "48451000-4"


@pytest.fixture
def today():
    return datetime.date(2027, 1, 15)


@pytest.fixture
def councils(db):
    return {c.slug: c for c in Council.objects.all()}


@pytest.fixture
def make_contract(db):
    counter = {"n": 0}

    def _make(council, *, cpv_code=CRM, end=datetime.date(2027, 6, 30), **fields):
        counter["n"] += 1
        values = {
            "reference": f"C-{counter['n']:03}", "title": "CRM platform", "supplier_name": "Acme CRM Ltd",
            "cpv_code": cpv_code, "value": Decimal("100000"), "start_date": datetime.date(2022, 7, 1),
            "initial_end_date": end,
        }
        values.update(fields)
        return Contract.objects.create(council=council, **values)

    return _make


@pytest.fixture
def make_use(db):
    def _make(contract, council, *, end, spend="1000"):
        return ContractUse.objects.create(contract=contract, council=council, end_date=end,
                                          annual_spend=Decimal(spend))

    return _make


__all__ = ["CRM", "ERP", "add_months"]
