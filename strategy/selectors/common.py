"""Shared by the strategy selectors: constants, access checks, the current strategy."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .. import policies
from ..models import Outcome, Strategy, Theme

HISTORY_LIMIT = 50


def require_strategy_reader(user):
    if not policies.can_read_strategy(user):
        raise PermissionDenied(_("Your account has no role in the portal yet: ask the Digital Office."))


def require_maturity_reader(user):
    if not policies.can_read_maturity(user):
        raise PermissionDenied(_("Digital maturity assessments are for councils and the Digital Office only."))


def strategy_current() -> Strategy:
    strategy = Strategy.objects.select_related("digital_business_level").order_by("pk").first()
    if strategy is None:
        raise Http404(_("The strategy has not been loaded: run manage.py load_reference_data."))
    return strategy


def outcome_by_number(number: str) -> Outcome | None:
    """The outcome a link names by its number (?outcome=3), or None."""
    return strategy_current().outcomes.filter(number=int(number)).first() if str(number).isdigit() else None


def _named(names):
    """display() for change_history: ids of related rows shown by name."""
    return lambda field, value: names.get(field, {}).get(value, value) if value is not None else None


def theme_list():
    return Theme.objects.order_by("order", "title")


def outcome_list():
    return Outcome.objects.order_by("number")


def theme_titles() -> dict[int, str]:
    return dict(Theme.objects.values_list("pk", "title"))


def outcome_labels() -> dict[int, str]:
    return {outcome.pk: str(outcome) for outcome in Outcome.objects.all()}
