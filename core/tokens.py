"""Secrets in links (invitation links, resume links) are kept only as their hash.

A copy of the database then reveals no working link, and a lookup by the hash is an
indexed equality. SHA-256 without salt or stretching is enough here: the tokens are
random (192 bits and more), not passwords a dictionary could guess.
"""

from __future__ import annotations

import hashlib


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256, 64 hex digits."""
    return hashlib.sha256(token.encode()).hexdigest()
