"""Settings shared by every environment. Values come from the environment (django-environ)."""

from pathlib import Path

import environ
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

from core.i18n import offered_languages

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

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
    "strategy",
    "initiatives",
    "partner_access",
    "contracts",
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

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# Accounts are made by the Digital Office, never by open sign-up (see AccountAdapter).
ACCOUNT_ADAPTER = "core.adapters.AccountAdapter"
ACCOUNT_FORMS = {"add_email": "core.adapters.PortalAddEmailForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Signing in needs no verified address (the Digital Office makes accounts), but a CHANGE of address does: the new
# address replaces the old only once its owner follows the link sent to it.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Failed sign-ins: 10 a minute from one client address, 5 in 5 minutes for one account (then a lockout).
# All sign-ins: 120 a minute from one client address (allauth's default, 30, was the whole site's budget while every
# request came from the proxy's address). The address is the client's own behind DJANGO_TRUSTED_PROXIES
# (core.adapters.AccountAdapter.get_client_ip, so allauth's ALLAUTH_TRUSTED_PROXY_COUNT is not used); a council's
# staff behind its one NAT address share the 120. Each sign-in costs about 235 ms of CPU (PBKDF2), so this also
# caps what one address can make the web workers spend: 120 a minute is about half a core.
ACCOUNT_RATE_LIMITS = {
    "login": env("ACCOUNT_LOGIN_RATE", default="120/m/ip"),
    "login_failed": env("ACCOUNT_LOGIN_FAILED_RATE", default="10/m/ip,5/5m/key"),
}
MFA_ADAPTER = "core.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Digital Office portal"
# Invitations (core.services.invitation_create): the e-mailed link works once, for this many days.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# Invitations sent, for a council of a few hundred staff (core.services.invitation_create, invitation_resend): a
# lead inviting a whole team in a day stays under the first; one address is not mailed more than the second allows.
INVITATIONS_PER_INVITER_PER_DAY = env.int("INVITATIONS_PER_INVITER_PER_DAY", default=50)
INVITATION_SENDS_PER_HOUR = env.int("INVITATION_SENDS_PER_HOUR", default=3)  # one invitation (first send and resends)
INVITATION_SENDS_PER_ADDRESS_PER_DAY = env.int("INVITATION_SENDS_PER_ADDRESS_PER_DAY", default=5)
# Whom people are told to ask when single sign-on refuses their domain (the Digital Office's address).
PEOPLE_CONTACT_EMAIL = env("PEOPLE_CONTACT_EMAIL", default="digitaloffice@example.scot")

# Spreadsheet imports (core.imports): what one upload may make the server read. A funding ledger of 32 councils over
# 10 years is 320 rows of about 10 columns; the caps leave room for that many times over.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=5000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=60)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=200_000)

# Single sign-on (README "Single sign-on"): allauth's OpenID Connect provider, on when SSO_OIDC_SERVER_URL,
# SSO_OIDC_CLIENT_ID and SSO_OIDC_CLIENT_SECRET are set. Who may come in is decided by councils.sso (e-mail
# domains mapped to councils, invitations); nobody signs up by themselves.
SOCIALACCOUNT_ADAPTER = "councils.sso.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SSO_OIDC_SERVER_URL = env("SSO_OIDC_SERVER_URL", default="")
SSO_OIDC_CLIENT_ID = env("SSO_OIDC_CLIENT_ID", default="")
SSO_OIDC_CLIENT_SECRET = env("SSO_OIDC_CLIENT_SECRET", default="")
SSO_OIDC_PROVIDER_ID = env("SSO_OIDC_PROVIDER_ID", default="entra")
SSO_OIDC_NAME = env("SSO_OIDC_NAME", default="Microsoft 365")
# A multi-tenant Entra ID app (server URL .../organizations/v2.0) publishes the issuer as a template: list each
# council tenant's issuer here (https://login.microsoftonline.com/<tenant id>/v2.0), comma-separated.
SSO_OIDC_ISSUERS = env.list("SSO_OIDC_ISSUERS", default=[])


def oidc_providers(*, server_url, client_id, secret, provider_id, name, issuers=()):
    """allauth's SOCIALACCOUNT_PROVIDERS for one OpenID Connect app (none when it is not configured)."""
    if not (server_url and client_id and secret):
        return {}
    app_settings = {"server_url": server_url, "token_auth_method": "client_secret_post"}
    if issuers:
        app_settings["openid_configuration_overrides"] = {"issuer": list(issuers)}
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [{
                "provider_id": provider_id, "name": name, "client_id": client_id, "secret": secret,
                "settings": app_settings,
            }],
        }
    }


