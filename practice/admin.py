from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Adoption, Asset, AssetFile, Lesson


@admin.register(Asset)
class AssetAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "council", "state", "review_by"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "summary"]
    raw_id_fields = ["initiative", "owner", "submitted_by", "reviewed_by", "created_by"]


@admin.register(Adoption)
class AdoptionAdmin(SimpleHistoryAdmin):
    list_display = ["asset", "council", "state", "confirmed_at", "using_confirmed_on"]
    list_filter = ["state"]
    raw_id_fields = ["asset", "declared_by", "confirmed_by"]


@admin.register(AssetFile)
class AssetFileAdmin(admin.ModelAdmin):
    list_display = ["asset", "title", "version", "content_type", "size"]
    raw_id_fields = ["asset", "uploaded_by"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["initiative", "from_stage", "to_stage", "created_at"]
    raw_id_fields = ["initiative", "asset", "recorded_by"]
