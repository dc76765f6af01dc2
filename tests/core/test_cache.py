"""The Redis cache backend (core.cache): Django's, with one Redis client per pool rather
than one per call, against the real Redis the settings name."""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache, caches

from core.cache import RedisCache

pytestmark = pytest.mark.skipif(
    settings.CACHES["default"]["BACKEND"] != "core.cache.RedisCache", reason="needs Redis (set REDIS_URL)"
)


def test_it_is_the_cache_of_the_settings():
    assert isinstance(caches["default"], RedisCache)


def test_it_reuses_one_client_per_pool():
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client("a", write=True) is client  # one server: one pool for reads and writes


def test_it_stores_adds_and_counts_as_django_s_backend_does():
    assert cache.add("core-cache-test", 1, timeout=5)
    assert not cache.add("core-cache-test", 1, timeout=5)
    assert cache.incr("core-cache-test") == 2
    cache.set("core-cache-test", {"a": [1, 2]}, timeout=5)
    assert cache.get("core-cache-test") == {"a": [1, 2]}
    cache.delete("core-cache-test")
    assert cache.get("core-cache-test") is None


def test_threads_share_the_client_safely():
    # Each thread has its own backend object (django.core.cache.caches is per thread); a
    # shared one still counts every increment once.
    backend = RedisCache(settings.CACHES["default"]["LOCATION"], {})
    backend.set("core-cache-shared", 0, timeout=5)

    def add() -> None:
        for _ in range(50):
            backend.incr("core-cache-shared")

    threads = [threading.Thread(target=add) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert backend.get("core-cache-shared") == 200
    backend.delete("core-cache-shared")
