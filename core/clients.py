"""Who the client is: the one answer for rate limits, throttles, sign-in lockouts and the
stored IP address.

Behind a reverse proxy `REMOTE_ADDR` is the proxy's address, and gunicorn never rewrites
it. `TRUSTED_PROXIES` names the proxies (addresses or CIDR ranges). Only when the direct
peer is one of them is `X-Forwarded-For` read, and then from the right: each trusted proxy
appends the address it saw, so the right-most entry that is not itself a trusted proxy is
the first address no proxy of ours can vouch for, and everything left of it may have been
written by the client. The left-most entry, which most libraries take, is exactly the one
a client can forge. (django-ipware does not fit: its proxy list is matched by string
prefix against positions in the header, not against the peer, and it falls back to other
headers a client can send.)
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# A peer that is not an IP address at all: gunicorn bound to a unix socket reports ''.
UNIX_SOCKET = "unix"
UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted if item != UNIX_SOCKET)


def parse_address(raw: str) -> Address | None:
    """An address from a header or REMOTE_ADDR, or None. Tolerates what proxies write:
    spaces, a port ('203.0.113.7:5124', '[2001:db8::7]:443'), brackets, quotes, IPv4-mapped
    IPv6 ('::ffff:203.0.113.7', taken as the IPv4 address it carries)."""
    value = raw.strip().strip('"')
    if value.startswith("["):  # [v6] or [v6]:port
        value, bracket, port = value[1:].partition("]")
        if not bracket or (port and not port.startswith(":")):
            return None
    elif value.count(":") == 1:  # v4:port (a bare v6 address has at least two colons)
        value = value.partition(":")[0]
    if not value or len(value) > 64:
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:  # 'fe80::1%eth0' names an interface of the sender, not a client
            address = ipaddress.IPv6Address(value.partition("%")[0])
        address = address.ipv4_mapped or address
    return address


def _trusted(address: Address | None, peer_raw: str) -> bool:
    trusted = tuple(settings.TRUSTED_PROXIES)
    if address is None:
        return UNIX_SOCKET in trusted and peer_raw.strip() == ""
    return any(address in network for network in _networks(trusted))


def is_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the direct peer is one of `TRUSTED_PROXIES` (may set forwarding headers)."""
    raw = request.META.get("REMOTE_ADDR") or ""
    return _trusted(parse_address(raw), raw)


def client_address(request: HttpRequest) -> str:
    """The client's IP address as a normalised string ('unknown' when there is none)."""
    peer_raw = request.META.get("REMOTE_ADDR") or ""
    peer = parse_address(peer_raw)
    if not _trusted(peer, peer_raw):
        return str(peer) if peer is not None else UNKNOWN
    # The nearest address we can vouch for so far: the proxy itself, then each trusted
    # proxy named in the header. A chain of trusted proxies only (a health check from the
    # proxy, say) ends on the furthest of them.
    known = peer
    # No chain of proxies is longer than 32: a huge header costs no more than that.
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 32)[-32:]
    for raw in reversed(hops):
        if not raw.strip():
            continue
        hop = parse_address(raw)
        if hop is None:
            # A trusted proxy wrote something that is not an address ('unknown', an
            # obfuscated name): the client is whoever reached that proxy, named by it.
            break
        if not _trusted(hop, raw):
            return str(hop)
        known = hop
    return str(known) if known is not None else UNKNOWN


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, None when there is none (a peer on a unix socket with no
    forwarded address). Also AXES_CLIENT_IP_CALLABLE: axes stores it in an IP column."""
    address = client_address(request)
    return None if address == UNKNOWN else address


def client_ip_to_store(request: HttpRequest) -> str | None:
    """The address kept with a response: none unless STORE_IP_ADDRESS is on (it is
    personal data), for the HTML form and the JSON API alike."""
    return client_ip(request) if settings.STORE_IP_ADDRESS else None
