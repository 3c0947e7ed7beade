"""Reads of the register: what a caller may see, the renewal radar (calendar, collaboration candidates, councils on
a supplier) and the anonymised sector view. Every read costs a fixed number of queries whatever the data size."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import HistorySource, change_history

from . import policies
from .cpv import cpv_name
from .models import Contract, ContractUse, add_months

RADAR_MONTHS = 24
CANDIDATE_WINDOW_MONTHS = 12


def today() -> datetime.date:
    return timezone.localdate()


def visible_contracts(*, user):
    """The contracts a caller may read (pages and API alike); another council's contract is absent (a 404)."""
    condition = policies.contract_filter(user)
    if condition is None:
        return Contract.objects.none()
    if not condition:
        return Contract.objects.all()
    return Contract.objects.filter(pk__in=Contract.objects.filter(condition).values("pk"))


def contract_list(*, user, queryset=None):
    if not policies.can_use_register(user):
        raise PermissionDenied(_("The contracts register is shown to council and Digital Office staff."))
    queryset = visible_contracts(user=user) if queryset is None else queryset
    return queryset.select_related("council", "owner").order_by("initial_end_date", "reference")


def contract_get(*, user, pk: int) -> Contract:
    contract = (
        visible_contracts(user=user).select_related("council", "owner")
        .prefetch_related(Prefetch("uses", ContractUse.objects.select_related("council")), "documents", "initiatives")
        .filter(pk=pk).first()
    )
    if contract is None:
        raise Http404
    return contract


def contract_for_edit(*, user, pk: int) -> Contract:
    """A contract the person may change: 404 if they may not see it, 403 if they see it but may not change it."""
    contract = contract_get(user=user, pk=pk)
    if not policies.can_edit_contract(user, contract):
        raise PermissionDenied(_("Only the Digital Office and the council's editors change this contract."))
    return contract


def contract_history(contract, *, limit: int = 50) -> list[dict]:
    """Who changed the contract and the councils using it, when, with each value before and after."""
    return change_history([
        HistorySource("contract", Contract.history.filter(id=contract.pk), lambda record: _("the contract")),
        HistorySource("use", ContractUse.history.filter(contract_id=contract.pk),
                      lambda record: _("a council using it"), fields=["council", "end_date", "annual_spend"]),
    ], limit=limit)


def document_get(*, user, pk: int, document_pk: int):
    contract = contract_get(user=user, pk=pk)
    document = next((d for d in contract.documents.all() if d.pk == document_pk), None)
    if document is None:
        raise Http404
    return document


# -- the radar ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expiry:
    """One council's end of one contract: its own (a council contract) or its use of a shared one."""

    contract: Contract
    council: object
    end_date: datetime.date
    annual_spend: object = None

    @property
    def category(self) -> str:
        return self.contract.cpv_code

    @property
    def key(self) -> str:
        return f"{self.contract.pk}-{self.council.pk}"


@dataclass
class Candidate:
    """Councils whose contracts of one category end within twelve months of each other."""

    category: str
    expiries: list

    @property
    def category_name(self):
        return cpv_name(self.category)

    @property
    def councils(self) -> list:
        seen = {}
        for expiry in self.expiries:
            seen.setdefault(expiry.council.pk, expiry.council)
        return list(seen.values())

    @property
    def first_end(self):
        return self.expiries[0].end_date

    @property
    def last_end(self):
        return self.expiries[-1].end_date

    @property
    def contract_ids(self) -> list[int]:
        return sorted({expiry.contract.pk for expiry in self.expiries})

    @property
    def keys(self) -> str:
        return ",".join(expiry.key for expiry in self.expiries)


@dataclass
class Month:
    start: datetime.date
    expiries: list = field(default_factory=list)

    def by_category(self) -> list[tuple[str, str, list]]:
        groups = defaultdict(list)
        for expiry in self.expiries:
            groups[expiry.category].append(expiry)
        return [(code, cpv_name(code), groups[code]) for code in sorted(groups)]


