"""Demo contracts for the register and the radar (all labelled demo): believable contracts for a few councils, with
clusters the radar finds: three councils' CRM contracts ending within the same year, two councils' ERP contracts
within twelve months, a telecoms framework call-off used by three councils, and contracts that cluster with none.
Dates are counted from `today`, so the radar shows the same picture whatever the day."""

import datetime
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from contracts.models import Contract, ContractUse, add_months
from councils.models import Council

CRM, ERP, TELECOMS, DEVICES, HR, IT_SUPPORT = (
    "48445000-9", "48451000-4", "64210000-1", "30213000-5", "48450000-7", "72250000-2")

# (council, reference, title, supplier, company number, category, product, value, months from today to the end,
#  extension options, extension months, notice months, kind, route)
CONTRACTS = [
    ("Glasgow City", "GCC-ICT-0141", "Customer relationship management platform", "Demo CRM Systems Ltd",
     "SC000101", CRM, "CitizenDesk", "1450000", 9, 1, 12, 6, "council", "own_tender"),
    ("Fife", "FC-DIG-2207", "Customer service CRM and web forms", "Demo CRM Systems Ltd", "SC000101", CRM,
     "CitizenDesk", "620000", 13, 0, 0, 3, "council", "own_tender"),
    ("Highland", "THC-CS-0388", "Contact centre CRM", "Demo Engage plc", "00000202", CRM, "EngageOne", "540000",
     17, 2, 12, 3, "licence", "ccs"),
    ("City of Edinburgh", "CEC-ERP-0099", "Finance and HR enterprise resource planning", "Demo Ledger Ltd",
     "SC000303", ERP, "LedgerSuite", "3200000", 20, 1, 24, 12, "council", "own_tender"),
    ("Aberdeen City", "ACC-FIN-0412", "Finance system", "Demo Ledger Ltd", "SC000303", ERP, "LedgerSuite",
     "1100000", 23, 0, 0, 6, "council", "scottish_government"),
    ("Dundee City", "DCC-HR-0150", "Payroll and HR system", "Demo People Systems Ltd", "00000404", HR,
     "PayPoint", "410000", 4, 1, 12, 3, "council", "own_tender"),
    ("Stirling", "SC-EUD-0077", "Laptops and end-user devices", "Demo Devices Ltd", "00000505", DEVICES, "",
     "780000", 40, 0, 0, 0, "call_off", "scotland_excel"),
    ("Falkirk", "FAL-ICT-0031", "IT service desk support", "Demo Support Services Ltd", "SC000606", IT_SUPPORT,
     "", "260000", 30, 1, 12, 3, "council", "direct_award"),
]
# A framework call-off the office holds for councils, each with its own end and annual spend.
SHARED = ("SHARED-TEL-01", "Wide area network and telephony (call-off)", "Demo Telecoms plc", "00000707",
          TELECOMS, "Public sector network", "5400000")
SHARED_USERS = [("Glasgow City", 14, "410000"), ("North Lanarkshire", 18, "220000"), ("Renfrewshire", 21, "130000")]


def _end(today, months) -> datetime.date:
    return add_months(today, months)


def demo_contracts_seed(*, today: datetime.date, owners: dict | None = None) -> int:
    councils = {c.name: c for c in Council.objects.filter(
        name__in={row[0] for row in CONTRACTS} | {row[0] for row in SHARED_USERS})}
    contracts = []
    for (council, reference, title, supplier, number, code, product, value, months, options, length, notice,
         kind, route) in CONTRACTS:
        end = _end(today, months)
        contracts.append(Contract(
            council=councils[council], reference=reference, title=title, supplier_name=supplier,
            supplier_company_number=number, cpv_code=code, product=product, value=Decimal(value),
            start_date=add_months(end, -60), initial_end_date=end, extension_count=options,
            extension_months=length, notice_months=notice, kind=kind, route=route, is_demo=True,
            owner=(owners or {}).get(council), notes="Demo contract: not real data.",
        ))
    reference, title, supplier, number, code, product, value = SHARED
    shared = Contract(
        council=None, reference=reference, title=title, supplier_name=supplier, supplier_company_number=number,
        cpv_code=code, product=product, value=Decimal(value), value_basis=Contract.ValueBasis.POTENTIAL,
        start_date=add_months(today, -36), initial_end_date=_end(today, 24), kind=Contract.Kind.CALL_OFF,
        route=Contract.Route.SCOTLAND_EXCEL, is_demo=True, notes="Demo contract: not real data.",
    )
    # Bulk loads, as the rest of the demo data: no change-feed entries (partners copy demo data in full).
    made = bulk_create_with_history([*contracts, shared], Contract, default_change_reason="demo data")
    shared = next(c for c in made if c.reference == SHARED[0])
    uses = [ContractUse(contract=shared, council=councils[council], end_date=_end(today, months),
                        annual_spend=Decimal(spend), is_demo=True) for council, months, spend in SHARED_USERS]
    bulk_create_with_history(uses, ContractUse, default_change_reason="demo data")
    return len(made)
