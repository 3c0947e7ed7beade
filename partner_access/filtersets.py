"""One FilterSet per model (the keys page and the API share them)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import IDS, WholeNumberFilter

from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent


class WebhookEndpointFilterSet(django_filters.FilterSet):
    active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))

    class Meta:
        model = WebhookEndpoint
        fields = []


class WebhookDeliveryFilterSet(django_filters.FilterSet):
    endpoint = WholeNumberFilter(field_name="endpoint_id", label=_("Webhook endpoint id"), **IDS)
    event = django_filters.ChoiceFilter(choices=WebhookEvent.choices)
    status = django_filters.ChoiceFilter(choices=WebhookDelivery.Status.choices)

    class Meta:
        model = WebhookDelivery
        fields = []
