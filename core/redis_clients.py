"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

Django's RedisCacheClient makes a new `redis.Redis` for every cache call (`get_client`), and redis-py builds its
table of about 170 response callbacks in each: 0.2 to 0.4 ms a call on the benchmark machine, more than the call's
own round trip, and an API request makes four or five such calls (key throttle, cache tokens, the page). A client
holds no state of its own beyond its pool, and a cache backend is per thread (django.core.cache.caches), so the
client is made once per pool and kept.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientsRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ReusedClientsRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache with ReusedClientsRedisCacheClient."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientsRedisCacheClient
