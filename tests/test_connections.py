"""Raw sockets against the real ``reader serve``: what a connection may make the server keep
is bounded: a request's head in size and time, the requests sent ahead of their answers
in number, the settings form's body in time."""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from reader.connections import SLICE_BYTES, LimitedHttpToolsProtocol
from reader.limits import MAX_HEAD_BYTES, MAX_PIPELINED, READ_SECONDS
from tests.server import running_server

CHUNK = 16 * 1024


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    """The demo site's server: its host and port."""
    with running_server() as base:
        address = urlsplit(base)
        assert address.hostname is not None and address.port is not None
        yield address.hostname, address.port


def connect(server: tuple[str, int]) -> socket.socket:
    """A fresh connection to the server."""
    return socket.create_connection(server, timeout=10)


def until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def flood(sock: socket.socket, start: bytes, filler: bytes, limit: int) -> tuple[int, bytes]:
    """Send ``start``, then ``filler`` again and again, up to ``limit`` bytes, until the
    server answers: how many bytes went out, and the answer."""
    sock.sendall(start)
    sent = len(start)
    while sent < limit:
        try:
            sock.sendall(filler)
        except (BrokenPipeError, ConnectionResetError):
            break
        sent += len(filler)
        readable, _, _ = select.select([sock], [], [], 0.05)
        if readable:
            break
    try:
        return sent, until_closed(sock)
    except ConnectionResetError:  # the rest of the flood reached a closed socket
        pytest.fail(f"no answer before the connection was reset, after {sent} bytes")


def status_of(answer: bytes) -> int:
    """The status code of the first response in ``answer``."""
    assert answer.startswith(b"HTTP/1.1 "), answer[:80]
    return int(answer[9:12])


def test_an_endless_header_is_refused_with_431_and_the_server_goes_on(
    server: tuple[str, int],
) -> None:
    with connect(server) as sock:
        start = b"GET / HTTP/1.1\r\nHost: news.example\r\nX-Padding: "
        sent, answer = flood(sock, start, b"a" * CHUNK, 64 * MAX_HEAD_BYTES)
    assert status_of(answer) == 431
    assert b"connection: close" in answer.lower()
    assert answer.endswith(b"431 Request Header Fields Too Large\n")
    # Refused once past the limit, not after the whole flood: at most a few chunks more
    # (what was on its way), where uvicorn alone kept all of it.
    assert sent < 2 * MAX_HEAD_BYTES + 16 * CHUNK
    assert httpx.get(f"http://{server[0]}:{server[1]}/").status_code == 200


