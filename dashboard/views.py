"""The dashboard (every role's home), its export, and the council pages. Thin: parse, call a selector, render."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.roles import identity_of
from initiatives import selectors as portfolio

from . import exports, selectors


@require_GET
def dashboard(request):
    data = selectors.dashboard(user=request.user, data=request.GET)
    context = {"identity": identity_of(request.user), **data, **portfolio.home_counts(user=request.user)}
    return render(request, "dashboard/dashboard.html", context)


@require_GET
def dashboard_export(request):
    return exports.workbook(selectors.dashboard(user=request.user, data=request.GET))


@require_GET
def council(request, slug):
    data = selectors.council_page(user=request.user, slug=slug, page=request.GET.get("page"))
    return render(request, "dashboard/council.html", data)
