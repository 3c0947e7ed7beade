"""The whole dashboard page: the widgets computed once per change and cached, the workflow's apart."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.http import Http404, QueryDict
from django.utils.translation import get_language

from core import cache as portal_cache
from core.forms import applied_filters
from core.roles import role_of
from initiatives import selectors as portfolio

from .. import policies
from .aggregates import FILTERS
from .attention import attention_approved, attention_workflow
from .changes import changed_since, default_since
from .headline import headline_approved, headline_complete, headline_workflow
from .map import Measure, council_map_approved, council_map_complete, council_map_workflow
from .scope import Scope, dashboard_scope
from .trends import trends_approved, trends_complete, trends_workflow

if TYPE_CHECKING:
    pass


DASHBOARD_CACHE_SECONDS = 600


def _viewer(user) -> tuple:
    """Everything that decides which figures a person may see (this module's policies): people who answer alike
    (the CDO and the CTO; two editors of one council) share cached figures, and nobody else does."""
    return (
        role_of(user), user.council_id, user.partner_id,
        policies.can_see_unapproved_states(user), policies.unapproved_states_council_id(user),
        policies.can_see_funding(user), policies.can_see_maturity_map(user), policies.can_see_review_links(user),
    )


def dashboard(*, user, data: QueryDict, on: datetime.date | None = None) -> dict:
    """The whole page. Its figures are computed once per change, not per view, in two parts cached apart (core.cache)
    with the day, the filters, the viewer's permissions and the language in their keys:

    - the figures of approved data (current ratings, trends, benefits, changes since the board, the map's counts):
      under the STAFF_DATA token, which every write to the portfolio's apps renews (core.changes.renew_on_writes)
      but a draft saved or an update submitted or returned;
    - the workflow's (overdue and on-time counts, the returned and awaiting lists, the map's reporting status):
      under the WORKFLOW token, which those renew too. A handful of small queries (`_workflow`), so a draft saved
      costs the next view those and not the office's figures."""
    if not policies.can_see_dashboard(user):
        raise Http404
    on = on or portfolio.today()
    scope = dashboard_scope(user=user, data=data)
    measure = data.get("measure") or Measure.STATUS
    key_parts = (_viewer(user), get_language(), on, scope.params.urlencode())
    figures = portal_cache.cached(
        "dashboard-approved", (*key_parts, data.get("since"), measure),  # named anew: no value of the old shape
        lambda: _approved(scope, user=user, data=data, measure=measure, on=on),
        version=portal_cache.STAFF_DATA, ttl=DASHBOARD_CACHE_SECONDS,
    )
    workflow = portal_cache.cached(
        "dashboard-workflow", key_parts, lambda: _workflow(scope, user=user, on=on),
        version=portal_cache.WORKFLOW, ttl=DASHBOARD_CACHE_SECONDS,
    )
    return {
        "scope": scope,
        "form": scope.filterset.form,
        "filter_fields": [scope.filterset.form[name] for name in FILTERS],
        "applied": applied_filters(scope.filterset.form, scope.params),
        **_complete(figures, workflow, scope=scope, user=user),
        "can_see_unapproved": policies.can_see_unapproved_states(user)
        or policies.unapproved_states_council_id(user) is not None,
    }


def _approved(scope: Scope, *, user, data, measure, on) -> dict:
    period = portfolio.last_closed_period(on=on)
    board = default_since(on=on)
    since = _since_of(data, on=on, default=board)
    return {
        "headline": headline_approved(scope, user=user, period=period),
        "attention": attention_approved(scope, period=period),
        "trends": trends_approved(scope, on=on),
        "changes": changed_since(scope, since=since),
        "since": since,
        "default_since": board,
        "map": council_map_approved(scope, user=user, period=period, measure=measure),
    }


def _workflow(scope: Scope, *, user, on) -> dict:
    period = portfolio.last_closed_period(on=on)
    return {
        "headline": headline_workflow(scope, period),
        "attention": attention_workflow(scope, user=user, period=period, on=on),
        "trends": trends_workflow(scope, on=on),
        "map": council_map_workflow(scope, period),
    }


def _complete(figures: dict, workflow: dict, *, scope: Scope, user) -> dict:
    """The figures of approved data with the workflow's in place (each value is a fresh copy from the cache, or
    computed for this view alone, so completing it in place is safe)."""
    return {
        **figures,
        "headline": headline_complete(figures["headline"], workflow["headline"], scope),
        "attention": {**figures["attention"], **workflow["attention"]},
        "trends": trends_complete(figures["trends"], workflow["trends"]),
        "map": council_map_complete(figures["map"], workflow["map"], user=user),
    }


def _since_of(data, *, on, default) -> datetime.date:
    text = data.get("since") or ""
    try:
        since = datetime.date.fromisoformat(text)
    except ValueError:
        return default
    return min(since, on)
