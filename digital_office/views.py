from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors


def home(request):
    return render(request, "home.html", selectors.home_summary(user=request.user))


@login_not_required
@require_GET
def accessibility_statement(request):
    return render(request, "accessibility.html")


@login_not_required
@require_GET
def healthz(request):
    health = selectors.service_health()
    return JsonResponse(health, status=200 if health["status"] == "ok" else 503)
