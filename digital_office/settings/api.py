"""The partner API (docs/api.md): Django REST framework, the OpenAPI schema, rates, retention and the change feed."""

from .environment import env

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
# The API's list pages cached once per change (core.api.views.ApiReadOnlyViewSet.cache_pages); off, every page is
# computed (`make bench` runs a second server so, to measure computed pages beside cached ones).
API_PAGE_CACHE = env.bool("API_PAGE_CACHE", default=True)
# Lets tests deliver webhooks to http://127.0.0.1; never set it in production.
WEBHOOK_ALLOW_INSECURE_LOCALHOST = env.bool("WEBHOOK_ALLOW_INSECURE_LOCALHOST", default=False)

# -- API deprecations (docs/api.md "Deprecation policy"; core/api/deprecation.py) ---------------------------------
# Operation name -> {"deprecated": "YYYY-MM-DD", "sunset": "YYYY-MM-DD", "link": URL}: its responses carry
# Deprecation, Sunset and Link headers and the schema marks it deprecated. Set in code with the release that
# deprecates an operation (a contract, not a deployment's choice), so no environment variable. None today.
API_DEPRECATIONS: dict[str, dict[str, str]] = {}
