"""A council's page: its initiatives, reporting record, contributions, benefits and maturity."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.db.models import (
    Count,
    F,
    Q,
)
from django.db.models.functions import TruncDate
from django.http import Http404
from django.urls import reverse

from councils import selectors as councils_selectors
from initiatives import selectors as portfolio
from initiatives.policies import WRITING_ROLES
from strategy import selectors as strategy_selectors

from .. import policies
from .aggregates import LIST_LIMIT, percent
from .trends import trend_periods

if TYPE_CHECKING:
    pass


COUNCIL_PAGE_SIZE = 50


def council_page(*, user, slug: str, page=None, on: datetime.date | None = None) -> dict:
    """One council: its initiatives and roles (COUNCIL_PAGE_SIZE a page: Glasgow takes part in hundreds), its
    reporting record over 12 periods, its contributions, benefits realised and maturity (each under the rules of
    its own pages). Another council's staff get a 404."""
    on = on or portfolio.today()
    council = councils_selectors.council_by_slug(slug)
    if council is None or not policies.can_see_council_page(user, council):
        raise Http404
    participations = portfolio.participation_records().filter(council=council)
    roles = participations.aggregate(
        total=Count("pk"), **{role: Count("pk", filter=Q(role=role)) for role in portfolio.ParticipationRole.values}
    )
    paginator = Paginator(
        participations.select_related("initiative", "initiative__current_update", "initiative__lead_council")
        .order_by(portfolio.role_order(), "initiative__reference"),
        COUNCIL_PAGE_SIZE,
    )
    paginator.count = roles["total"]  # known already: no second COUNT
    participations_page = paginator.get_page(page)
    periods = [p for p in trend_periods(on=on) if p.submission_due_on < on]
    writes = Q(participations__council=council, participations__role__in=WRITING_ROLES)
    owed = portfolio.initiative_records().filter(writes).aggregate(
        **{f"p{p.pk}": Count("pk", filter=portfolio.required_to_report_condition(p)) for p in periods}
    ) if periods else {}
    record = {
        row["period_id"]: row
        for row in portfolio.update_records().filter(
            period__in=periods,
            initiative__participations__council=council,
            initiative__participations__role__in=WRITING_ROLES,
            initiative__stage__in=portfolio.LIVE_STAGES,
            initiative__start_date__lte=F("period__ends_on"),
            submitted_at__isnull=False,
        )
        .annotate(submitted_on=TruncDate("submitted_at"))
        .values("period_id")
        .annotate(
            on_time=Count("pk", filter=Q(submitted_on__lte=F("period__submission_due_on"))),
            late=Count("pk", filter=Q(submitted_on__gt=F("period__submission_due_on"))),
        )
        .order_by()
    }
    reporting = []
    for period in periods:
        row = record.get(period.pk, {})
        due = owed.get(f"p{period.pk}", 0)
        on_time, late = row.get("on_time", 0), row.get("late", 0)
        reporting.append({
            "period": period, "due": due, "on_time": on_time, "late": late,
            "missing": max(0, due - on_time - late), "rate": percent(on_time, due),
        })
    funding = None
    if policies.can_see_council_funding(user, council):
        ledger = councils_selectors.council_ledger(user=user, slug=council.slug, on=on)
        funding = {"figures": ledger["figures"], "rows": ledger["rows"][-3:]}
    maturity = None
    if policies.can_see_maturity(user, council):
        maturity = strategy_selectors.latest_maturity_levels(user=user, council_ids=[council.pk]).get(council.pk)
    shares, share_totals = portfolio.council_benefit_shares(council)
    return {
        "council": council,
        "participations": participations_page,
        "participation_count": roles.pop("total"),
        "roles": roles,
        "portfolio_link": reverse("initiatives:list") + f"?council={council.gss_code}",
        "reporting": list(reversed(reporting)),
        "funding": funding,
        "maturity": maturity,
        "can_see_maturity": policies.can_see_maturity(user, council),
        "benefits": share_totals,  # its shares of each benefit, never the whole benefit's figures
        "top_benefits": list(shares.filter(benefit__unit="£")[:LIST_LIMIT]),
        "dashboard_link": reverse("dashboard:dashboard") + f"?council={council.gss_code}",
    }
