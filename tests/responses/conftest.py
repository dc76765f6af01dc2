"""Responses fixtures."""

import pytest

from responses import rendering


@pytest.fixture
def counting_requests(monkeypatch) -> list:
    """Counting requests, recorded instead of published (no broker in these tests)."""
    from responses import services

    requested: list = []
    monkeypatch.setattr(services, "request_counting", requested.append)
    return requested


@pytest.fixture
def fresh_skeletons():
    rendering._skeletons.clear()
    yield rendering._skeletons
    rendering._skeletons.clear()
