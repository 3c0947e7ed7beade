"""The admin site's user pages: deactivation and demotion there go through people's services, as on the People
pages (the user model is core's; who may use the portal is people's)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.models import User
from core.roles import person_role_description

from . import services


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
    def save_model(self, request, obj, form, change):
        """Deactivation and demotion here go through the same services as on the People page: open invitations
        withdrawn, keys revoked, sessions ended, the access record written (issue 20, finding 5)."""
        if not change:
            return super().save_model(request, obj, form, change)
        stored = User.objects.select_related("council", "partner").get(pk=obj.pk)
        deactivating = "is_active" in form.changed_data and not obj.is_active and stored.is_active
        role_fields = {"is_digital_office_staff", "council", "council_role", "partner"}
        if deactivating:
            obj.is_active = True  # saved with the other changes; the service deactivates
        super().save_model(request, obj, form, change)
        if role_fields & set(form.changed_data):
            services.person_role_changed(
                user=request.user, person=obj, before=person_role_description(stored),
                rights_before=services.rights_of(stored), request=request,
            )
        if deactivating:
            services.person_deactivate(user=request.user, person=obj, request=request)
            obj.is_active = False

    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
        (_("Role in the portal"), {"fields": ["is_digital_office_staff", "council", "council_role", "partner"]}),
    ]
