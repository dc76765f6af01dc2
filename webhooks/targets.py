"""Where a webhook may send: http(s) addresses on the public internet only.

A webhook URL is checked when it is saved and again at each send, after resolving its
host, and the request then goes to the very address that was checked (not a second
lookup, which a hostile DNS server could answer differently). Private, loopback,
link-local, multicast and reserved addresses are refused: otherwise a survey manager could
make the worker call services that are reachable only from inside (cloud metadata at
169.254.169.254, an admin port on localhost). WEBHOOKS_ALLOW_PRIVATE lifts the refusal
(development, tests, a receiver on the same private network).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class TargetRefused(ValueError):
    pass


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def target_parts(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a webhook URL; TargetRefused if it is not an http(s) URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("Give an http:// or https:// address.")
    if parts.username or parts.password:
        raise TargetRefused("Put no user name or password in the address.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("The port is not valid.") from None
    return parts.scheme, parts.hostname, port


def target_resolve(url: str) -> str:
    """The address to connect to for `url`: its host resolved, and refused (TargetRefused)
    when any of its addresses is not public, unless WEBHOOKS_ALLOW_PRIVATE."""
    _, host, port = target_parts(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(f"The host {host} could not be resolved ({exc}).") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise TargetRefused(f"The host {host} has no address.")
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        # Every address: a host that also resolves to an inside one is refused outright.
        inside = [a for a in addresses if not _public(a)]
        if inside:
            raise TargetRefused(
                f"{host} resolves to {inside[0]}, a private, loopback or link-local address: webhooks send only "
                "to public addresses."
            )
    return addresses[0]
