"""Every HTTP header policy in one place: content types, caching, validators, security."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """What a response is, which decides its type and how long it may be cached."""

    PAGE = "page"
    RSS = "rss"
    ATOM = "atom"
    CSS = "css"
    FILE = "file"
    REDIRECT = "redirect"


_CONTENT_TYPE = {
    Kind.PAGE: "text/html; charset=utf-8",
    Kind.RSS: "application/rss+xml; charset=utf-8",
    Kind.ATOM: "application/atom+xml; charset=utf-8",
    Kind.CSS: "text/css; charset=utf-8",
    Kind.FILE: "application/octet-stream",
    Kind.REDIRECT: "text/html; charset=utf-8",
}
_CACHE_CONTROL = {
    Kind.PAGE: "public, max-age=60, stale-while-revalidate=300",
    Kind.RSS: "public, max-age=300, stale-while-revalidate=600",
    Kind.ATOM: "public, max-age=300, stale-while-revalidate=600",
    Kind.CSS: "public, max-age=3600, stale-while-revalidate=86400",
    Kind.FILE: "public, max-age=3600, stale-while-revalidate=86400",
    Kind.REDIRECT: "public, max-age=3600",
}
NOT_FOUND_CACHE_CONTROL = "public, max-age=30"

SECURITY_HEADERS: Mapping[str, str] = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    # No script runs on our pages; images may come from anywhere an editor links to.
    "content-security-policy": (
        "default-src 'none'; img-src 'self' https: data:; style-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    ),
}


@dataclass(frozen=True)
class Rendered:
    """A finished response body with the headers that belong to it; cacheable per snapshot."""

    body: bytes
    kind: Kind
    status: int = 200
    media_type: str | None = None
    location: str | None = None

    @property
    def etag(self) -> str:
        """A strong validator: the body's digest."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'

    def headers(self) -> dict[str, str]:
        """The response headers for this body."""
        headers = {
            "content-type": self.media_type or _CONTENT_TYPE[self.kind],
            "cache-control": (
                _CACHE_CONTROL[self.kind] if self.status < 400 else NOT_FOUND_CACHE_CONTROL
            ),
            "etag": self.etag,
            **SECURITY_HEADERS,
        }
        if self.location is not None:
            headers["location"] = self.location
        return headers


def is_not_modified(if_none_match: str | None, etag: str) -> bool:
    """Whether a conditional request's validators match our ETag (RFC 9110, weak compare)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    candidates = {c.strip().removeprefix("W/") for c in if_none_match.split(",")}
    return etag in candidates
