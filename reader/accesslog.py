"""The access log: a line a request, written by a thread of its own, never on the request path.

A request, once answered, leaves its line in a bounded buffer and goes on; a writer thread
writes the lines out. When the disk cannot keep up, the buffer fills and further lines are
dropped and counted (the count is logged), so memory stays bounded whatever the load. The
file is reopened on ``SIGUSR1`` (as nginx does, for logrotate) and the buffer written out
at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import json
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from starlette.types import Message, Scope, Send

FORMATS = ("combined", "json")
CAPACITY = 65_536
"""Lines the buffer holds before it drops: about 20 MB at worst, seconds of full load."""
LINES_KEPT = 2048
KEPT_LINE_CHARS = 1024
"""Lines (what follows their time) kept made, for requests alike in all they log, as most
are: so many at most, each of at most so many characters (with their keys, a few MB)."""
FLUSH_SECONDS = 0.05
"""How long a request's line waits before it goes to the writer with the others of its
batch: long enough to batch hundreds, short enough that a crash loses little."""
WRITER_WAKE_SECONDS = 0.25
"""How often the writer looks for lines no event loop handed over (a tool's, a test's)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What a request leaves for its log line, field by field."""

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
    return "".join(c if c.isprintable() and c not in '"\\' else _hex(c) for c in text)


def _hex(character: str) -> str:
    """A character as ``\\xHH``: a request's header text is its bytes read as Latin-1, so
    a character below 256 is the byte it came from (``\\x85``, not its UTF-8 ``\\xC2\\x85``);
    any other, from a tool's text, is its UTF-8 bytes."""
    if ord(character) < 0x100:
        return f"\\x{ord(character):02X}"
    return "".join(f"\\x{b:02X}" for b in character.encode())


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


_PLAIN = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]*").fullmatch
"""Text no field needs escaping in: printable ASCII without quote or backslash."""


def combined_line(
    scope: Scope, headers: Mapping[str, str], status: int, size: int, when: float, anonymize: bool
) -> str:
    """A request's Combined Log Format line (as ``combined`` makes it), made from its ASGI
    scope and headers straight away."""
    return (
        f"{client_field(scope, anonymize)} - - [{_clf_time(int(when))}"
        f"{request_fields(scope, headers, status, size)}"
    )


def client_field(scope: Scope, anonymize: bool) -> str:
    """A request's client address as its log line shows it."""
    client = scope.get("client")
    address = (client[0] if client else "") or "-"
    if anonymize:
        address = anonymized(address)
    return address if _PLAIN(address) else escaped(address)


def request_fields(scope: Scope, headers: Mapping[str, str], status: int, size: int) -> str:
    """What a request's Combined Log Format line says after its time: the request line,
    status, size, referer and agent."""
    raw_path = scope.get("raw_path")
    target = raw_path.decode("latin-1") if raw_path else scope["path"]
    query = scope["query_string"]
    if query:
        target += "?" + query.decode("latin-1")
    request = f"{scope['method']} {target} HTTP/{scope.get('http_version', '1.1')}"
    referer, agent = headers.get("referer", ""), headers.get("user-agent", "")
    if _PLAIN(request + referer + agent) is None:
        request, referer, agent = escaped(request), escaped(referer), escaped(agent)
    shown = size if size >= 0 else "-"
    return f'] "{request}" {status} {shown} "{referer or "-"}" "{agent or "-"}"'


