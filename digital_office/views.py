"""The pages of the portal as a whole: home, the accessibility statement and the health check."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.defaults import permission_denied as django_permission_denied

from core import security_log
from core.changes import horizon_check
from core.client_address import client_address
from core.policies import can_see_service_status
from core.roles import Role, identity_of
from dashboard import views as dashboard_views

from .health import service_health


def home(request):
    """Every role lands on the dashboard (what needs this person first); someone without a role yet is told why
    there is nothing to see."""
    identity = identity_of(request.user)
    if identity.role == Role.NONE:
        return render(request, "home.html", {"identity": identity})
    return dashboard_views.dashboard(request)


@login_not_required
@require_GET
def accessibility_statement(request):
    return render(request, "accessibility.html")


@login_not_required
@require_GET
def healthz(request):
    health = service_health()
    return JsonResponse(health, status=200 if health["status"] == "ok" else 503)


@require_GET
def service_status(request):
    """The office's status page: what /healthz says, and the change feed's horizon with the backend holding it."""
    if not can_see_service_status(request.user):
        raise PermissionDenied(_("Only Digital Office staff see the service status."))
    return render(request, "status.html", {"health": service_health(), "horizon": horizon_check()})


def permission_denied(request, exception=None):
    """The 403 page, and a line in the security log saying who was refused what."""
    security_log.event("permission_denied", request, path=request.path, method=request.method)
    return django_permission_denied(request, exception)


@login_not_required
@require_GET
def metrics(request):
    """Prometheus metrics (django-prometheus), for the addresses in METRICS_ALLOWED_IPS only (404 to others)."""
    from django_prometheus.exports import ExportToDjangoView  # noqa: PLC0415 - installed only with METRICS_ENABLED

    if client_address(request) not in settings.METRICS_ALLOWED_IPS:
        raise Http404
    return ExportToDjangoView(request)
