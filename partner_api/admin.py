from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import APIRequestLog, WebhookDelivery, WebhookEndpoint


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


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "partner", "events", "is_active", "created_at"]
    list_filter = ["partner", "is_active"]


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