def entry_of(
    scope: Scope, headers: Mapping[str, str], status: int, size: int, when: float, seconds: float
) -> Entry:
    """A request's entry, from its ASGI scope and headers, for the other formats."""
    client = scope.get("client")
    raw_path = scope.get("raw_path")
    return Entry(
        when,
        client[0] if client else "",
        scope["method"],
        raw_path.decode("latin-1") if raw_path else scope["path"],
        scope["query_string"].decode("latin-1"),
        scope.get("http_version", "1.1"),
        status,
        size,
        headers.get("referer", ""),
        headers.get("user-agent", ""),
        seconds,
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
    """The buffer requests leave their lines in, and the thread that writes them out.

    Each request makes its line once answered, and every 50 ms the event loop hands the
    lines that came in to the writer as one text. The writer only writes, which lets the event
    loop run meanwhile: when a thread made the lines, it competed with the requests for the
    interpreter, and each request that found it holding the interpreter waited its turn.
    """

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
        """Lines lost because the buffer was full or the disk failed: said in the log."""
        self._stream = stream
        self._made: dict[tuple[object, ...], str] = {}
        """What combined lines say after their time, by what goes into it (``LINES_KEPT``
        at most): the same for every client asking the same of the same page."""
        self._clients: dict[str, str] = {}
        """Client addresses as lines show them (``LINES_KEPT`` at most)."""
        self._lines: deque[str] = deque()
        self._texts: deque[tuple[str, int]] = deque()
        """Batches of lines waiting for the writer, with how many lines each holds."""
        self._waiting = 0
        """Lines in ``_texts``: they count against the capacity as the buffer's do."""
        self._lock = threading.Lock()
        self._flush_due = False
        self._flushed_at = 0.0
        self._wake = threading.Event()
        self._reopen = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._out: TextIO | None = None

    def record(
        self, scope: Scope, headers: Mapping[str, str], status: int, size: int, started: float
    ) -> None:
        """Leave an answered request's line: from its ASGI scope and the headers the app read
        from it, the status and body size answered, and when it began (by
        ``time.monotonic``). Never waits: a full buffer drops the line and counts it."""
        if len(self._lines) + self._waiting >= self.capacity:
            self._drop(1)
            return
        if self.format is combined:
            # Making a line took as long as the rest of a cached answer's work: what follows
            # its time is kept, by all that goes into it, for the next request alike.
            made = self._made
            key = (
                scope["method"],
                scope.get("raw_path") or scope["path"],
                scope["query_string"],
                scope.get("http_version"),
                status,
                size,
                headers.get("referer"),
                headers.get("user-agent"),
            )
            fields = made.get(key)
            if fields is None:
                fields = request_fields(scope, headers, status, size)
                if len(fields) <= KEPT_LINE_CHARS:
                    if len(made) >= LINES_KEPT:
                        made.clear()
                    made[key] = fields
            client = scope.get("client")
            address = client[0] if client else ""
            shown = self._clients.get(address)
            if shown is None:  # a client's first request (or its address anonymized, once)
                shown = client_field(scope, self.anonymize)
                if len(self._clients) >= LINES_KEPT:
                    self._clients.clear()
                self._clients[address] = shown
            line = f"{shown} - - [{_clf_time(int(time.time()))}{fields}"
        else:
            seconds = time.monotonic() - started
            entry = entry_of(scope, headers, status, size, time.time(), seconds)
            line = self.format(entry, self.anonymize)
        self._lines.append(line)
        if not self._flush_due:
            self._schedule_flush()

    def record_entry(self, entry: Entry) -> None:
        """Leave a ready entry's line (for tests and tools)."""
        if len(self._lines) + self._waiting >= self.capacity:
            self._drop(1)
            return
        self._lines.append(self.format(entry, self.anonymize))

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
        self._hand_over()
        self._write_out()
        if self._out is not None and self.path is not None:
            self._out.close()

    def _drop(self, lines: int) -> None:
        with self._lock:
            self.dropped += lines

    def _schedule_flush(self) -> None:
        """Hand this batch's lines over in 50 ms, on the event loop the request came on."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a tool, a test): the writer takes the lines
            return
        self._flush_due = True
        loop.call_later(FLUSH_SECONDS, self._flush)

    def _flush(self) -> None:
        self._flush_due = False
        self._flushed_at = time.monotonic()
        self._hand_over()

    def _hand_over(self) -> None:
        """Take every line from the buffer, and give them to the writer as one text."""
        with self._lock:  # the event loop and the writer may both be handing over
            lines = self._lines
            taken = [lines.popleft() for _ in range(len(lines))]
            dropped, self.dropped = self.dropped, 0
            if dropped:
                taken.append(f"# {dropped} access log lines dropped: the log could not keep up")
            if not taken:
                return
            self._texts.append(("\n".join(taken) + "\n", len(taken)))
            self._waiting += len(taken)
        self._wake.set()

    def _open(self) -> TextIO:
        if self.path is None:
            return self._stream or sys.stderr
        # Appending, so several worker processes share the file a whole line at a time.
        return open(self.path, "a", encoding="utf-8", buffering=1 << 16)

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(WRITER_WAKE_SECONDS)
            self._wake.clear()
            if self._lines and time.monotonic() - self._flushed_at > WRITER_WAKE_SECONDS:
                # No event loop hands the lines over (none runs, or it is stuck): take them.
                self._flush_due = False
                self._hand_over()
            self._write_out()
            if self._reopen and self.path is not None:
                self._reopen = False
                if self._out is not None:
                    self._out.close()
                self._out = self._open()

    def _write_out(self) -> None:
        """Write the texts handed over so far, in order; what the disk refuses is counted."""
        out = self._out
        while out is not None:
            try:  # close() may write out too, when the writer is stuck on a slow disk
                text, lines = self._texts.popleft()
            except IndexError:
                return
            with self._lock:
                self._waiting -= lines
            try:
                out.write(text)
                out.flush()
            except (OSError, ValueError):
                self._drop(lines)  # a full disk: counted, not kept


@functools.lru_cache(maxsize=4)
def _clf_time(second: int) -> str:
    """A second as Combined Log Format writes it (made once a second, not once a line)."""
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(second))
