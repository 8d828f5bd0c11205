"""A finished response: its bytes, what its headers need, and its compressed forms.

Cached per snapshot, so each is compressed and has its headers written once.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

import brotli

from reader.headers import NOT_MODIFIED_DROPS, POLICIES, response_headers
from reader.urls import Kind

BROTLI_QUALITY = 6
"""Within about 12 % of the densest setting (11) on our pages at a thirtieth of the time,
which is what lets ``reader build`` compress every file of a large site quickly."""
MIN_COMPRESSED_SIZE = 256
"""Below this, compression saves less than the header costs."""
ENCODING_SUFFIX = {"br": "-br", "gzip": "-gz"}


def is_compressible(media_type: str) -> bool:
    """Whether a media type is text that compression shrinks."""
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
        return is_compressible(self.content_type) and len(self.body) >= MIN_COMPRESSED_SIZE

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
            headers = response_headers(self)
            headers["etag"] = etag
            if encoding is not None:
                headers["content-encoding"] = encoding
            kept = {k: v for k, v in headers.items() if k not in NOT_MODIFIED_DROPS}
            headers["content-length"] = str(len(body))
            found = Wire.of(self.status, raw_headers(headers), raw_headers(kept), body, etag)
            wires[encoding] = found
        return found

    @cached_property
    def _wires(self) -> dict[str | None, Wire]:
        return {}

    def variant(self, encoding: str | None) -> tuple[bytes, str]:
        """The body and ETag for a content coding (None for identity)."""
        if encoding == "br":
            return self.brotli_body, self.etag[:-1] + ENCODING_SUFFIX["br"] + '"'
        if encoding == "gzip":
            return self.gzip_body, self.etag[:-1] + ENCODING_SUFFIX["gzip"] + '"'
        return self.body, self.etag


RawHeaders = list[tuple[bytes, bytes]]
"""Header names and values as ASGI sends them."""


@dataclass(frozen=True, slots=True)
class Reply:
    """What goes on the wire for one request: status, headers and body."""

    status: int
    raw_headers: RawHeaders
    body: bytes

    @property
    def headers(self) -> dict[str, str]:
        """The headers by name, decoded."""
        return {k.decode("latin-1"): v.decode("latin-1") for k, v in self.raw_headers}


@dataclass(frozen=True)
class Wire:
    """One coding of a response as it goes out: headers for a 200 and a 304, and the body;
    and the replies made of them, made once, as every cached request sends one of them."""

    headers: RawHeaders
    not_modified: RawHeaders
    body: bytes
    etag: str
    whole: Reply
    """The reply to a GET."""
    head: Reply
    """The reply to a HEAD: the GET's headers, no body."""
    unchanged: Reply
    """The 304 to a request whose copy is current."""

    @classmethod
    def of(
        cls, status: int, headers: RawHeaders, not_modified: RawHeaders, body: bytes, etag: str
    ) -> Wire:
        """A coding's wire form, its replies made."""
        whole, head = Reply(status, headers, body), Reply(status, headers, b"")
        return cls(headers, not_modified, body, etag, whole, head, Reply(304, not_modified, b""))


def raw_headers(headers: Mapping[str, str]) -> RawHeaders:
    """Header names and values as bytes, for ASGI."""
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
