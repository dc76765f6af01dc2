"""Settings of the benchmarks that need a page of their own: the app's settings, with
bench/urls.py as the URLconf (the app's routes plus a bare Django page)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
