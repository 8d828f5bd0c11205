"""Request limits: what is refused before any work is done, with a short plain answer.

A path over 2 KB or a query over 4 KB gets 414, a body over 64 KB 413, and a method other
than GET, HEAD and OPTIONS (and POST to the settings form) 405. A request's head over 64 KB,
or not whole in 20 s, is refused before it reaches the app (``reader.connections``), as are
more than 64 requests sent ahead of their answers; a body not whole 20 s later gets 408.
None of our URLs comes near these sizes; a request that does is a scanner's or a mistake's.
The answers name no path, version or trace.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from http import HTTPStatus

from reader.rendered import Rendered
from reader.urls import Kind

MAX_PATH_BYTES = 2048
MAX_QUERY_BYTES = 4096
MAX_BODY_BYTES = 64 * 1024
MAX_HEAD_BYTES = 64 * 1024
"""A request's line and headers together: a browser's, cookies and all, take a few KB."""
MAX_PIPELINED = 64
"""Requests a connection may send ahead of the answer it waits for (HTTP/1.1 pipelining,
which no browser does): each is kept, parsed, until its turn, a few KB apiece."""
READ_SECONDS = 20.0
"""How long a request's head may take to arrive whole (from its first byte, or from the
connection being made), and then its body, as Apache's ``RequestReadTimeout`` allows at
first: a phone on a poor line sends a head in a packet or two, the settings form in one."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def oversize(path_bytes: int, query_bytes: int, content_length: str | None) -> Rendered | None:
    """414 for a path or query over its limit, 413 for a body; None when within them."""
    if path_bytes > MAX_PATH_BYTES or query_bytes > MAX_QUERY_BYTES:
        return plain_error(HTTPStatus.REQUEST_URI_TOO_LONG)
    if content_length is not None and _over(content_length, MAX_BODY_BYTES):
        return plain_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    return None


def method_allowed(method: str, takes_post: bool) -> bool:
    """Whether a route takes the method (others get 405, from ``negotiation.reply``)."""
    return method in SAFE_METHODS or (method == "POST" and takes_post)


def plain_error(status: HTTPStatus, kind: Kind = Kind.TEXT) -> Rendered:
    """A short plain-text error page: the status and its phrase, nothing else."""
    body = f"{status.value} {status.phrase}\n".encode()
    return Rendered(body, kind, status.value, media_type="text/plain; charset=utf-8")


QUERY_WORKERS = 2
"""Answers to new queries (the API, oEmbed) worked out at once, in threads beside the
event loop, which goes on sending cached answers meanwhile."""
QUERY_QUEUE = 64
"""Queries that may wait for a worker; one more is told to retry (429, ``Retry-After``)."""


class QueryLimiter:
    """Bounds the work of answers no cache holds yet, so they cannot starve cached ones."""

    def __init__(self, workers: int = QUERY_WORKERS, queue: int = QUERY_QUEUE) -> None:
        self._workers = asyncio.Semaphore(workers)
        self._room = workers + queue
        self._taken = 0

    async def run(self, work: Callable[[], Rendered]) -> Rendered:
        """``work``'s answer, worked out in a thread when a worker is free; or a 429."""
        if self._taken >= self._room:
            return plain_error(HTTPStatus.TOO_MANY_REQUESTS)
        self._taken += 1
        try:
            async with self._workers:
                return await asyncio.to_thread(work)
        finally:
            self._taken -= 1


def _over(length: str, limit: int) -> bool:
    # Anything but plain ASCII digits is no length; a long run of digits is over any limit.
    text = length.strip()
    if not text.isascii() or not text.isdigit():
        return False
    return len(text) > len(str(limit)) or int(text) > limit
