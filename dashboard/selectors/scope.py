"""The filters in force: the initiatives every widget of the dashboard counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import QueryDict
from django.urls import reverse

from initiatives import selectors as portfolio
from initiatives.filtersets import InitiativeFilterSet

from .. import policies
from .aggregates import FILTERS

if TYPE_CHECKING:
    pass


@dataclass
class Scope:
    """The initiatives the dashboard counts: the portfolio narrowed by the filters in the URL."""

    params: QueryDict
    filterset: InitiativeFilterSet
    initiatives: object  # a queryset of Initiative
    council: object | None  # the participating council filtered on, if any
    lead_council: object | None

    @property
    def ids(self):
        return self.initiatives.values("pk")

    @property
    def base(self):
        """The same initiatives without the filters' joins, so sums count each initiative once."""
        return portfolio.initiative_records().filter(pk__in=self.ids)

    def query(self, **changes) -> str:
        """The filters in force with some changed: a value of None removes the parameter."""
        params = self.params.copy()
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            elif isinstance(value, list | tuple):
                params.setlist(key, list(value))
            else:
                params[key] = value
        return params.urlencode()

    def portfolio_link(self, **extra) -> str:
        """The portfolio list filtered to exactly the initiatives a figure counts."""
        query = self.query(**extra)
        return reverse("initiatives:list") + (f"?{query}" if query else "")

    def dashboard_link(self, **changes) -> str:
        query = self.query(**changes)
        return reverse("dashboard:dashboard") + (f"?{query}" if query else "")


def dashboard_scope(*, user, data: QueryDict) -> Scope:
    """The filters from the URL. Council staff start from their council's version (the initiatives it leads or
    joins) until they choose another council, or any council (an empty `council`)."""
    params = QueryDict(mutable=True)
    for key in FILTERS:
        values = [value for value in data.getlist(key) if value]
        if values:
            params.setlist(key, values)
    own = policies.home_council_gss(user)
    if own and "council" not in data:
        params["council"] = own
    filterset = InitiativeFilterSet(params, queryset=portfolio.initiative_records())
    if not filterset.is_valid():
        for name in filterset.errors:  # a value that names nothing is dropped, not an error page
            params.pop(name, None)
        filterset = InitiativeFilterSet(params, queryset=portfolio.initiative_records())
        filterset.is_valid()
    cleaned = filterset.form.cleaned_data
    return Scope(
        params=params,
        filterset=filterset,
        initiatives=filterset.qs,
        council=cleaned.get("council"),
        lead_council=cleaned.get("lead_council"),
    )
