from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Contract, ContractAlert, ContractDocument, ContractUse


class ContractUseInline(admin.TabularInline):
    model = ContractUse
    extra = 0


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "council", "supplier_name", "cpv_code", "initial_end_date", "decision"]
    list_filter = ["kind", "route", "cpv_code", "decision"]
    search_fields = ["reference", "title", "supplier_name", "product"]
    inlines = [ContractUseInline]
    raw_id_fields = ["owner", "initiatives"]


@admin.register(ContractDocument)
class ContractDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "contract", "content_type", "size", "created_at"]


@admin.register(ContractAlert)
class ContractAlertAdmin(admin.ModelAdmin):
    list_display = ["contract", "recipient", "months_before", "about_date", "status", "created_at"]
    list_filter = ["status", "months_before"]
