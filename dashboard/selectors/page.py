"""The whole dashboard page: the widgets computed once per change and cached."""

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
from .attention import needs_attention
from .changes import changed_since, default_since
from .headline import headline
from .map import Measure, council_map
from .scope import Scope, dashboard_scope
from .trends import trends

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
    """The whole page. Its figures are computed once per change, not per view: cached under the STAFF_DATA token
    (core.cache), which every write to the portfolio's apps renews (core.changes.renew_on_writes), with the day,
    the filters, the viewer's permissions and the language in the key."""
    if not policies.can_see_dashboard(user):
        raise Http404
    on = on or portfolio.today()
    scope = dashboard_scope(user=user, data=data)
    measure = data.get("measure") or Measure.STATUS
    key_parts = (_viewer(user), get_language(), on, scope.params.urlencode(), data.get("since"), measure)
    figures = portal_cache.cached(
        "dashboard", key_parts, lambda: _figures(scope, user=user, data=data, measure=measure, on=on),
        version=portal_cache.STAFF_DATA, ttl=DASHBOARD_CACHE_SECONDS,
    )
    return {
        "scope": scope,
        "form": scope.filterset.form,
        "filter_fields": [scope.filterset.form[name] for name in FILTERS],
        "applied": applied_filters(scope.filterset.form, scope.params),
        **figures,
        "can_see_unapproved": policies.can_see_unapproved_states(user)
        or policies.unapproved_states_council_id(user) is not None,
    }


def _figures(scope: Scope, *, user, data, measure, on) -> dict:
    period = portfolio.last_closed_period(on=on)
    board = default_since(on=on)
    since = _since_of(data, on=on, default=board)
    return {
        "headline": headline(scope, user=user, period=period),
        "attention": needs_attention(scope, user=user, period=period, on=on),
        "trends": trends(scope, on=on),
        "changes": changed_since(scope, since=since),
        "since": since,
        "default_since": board,
        "map": council_map(scope, user=user, period=period, measure=measure),
    }


def _since_of(data, *, on, default) -> datetime.date:
    text = data.get("since") or ""
    try:
        since = datetime.date.fromisoformat(text)
    except ValueError:
        return default
    return min(since, on)
