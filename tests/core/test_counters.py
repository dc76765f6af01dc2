"""Counters in fixed windows (core.counters), the one key scheme of the rate limit, the
failed-lookup throttles and the sign-in slowdown: per name and subject, from 0 again in
each window."""

from types import SimpleNamespace
from unittest import mock

from django.core.cache import cache
from django.test import RequestFactory

from core import counters
from core.throttle import client_count, client_count_add

WINDOW = 600


def _at(seconds: float):
    return mock.patch.object(counters, "time", SimpleNamespace(time=lambda: seconds))


def test_it_counts_from_one_per_name_and_subject():
    with _at(1_800_000_000):
        assert [counters.window_count_add("n", "a", WINDOW) for _ in range(3)] == [1, 2, 3]
        assert counters.window_count_add("n", "b", WINDOW) == 1
        assert counters.window_count_add("other", "a", WINDOW) == 1

        assert (counters.window_count("n", "a", WINDOW), counters.window_count("n", "c", WINDOW)) == (3, 0)


def test_it_starts_again_in_the_next_window():
    start = 1_800_000_000 - 1_800_000_000 % WINDOW
    with _at(start + WINDOW - 1):
        counters.window_count_add("n", "a", WINDOW)
        counters.window_count_add("n", "a", WINDOW)
    with _at(start + WINDOW):
        assert counters.window_count("n", "a", WINDOW) == 0
        assert counters.window_count_add("n", "a", WINDOW) == 1


def test_it_keys_counters_by_name_subject_and_window():
    with _at(1_800_000_000):
        counters.window_count_add("ratelimit:submit", "203.0.113.7", WINDOW)

    assert cache.get(f"ratelimit:submit:203.0.113.7:{1_800_000_000 // WINDOW}") == 1


def test_it_lets_the_counters_expire_just_after_their_window():
    with mock.patch.object(counters, "cache") as fake:
        fake.add.return_value = True
        counters.window_count_add("n", "a", WINDOW)

    assert fake.add.call_args.kwargs["timeout"] == WINDOW + 1


def test_it_counts_per_client_as_core_clients_names_it(settings):
    settings.TRUSTED_PROXIES = ("10.0.0.5",)
    behind_proxy = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    direct = RequestFactory().get("/", REMOTE_ADDR="198.51.100.1")

    client_count_add("n", behind_proxy, WINDOW)

    assert client_count("n", direct, WINDOW) == 1
    assert counters.window_count("n", "198.51.100.1", WINDOW) == 1
