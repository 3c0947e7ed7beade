"""Settings shared by every environment. Values come from the environment (django-environ).

The apps, the middleware, templates and the database are here; each topic has a module of its own, imported
above: portal, auth, storage, celery (Redis, caches, Celery), mail, api, security, monitoring.
"""

from .api import *
from .auth import *
from .celery import *
from .environment import BASE_DIR, env
from .mail import *
from .monitoring import *
from .portal import *
from .security import *
from .storage import *

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "core.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Single sign-on with OpenID Connect (Microsoft Entra ID or any standard provider), off until configured.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "simple_history",
    "django_filters",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
    # The layers, bottom to top (README "Layout"): each imports only those listed before it.
    "core",
    "councils",
    "people",
    "strategy",
    "initiatives",
    "partner_access",
    "contracts",
    "bulk_export",
    "practice",
    "public",
    "collaboration",
    "dashboard",
    "seeding",
    "digital_office",
]

MIDDLEWARE = [
    # Every request's id (X-Request-ID, in and out) on every log line written while it runs (core/request_id.py).
    "core.request_id.RequestIdMiddleware",
    # Then: forwarded headers are believed only from a trusted proxy (TRUSTED_PROXIES).
    "core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Digital Office staff and superusers: nothing until this session has used the second factor.
    "core.middleware.SecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "partner_access.middleware.ApiRequestLogMiddleware",
]

ROOT_URLCONF = "digital_office.urls"
WSGI_APPLICATION = "digital_office.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "core.context_processors.portal",
                "digital_office.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The zero-setup run has the web server, a worker, beat and their heartbeats writing at once: transactions
    # take the write lock when they begin (no "database is locked" on a read that turns into a write), wait for
    # it, and readers do not block the writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=20, init_command="PRAGMA journal_mode=WAL;"
    )
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
# Production keeps connections (DB_CONN_MAX_AGE, default 60 s there) and bounds connecting and every statement
# (production.py, README "Database connections").
DB_CONNECT_TIMEOUT_S = env.int("DB_CONNECT_TIMEOUT_S", default=5)
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=30_000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Prometheus metrics (monitoring.py) add their app and middleware here, where the lists are.
if METRICS_ENABLED:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
