"""The signature of a webhook delivery, and how a receiver checks it.

Each delivery carries two headers:

- `X-Survey-Timestamp`: the Unix time (seconds) at which it was signed;
- `X-Survey-Signature`: `sha256=` and the hex HMAC-SHA256, keyed with the webhook's
  secret, of the timestamp, a dot and the raw body: `f"{timestamp}.".encode() + body`.

A receiver recomputes the HMAC over the body exactly as received (before parsing it),
compares it in constant time, and refuses a timestamp too far from its own clock (which
stops a captured delivery being replayed later). `signature_valid` is that check; the
README gives the same recipe for receivers written in other languages.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Survey-Timestamp"
SIGNATURE_HEADER = "X-Survey-Signature"
DELIVERY_HEADER = "X-Survey-Delivery"
SCHEME = "sha256="
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


def signature_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = int(time.time() if now is None else now)
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, timestamp, body)}


def signature_valid(secret: str, body: bytes, timestamp: str, signed: str, *, now: float | None = None,
                    tolerance: int = TOLERANCE_SECONDS) -> bool:
    """Whether `signed` (the signature header) is the secret's signature of this body at
    `timestamp` (the timestamp header), and that time is within `tolerance` of now."""
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, int(timestamp), body), signed)
