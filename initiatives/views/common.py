"""What every page of the portfolio checks first, and how a stale edit is shown."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .. import policies, services

PAGE_SIZE = 25


def _require_reader(user):
    if not policies.can_read_portfolio(user):
        raise PermissionDenied(_("Your account has no role in the portal yet: ask the Digital Office."))


def _stale(request, form, stale: services.StaleEdit):
    """Keep what the person typed, show what others changed, and let them save again knowingly."""
    form.data = form.data.copy()
    form.data["version"] = stale.current.version
    form.add_error(None, str(stale))
    return stale.changes


def _require_office_staff(user):
    if not policies.can_manage_office_settings(user):
        raise PermissionDenied(_("Only Digital Office staff manage reports and reminders."))
