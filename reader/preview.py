"""Signed preview links: one unpublished article, to whoever holds the link, until it expires.

A token is the article's path and an expiry, signed with HMAC-SHA256 under a secret that
only the editors' machine and the server know (``READER_PREVIEW_SECRET``). Anything else (an
expired, altered or foreign token, or no secret set) is treated as no token at all.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from datetime import datetime

from reader.model import ArticleKey

SECRET_VARIABLE = "READER_PREVIEW_SECRET"
MIN_SECRET_LENGTH = 32
"""A shorter secret could be guessed; the command and the server refuse it."""


def secret_from_environment() -> str:
    """The preview secret, or "" when none (or a too short one) is set: previews are off."""
    secret = os.environ.get(SECRET_VARIABLE, "")
    return secret if len(secret) >= MIN_SECRET_LENGTH else ""


def sign(secret: str, key: ArticleKey, expires: datetime) -> str:
    """A token that shows the article at ``key`` until ``expires``."""
    payload = json.dumps([list(key), int(expires.timestamp())], ensure_ascii=False).encode()
    return f"{_encode(payload)}.{_encode(_mac(secret, payload))}"


def verify(secret: str, token: str, now: datetime) -> ArticleKey | None:
    """The article a token shows, if it is signed with ``secret`` and not expired."""
    if not secret or token.count(".") != 1:
        return None
    body, signature = token.split(".")
    try:
        payload, mac = _decode(body), _decode(signature)
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        return None
    try:
        parts, expires = json.loads(payload)
    except (ValueError, TypeError):
        return None
    if not isinstance(expires, int) or expires <= now.timestamp():
        return None
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        return None
    return tuple(parts)


def _mac(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), b"reader-preview\n" + payload, hashlib.sha256).digest()


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    if not text.isascii():
        raise ValueError("not base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
