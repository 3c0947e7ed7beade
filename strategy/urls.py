from django.urls import path

from . import views

# Mounted under /strategy/ in the `strategy` namespace by the project's urls, together with the pages of the
# portfolio by outcome (initiatives.urls.strategy_urlpatterns).
urlpatterns = [
    path("measures/new/", views.measure_edit, name="measure_create"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/readings/new/", views.reading_edit, name="reading_create"),
    path("measures/<int:pk>/readings/<int:reading_pk>/", views.reading_edit, name="reading_edit"),
    path("measures/<int:pk>/readings/import/", views.readings_import, name="readings_import"),
    path("measures/<int:pk>/readings/import/preview/", views.readings_import_preview, name="readings_import_preview"),
    path("maturity/", views.maturity, name="maturity"),
    path("maturity/sector/", views.maturity_sector, name="maturity_sector"),
    path("maturity/councils/<slug:slug>/", views.maturity_council, name="maturity_council"),
    path("maturity/assessments/new/", views.assessment_edit, name="assessment_create"),
    path("maturity/assessments/<int:pk>/", views.maturity_assessment, name="maturity_assessment"),
    path("maturity/assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("maturity/model/", views.maturity_model, name="maturity_model"),
    path("maturity/model/dimensions/new/", views.dimension_edit, name="dimension_create"),
    path("maturity/model/dimensions/<int:pk>/", views.dimension_edit, name="dimension_edit"),
    path("maturity/model/levels/new/", views.level_edit, name="level_create"),
    path("maturity/model/levels/<int:pk>/", views.level_edit, name="level_edit"),
    path("maturity/threshold/", views.maturity_threshold, name="maturity_threshold"),
]
