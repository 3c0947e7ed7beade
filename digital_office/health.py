"""/healthz: the state of the database, Redis, the Celery workers and beat, and the change feed's horizon, within
a second whatever is down.

Each check runs in a thread of its own with a deadline; one that has not answered by then is reported as a
timeout. Workers and beat are judged by their heartbeats (digital_office.workers), not by a live ping.
"""

import concurrent.futures

import redis
from django.conf import settings
from django.db import connection

from core import selectors as core_selectors
from core.changes import horizon_check

DEADLINE_SECONDS = 0.8
OK = "ok"


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return OK
    finally:
        connection.close()


def _redis(url):
    def check():
        timeout = settings.REDIS_TIMEOUT_SECONDS
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
        return OK

    return check


def redis_urls() -> dict:
    """The Redis instances to check: the broker's as "redis" and, when it is another one, the cache's as
    "redis_cache" (docs/operations.md, "Redis")."""
    broker = settings.CELERY_BROKER_URL if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
    urls = {"redis": broker} if broker else {}
    if settings.CACHE_REDIS_URL and settings.CACHE_REDIS_URL != broker:
        urls["redis_cache"] = settings.CACHE_REDIS_URL
    return urls


def _heartbeat(role):
    """ok while every process of `role` heard from lately still beats; an error naming any that fell silent.

    A heartbeat older than HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS is a process that died without stopping (SIGKILL,
    out of memory, its machine gone): a clean stop removes its row. It stays reported for
    HEALTHZ_HEARTBEAT_FORGET_AFTER_SECONDS, or until a process of its kind starts on the same host.
    """

    def check():
        max_age = settings.HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS
        try:
            heard = core_selectors.recent_heartbeats(role=role,
                                                     within_seconds=settings.HEALTHZ_HEARTBEAT_FORGET_AFTER_SECONDS)
        finally:
            connection.close()
        alive = [name for name, age in heard if age <= max_age]
        silent = [(name, age) for name, age in heard if age > max_age]
        if silent:
            named = ", ".join(f"{name} silent for {age:.0f} s" for name, age in silent)
            return f"error: {named} (threshold {max_age:g} s; {len(alive)} alive)"
        if alive:
            return f"{OK} ({len(alive)} alive)" if role == "worker" else OK
        return f"no {role} heartbeat in the last {max_age:g} s"

    return check


def _change_feed():
    """The feed's horizon: held longer than CHANGE_FEED_HORIZON_WARNING_SECONDS by an open transaction anywhere on
    the server, partners' copies stop receiving changes (docs/operations.md, "The change feed's horizon")."""
    try:
        horizon = horizon_check()
    finally:
        connection.close()
    age = horizon["age_seconds"]
    if not horizon["held"]:
        return OK if age is None else f"{OK} (oldest open transaction {age:g} s)"
    waiting = "changes wait behind it" if horizon["held_back"] else "no change waits behind it yet"
    return (f"error: held for {age:g} s (over {settings.CHANGE_FEED_HORIZON_WARNING_SECONDS:g} s) by an open "
            f"transaction; {waiting} (the log names its backend: change_feed_horizon_held)")


def service_health() -> dict:
    checks = {"database": _database, "celery": _heartbeat("worker"), "beat": _heartbeat("beat"),
              "change_feed": _change_feed}
    urls = redis_urls()
    checks.update({name: _redis(url) for name, url in urls.items()})
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="healthz")
    futures = {name: pool.submit(check) for name, check in checks.items()}
    concurrent.futures.wait(futures.values(), timeout=DEADLINE_SECONDS)
    results = {}
    for name, future in futures.items():
        if not future.done():
            results[name] = f"error: no answer within {DEADLINE_SECONDS} s"
        elif future.exception() is not None:
            results[name] = f"error: {future.exception().__class__.__name__}"
        else:
            results[name] = future.result()
    pool.shutdown(wait=False, cancel_futures=True)
    if "redis" not in urls:
        results["redis"] = "not configured (filesystem broker)"
    healthy = all(value.startswith(OK) or value.startswith("not configured") for value in results.values())
    return {"status": "ok" if healthy else "error", "checks": results}