def test_many_small_headers_are_refused_as_one_long_one(server: tuple[str, int]) -> None:
    with connect(server) as sock:
        start = b"GET / HTTP/1.1\r\nHost: news.example\r\n"
        headers = b"".join(b"X-%d: a\r\n" % n for n in range(CHUNK // 10))
        _, answer = flood(sock, start, headers, 64 * MAX_HEAD_BYTES)
    assert status_of(answer) == 431


def test_an_endless_url_is_refused_with_414(server: tuple[str, int]) -> None:
    with connect(server) as sock:
        _, answer = flood(sock, b"GET /", b"a" * CHUNK, 64 * MAX_HEAD_BYTES)
    assert status_of(answer) == 414
    assert answer.endswith(b"414 Request-URI Too Long\n")


def test_a_long_head_within_the_limit_is_answered(server: tuple[str, int]) -> None:
    # A browser's head with every cookie a site could set: well within 64 KB.
    cookie = "; ".join(f"c{n}={'v' * 90}" for n in range(400))
    assert 30_000 < len(cookie) < MAX_HEAD_BYTES - 1024
    answer = httpx.get(f"http://{server[0]}:{server[1]}/", headers={"cookie": cookie})
    assert answer.status_code == 200


def test_pipelined_requests_are_each_answered_up_to_the_limit(server: tuple[str, int]) -> None:
    # Sent together, so that each chunk the server reads holds many heads.
    request = b"HEAD /rss.xml HTTP/1.1\r\nHost: news.example\r\nUser-Agent: %s\r\n\r\n"
    requests = request % (b"x" * 2000) * MAX_PIPELINED
    requests += b"HEAD /rss.xml HTTP/1.1\r\nHost: news.example\r\nConnection: close\r\n\r\n"
    assert len(requests) > 2 * MAX_HEAD_BYTES
    with connect(server) as sock:
        sock.sendall(requests)
        answer = until_closed(sock)
    assert answer.count(b"HTTP/1.1 200 OK\r\n") == MAX_PIPELINED + 1
    assert b"HTTP/1.1 4" not in answer


def test_a_flood_of_pipelined_requests_is_refused(server: tuple[str, int]) -> None:
    # A megabyte of small requests, none of whose answers is read.
    with connect(server) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        _, answer = flood(sock, b"", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 1000, 1 << 20)
    assert answer.count(b"HTTP/1.1 200 OK\r\n") <= MAX_PIPELINED + 1
    assert b"HTTP/1.1 400 Bad Request\r\n" in answer
    assert httpx.get(f"http://{server[0]}:{server[1]}/").status_code == 200


@contextlib.asynccontextmanager
async def served_directly(
    app: Callable[..., Awaitable[None]], protocol: type[LimitedHttpToolsProtocol], ahead: bytes
) -> AsyncIterator[tuple[socket.socket, int]]:
    """The client's side of a socket pair whose other side ``protocol`` serves with ``app``
    (no server around it), with as much of ``ahead`` as the socket took sent before the
    protocol reads any; and how much that was."""
    config = Config(app, http=protocol, lifespan="off", log_level="error")
    config.load()
    server_side, client_side = socket.socketpair()
    served = protocol(config=config, server_state=ServerState(), app_state={})
    with client_side:
        for side in (server_side, client_side):
            side.setblocking(False)
        sent = client_side.send(ahead)
        await asyncio.get_running_loop().connect_accepted_socket(lambda: served, server_side)
        yield client_side, sent


def test_what_a_connection_sends_ahead_is_parsed_a_slice_at_a_time() -> None:
    # uvicorn's protocol on a real socket, under an app that never answers: each request
    # after the first waits, kept. Parsed whole, the first chunk read (a quarter of a
    # megabyte) would have queued ten thousand before any check.
    request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    peak = 0

    class Watched(LimitedHttpToolsProtocol):
        def on_headers_complete(self) -> None:
            nonlocal peak
            super().on_headers_complete()
            peak = max(peak, len(self.pipeline))

    async def never_answers(scope: object, receive: object, send: object) -> None:
        await asyncio.Event().wait()

    async def send_ahead() -> bytes:
        # As much as the socket holds, there before the server reads any of it.
        ahead = request * ((1 << 20) // len(request))
        async with served_directly(never_answers, Watched, ahead) as (client, sent):
            assert sent > 16 * SLICE_BYTES
            return await asyncio.wait_for(asyncio.get_running_loop().sock_recv(client, 4096), 10)

    answer = asyncio.run(send_ahead())
    assert status_of(answer) == 400
    assert MAX_PIPELINED < peak <= MAX_PIPELINED + SLICE_BYTES // len(request)


def test_a_head_sent_ahead_is_not_timed_out_into_an_answer_still_being_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An answer that takes longer to send than a head may take to arrive (a large one to
    # a slow reader), and the next request's head, half sent, behind it: a 408 then would
    # be written into the middle of the answer. The limit made short, as the wait is long.
    monkeypatch.setattr("reader.connections.READ_SECONDS", 0.2)
    finish = asyncio.Event()

    async def slow_answer(scope: dict[str, object], receive: object, send: Sender) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"first half ", "more_body": True})
        await finish.wait()
        await send({"type": "http.response.body", "body": b"second half"})

    async def exchange() -> tuple[bytes, bytes]:
        ahead = b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nUser-Ag"
        async with served_directly(slow_answer, LimitedHttpToolsProtocol, ahead) as (client, _):
            await asyncio.sleep(1.0)  # five times the limit, the answer half sent
            during = _all_sent(client)
            finish.set()
            received = b""
            loop = asyncio.get_running_loop()
            while chunk := await asyncio.wait_for(loop.sock_recv(client, 65536), 10):
                received += chunk
            return during, received

    during, after = asyncio.run(exchange())
    assert b"408" not in during
    answer = during + after
    assert status_of(answer) == 200
    # The whole answer (chunked: its last chunk is empty), and only then the 408.
    first, _, rest = answer.partition(b"0\r\n\r\n")
    assert b"first half" in first and b"second half" in first
    assert status_of(rest) == 408


Sender = Callable[[dict[str, object]], Awaitable[None]]


def _all_sent(sock: socket.socket) -> bytes:
    """What the other side has sent so far, without waiting for more."""
    received = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except BlockingIOError:
            return received
        if not chunk:
            return received
        received += chunk


def test_a_body_too_long_to_read_is_refused_and_the_connection_closed(
    server: tuple[str, int],
) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"POST /settings/ HTTP/1.1\r\nHost: news.example\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000000\r\n\r\n"
            + b"a"
            * CHUNK
        )
        answer = until_closed(sock)  # closed, not kept to read ten megabytes
    assert status_of(answer) == 413
    assert b"\r\nconnection: close\r\n" in answer


@pytest.mark.slow
def test_a_request_that_never_ends_is_timed_out_and_a_silent_connection_closed(
    server: tuple[str, int],
) -> None:
    with (
        connect(server) as silent,
        connect(server) as slow,
        connect(server) as kept,
        connect(server) as posting,
    ):
        slow.sendall(b"GET / HTTP/1.1\r\nHost: news.example\r\nUser-Agent: Mozi")
        # The settings form, its body sent in part.
        posting.sendall(
            b"POST /settings/ HTTP/1.1\r\nHost: news.example\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
            b"script=han"
        )
        # A keep-alive connection whose second request never ends.
        kept.sendall(b"HEAD / HTTP/1.1\r\nHost: news.example\r\n\r\n")
        assert status_of(kept.recv(65536)) == 200
        kept.sendall(b"HEAD / HTTP/1.1\r\nHost: news.example\r\n")
        began = time.monotonic()
        for sock in (silent, slow, kept, posting):
            sock.settimeout(READ_SECONDS + 10)
        # Meanwhile every other request is answered.
        assert httpx.get(f"http://{server[0]}:{server[1]}/").status_code == 200
        assert until_closed(silent) == b""  # no request, no answer: closed
        assert status_of(until_closed(slow)) == 408
        assert status_of(until_closed(kept)) == 408
        assert status_of(until_closed(posting)) == 408
        waited = time.monotonic() - began
    assert waited > READ_SECONDS - 1  # not refused before its time


@pytest.mark.slow
def test_each_worker_process_bounds_a_head_too() -> None:
    with running_server("--workers", "2") as base:
        address = urlsplit(base)
        assert address.hostname is not None and address.port is not None
        for _ in range(4):  # the kernel hands connections to both workers
            with connect((address.hostname, address.port)) as sock:
                start = b"GET / HTTP/1.1\r\nHost: news.example\r\nX-Padding: "
                _, answer = flood(sock, start, b"a" * CHUNK, 64 * MAX_HEAD_BYTES)
            assert status_of(answer) == 431
