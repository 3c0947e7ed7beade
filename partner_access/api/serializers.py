"""A partner's own webhooks through the API (scope webhooks:manage)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import ApiModelSerializer

from ..models import WebhookDelivery, WebhookEndpoint, WebhookEvent

# The address a partner may register, exactly as the schema states it (so the two never disagree).
URL_PATTERN = r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?(\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$"


class NulFreeCharField(serializers.CharField):
    """Text, and only text (no number turned into one), without NUL characters (PostgreSQL cannot store them):
    those are dropped, not refused."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if v.__class__.__name__ != "ProhibitNullCharactersValidator"]

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data.replace("\x00", ""))


class WebhookEndpointSerializer(ApiModelSerializer):
    url = serializers.RegexField(
        URL_PATTERN, max_length=500,
        help_text=_("An https:// address on the public internet."),
        error_messages={"invalid": _("Give an https:// address.")},
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False, min_length=1,
        help_text=_("The events to send to this address."),
    )
    description = NulFreeCharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "description", "is_active", "created_at"]
        read_only_fields = ["id", "is_active", "created_at"]


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text=_("The signing secret: shown this once, keep it safe."))

    class Meta(WebhookEndpointSerializer.Meta):
        fields = WebhookEndpointSerializer.Meta.fields + ["secret"]


class WebhookDeliverySerializer(ApiModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "endpoint", "event", "event_id", "payload", "status", "attempts", "response_code", "last_error",
            "next_attempt_at", "delivered_at", "created_at",
        ]
