"""HTTP connections with the limits uvicorn's httptools protocol leaves out.

uvicorn hands a request to the app only once its head (request line and headers) is
whole, and until then keeps every byte of it, with no limit of size or time: one client
sending an endless header grew the server by hundreds of megabytes and held up every other
request for seconds while the parser joined the pieces, and a client that sends half a
head and waits kept its connection for ever. Here a head over ``MAX_HEAD_BYTES`` gets 414
(its URL) or 431, and one not whole ``READ_SECONDS`` after its first byte gets 408; either
way the connection is closed. A connection that sends nothing is closed after as long.

uvicorn also parses every request a connection sends ahead (pipelined) at once, and keeps
each until its turn: twenty connections that sent a megabyte of small requests each and
read no answer grew the server by 1.7 GB. Here what a connection sends is parsed
``SLICE_BYTES`` at a time, and more than ``MAX_PIPELINED`` requests waiting get 400 and the
connection closed.

The checks run after each chunk (or slice) is parsed, not in the parser's callbacks for each
request: a check there cost a cached answer a third of a microsecond, 2 % of uvicorn's work.
"""

from __future__ import annotations

import asyncio
import functools
from http import HTTPStatus

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from reader.limits import MAX_HEAD_BYTES, MAX_PIPELINED, READ_SECONDS, plain_error
from reader.negotiation import reply

SLICE_BYTES = 4096
"""What is parsed at once: a slice holds at most a couple of hundred of the smallest heads."""


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a request's head bounded in size and time, and the
    requests sent ahead in number."""

    _head_bytes = 0
    """Bytes received of the head still incomplete (a head begun in the last chunk
    received is not counted: at most that chunk more is kept)."""
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the connection, which must send a whole head in time."""
        super().connection_made(transport)
        self._deadline = self.loop.call_later(READ_SECONDS, self._too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        """End the connection, and its wait for a head."""
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """Parse a chunk of what the client sent; refuse a head grown too long, or too many
        requests sent ahead."""
        if len(data) > SLICE_BYTES:
            self._received_in_slices(data)
            return
        before = self.scope
        super().data_received(data)
        if len(self.pipeline) > MAX_PIPELINED:
            self.pipeline.clear()  # what they hold is let go at once
            self._refuse(HTTPStatus.BAD_REQUEST, f"more than {MAX_PIPELINED} requests sent ahead")
            return
        scope = self.scope
        if scope is None or "method" in scope:  # no head left incomplete: the usual case
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None
            return
        if self.transport.is_closing():
            return
        if scope is before:  # the same head as before this chunk: all of it is head
            self._head_bytes += len(data)
        else:  # a head begun in this chunk, after whatever requests came before it
            self._head_bytes = 0
        if self._deadline is None:
            self._deadline = self.loop.call_later(READ_SECONDS, self._too_slow)
        if len(self.url) > MAX_HEAD_BYTES:
            self._refuse(HTTPStatus.REQUEST_URI_TOO_LONG, f"a URL over {MAX_HEAD_BYTES} bytes")
        elif self._head_bytes > MAX_HEAD_BYTES:
            self._refuse(
                HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, f"a head over {MAX_HEAD_BYTES} bytes"
            )

    def _received_in_slices(self, data: bytes) -> None:
        """A long chunk, parsed a slice at a time, so that the checks come between slices:
        the requests a chunk holds are parsed, and kept, all at once."""
        for at in range(0, len(data), SLICE_BYTES):
            self.data_received(data[at : at + SLICE_BYTES])
            if self.transport.is_closing():
                return

    def _too_slow(self) -> None:
        """A head not whole in time gets 408; a connection that sent nothing, no answer."""
        self._deadline = None
        scope = self.scope
        if self.transport.is_closing() or (scope is not None and "method" in scope):
            return  # a request is being answered, or was: keep-alive has its own timeout
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # A head sent ahead of the answer still being sent: its turn has not come, and
            # a 408 now would break into that answer.
            self._deadline = self.loop.call_later(READ_SECONDS, self._too_slow)
            return
        if scope is None:
            self.transport.close()
        else:
            self._refuse(HTTPStatus.REQUEST_TIMEOUT, f"a head not whole in {READ_SECONDS:g} s")

    def _refuse(self, status: HTTPStatus, why: str) -> None:
        # Named as uvicorn names a client, so an operator can tell who sends such requests.
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "-"
        self.logger.warning("%s - %d %s: %s", client, status.value, status.phrase, why)
        self.transport.write(refusal(status))
        self.transport.close()


@functools.cache
def refusal(status: HTTPStatus) -> bytes:
    """The whole response refusing a head: the status in a line of plain text, with the
    headers the policy gives it, and the connection closed (the rest is never read)."""
    answer = reply(plain_error(status), "GET", {})
    lines = [f"HTTP/1.1 {status.value} {status.phrase}".encode()]
    lines += [name + b": " + value for name, value in answer.raw_headers]
    if b"connection" not in dict(answer.raw_headers):  # a URL too long is no unread body
        lines.append(b"connection: close")
    lines += [b"", answer.body]
    return b"\r\n".join(lines)
