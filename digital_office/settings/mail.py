"""E-mail: the server, the senders, and how often an invitation e-mail is tried again."""

from .environment import VAR_DIR, env

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
