"""What the portal's search (practice.selectors.search) looks through in the portfolio, as each person may read it:
every initiative, and the updates policies.visible_updates_condition lets them find (never a draft, never another
council's unapproved update)."""

from .. import policies
from ..models import Initiative, ProgressUpdate

__all__ = ["searchable_initiatives", "searchable_updates"]


def searchable_initiatives(*, user):
    if not policies.can_read_portfolio(user):
        return Initiative.objects.none()
    return Initiative.objects.select_related("lead_council", "theme")


def searchable_updates(*, user):
    if not policies.can_read_portfolio(user):
        return ProgressUpdate.objects.none()
    return ProgressUpdate.objects.filter(policies.visible_updates_condition(user)).select_related(
        "initiative", "period", "council")
