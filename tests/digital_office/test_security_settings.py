"""Production settings, response headers and session timeouts (README "Security")."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "Zq8-fT3wVxR2mN7pL0sYbC4hJ6uE1gD9aK5"


def run_production(code: str, **env):
    """Run `code` with production settings in a fresh interpreter; returns the finished process."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE"))}
    environment.update({
        "DJANGO_SETTINGS_MODULE": "digital_office.settings.production", "DJANGO_SECRET_KEY": GOOD_KEY,
        "DATABASE_URL": "sqlite:////tmp/digital-office-deploy-check.sqlite3",
        "DJANGO_ALLOWED_HOSTS": "portal.example.scot",
        # Production needs Redis named (nothing connects to it at start); a test may take it away.
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15", **env,
    })
    environment = {key: value for key, value in environment.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
        check=False,
    )


SETTINGS = "import django; django.setup(); from django.conf import settings as s; print({})"


def example_key():
    line = next(x for x in (ROOT / ".env.example").read_text().splitlines() if x.startswith("DJANGO_SECRET_KEY="))
    return line.partition("=")[2]


@pytest.mark.parametrize("key", [
    example_key(),  # Fault: the placeholder from .env.example (33 characters) passed the length check
    "x" * 49,
    "django-insecure-" + "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9",
    "ab" * 30,  # long, but only two different characters
    "",
])
def test_production_refuses_an_example_short_or_weak_secret_key(key):
    result = run_production(SETTINGS.format("s.SECRET_KEY"), DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_redis():
    """Without REDIS_URL each process would keep its own cache tokens and rate counts, and the broker would be a
    folder on one machine's disk (issue 21, 28): production refuses instead of running degraded."""
    result = run_production(SETTINGS.format("s.CACHES"), REDIS_URL=None)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "REDIS_URL must be set in production" in result.stderr
    named = run_production(SETTINGS.format("s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL"))
    assert named.returncode == 0, named.stderr
    assert "LocMemCache" not in named.stdout and "filesystem://" not in named.stdout


def test_production_takes_the_broker_and_the_cache_from_separate_redis_instances():
    """Issue 29: CELERY_BROKER_URL (noeviction) and CACHE_REDIS_URL (allkeys-lru), each falling back to REDIS_URL;
    with both named REDIS_URL is not needed, with only one of them production still refuses."""
    show = SETTINGS.format("s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION'], s.CACHES['api']['LOCATION']")
    split = run_production(show, REDIS_URL=None, CELERY_BROKER_URL="redis://broker:6379/0",
                           CACHE_REDIS_URL="redis://cache:6379/0")
    assert split.returncode == 0, split.stderr
    assert split.stdout.strip() == "redis://broker:6379/0 redis://cache:6379/0 redis://cache:6379/0"
    fallback = run_production(show, REDIS_URL="redis://one:6379/3", CELERY_BROKER_URL=None, CACHE_REDIS_URL=None)
    assert fallback.stdout.strip() == "redis://one:6379/3 redis://one:6379/3 redis://one:6379/3"
    half = run_production(show, REDIS_URL=None, CELERY_BROKER_URL="redis://broker:6379/0", CACHE_REDIS_URL=None)
    assert half.returncode != 0 and "REDIS_URL must be set in production" in half.stderr


def test_behind_pgbouncer_in_transaction_pooling_server_side_cursors_can_be_turned_off():
    """docs/operations.md "Scaling": DB_DISABLE_SERVER_SIDE_CURSORS=true sets Django's DISABLE_SERVER_SIDE_CURSORS
    (an exports' .iterator() cursor cannot outlive a pooled transaction); off by default."""
    show = SETTINGS.format("s.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS'), "
                           "s.DATABASES['default']['CONN_MAX_AGE']")
    pooled = run_production(show, DATABASE_URL="postgres://portal@pgbouncer:6432/portal",
                            DB_DISABLE_SERVER_SIDE_CURSORS="true", DB_CONN_MAX_AGE="0")
    assert pooled.returncode == 0, pooled.stderr
    assert pooled.stdout.split() == ["True", "0"]
    assert run_production(show).stdout.split()[0] == "None"


def test_check_deploy_passes_with_a_production_environment():
    """`manage.py check --deploy --fail-level WARNING` (HSTS with subdomains and preload, no drf-spectacular
    warnings, secure cookies...) passes."""
    result = run_production(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_cookies_headers_and_debug():
    names = ("SESSION_COOKIE_NAME, CSRF_COOKIE_NAME, LANGUAGE_COOKIE_NAME, SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE, "
             "SESSION_COOKIE_HTTPONLY, CSRF_COOKIE_HTTPONLY, SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS, "
             "SECURE_HSTS_PRELOAD, SECURE_PROXY_SSL_HEADER, DEBUG, LOG_FORMAT")
    code = SETTINGS.format("[" + ", ".join(f"s.{n.strip()}" for n in names.split(",")) + "]")
    result = run_production(code, DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert eval(result.stdout.strip()) == [  # noqa: S307 - our own settings printed by our own test
        "__Host-sessionid", "__Host-csrftoken", "__Host-language", True, True, True, True, 31536000, True, True,
        ("HTTP_X_FORWARDED_PROTO", "https"), False, "json",
    ]


@pytest.mark.django_db
def test_every_page_has_a_content_security_policy_with_nonces_and_a_permissions_policy(client):
    """Fault: no Content-Security-Policy or Permissions-Policy on any response."""
    response = client.get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_inline_scripts_and_styles_carry_the_requests_nonce(client, login_as):
    """The API docs page has the only inline style: it carries the nonce the header names."""
    import re

    response = client.get("/api/v1/docs/")
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    inline = re.findall(r"<(script|style)(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline
    assert all(f'nonce="{nonce}"' in attributes for _tag, attributes in inline)
    second = client.get("/api/v1/docs/")["Content-Security-Policy"]
    assert nonce not in second  # a new nonce for every response


@pytest.mark.django_db
def test_a_session_ends_after_its_idle_timeout(client, login_as, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    login_as("editor@glasgow.demo.digitaloffice.scot")
    assert client.get("/initiatives/").status_code == 200
    session = client.session
    session["portal_last_seen_at"] = int(time.time()) - 61
    session.save()
    response = client.get("/initiatives/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_session_ends_after_its_absolute_timeout_however_busy(client, login_as, settings):
    settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS = 3600
    login_as("editor@glasgow.demo.digitaloffice.scot")
    session = client.session
    session["portal_signed_in_at"] = int(time.time()) - 3601
    session.save()
    response = client.get("/initiatives/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_forwarded_proto_counts_only_from_a_trusted_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert client.get("/accessibility/", HTTP_X_FORWARDED_PROTO="https").status_code == 301  # not believed
    assert client.get("/accessibility/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="10.0.0.2").status_code == 200


@pytest.mark.django_db
def test_permission_denials_and_key_use_are_in_the_security_log(client, login_as, caplog, make_key_text):
    import logging

    caplog.set_level(logging.INFO, logger="security")
    login_as("viewer@glasgow.demo.digitaloffice.scot")
    assert client.get("/api-keys/").status_code == 403
    text = make_key_text(["councils:read"])
    Client = type(client)
    assert Client(HTTP_AUTHORIZATION=f"Api-Key {text}").get("/api/v1/contributions/").status_code == 403
    events = [record.security for record in caplog.records if hasattr(record, "security")]
    denied = [e for e in events if e["event"] == "permission_denied"]
    assert denied[0]["user"] == "viewer@glasgow.demo.digitaloffice.scot" and denied[0]["path"] == "/api-keys/"
    assert denied[0]["client_address"] == "127.0.0.1" and denied[0]["at"]
    assert denied[1]["key_prefix"] == text.split(".")[0] and denied[1]["partner"]
    assert any(e["event"] == "api_key_used" and e["key_prefix"] == text.split(".")[0] for e in events)


def test_production_log_lines_are_json():
    """The JSON formatter production uses, on a security event: one parseable line with the event's fields."""
    result = run_production(
        "import django, io, json, logging; django.setup()\n"
        "from core import security_log\n"
        "stream = io.StringIO(); handler = logging.StreamHandler(stream)\n"
        "from django.conf import settings\n"
        "import logging.config; config = settings.LOGGING\n"
        "handler.setFormatter(logging.config.DictConfigurator(config).configure_formatter(config['formatters']['json']))\n"
        "security_log.logger.addHandler(handler)\n"
        "security_log.event('login_failed', None, login='someone@example.org')\n"
        "print(json.dumps(json.loads(stream.getvalue().strip().splitlines()[-1])))"
    )
    assert result.returncode == 0, result.stderr
    import json

    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["level"] == "WARNING" and line["logger"] == "security" and line["time"]
    assert line["security"]["event"] == "login_failed" and line["security"]["login"] == "someone@example.org"


@pytest.mark.django_db
def test_forms_refuse_a_post_without_the_csrf_token(login_as, demo_data):
    from django.test import Client

    from core.models import User
    from tests.conftest import mark_second_factor_used

    client = Client(enforce_csrf_checks=True)
    user = User.objects.get(email="cdo@demo.digitaloffice.scot")
    client.force_login(user)
    mark_second_factor_used(client, user)
    assert client.post("/api-keys/new/", {"name": "x"}).status_code == 403
    assert client.post(reverse("account_logout")).status_code == 403
