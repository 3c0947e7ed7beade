"""The benefits register, mounted at /benefits/ (namespace `benefits`)."""

from django.urls import path

from . import benefit_views as views

app_name = "benefits"

urlpatterns = [
    path("", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/shares/", views.shares, name="shares"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/realisations/new/", views.realisation_new, name="realisation_new"),
    path("<int:pk>/realisations/<int:realisation_pk>/confirm/", views.realisation_confirm,
         name="realisation_confirm"),
    path("<int:pk>/realisations/<int:realisation_pk>/audit/", views.realisation_audit, name="realisation_audit"),
    path("<int:pk>/realisations/<int:realisation_pk>/evidence/", views.realisation_evidence,
         name="realisation_evidence"),
]
