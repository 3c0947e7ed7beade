import datetime

from django.urls import path, register_converter

from . import views


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(value) from error

    def to_url(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


register_converter(IsoDateConverter, "isodate")

app_name = "initiatives"

urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("new/", views.initiative_create, name="create"),
    path("my-council/", views.my_council, name="my_council"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.update_review, name="review"),
    path("reports/", views.report_list, name="reports"),
    path("reports/status/", views.report_status, name="report_status"),
    path("reports/settings/", views.office_settings, name="office_settings"),
    path("reports/settings/subscribers/<int:pk>/remove/", views.subscriber_remove, name="subscriber_remove"),
    path("reports/reminders/", views.reminder_log, name="reminder_log"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("reports/<int:pk>/download/xlsx/", views.report_download, {"extension": "xlsx"}, name="report_download_xlsx"),
    path("<str:reference>/", views.initiative_detail, name="detail"),
    path("<str:reference>/edit/", views.initiative_edit, name="edit"),
    path("<str:reference>/join/", views.initiative_join, name="join"),
    path("<str:reference>/join-requests/<int:pk>/", views.join_request_decide, name="join_request_decide"),
    path("<str:reference>/reopen/", views.period_reopen, name="period_reopen"),
    path("<str:reference>/updates/<isodate:period_start>/", views.update_edit, name="update"),
    path("<str:reference>/<str:kind>/new/", views.register_item_edit, name="register_new"),
    path("<str:reference>/<str:kind>/<int:pk>/", views.register_item_edit, name="register_edit"),
    path("<str:reference>/<str:kind>/<int:pk>/delete/", views.register_item_delete, name="register_delete"),
]

# The strategy pages show the portfolio by outcome, so they live here, a layer above strategy; the project's
# urls mount them under /strategy/ beside strategy's own pages, in the `strategy` namespace.
strategy_urlpatterns = [
    path("", views.strategy_overview, name="overview"),
    path("coverage/", views.strategy_coverage, name="coverage"),
]
