"""The access log: a line a request, written by a thread of its own, never on the request path.

A request hands its facts to a bounded buffer and goes on; the writer thread formats and
writes them. When the disk cannot keep up, the buffer fills and further lines are dropped
and counted (the count is logged), so memory stays bounded whatever the load. The file is
reopened on ``SIGUSR1`` (as nginx does, for logrotate) and the buffer written out at
shutdown.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import json
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from starlette.types import Message, Scope, Send

FORMATS = ("combined", "json")
CAPACITY = 65_536
"""Lines the buffer holds before it drops: about 20 MB at worst, seconds of full load."""
FLUSH_SECONDS = 0.05
"""How often the writer wakes to write what has come in: often, so few requests' scopes
are kept alive at once (each one kept is work for the garbage collector)."""


Recorded = tuple[float, str, str, bytes | None, str, bytes, str, bytes, bytes, int, int, float]
"""What a request leaves: when; client, method, raw path (or None), path, query, protocol,
referer and user agent as sent; status, body size, seconds taken. Strings and bytes only,
never the request's scope: entries wait in the buffer for up to 50 ms, and the scope's
dicts and lists, kept that long, made work for the garbage collector on every request."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What a request leaves for its log line; formatted later, by the writer."""

    when: float
    client: str
    method: str
    path: str
    query: str
    protocol: str
    status: int
    size: int
    referer: str
    agent: str
    seconds: float


def escaped(text: str) -> str:
    """A field as a log line may carry it: control characters, quotes and backslashes as
    ``\\xHH``, as nginx writes them, so no request can forge or split a line."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text
    return "".join(
        c if c.isprintable() and c not in '"\\' else "".join(f"\\x{b:02X}" for b in c.encode())
        for c in text
    )


def anonymized(address: str) -> str:
    """A client address without what identifies one machine: an IPv4 address's last byte,
    an IPv6 address's last 80 bits (its /48 kept)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "-"
    if ip.version == 4:
        return str(ipaddress.ip_network(f"{ip}/24", strict=False).network_address)
    return str(ipaddress.ip_network(f"{ip}/48", strict=False).network_address)


def combined(entry: Entry, anonymize: bool) -> str:
    """Combined Log Format, as Apache and nginx write it."""
    target = entry.path + ("?" + entry.query if entry.query else "")
    return _clf_line(
        anonymized(entry.client) if anonymize else entry.client or "-",
        entry.when,
        f"{entry.method} {target} HTTP/{entry.protocol}",
        entry.status,
        entry.size,
        escaped(entry.referer) or "-",
        escaped(entry.agent) or "-",
    )


def _clf_line(
    address: str, when: float, request: str, status: int, size: int, referer: str, agent: str
) -> str:
    """A Combined Log Format line from its fields (referer and agent escaped already)."""
    shown = size if size >= 0 else "-"
    return (
        f'{escaped(address)} - - [{_clf_time(int(when))}] "{escaped(request)}" {status} '
        f'{shown} "{referer}" "{agent}"'
    )


def json_line(entry: Entry, anonymize: bool) -> str:
    """One JSON object a line; JSON escapes what would split it."""
    return json.dumps(
        {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(entry.when)),
            "client": anonymized(entry.client) if anonymize else entry.client,
            "method": entry.method,
            "path": entry.path,
            "query": entry.query,
            "protocol": entry.protocol,
            "status": entry.status,
            "bytes": entry.size,
            "referer": entry.referer,
            "user_agent": entry.agent,
            "duration_ms": round(entry.seconds * 1000, 3),
        },
        ensure_ascii=True,
    )


