"""Negotiation for one request: content coding, conditional GET, methods.

The answer to a request is the cached response in the coding the client takes, or a 304
when the client's copy is current; HEAD gets GET's headers and no body.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus

from reader.headers import (
    ALLOWED_METHODS,
    CORS_HEADERS,
    POLICIES,
    PREFLIGHT_HEADERS,
    response_headers,
)
from reader.limits import plain_error
from reader.rendered import ENCODING_SUFFIX, Rendered, Reply, raw_headers
from reader.urls import Kind


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
            or (
                (if_none_match is not None or "if-modified-since" in request)
                and is_not_modified(
                    rendered.etag,
                    rendered.modified,
                    if_none_match,
                    request.get("if-modified-since"),
                )
            )
        ):
            return wire.unchanged
        return wire.whole if method == "GET" else wire.head
    if method == "OPTIONS":
        headers = {"allow": ALLOWED_METHODS}
        if POLICIES[rendered.kind].cross_origin:
            headers.update(CORS_HEADERS)
            headers.update(PREFLIGHT_HEADERS)
        return Reply(204, raw_headers(headers), b"")
    if method == "POST" and rendered.kind is Kind.PERSONAL:
        return Reply(rendered.status, rendered.wire(None).headers, rendered.body)
    refused = plain_error(HTTPStatus.METHOD_NOT_ALLOWED)
    return Reply(
        405, raw_headers({**response_headers(refused), "allow": ALLOWED_METHODS}), refused.body
    )


CODINGS = ("br", "gzip")
"""What a compressible answer is kept in, beside itself."""


def choose_encoding(accept_encoding: str | None) -> str | None:
    """The coding the client weighs highest (brotli at a tie with gzip), or None for identity."""
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

    def preference(coding: str) -> tuple[float, bool]:
        # The client's weight first (RFC 9110, 12.5.3); at a tie, brotli's smaller bytes.
        return weights.get(coding, weights.get("*", 0.0)), coding == "br"

    best = max(CODINGS, key=preference)
    return best if preference(best)[0] > 0 else None


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
    for suffix in ENCODING_SUFFIX.values():
        if tag.endswith(suffix + '"'):
            return tag[: -len(suffix) - 1] + '"'
    return tag