SOCIALACCOUNT_PROVIDERS = oidc_providers(
    server_url=SSO_OIDC_SERVER_URL, client_id=SSO_OIDC_CLIENT_ID, secret=SSO_OIDC_CLIENT_SECRET,
    provider_id=SSO_OIDC_PROVIDER_ID, name=SSO_OIDC_NAME, issuers=SSO_OIDC_ISSUERS,
)

# Signing in again for a sensitive account change (allauth's reauthentication) stays valid this long.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300

LANGUAGE_CODE = "en-gb"
LOCALE_PATHS = [BASE_DIR / "locale"]
# A language is offered (footer switch, language cookie, Accept-Language) only once at least this share of its
# catalogue is translated and compiled (core/i18n.py): until then every page is English and says so.
TRANSLATION_MIN_SHARE = env.float("DJANGO_TRANSLATION_MIN_SHARE", default=0.95)
LANGUAGES = offered_languages(
    [("en-gb", _("English")), ("gd", _("Gaelic"))],
    default=LANGUAGE_CODE,
    locale_dir=LOCALE_PATHS[0],
    min_share=TRANSLATION_MIN_SHARE,
)
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/design-system", BASE_DIR / "node_modules/@scottish-government/design-system/dist"),
    ("vendor/chart.js", BASE_DIR / "node_modules/chart.js/dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Documents kept with contracts (contracts.services.records): the largest a file may be.
CONTRACT_DOCUMENT_MAX_BYTES = env.int("CONTRACT_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Files (reports, exports) go through Django's storage API only (core/storage.py): under MEDIA_ROOT on one
# machine, or, with AWS_STORAGE_BUCKET_NAME set, in an S3 bucket (AWS S3, MinIO or any S3-compatible service at
# AWS_S3_ENDPOINT_URL) that web processes and workers on different machines share (README "Files").
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="") or None
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="") or None
# "path" for MinIO and most S3-compatible services (http://host:9000/bucket/key); "virtual" or "auto" for AWS.
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE", default="path")
AWS_LOCATION = env("AWS_LOCATION", default="")


def file_storage(*, bucket: str, endpoint_url=None, region=None, access_key=None, secret_key=None,
                 addressing_style="path", location="") -> dict:
    """STORAGES["default"]: S3 when a bucket is named, else atomic files under MEDIA_ROOT."""
    if not bucket:
        return {"BACKEND": "core.storage.AtomicFileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket, "endpoint_url": endpoint_url, "region_name": region,
            "access_key": access_key, "secret_key": secret_key, "addressing_style": addressing_style,
            "location": location,
            # Private objects; downloads go through the portal, which checks who may read them.
            "default_acl": None, "querystring_auth": True, "file_overwrite": False,
        },
    }


STORAGES = {
    "default": file_storage(
        bucket=AWS_STORAGE_BUCKET_NAME, endpoint_url=AWS_S3_ENDPOINT_URL, region=AWS_S3_REGION_NAME,
        access_key=AWS_ACCESS_KEY_ID, secret_key=AWS_SECRET_ACCESS_KEY, addressing_style=AWS_S3_ADDRESSING_STYLE,
        location=AWS_LOCATION,
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Celery: Redis when REDIS_URL is set, else Kombu's filesystem transport, which needs no server.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_FOLDER = VAR_DIR / "celery-broker"
# How long (s) a caller waits for Redis before treating it as down: pages, sign-in and /healthz stay quick.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
# The database cache stands in for Redis while Redis is down (core.cache); the API refuses with 503 instead.
DATABASE_CACHE = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message taken but not acknowledged (late acks: until its task ends) goes back to the queue after this
        # long. It must outlast every countdown, retry delay and time limit, or a job would run twice
        # (tests/digital_office/test_settings.py checks it).
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7200),
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
        "retry_on_timeout": True,
        "health_check_interval": 25,
        # Publishing (a web request queuing a report) gives up quickly when Redis is down; the sweep sends later.
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
    redis_options = {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS}
    CACHES = {
        "default": {"BACKEND": "core.cache.RedisWithDatabaseFallback", "LOCATION": REDIS_URL, "OPTIONS": redis_options},
        # Request rates of the API: Redis only. When it is down the API answers 503 (core.api.exceptions).
        "api": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                "OPTIONS": redis_options},
        "database": DATABASE_CACHE,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "out"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "out"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
    }
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "api": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api"},
        "database": DATABASE_CACHE,
    }
