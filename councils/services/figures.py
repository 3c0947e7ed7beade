"""Figures that change with the date alone: a contribution's paid, outstanding and status are derived for today
(councils.selectors.contributions_with_figures), so at midnight a due contribution can become overdue, or an
invoiced one, without anyone saving it. A daily job (councils.tasks) finds those and re-sends them."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core.changes import touch_and_record
from core.policies import SYSTEM

from .. import policies, receivers, selectors
from ..models import Contribution, FiguresCheck


def _figures_on(day: datetime.date) -> dict:
    return {
        row.pk: (row.paid, row.outstanding, row.status)
        for row in selectors.contributions_with_figures(on=day).only("pk")
    }


@transaction.atomic
def contribution_figures_refresh(*, user=SYSTEM, on: datetime.date | None = None) -> list[int]:
    """Re-send, in the partner API's change feed and `updated_since`, the contributions whose paid, outstanding or
    status differ between the last check and `on` (today): their `updated_at` moves to now. Idempotent: run twice
    on a day, the second run changes nothing. Returns the ids re-sent."""
    if user is not SYSTEM and not policies.can_manage_funding(user):
        raise PermissionDenied(_("Only Digital Office staff may refresh funding figures."))
    on = on or selectors.today()
    check = FiguresCheck.objects.select_for_update().first()
    since = check.checked_on if check else on - datetime.timedelta(days=1)
    if since >= on:
        return []
    before = _figures_on(since)
    changed = [pk for pk, figures in _figures_on(on).items() if before.get(pk) != figures]
    touch_and_record(Contribution.objects.filter(pk__in=changed), receivers.CONTRIBUTION)
    if check is None:
        check = FiguresCheck(checked_on=on)
    check.checked_on = on
    check.full_clean()
    check.save()
    return changed