def expiries(queryset, *, start: datetime.date, end: datetime.date) -> list[Expiry]:
    """Each council's end of each undecided contract in `queryset` between `start` and `end`, soonest first.

    Two queries: the contracts (with their councils) and their uses. A contract's own council ends it at its
    current end (extensions taken); each council using it, at its own end date."""
    contracts = list(
        queryset.filter(decision="", initial_end_date__lte=end).exclude(maximum_end_date__lt=start)
        .select_related("council", "owner")
        .prefetch_related(Prefetch("uses", ContractUse.objects.select_related("council")))
    )
    found = []
    for contract in contracts:
        if contract.council is not None and start <= contract.current_end_date <= end:
            found.append(Expiry(contract, contract.council, contract.current_end_date))
        for use in contract.uses.all():
            if use.council_id != contract.council_id and start <= use.end_date <= end:
                found.append(Expiry(contract, use.council, use.end_date, use.annual_spend))
    found.sort(key=lambda e: (e.end_date, e.council.name, e.contract.reference))
    return found


def collaboration_candidates(found: list[Expiry], *, window_months: int = CANDIDATE_WINDOW_MONTHS) -> list[Candidate]:
    """Per category, the runs of expiries that end within `window_months` of the run's first one and name at least
    two councils. Runs do not overlap: the next starts after the last expiry of the one before."""
    by_category = defaultdict(list)
    for expiry in found:
        by_category[expiry.category].append(expiry)
    candidates = []
    for category in sorted(by_category):
        items = by_category[category]
        index = 0
        while index < len(items):
            limit = add_months(items[index].end_date, window_months)
            run = [e for e in items[index:] if e.end_date <= limit]
            if len({e.council.pk for e in run}) >= 2:
                candidates.append(Candidate(category, run))
                index += len(run)
            else:
                index += 1
    candidates.sort(key=lambda c: (c.first_end, c.category))
    return candidates


def councils_by_supplier(found: list[Expiry]) -> list[dict]:
    suppliers = defaultdict(dict)
    for expiry in found:
        suppliers[expiry.contract.supplier_name][expiry.council.pk] = expiry.council
    return [
        {"supplier": name, "councils": sorted(councils.values(), key=lambda c: c.name)}
        for name, councils in sorted(suppliers.items(), key=lambda item: (-len(item[1]), item[0]))
    ]


def radar(*, user, queryset=None, on: datetime.date | None = None) -> dict:
    """The office's renewal radar over the next 24 months: a calendar of expiries by month and category, the
    collaboration candidates, and the councils on each supplier."""
    if not policies.can_use_radar(user):
        raise PermissionDenied(_("The renewal radar is the Digital Office's."))
    start = on or today()
    end = add_months(start, RADAR_MONTHS)
    found = expiries(visible_contracts(user=user) if queryset is None else queryset, start=start, end=end)
    months = [Month(add_months(start.replace(day=1), offset)) for offset in range(RADAR_MONTHS + 1)]
    for expiry in found:
        offset = (expiry.end_date.year - start.year) * 12 + expiry.end_date.month - start.month
        months[offset].expiries.append(expiry)
    return {
        "start": start, "end": end, "expiries": found,
        "months": [month for month in months if month.expiries],
        "candidates": collaboration_candidates(found),
        "suppliers": councils_by_supplier(found),
    }


def candidate_expiries(*, user, keys: list[str], on: datetime.date | None = None) -> list[Expiry]:
    """The expiries a draft names (`contract-council` keys), read again so a draft names only what the radar shows."""
    data = radar(user=user, on=on)
    wanted = set(keys)
    return [expiry for expiry in data["expiries"] if expiry.key in wanted]


def sector_view(*, user) -> list[dict]:
    """How many councils use each supplier for each category, without values or council names: contracts the
    office leaves in the sector view (`in_sector_view`). One query."""
    if not policies.can_see_sector_view(user):
        raise PermissionDenied(_("The sector view is shown to signed-in council, partner and office staff."))
    own = Contract.objects.filter(in_sector_view=True, council__isnull=False).values_list(
        "supplier_name", "cpv_code", "council_id")
    used = ContractUse.objects.filter(contract__in_sector_view=True).values_list(
        "contract__supplier_name", "contract__cpv_code", "council_id")
    counted = defaultdict(set)
    for supplier, code, council_id in own.union(used):
        counted[(supplier, code)].add(council_id)
    return [
        {"supplier": supplier, "category": code, "category_name": cpv_name(code), "councils": len(councils)}
        for (supplier, code), councils in sorted(counted.items(), key=lambda item: (item[0][1], -len(item[1])))
    ]


def contracts_count_by_council() -> dict:
    return dict(Contract.objects.values_list("council_id").annotate(n=Count("pk")))
