from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_create, name="create"),
    path("radar/", views.radar, name="radar"),
    path("radar/draft/", views.draft_initiative, name="draft"),
    path("sector/", views.sector, name="sector"),
    path("import/", views.import_upload, name="import"),
    path("import/check/", views.import_preview, name="import_preview"),
    path("import/template/", views.import_template, name="import_template"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    path("<int:pk>/decision/", views.contract_decide, name="decide"),
    path("<int:pk>/councils/add/", views.use_add, name="use_add"),
    path("<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
]
