"""Every HTTP header policy in one place: types, caching, validators, coding, CORS, security."""

from __future__ import annotations

import functools
import gzip
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cached_property
from pathlib import Path

import brotli

from reader.urls import Kind


@dataclass(frozen=True)
class Policy:
    """How one kind of response is typed, cached and shared."""

    content_type: str
    cache_control: str
    cross_origin: bool = False
    """Feeds, the API and their indexes are for other sites' scripts too; pages are not."""


_MINUTE = "public, max-age=60, stale-while-revalidate=300"
_FEED = "public, max-age=300, stale-while-revalidate=600"
_HOUR = "public, max-age=3600, stale-while-revalidate=86400"
POLICIES: Mapping[Kind, Policy] = {
    Kind.PAGE: Policy("text/html; charset=utf-8", _MINUTE),
    Kind.FEED: Policy("application/xml; charset=utf-8", _FEED, cross_origin=True),
    # A full archive document never changes again, except once to gain its next-archive link.
    Kind.ARCHIVE: Policy(
        "application/xml; charset=utf-8",
        "public, max-age=86400, stale-while-revalidate=604800",
        cross_origin=True,
    ),
    Kind.API: Policy("application/json", _MINUTE, cross_origin=True),
    Kind.OPML: Policy("text/x-opml; charset=utf-8", _HOUR, cross_origin=True),
    Kind.SITEMAP: Policy("application/xml; charset=utf-8", _FEED),
    Kind.TEXT: Policy("text/plain; charset=utf-8", _HOUR),
    Kind.CSS: Policy("text/css; charset=utf-8", _HOUR),
    Kind.FILE: Policy("application/octet-stream", _HOUR),
    Kind.REDIRECT: Policy("text/html; charset=utf-8", "public, max-age=3600"),
    # Revalidated on every use, so a changed setting shows on the very next page.
    Kind.PERSONAL: Policy("text/html; charset=utf-8", "private, no-cache"),
}
PREFERENCE_COOKIE_MAX_AGE = 400 * 24 * 3600
"""The longest lifetime browsers keep a cookie (RFC 6265bis caps it at 400 days)."""
ERROR_CACHE_CONTROL = "public, max-age=30"

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

BROTLI_QUALITY = 6
"""Within about 12 % of the densest setting (11) on our pages at a thirtieth of the time,
which is what lets ``reader build`` compress every file of a large site quickly."""
MIN_COMPRESSED_SIZE = 256
"""Below this, compression saves less than the header costs."""
_ENCODING_SUFFIX = {"br": "-br", "gzip": "-gz"}


