"""The client address: X-Forwarded-For counts only when the direct peer is a trusted proxy,
and then its right-most address that is not itself a trusted proxy is the client."""

import pytest
from django.test import RequestFactory

from core.clients import client_address, is_trusted_proxy, parse_address

PROXY = "10.0.0.5"


def _address(remote_addr: str, forwarded_for: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client_address(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        ("203.0.113.7", None, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # the header is ignored by default
        ("2001:db8::7", None, "2001:db8::7"),
        ("::ffff:203.0.113.7", None, "203.0.113.7"),
        ("", None, "unknown"),
        ("not-an-address", "198.51.100.1", "unknown"),
    ],
)
def test_it_takes_the_peer_when_no_proxy_is_trusted(settings, remote_addr, forwarded_for, expected):
    settings.TRUSTED_PROXIES = ()

    assert _address(remote_addr, forwarded_for) == expected


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        # The proxy appends the address it saw: the right-most entry is the client.
        (PROXY, "198.51.100.1", "198.51.100.1"),
        (PROXY, " 198.51.100.1 ", "198.51.100.1"),
        # What the client sent itself is left of that, and never taken.
        (PROXY, "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        (PROXY, "garbage, 1.2.3.4,198.51.100.1", "198.51.100.1"),
        # A chain of trusted proxies (a load balancer in the trusted range, then nginx).
        (PROXY, "1.2.3.4, 198.51.100.1, 10.9.8.7", "198.51.100.1"),
        # Ports, brackets and IPv6, as some proxies write them.
        (PROXY, "198.51.100.1:5124", "198.51.100.1"),
        (PROXY, "[2001:db8::1]:443", "2001:db8::1"),
        (PROXY, "[2001:db8::1]", "2001:db8::1"),
        (PROXY, "2001:db8::1", "2001:db8::1"),
        (PROXY, "2001:DB8:0:0::1", "2001:db8::1"),
        (PROXY, '"198.51.100.1"', "198.51.100.1"),
        (PROXY, "::ffff:198.51.100.1", "198.51.100.1"),
        # No header, an empty one, or only trusted proxies: the furthest proxy we know.
        (PROXY, None, PROXY),
        (PROXY, "", PROXY),
        (PROXY, " , ", PROXY),
        (PROXY, "10.9.8.7", "10.9.8.7"),
        # A trusted proxy that names no address ('unknown'): the client is that proxy's.
        (PROXY, "198.51.100.1, unknown", PROXY),
        (PROXY, "198.51.100.1, unknown, 10.9.8.7", "10.9.8.7"),
        (PROXY, "x" * 10_000, PROXY),
        (PROXY, "1.2.3.4," * 5_000 + "198.51.100.1", "198.51.100.1"),
        (PROXY, "300.1.1.1", PROXY),
        (PROXY, "198.51.100.1\x00", PROXY),
    ],
)
def test_it_takes_the_right_most_untrusted_address_behind_a_trusted_proxy(settings, remote_addr, forwarded_for,
                                                                          expected):
    settings.TRUSTED_PROXIES = ("10.0.0.0/8",)

    assert _address(remote_addr, forwarded_for) == expected


def test_it_ignores_the_header_from_a_peer_that_is_not_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ("10.0.0.5/32",)

    assert _address("10.0.0.6", "198.51.100.1") == "10.0.0.6"
    assert _address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_it_trusts_ipv6_ranges(settings):
    settings.TRUSTED_PROXIES = ("2001:db8:ff::/48",)

    assert _address("2001:db8:ff::10", "203.0.113.7") == "203.0.113.7"
    assert _address("2001:db8:fe::10", "203.0.113.7") == "2001:db8:fe::10"


def test_it_trusts_a_unix_socket_peer_only_when_told(settings):
    settings.TRUSTED_PROXIES = ()
    assert _address("", "198.51.100.1") == "unknown"

    settings.TRUSTED_PROXIES = ("unix",)
    assert _address("", "198.51.100.1") == "198.51.100.1"
    assert _address("", None) == "unknown"


def test_it_tells_whether_the_peer_is_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ("10.0.0.0/8", "192.0.2.1/32")
    factory = RequestFactory()

    assert is_trusted_proxy(factory.get("/", REMOTE_ADDR="10.200.1.1"))
    assert is_trusted_proxy(factory.get("/", REMOTE_ADDR="192.0.2.1"))
    assert not is_trusted_proxy(factory.get("/", REMOTE_ADDR="192.0.2.2"))
    assert not is_trusted_proxy(factory.get("/", REMOTE_ADDR=""))


@pytest.mark.parametrize("raw", ["", " ", "[", "[]", ":", "1.2.3", "1.2.3.4.5", "a" * 100, "[::1", "fe80::1%"])
def test_it_parses_nothing_from_garbage_without_raising(raw):
    assert parse_address(raw) is None


def test_it_drops_the_zone_of_a_link_local_address():
    assert str(parse_address("fe80::1%eth0")) == "fe80::1"
