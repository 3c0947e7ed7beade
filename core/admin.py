from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import PartnerAPIKey, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_digital_office_staff", "council", "council_role", "partner", "is_active"]
    list_filter = ["is_digital_office_staff", "council_role", "council", "partner", "is_active", "is_demo"]
    search_fields = ["email", "full_name"]
    autocomplete_fields = ["council", "partner"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "job_title"]}),
        (_("Role in the portal"), {"fields": ["is_digital_office_staff", "council", "council_role", "partner"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
        (_("Role in the portal"), {"fields": ["is_digital_office_staff", "council", "council_role", "partner"]}),
    ]


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    list_display = [*APIKeyModelAdmin.list_display, "partner", "scopes", "last_used_at"]
    list_filter = ["partner", "revoked"]
    search_fields = [*APIKeyModelAdmin.search_fields, "partner__name"]
