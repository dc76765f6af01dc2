"""Django's Redis cache, keeping one Redis client per connection pool.

Django's `RedisCacheClient.get_client` makes a new `redis.Redis` on every cache call, and
that constructor fills a table of some two hundred response callbacks: a `cache.get`
measured 0.13-0.17 ms of CPU with it, 0.05-0.07 ms without (bench/README.md, step 3).
The respondent's path makes a cache call on most requests (the resume throttle, the
submission rate limit), so the client is made once per pool instead. A `redis.Redis` is
safe to share between threads (each command takes a connection from the pool), and the
pool itself reconnects after a fork.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        # Pools are kept for the backend's lifetime (`_pools`), so their ids stay theirs.
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
