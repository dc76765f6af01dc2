"""Personal invitation tokens: derived, never stored.

A token is base64url(HMAC-SHA256(SECRET_KEY, "invitation:<id>:<nonce>")), 256 bits, where
the nonce is 16 random bytes kept on the invitation. The database keeps only the nonce
and the token's hash (`core.tokens.hash_token`, for the lookup), so a copy of the
database alone reveals no link; the sending task recomputes the link from the row and
the key.

Rotating SECRET_KEY invalidates every link already sent: a looked-up token is checked
against the token recomputed with the current key. The next e-mail to an invitee (a
reminder) carries a new, working link and stores its hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from django.conf import settings

NONCE_BYTES = 16
# 32 bytes of HMAC output in unpadded base64url.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_nonce() -> str:
    return secrets.token_hex(NONCE_BYTES)


def derive_token(invitation_id: object, nonce: str) -> str:
    message = f"invitation:{invitation_id}:{nonce}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def is_well_formed(token: str) -> bool:
    return bool(TOKEN_RE.fullmatch(token or ""))
