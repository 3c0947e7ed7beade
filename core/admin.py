from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from .models import PartnerAPIKey


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    list_display = [*APIKeyModelAdmin.list_display, "partner", "scopes", "last_used_at"]
    list_filter = ["partner", "revoked"]
    search_fields = [*APIKeyModelAdmin.search_fields, "partner__name"]
