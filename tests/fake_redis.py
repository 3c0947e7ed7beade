"""A Redis of the tests' own for the cache's outage scenarios: the project's cache class
(core.cache.RedisWithDatabaseFallback) over an in-memory server that every "process" of a test shares, which can be
cut (every call raises ConnectionError) or made to time out on chosen calls."""

import contextlib

import redis

from core import cache as portal_cache


class FakeServer:
    def __init__(self):
        self.data = {}
        self.down = False
        self.timeouts = {}  # call name -> how many of the next such calls time out

    def check(self, name):
        if self.down:
            raise redis.exceptions.ConnectionError("Connection refused (the test cut Redis)")
        if self.timeouts.get(name):
            self.timeouts[name] -= 1
            raise redis.exceptions.TimeoutError("Timeout reading from socket (the test's timeout)")


SERVER = FakeServer()


class _Client:
    """What django's RedisCache calls (RedisCacheClient's methods), on SERVER."""

    def __getattr__(self, name):
        raise AttributeError(name)

    def get(self, key, default):
        SERVER.check("get")
        return SERVER.data.get(key, default)

    def set(self, key, value, timeout):
        SERVER.check("set")
        SERVER.data[key] = value

    def add(self, key, value, timeout):
        SERVER.check("add")
        if key in SERVER.data:
            return False
        SERVER.data[key] = value
        return True

    def get_many(self, keys):
        SERVER.check("get_many")
        return {key: SERVER.data[key] for key in keys if key in SERVER.data}

    def set_many(self, data, timeout):
        SERVER.check("set_many")
        SERVER.data.update(data)

    def delete(self, key):
        SERVER.check("delete")
        return SERVER.data.pop(key, None) is not None

    def delete_many(self, keys):
        SERVER.check("delete_many")
        for key in keys:
            SERVER.data.pop(key, None)

    def has_key(self, key):
        SERVER.check("has_key")
        return key in SERVER.data

    def touch(self, key, timeout):
        SERVER.check("touch")
        return key in SERVER.data

    def incr(self, key, delta):
        SERVER.check("incr")
        if key not in SERVER.data:
            raise ValueError(key)
        SERVER.data[key] += delta
        return SERVER.data[key]

    def clear(self):
        SERVER.check("clear")
        SERVER.data.clear()
        return True


class FakeRedis(portal_cache.RedisWithDatabaseFallback):
    @property
    def _cache(self):
        return _Client()


def caches_setting(database_cache):
    return {
        "default": {"BACKEND": "tests.fake_redis.FakeRedis", "LOCATION": "redis://fake"},
        "api": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fake-api"},
        "database": database_cache,
    }


@contextlib.contextmanager
def another_process():
    """Run the block as a process that shares Redis and the database but not this one's memory: no renewal owed
    here, no recent Redis failure remembered."""
    owed, down_until = set(portal_cache._owed_here), portal_cache.RedisWithDatabaseFallback._down_until
    portal_cache._owed_here.clear()
    portal_cache.RedisWithDatabaseFallback._down_until = 0.0
    FakeRedis._down_until = 0.0
    try:
        yield
    finally:
        portal_cache._owed_here.clear()
        portal_cache._owed_here.update(owed)
        portal_cache.RedisWithDatabaseFallback._down_until = down_until
        FakeRedis._down_until = down_until


def reset():
    SERVER.data.clear()
    SERVER.down = False
    SERVER.timeouts.clear()
    portal_cache._owed_here.clear()
    portal_cache.RedisWithDatabaseFallback._down_until = 0.0
    FakeRedis._down_until = 0.0
