"""One POST to a webhook, to the address that was checked (webhooks.targets), with a short
timeout, never following a redirect (a redirect could lead to an address never checked)."""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Reply:
    status_code: int | None
    error: str = ""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the URL's host name, as for any HTTPS request.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, address: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Reply:
    """POST `body` to `url`, connecting to `address`; the status code, or the error."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    kind = _PinnedHTTPSConnection if secure else _PinnedHTTPConnection
    connection = kind(parts.hostname, port, address=address, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
        reply = connection.getresponse()
        reply.read(64 * 1024)  # a little of the body, so the connection closes cleanly
        return Reply(status_code=reply.status)
    except (OSError, http.client.HTTPException) as exc:
        return Reply(status_code=None, error=f"{type(exc).__name__}: {exc}"[:500])
    finally:
        connection.close()
