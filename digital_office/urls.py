from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

import initiatives.urls
import strategy.urls

from . import views

# /strategy/ holds strategy's pages and the portfolio by outcome (initiatives, a layer above): one namespace.
strategy_pages = (strategy.urls.urlpatterns + initiatives.urls.strategy_urlpatterns, "strategy")

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("dashboard.urls")),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("status/", views.service_status, name="service_status"),
    path("initiatives/", include("initiatives.urls")),
    path("benefits/", include("initiatives.benefit_urls")),
    path("funding/", include("councils.urls")),
    path("contracts/", include("contracts.urls")),
    path("", include("practice.urls")),
    path("", include("public.urls")),  # /public/ (no sign-in), /robots.txt, /office/public/
    path("collaboration/", include("collaboration.urls")),
    path("strategy/", include(strategy_pages)),
    path("api/v1/", include("digital_office.api_urls")),
    path("api-keys/", include("partner_access.urls")),
    path("", include("people.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

handler403 = "digital_office.views.permission_denied"

if settings.METRICS_ENABLED:  # off by default (docs/operations.md "Monitoring")
    urlpatterns.append(path("metrics", views.metrics, name="metrics"))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
