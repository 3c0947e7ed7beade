"""The portal's cache: Redis, with the database cache standing in while Redis cannot be reached.

Sign-in's rate limits (allauth) and anything else that reads the cache keep working through a Redis outage,
counted in the database instead of failing with a 500. After a failure Redis is left alone for a few seconds,
so a page does not wait for a connection timeout on every cache call.
"""

import logging
import time

import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
FALLBACK_ALIAS = "database"
RETRY_REDIS_AFTER_SECONDS = 5.0


class RedisWithDatabaseFallback(RedisCache):
    _down_until = 0.0  # shared by every instance in the process: one outage, one wait

    def _fallback(self):
        return caches[FALLBACK_ALIAS]

    def _call(self, name, *args, **kwargs):
        cls = type(self)
        if time.monotonic() >= cls._down_until:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except REDIS_ERRORS as exc:
                logger.warning("Redis is unreachable (%s); the database cache stands in for it", exc)
                cls._down_until = time.monotonic() + RETRY_REDIS_AFTER_SECONDS
        return getattr(self._fallback(), name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")
