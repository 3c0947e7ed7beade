"""Bench settings only: the portal's URLs, and the floor: the API's first 100 initiatives (its default order) as
bare `JsonResponse(list(queryset.values(...)))`, with no nesting, authentication, throttle, pagination or log."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import path

from digital_office.urls import *  # noqa: F403
from digital_office.urls import urlpatterns as portal_urlpatterns
from initiatives.models import Initiative

FLOOR_COLUMNS = (
    "id", "reference", "title", "summary", "theme__slug", "stage", "lead_council__gss_code", "start_date", "end_date",
    "budget", "current_update_id", "created_at", "updated_at",
)


@login_not_required
def floor(request):
    rows = Initiative.objects.order_by("updated_at", "id").values(*FLOOR_COLUMNS)[:100]
    return JsonResponse(list(rows), safe=False)


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *portal_urlpatterns]
