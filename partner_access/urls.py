"""The partner access pages, mounted at /api-keys/ (namespace `partner_access`: the navigation links
`partner_access:keys`)."""

from django.urls import path

from . import views

app_name = "partner_access"

urlpatterns = [
    path("", views.keys, name="keys"),
    path("new/", views.key_create, name="key_create"),
    path("<str:prefix>/revoke/", views.key_revoke, name="key_revoke"),
    path("<str:prefix>/rotate/", views.key_rotate, name="key_rotate"),
    path("scopes/", views.scopes_grant, name="scopes_grant"),
    path("webhooks/new/", views.webhook_create, name="webhook_create"),
    path("webhooks/<int:pk>/toggle/", views.webhook_toggle, name="webhook_toggle"),
    path("deliveries/<int:pk>/redeliver/", views.delivery_redeliver, name="delivery_redeliver"),
]
