"""Every HTTP header policy in one place: types, caching, CORS, security, cookies, links."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING

from reader.urls import Kind

if TYPE_CHECKING:
    from reader.rendered import Rendered


@dataclass(frozen=True)
class Policy:
    """How one kind of response is typed, cached and shared."""

    content_type: str
    cache_control: str
    cross_origin: bool = False
    """Feeds, the API and their indexes are for other sites' scripts too; pages are not."""


WITHDRAWN_WITHIN_SECONDS = 60
"""The longest a shared cache may keep serving an article after it is withdrawn (a draft
flag set again, an expiry, a deletion): everything that can carry an article's words,
title, address or pictures is fresh for this long, with no stale-while-revalidate, so
caches revalidate (a cheap 304 when nothing changed) rather than serve it on."""
_ARTICLE_BEARING = f"public, max-age={WITHDRAWN_WITHIN_SECONDS}"
_HOUR = "public, max-age=3600, stale-while-revalidate=86400"
POLICIES: Mapping[Kind, Policy] = {
    Kind.PAGE: Policy("text/html; charset=utf-8", _ARTICLE_BEARING),
    Kind.FEED: Policy("application/xml; charset=utf-8", _ARTICLE_BEARING, cross_origin=True),
    Kind.ARCHIVE: Policy("application/xml; charset=utf-8", _ARTICLE_BEARING, cross_origin=True),
    Kind.API: Policy("application/json", _ARTICLE_BEARING, cross_origin=True),
    Kind.OPML: Policy("text/x-opml; charset=utf-8", _HOUR, cross_origin=True),
    Kind.SITEMAP: Policy("application/xml; charset=utf-8", _ARTICLE_BEARING),
    Kind.TEXT: Policy("text/plain; charset=utf-8", _HOUR),
    Kind.CSS: Policy("text/css; charset=utf-8", _HOUR),
    Kind.FILE: Policy("application/octet-stream", _HOUR),
    # A page bundle's photos and files belong to their article.
    Kind.ATTACHMENT: Policy("application/octet-stream", _ARTICLE_BEARING),
    # An old address of an article names where the article is.
    Kind.REDIRECT: Policy("text/html; charset=utf-8", _ARTICLE_BEARING),
    # Revalidated on every use, so a changed setting shows on the very next page.
    Kind.PERSONAL: Policy("text/html; charset=utf-8", "private, no-cache"),
    # An unpublished article: kept by no cache at all, and by no search engine.
    Kind.PREVIEW: Policy("text/html; charset=utf-8", "private, no-store"),
    Kind.PREVIEW_FILE: Policy("application/octet-stream", "private, no-store"),
}
PREFERENCE_COOKIE_MAX_AGE = 400 * 24 * 3600
"""The longest lifetime browsers keep a cookie (RFC 6265bis caps it at 400 days)."""
ERROR_CACHE_CONTROL = "public, max-age=30"
RETRY_AFTER_SECONDS = 1
"""When a busy server (429) asks a client to try again."""
UNREAD_STATUSES = frozenset({408, 413, 431})
"""Answers given before the rest of the request was read: the connection is closed after
them rather than kept to read (and throw away) what the client goes on sending."""

SECURITY_HEADERS: Mapping[str, str] = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    # No script runs on our pages; images may come from anywhere an editor links to.
    # connect-src 'self' lets audit tools that fetch from the page (Lighthouse reads
    # robots.txt so) do their work; with no script allowed, nothing else can connect.
    "content-security-policy": (
        "default-src 'none'; img-src 'self' https: data:; style-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    ),
}
CORS_HEADERS: Mapping[str, str] = {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": "ETag, Last-Modified, Link",
}
PREFLIGHT_HEADERS: Mapping[str, str] = {
    "access-control-allow-methods": "GET, HEAD, OPTIONS",
    "access-control-allow-headers": "If-None-Match, If-Modified-Since",
    "access-control-max-age": "86400",
}
ALLOWED_METHODS = "GET, HEAD, OPTIONS"

NOT_MODIFIED_DROPS = frozenset(
    {"content-type", "content-encoding", "content-length", "location", "set-cookie"}
)
"""What a 304 leaves out of its 200's headers: they describe the body it does not send."""


def response_headers(rendered: Rendered) -> dict[str, str]:
    """The headers the policy gives a response, before content negotiation."""
    policy = POLICIES[rendered.kind]
    headers = {
        "content-type": rendered.content_type,
        "cache-control": policy.cache_control if rendered.status < 400 else ERROR_CACHE_CONTROL,
        "etag": rendered.etag,
        **SECURITY_HEADERS,
    }
    if rendered.modified is not None:
        headers["last-modified"] = http_date(rendered.modified)
    varies = ["Accept-Encoding"] if rendered.compressible else []
    if rendered.kind is Kind.PERSONAL:
        varies.append("Cookie")
    if varies:
        headers["vary"] = ", ".join(varies)
    if policy.cross_origin:
        headers.update(CORS_HEADERS)
    if rendered.location is not None:
        headers["location"] = rendered.location
    if rendered.links:
        headers["link"] = ", ".join(rendered.links)
    if rendered.cookie is not None:
        headers["set-cookie"] = rendered.cookie
    if rendered.file is not None:
        headers["accept-ranges"] = "bytes"  # a Range request is answered from the file
    if rendered.status == 429:
        headers["retry-after"] = str(RETRY_AFTER_SECONDS)
        headers["cache-control"] = "no-store"
    if rendered.status in UNREAD_STATUSES:
        headers["connection"] = "close"
        headers["cache-control"] = "no-store"
    if rendered.kind in (Kind.PREVIEW, Kind.PREVIEW_FILE):
        headers["x-robots-tag"] = "noindex, nofollow"
    return headers


def file_headers(rendered: Rendered) -> dict[str, str]:
    """The policy's headers for a file Starlette sends in ranges or streams.

    Starlette adds the type, length and range headers; for a streamed file, whose bytes
    were never read, also its own validators (from the file's time and size).
    """
    headers = response_headers(rendered)
    for name in ("content-type", "content-length"):
        headers.pop(name, None)
    if not rendered.body:
        headers.pop("etag", None)
        headers.pop("vary", None)
    return headers


def alternate_link(url: str, media_type: str) -> str:
    """A Link header value (RFC 8288) naming another representation of this page."""
    return f'<{url}>; rel="alternate"; type="{media_type}"'


def preference_cookie(name: str, value: str, *, secure: bool) -> str:
    """A Set-Cookie value for a reading preference: whole site, long-lived, never for scripts."""
    attributes = [f"{name}={value}", "Path=/", f"Max-Age={PREFERENCE_COOKIE_MAX_AGE}"]
    attributes += ["SameSite=Lax", "HttpOnly"] + (["Secure"] if secure else [])
    return "; ".join(attributes)


def http_date(moment: datetime) -> str:
    """An IMF-fixdate, as Last-Modified wants it."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)
