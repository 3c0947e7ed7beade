"""The partner access page, mounted at /api-keys/.

URL names are not namespaced: the navigation links `partner_keys`."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.keys, name="partner_keys"),
    path("new/", views.key_create, name="partner_key_create"),
    path("<str:prefix>/revoke/", views.key_revoke, name="partner_key_revoke"),
    path("webhooks/new/", views.webhook_create, name="partner_webhook_create"),
    path("webhooks/<int:pk>/toggle/", views.webhook_toggle, name="partner_webhook_toggle"),
    path("deliveries/<int:pk>/redeliver/", views.delivery_redeliver, name="partner_delivery_redeliver"),
]