# Nobody reads task results: none are stored (a stored Retry was the EncodeError of every webhook retry).
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
# A message is acknowledged when its task ends, and given back if the process running it dies: every task is
# idempotent, so running one again changes nothing twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker outlives a Redis outage of any length
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Time limits (s): the soft one raises in the task, so it can say why it stopped; the hard one kills the process.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
REPORT_SOFT_TIME_LIMIT = env.int("REPORT_SOFT_TIME_LIMIT", default=900)
REPORT_TIME_LIMIT = env.int("REPORT_TIME_LIMIT", default=960)
# How often a job in progress and a worker say they are alive (s), and how long without a sign means dead.
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=5)
JOB_STALE_AFTER_SECONDS = env.float("JOB_STALE_AFTER_SECONDS", default=60)
# /healthz: a worker or beat whose heartbeat is older than this (s) has died without stopping and is reported as
# failed (503); it stays reported this long (s) unless a process of its kind starts again on the same host.
HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS = env.float("HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS", default=30)
HEALTHZ_HEARTBEAT_FORGET_AFTER_SECONDS = env.float("HEALTHZ_HEARTBEAT_FORGET_AFTER_SECONDS", default=1800)
# A queued report whose job has not started after this long is handed to the queue again (s).
REPORT_REQUEUE_AFTER_SECONDS = env.int("REPORT_REQUEUE_AFTER_SECONDS", default=600)
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=3)
# Files up to this size go with the report e-mail as attachments; larger ones only as a link.
REPORT_EMAIL_ATTACHMENT_MAX_BYTES = env.int("REPORT_EMAIL_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Schedules live in the database (django-celery-beat), made by initiatives/migrations/0003_default_schedules.py;
# Digital Office staff change them in the admin site and beat picks the change up without a restart.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {}

# E-mail: EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.org:587) or the EMAIL_* variables one by one.
EMAIL_URL = env("EMAIL_URL", default="")
_email = env.email_url_config(EMAIL_URL) if EMAIL_URL else {}
EMAIL_BACKEND = _email.get("EMAIL_BACKEND") or env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = _email.get("EMAIL_HOST") or env("EMAIL_HOST", default="localhost")
EMAIL_PORT = _email.get("EMAIL_PORT") or env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", env.bool("EMAIL_USE_TLS", default=False))
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", env.bool("EMAIL_USE_SSL", default=False))
# filemail:////path/to/folder writes each message to a file there (the integration tests read them).
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Digital Office portal <no-reply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Invitation e-mails go by a Celery task: tried again this many times while the mail server is away, with
# exponential backoff (5 s, 10 s, ...) up to this many seconds between tries; then the inviter is told to give the
# person the link.
MAIL_MAX_RETRIES = env.int("MAIL_MAX_RETRIES", default=6)
MAIL_RETRY_MAX_SECONDS = env.int("MAIL_RETRY_MAX_SECONDS", default=300)
# Where links in e-mails point (the portal's public address), e.g. https://portal.example.scot
PORTAL_URL = env("PORTAL_URL", default="http://127.0.0.1:8000")

REST_FRAMEWORK = {
    # The partner API (docs/api.md): core/api/ holds what every endpoint shares.
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.PortalAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.ApiFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.PartnerKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.PartnerKeyThrottle",
        "core.api.throttling.PortalUserThrottle",
    ],
    # Per key (a key's own rate_limit overrides it) and per signed-in user.
    "DEFAULT_THROTTLE_RATES": {
        "partner_key": env("API_KEY_RATE", default="600/min"),
        "portal_user": env("API_USER_RATE", default="1200/min"),
    },
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
}
# -- API deprecations (docs/api.md "Deprecation policy"; core/api/deprecation.py) ---------------------------------
# Operation name -> {"deprecated": "YYYY-MM-DD", "sunset": "YYYY-MM-DD", "link": URL}: its responses carry
# Deprecation, Sunset and Link headers and the schema marks it deprecated. Set in code with the release that
# deprecates an operation (a contract, not a deployment's choice), so no environment variable. None today.
API_DEPRECATIONS: dict[str, dict[str, str]] = {}
SPECTACULAR_SETTINGS = {
    "TITLE": "Digital Office for Scottish Local Government: partner API",
    "DESCRIPTION": (
        "Read the collaborative portfolio of Scotland's councils: councils, partners, strategy, initiatives, "
        "milestones, approved progress updates, risks, benefits, reports and (scope `funding:read`) funding "
        "contributions. Authenticate with `Authorization: Api-Key PREFIX.SECRET`. Lists are keyset-paginated, "
        "filterable, available as CSV (`?format=csv`) and support incremental sync with `updated_since`: "
        "see the partner guide (docs/api.md)."
    ),
    "VERSION": "1.0.0",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.schema.add_servers"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RagEnum": "initiatives.models.Rag",
        "StageEnum": "initiatives.models.Stage",
        "WebhookEventEnum": "partner_access.models.WebhookEvent",
    },
    # Swagger UI and Redoc served from the drf-spectacular-sidecar package: no CDN needed.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# -- security (README "Security") --------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# A session ends after this long without a request (idle), and this long after signing in whatever happens.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env.int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", default=10 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