def _compressible(media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip()
    return base.startswith("text/") or base.endswith(("xml", "json")) or base == "image/svg+xml"


@dataclass(frozen=True)
class Rendered:
    """A finished response body with what its headers need; cacheable per snapshot."""

    body: bytes
    kind: Kind
    status: int = 200
    media_type: str | None = None
    location: str | None = None
    modified: datetime | None = None
    """When these bytes were first served at this URL; set by the app, not by views."""
    links: tuple[str, ...] = field(default=())
    """Values for the Link header (RFC 8288), such as oEmbed discovery."""
    cookie: str | None = None
    """A Set-Cookie value, made by ``preference_cookie``."""
    file: Path | None = None
    """The file these bytes were read from, for a file served in ranges or streamed; a
    large file's body is left empty and only streamed."""

    @cached_property
    def etag(self) -> str:
        """A strong validator: the body's digest."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'

    @property
    def content_type(self) -> str:
        """The media type sent, with its charset."""
        return self.media_type or POLICIES[self.kind].content_type

    @cached_property
    def compressible(self) -> bool:
        """Whether a compressed variant is worth offering."""
        return _compressible(self.content_type) and len(self.body) >= MIN_COMPRESSED_SIZE

    @cached_property
    def gzip_body(self) -> bytes:
        """The gzip variant, computed once per cached body."""
        return gzip.compress(self.body, compresslevel=9, mtime=0)

    @cached_property
    def brotli_body(self) -> bytes:
        """The brotli variant, computed once per cached body."""
        return bytes(brotli.compress(self.body, quality=BROTLI_QUALITY))

    @property
    def memory(self) -> int:
        """About what holding this response costs, with the compressed forms it may gain."""
        return 2 * len(self.body) + 1024

    def wire(self, encoding: str | None) -> Wire:
        """This response in one coding, ready for the socket; built once, then reused."""
        wires = self._wires
        found = wires.get(encoding)
        if found is None:
            body, etag = self.variant(encoding)
            headers = self.headers()
            headers["etag"] = etag
            if encoding is not None:
                headers["content-encoding"] = encoding
            kept = {k: v for k, v in headers.items() if k not in _ENTITY_HEADERS}
            headers["content-length"] = str(len(body))
            found = Wire(_raw(headers), _raw(kept), body, etag)
            wires[encoding] = found
        return found

    @cached_property
    def _wires(self) -> dict[str | None, Wire]:
        return {}

    def variant(self, encoding: str | None) -> tuple[bytes, str]:
        """The body and ETag for a content coding (None for identity)."""
        if encoding == "br":
            return self.brotli_body, self.etag[:-1] + _ENCODING_SUFFIX["br"] + '"'
        if encoding == "gzip":
            return self.gzip_body, self.etag[:-1] + _ENCODING_SUFFIX["gzip"] + '"'
        return self.body, self.etag

    def headers(self) -> dict[str, str]:
        """The response headers for this body, before content negotiation."""
        policy = POLICIES[self.kind]
        headers = {
            "content-type": self.content_type,
            "cache-control": policy.cache_control if self.status < 400 else ERROR_CACHE_CONTROL,
            "etag": self.etag,
            **SECURITY_HEADERS,
        }
        if self.modified is not None:
            headers["last-modified"] = http_date(self.modified)
        varies = ["Accept-Encoding"] if self.compressible else []
        if self.kind is Kind.PERSONAL:
            varies.append("Cookie")
        if varies:
            headers["vary"] = ", ".join(varies)
        if policy.cross_origin:
            headers.update(CORS_HEADERS)
        if self.location is not None:
            headers["location"] = self.location
        if self.links:
            headers["link"] = ", ".join(self.links)
        if self.cookie is not None:
            headers["set-cookie"] = self.cookie
        if self.file is not None:
            headers["accept-ranges"] = "bytes"  # a Range request is answered from the file
        return headers


def file_headers(rendered: Rendered) -> dict[str, str]:
    """The policy's headers for a file Starlette sends in ranges or streams.

    Starlette adds the type, length and range headers; for a streamed file, whose bytes
    were never read, also its own validators (from the file's time and size).
    """
    headers = rendered.headers()
    for name in ("content-type", "content-length"):
        headers.pop(name, None)
    if not rendered.body:
        headers.pop("etag", None)
        headers.pop("vary", None)
    return headers


RawHeaders = list[tuple[bytes, bytes]]
"""Header names and values as ASGI sends them."""


@dataclass(frozen=True)
class Wire:
    """One coding of a response as it goes out: headers for a 200 and a 304, and the body."""

    headers: RawHeaders
    not_modified: RawHeaders
    body: bytes
    etag: str


def _raw(headers: Mapping[str, str]) -> RawHeaders:
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


@dataclass(frozen=True)
class Reply:
    """What goes on the wire for one request: status, headers and body."""

    status: int
    raw_headers: RawHeaders
    body: bytes

    @property
    def headers(self) -> dict[str, str]:
        """The headers by name, decoded."""
        return {k.decode("latin-1"): v.decode("latin-1") for k, v in self.raw_headers}


def reply(rendered: Rendered, method: str, request: Mapping[str, str]) -> Reply:
    """Negotiate coding and validators for one request; HEAD gets GET's headers and no body."""
    if method == "GET" or method == "HEAD":
        encoding = (
            choose_encoding(request.get("accept-encoding")) if rendered.compressible else None
        )
        wire = rendered.wire(encoding)
        if_none_match = request.get("if-none-match")
        if rendered.status == 200 and (
            if_none_match == wire.etag
            or is_not_modified(
                rendered.etag,
                rendered.modified,
                if_none_match,
                request.get("if-modified-since"),
            )
        ):
            return Reply(304, wire.not_modified, b"")
        return Reply(rendered.status, wire.headers, b"" if method == "HEAD" else wire.body)
    if method == "OPTIONS":
        headers = {"allow": ALLOWED_METHODS}
        if POLICIES[rendered.kind].cross_origin:
            headers.update(CORS_HEADERS)
            headers.update(PREFLIGHT_HEADERS)
        return Reply(204, _raw(headers), b"")
    if method == "POST" and rendered.kind is Kind.PERSONAL:
        return Reply(rendered.status, rendered.wire(None).headers, rendered.body)
    return Reply(405, _raw({"allow": ALLOWED_METHODS, "content-type": "text/plain"}), b"")


_ENTITY_HEADERS = frozenset(
    {"content-type", "content-encoding", "content-length", "location", "set-cookie"}
)


def choose_encoding(accept_encoding: str | None) -> str | None:
    """The best coding the client accepts (brotli, then gzip), or None for identity."""
    if not accept_encoding:
        return None
    return _parse_accept_encoding(accept_encoding)


# Clients send a handful of distinct values, so each is parsed once.
@functools.lru_cache(maxsize=512)
def _parse_accept_encoding(accept_encoding: str) -> str | None:
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        quality = 1.0
        key, _, value = params.strip().partition("=")
        if key.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        weights[name.strip().lower()] = quality
    for coding in ("br", "gzip"):
        if weights.get(coding, weights.get("*", 0.0)) > 0:
            return coding
    return None


def is_not_modified(
    etag: str,
    modified: datetime | None,
    if_none_match: str | None,
    if_modified_since: str | None = None,
) -> bool:
    """Whether a conditional GET may get a 304 (RFC 9110 section 13.2.2)."""
    if if_none_match:
        if if_none_match == etag:
            return True
        if if_none_match.strip() == "*":
            return True
        # Any coding of the same bytes matches: the client's copy is still current.
        candidates = {_base_etag(c.strip().removeprefix("W/")) for c in if_none_match.split(",")}
        return etag in candidates
    if if_modified_since and modified is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return modified.replace(microsecond=0) <= since
    return False


def _base_etag(tag: str) -> str:
    for suffix in _ENCODING_SUFFIX.values():
        if tag.endswith(suffix + '"'):
            return tag[: -len(suffix) - 1] + '"'
    return tag


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
