"""Redis, the caches that use it (and the database cache standing in for it), and Celery: broker, task
limits, heartbeats and the report jobs' timings."""

from .environment import VAR_DIR, env
from .portal import TIME_ZONE

# Celery: Redis when REDIS_URL is set, else Kombu's filesystem transport, which needs no server.
REDIS_URL = env("REDIS_URL", default="")
# --- issue 29: the Celery broker and the cache in separate Redis instances (docs/operations.md, "Redis") ---
# The broker must never lose a key (maxmemory-policy noeviction); the cache may drop any (allkeys-lru with a
# maxmemory). A policy is per Redis instance, so docker-compose.yml runs two. Each URL falls back to REDIS_URL.
BROKER_REDIS_URL = env("CELERY_BROKER_URL", default="") or REDIS_URL
CACHE_REDIS_URL = env("CACHE_REDIS_URL", default="") or REDIS_URL
# --- end of issue 29's block ---
CELERY_BROKER_FOLDER = VAR_DIR / "celery-broker"
# How long (s) a caller waits for Redis before treating it as down: pages, sign-in and /healthz stay quick.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
# The database cache stands in for Redis while Redis is down (core.cache); the API refuses with 503 instead.
DATABASE_CACHE = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}
if BROKER_REDIS_URL:
    CELERY_BROKER_URL = BROKER_REDIS_URL
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
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "out"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "out"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
    }
if CACHE_REDIS_URL:
    redis_options = {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS}
    CACHES = {
        "default": {"BACKEND": "core.cache.RedisWithDatabaseFallback", "LOCATION": CACHE_REDIS_URL,
                    "OPTIONS": redis_options},
        # Request rates of the API: Redis only. When it is down the API answers 503 (core.api.exceptions).
        "api": {"BACKEND": "core.redis_clients.ReusedClientsRedisCache", "LOCATION": CACHE_REDIS_URL,
                "OPTIONS": redis_options},
        "database": DATABASE_CACHE,
    }
else:
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
