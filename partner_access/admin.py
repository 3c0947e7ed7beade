from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import APIRequestLog, APIUnauthenticatedRequests, WebhookDelivery, WebhookEndpoint


@admin.register(APIRequestLog)
class APIRequestLogAdmin(admin.ModelAdmin):
    list_display = ["at", "key_prefix", "partner", "method", "path", "status", "duration_ms"]
    list_filter = ["status", "partner"]
    search_fields = ["key_prefix", "path"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(APIUnauthenticatedRequests)
class APIUnauthenticatedRequestsAdmin(admin.ModelAdmin):
    list_display = ["hour", "client_address", "requests", "throttled", "bad_keys", "last_key_prefix", "last_at"]
    search_fields = ["client_address", "last_key_prefix"]
    date_hierarchy = "hour"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WebhookEndpointAdminForm(forms.ModelForm):
    class Meta:
        model = WebhookEndpoint
        fields = ["partner", "url", "events", "description", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            services.validate_webhook_url(url)  # the same rule as the API and the portal page
        except ValidationError as error:
            raise ValidationError(error.message_dict.get("url", error.messages)) from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointAdminForm
    list_display = ["url", "partner", "events", "is_active", "created_at"]
    list_filter = ["partner", "is_active"]

    def save_model(self, request, obj, form, change):
        """Every endpoint gets a signing secret when it is made here too; it is shown once."""
        if not obj.secret:
            obj.secret = services.webhook_secret()
            self.message_user(request, _("The signing secret of %(url)s (shown this once): %(secret)s") % {
                "url": obj.url, "secret": obj.secret}, messages.WARNING)
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "endpoint", "status", "attempts", "response_code", "delivered_at"]
    list_filter = ["status", "event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["redeliver"]

    @admin.action(description=_("Redeliver the selected deliveries"))
    def redeliver(self, request, queryset):
        for delivery in queryset:
            services.webhook_delivery_redeliver(user=request.user, delivery=delivery)
        count = queryset.count()
        self.message_user(request, _("%(count)d deliveries queued again.") % {"count": count}, messages.SUCCESS)

    def has_add_permission(self, request):
        return False
