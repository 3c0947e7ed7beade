from django.urls import path

from . import views

app_name = "councils"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("agreements/new/", views.agreement_edit, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/template/<str:kind>/", views.import_template, name="import_template"),
    path("years/<int:year>/", views.year_detail, name="year"),
    path("councils/<slug:slug>/", views.council_detail, name="funding_council"),
    path("contributions/new/", views.contribution_create, name="contribution_create"),
    path("contributions/export/", views.contributions_export, name="contributions_export"),
    path("contributions/<int:pk>/", views.contribution_detail, name="contribution"),
    path("contributions/<int:pk>/edit/", views.contribution_edit, name="contribution_edit"),
    path("contributions/<int:pk>/payments/new/", views.payment_create, name="payment_create"),
    path("payments/<int:pk>/edit/", views.payment_edit, name="payment_edit"),
    path("payments/<int:pk>/delete/", views.payment_delete, name="payment_delete"),
    path("import/", views.import_upload, name="import"),
    path("import/preview/", views.import_preview, name="import_preview"),
]