# The TLS-terminating proxies in front of the portal (addresses or networks, comma-separated). Only a request
# that comes from one of them may say, in X-Forwarded-For and X-Forwarded-Proto, who the client is and that it
# used https; from anyone else those headers are dropped. Empty: no proxy is trusted.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (django-csp): scripts and styles from the portal itself, or inline with the request's
# nonce; nothing may frame the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Permissions-Policy (django-permissions-policy): none of the browser's powerful features is used.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
        "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "web-share", "xr-spatial-tracking",
    )
}
# Partner API requests that carry no valid key: allowed per client address (then 429), logged per hour in aggregate.
API_UNAUTHENTICATED_RATE = env("API_UNAUTHENTICATED_RATE", default="30/min")

# How long the partner API request log is kept.
PARTNER_API_LOG_RETENTION_DAYS = env.int("PARTNER_API_LOG_RETENTION_DAYS", default=90)
# How long the change feed (/api/v1/changes/) keeps its entries; a partner further behind takes a full copy again.
PARTNER_API_FEED_RETENTION_DAYS = env.int("PARTNER_API_FEED_RETENTION_DAYS", default=90)
# An open transaction older than this, anywhere on the PostgreSQL server, holds the change feed back: /healthz and
# the status page report it, and the log names its backend (docs/operations.md, "The change feed's horizon").
CHANGE_FEED_HORIZON_WARNING_SECONDS = env.float("CHANGE_FEED_HORIZON_WARNING_SECONDS", default=60)
# How far back a list's sync token (`next_updated_since`) reaches, to cover transactions that commit late.
PARTNER_API_SYNC_MARGIN_SECONDS = env.int("PARTNER_API_SYNC_MARGIN_SECONDS", default=5)
# Lets tests deliver webhooks to http://127.0.0.1; never set it in production.
WEBHOOK_ALLOW_INSECURE_LOCALHOST = env.bool("WEBHOOK_ALLOW_INSECURE_LOCALHOST", default=False)

# How many closed reporting periods back My council lists a missing update as overdue (12: a year of months).
OVERDUE_LOOKBACK_PERIODS = env.int("OVERDUE_LOOKBACK_PERIODS", default=12)

PORTAL_NAME = _("Digital Office portal")
PORTAL_PHASE = "beta"
PRODUCTION = False

# Security events (sign-ins, failures, lockouts, two-factor, permission denials, key use) go to the logger
# "security" (core/security_log.py); production writes every log record as a JSON line (LOG_FORMAT=json).
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step of every page at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# -- monitoring (docs/operations.md "Monitoring") ---------------------------------------------------------------
# Prometheus metrics (django-prometheus) at /metrics: off by default. Turned on, /metrics answers only the
# addresses in METRICS_ALLOWED_IPS (the Prometheus server's; loopback by default), 404 to everyone else.
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=False)
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
if METRICS_ENABLED:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
# Errors and traces to Sentry (sentry-sdk) when SENTRY_DSN is set; nothing is sent otherwise.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    import sentry_sdk  # noqa: E402
    from sentry_sdk.integrations.celery import CeleryIntegration  # noqa: E402
    from sentry_sdk.integrations.django import DjangoIntegration  # noqa: E402

    sentry_sdk.init(
        dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
        integrations=[DjangoIntegration(), CeleryIntegration()], send_default_pii=False,
    )