class AccessLog:
    """The buffer requests leave their entries in, and the thread that writes them."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        fmt: str = "combined",
        anonymize: bool = False,
        capacity: int = CAPACITY,
        stream: TextIO | None = None,
    ) -> None:
        self.path = path
        self.format = combined if fmt == "combined" else json_line
        self.anonymize = anonymize
        self.capacity = capacity
        self.dropped = 0
        """Lines lost because the buffer was full: said in the log when it drains."""
        self._stream = stream
        self._buffer: deque[Entry | Recorded] = deque()
        self._wake = threading.Event()
        self._reopen = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._out: TextIO | None = None

    def record(self, scope: Scope, status: int, size: int, started: float) -> None:
        """Leave a request's facts (its ASGI scope, answered status and body size, and when
        it began by ``time.monotonic``); never waits: a full buffer drops them and counts.
        The line is made later, by the writer, so the request pays for an append alone."""
        if len(self._buffer) >= self.capacity:
            self.dropped += 1
            return
        referer = agent = b""
        for name, value in scope["headers"]:
            if name == b"referer":
                referer = value
            elif name == b"user-agent":
                agent = value
        client = scope.get("client")
        self._buffer.append(
            (
                time.time(),
                client[0] if client else "",
                scope["method"],
                scope.get("raw_path"),
                scope["path"],
                scope["query_string"],
                scope.get("http_version", "1.1"),
                referer,
                agent,
                status,
                size,
                time.monotonic() - started,
            )
        )

    def record_entry(self, entry: Entry) -> None:
        """Leave a ready entry (for tests and tools)."""
        if len(self._buffer) >= self.capacity:
            self.dropped += 1
            return
        self._buffer.append(entry)

    def closing(self, send: Send) -> Send:
        """A lifespan's send that writes the log out before the shutdown completes."""

        async def closing(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                self.close()
            await send(message)

        return closing

    def reopen_on_signal(self) -> None:
        """Reopen the file on ``SIGUSR1``, where this process can take the signal."""
        # Not in the main thread, or without SIGUSR1 (Windows): no reopening by signal.
        with contextlib.suppress(ValueError, AttributeError):
            signal.signal(signal.SIGUSR1, lambda number, frame: self.reopen())

    def start(self) -> None:
        """Open the log and start the writer thread."""
        self._out = self._open()
        self._thread = threading.Thread(target=self._run, name="access-log", daemon=True)
        self._thread.start()

    def reopen(self) -> None:
        """Open the file again at its path (after logrotate moved it): on SIGUSR1."""
        self._reopen = True
        self._wake.set()

    def close(self) -> None:
        """Write out what is buffered, then stop."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._drain()
        if self._out is not None and self.path is not None:
            self._out.close()

    def _open(self) -> TextIO:
        if self.path is None:
            return self._stream or sys.stderr
        # Appending, so several worker processes share the file a whole line at a time.
        return open(self.path, "a", encoding="utf-8", buffering=1 << 16)

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(FLUSH_SECONDS)
            self._wake.clear()
            if self._reopen and self.path is not None:
                self._reopen = False
                self._drain()
                if self._out is not None:
                    self._out.close()
                self._out = self._open()
            self._drain()

    def _drain(self) -> None:
        out = self._out
        if out is None:
            return
        lines = []
        buffer = self._buffer
        fast = self.format is combined
        while buffer:
            item = buffer.popleft()
            if isinstance(item, Entry):
                lines.append(self.format(item, self.anonymize))
            elif fast:
                lines.append(_combined_recorded(item, self.anonymize))
            else:
                lines.append(self.format(_entry(item), self.anonymize))
        dropped, self.dropped = self.dropped, 0
        if dropped:
            lines.append(f"# {dropped} access log lines dropped: the log could not keep up")
        if not lines:
            return
        try:
            out.write("\n".join(lines) + "\n")
            out.flush()
        except (OSError, ValueError):
            self.dropped += len(lines)  # a full disk: counted, not kept


@functools.lru_cache(maxsize=4)
def _clf_time(second: int) -> str:
    """A second as Combined Log Format writes it (made once a second, not once a line)."""
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(second))


def _combined_recorded(item: Recorded, anonymize: bool) -> str:
    """A recorded request's Combined Log Format line, straight from what it left: the
    writer makes tens of thousands a second, in the server's process, so every step counts."""
    when, client, method, raw_path, path, query, protocol, referer, agent, status, size, _ = item
    address = (anonymized(client) if anonymize else client) or "-"
    target = raw_path.decode("latin-1") if raw_path else path
    if query:
        target += "?" + query.decode("latin-1")
    return _clf_line(
        address,
        when,
        f"{method} {target} HTTP/{protocol}",
        status,
        size,
        escaped(referer.decode("latin-1")) or "-",
        escaped(agent.decode("latin-1")) or "-",
    )


def _entry(item: Recorded) -> Entry:
    """A request's entry, from what it left."""
    when, client, method, raw_path, path, query, protocol, referer, agent, status, size, took = item
    return Entry(
        when,
        client,
        method,
        raw_path.decode("latin-1") if raw_path else path,
        query.decode("latin-1"),
        protocol,
        status,
        size,
        referer.decode("latin-1"),
        agent.decode("latin-1"),
        took,
    )
