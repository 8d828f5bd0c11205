"""The access log: a line a request in Combined Log Format or JSON, fields escaped, addresses
optionally truncated, written off the request path through a bounded buffer, reopened on
SIGUSR1 and written out at shutdown, by a real ``reader serve``."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from hypothesis import assume, given
from hypothesis import strategies as st

from reader.accesslog import (
    KEPT_LINE_CHARS,
    LINES_KEPT,
    AccessLog,
    Entry,
    anonymized,
    combined,
    combined_line,
    escaped,
    json_line,
)
from tests.server import free_port, wait_for

WHEN = 1_795_000_000.0


def entry(**fields: object) -> Entry:
    values: dict[str, object] = {
        "when": WHEN,
        "client": "203.0.113.7",
        "method": "GET",
        "path": "/news/",
        "query": "",
        "protocol": "1.1",
        "status": 200,
        "size": 512,
        "referer": "",
        "agent": "curl/8",
        "seconds": 0.001,
    }
    return Entry(**(values | fields))  # type: ignore[arg-type]


def test_a_combined_line_is_what_log_tools_read() -> None:
    line = combined(entry(query="q=1", referer="https://a.example/"), anonymize=False)
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S", time.gmtime(WHEN))
    assert line == (
        f'203.0.113.7 - - [{stamp} +0000] "GET /news/?q=1 HTTP/1.1" 200 512 '
        '"https://a.example/" "curl/8"'
    )


@given(
    path=st.text(max_size=40),
    agent=st.text(max_size=40),
    referer=st.text(max_size=40),
)
def test_no_request_can_split_or_forge_a_line(path: str, agent: str, referer: str) -> None:
    line = combined(entry(path=path, agent=agent, referer=referer), anonymize=False)
    assert "\n" not in line and "\r" not in line and line.isprintable()
    # Exactly the six quotes of the request, referer and agent fields.
    assert line.count('"') == 6
    parsed = json.loads(json_line(entry(path=path, agent=agent), anonymize=False))
    assert parsed["path"] == path and parsed["user_agent"] == agent


def test_fields_are_escaped_as_nginx_escapes_them() -> None:
    assert escaped('a"b\\c\r\nd\x00') == "a\\x22b\\x5Cc\\x0D\\x0Ad\\x00"
    assert escaped("港灣") == "港灣"
    # A header's bytes, read as Latin-1 as ASGI gives them, are written as those bytes.
    raw = b"a\x85b\xa0c".decode("latin-1")
    assert escaped(raw) == "a\\x85b\\xA0c"
    assert escaped("\u2028") == "\\xE2\\x80\\xA8"  # a tool's line separator: its UTF-8


def test_addresses_are_truncated_when_asked() -> None:
    assert anonymized("203.0.113.7") == "203.0.113.0"
    assert anonymized("2001:db8:1234:5678::1") == "2001:db8:1234::"
    assert anonymized("not an address") == "-"
    assert combined(entry(), anonymize=True).startswith("203.0.113.0 - - ")


class StuckDisk(io.StringIO):
    """A log target whose writes wait until released: a disk that cannot keep up."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def write(self, text: str) -> int:
        self.release.wait()
        return super().write(text)


def test_when_the_disk_cannot_keep_up_lines_are_dropped_and_counted() -> None:
    disk = StuckDisk()
    log = AccessLog(capacity=100, stream=disk)
    log.start()
    log.record_entry(entry())
    time.sleep(0.7)  # the writer has taken the first line and waits on the disk
    for _ in range(10_000):
        log.record_entry(entry())
    assert len(log._lines) == 100, "the buffer never grows past its capacity"
    assert log.dropped == 9_900
    disk.release.set()
    log.close()
    written = disk.getvalue().splitlines()
    assert written[-1] == "# 9900 access log lines dropped: the log could not keep up"
    assert len(written) == 1 + 100 + 1


def test_lines_handed_over_from_two_threads_at_once_are_each_written_once() -> None:
    # The event loop hands lines over every 50 ms, and the writer does when no loop has
    # lately: both may at once. Switching threads as often as possible makes them meet.
    failures: list[BaseException] = []
    written = []

    def hand_over(log: AccessLog) -> None:
        try:
            for _ in range(200):
                log._hand_over()
        except BaseException as error:  # any of them is the failure
            failures.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(5):
            log = AccessLog(capacity=10**6, stream=io.StringIO())
            for _ in range(50_000):
                log.record_entry(entry())
            takers = [threading.Thread(target=hand_over, args=(log,)) for _ in range(3)]
            for taker in takers:
                taker.start()
            for _ in range(20_000):
                log.record_entry(entry())
            for taker in takers:
                taker.join()
            log._hand_over()
            written.append(sum(lines for _, lines in log._texts))
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
    assert written == [70_000] * 5


@contextmanager
def serving(*args: str) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """``reader serve`` on the demo with these options; its process, URL and stderr file."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        stderr = Path(folder) / "stderr.log"
        env = {**os.environ, "XDG_CACHE_HOME": folder}
        command = [sys.executable, "-m", "reader", "serve", "--no-watch", "--port", str(port)]
        with stderr.open("w") as err:
            process = subprocess.Popen([*command, *args], env=env, stderr=err)
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                return httpx.get(base + "/robots.txt").status_code == 200
            except httpx.TransportError:
                return False

        try:
            assert wait_for(up, 30), stderr.read_text()
            yield process, base, stderr
        finally:
            process.terminate()
            process.wait(timeout=15)


def test_by_default_requests_are_logged_to_standard_error_in_combined_format() -> None:
    with serving() as (_, base, stderr):
        httpx.get(base + "/feeds/", headers={"User-Agent": 'bad"\tagent'})
        assert wait_for(lambda: "GET /feeds/ HTTP/1.1" in stderr.read_text(), 5)
        line = next(x for x in stderr.read_text().splitlines() if "GET /feeds/" in x)
    assert line.startswith("127.0.0.1 - - [") and line.endswith('"bad\\x22\\x09agent"')


def test_a_log_file_is_reopened_on_sigusr1_and_written_out_at_shutdown(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    options = ["--access-log", str(log), "--access-log-format", "json", "--access-log-anonymize"]
    with serving(*options) as (process, base, _):
        httpx.get(base + "/rss.xml")
        assert wait_for(lambda: log.is_file() and "/rss.xml" in log.read_text(), 5)
        rotated = log.rename(tmp_path / "access.log.1")
        process.send_signal(signal.SIGUSR1)
        assert wait_for(log.is_file, 5), "a new file at the same path"
        httpx.get(base + "/atom.xml")
        process.terminate()
        process.wait(timeout=15)
    first = [json.loads(x) for x in rotated.read_text().splitlines()]
    assert [e["path"] for e in first if e["path"] != "/robots.txt"] == ["/rss.xml"]
    assert first[-1]["client"] == "127.0.0.0" and first[-1]["status"] == 200
    last = [json.loads(x) for x in log.read_text().splitlines()]
    assert [e["path"] for e in last] == ["/atom.xml"], "written out at shutdown"
    assert last[0]["bytes"] > 0 and last[0]["duration_ms"] >= 0


def test_no_access_log_logs_nothing() -> None:
    with serving("--no-access-log") as (_, base, stderr):
        httpx.get(base + "/feeds/")
        time.sleep(1)
        assert "GET /feeds/" not in stderr.read_text()


ODD = ['"', "\\", "\t", "\n", "\x7f", "\x85", "\xe9", "\xa0"]
"""Characters that make a field need escaping (all but é), one of which an
otherwise plain field may hold: what tells the fast line from the careful one."""


@st.composite
def fields(draw: st.DrawFn) -> str:
    """A field as requests send them: plain ASCII with at most one kind of odd character,
    or any Latin-1 text."""
    odd = draw(st.sampled_from(["", *ODD]))
    plain = st.text(alphabet="az09/?=.- " + odd, max_size=30)
    return draw(plain | st.text(alphabet=st.characters(max_codepoint=255), max_size=30))


@given(
    path=fields(),
    agent=fields(),
    referer=fields(),
    query=fields(),
    client=st.sampled_from(["198.51.100.4", "2001:db8::7", "", 'odd"\nhost']),
    size=st.integers(-1, 10**6),
)
def test_the_servers_fast_lines_are_the_same_lines(
    path: str, agent: str, referer: str, query: str, client: str, size: int
) -> None:
    from reader.accesslog import combined_line, entry_of

    scope = {
        "method": "GET",
        "path": path,
        "raw_path": path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "http_version": "1.1",
        "client": (client, 5000) if client else None,
    }
    for headers in ({"user-agent": agent, "referer": referer}, {}):
        for anonymize in (False, True):
            fast = combined_line(scope, headers, 200, size, WHEN, anonymize)
            made = combined(entry_of(scope, headers, 200, size, WHEN, 0.0), anonymize)
            assert fast == made


@given(
    path=fields(),
    agent=fields(),
    referer=fields(),
    client=st.sampled_from(["198.51.100.4", "2001:db8::7", 'odd"\nhost']),
    status=st.sampled_from([200, 304, 404]),
    size=st.sampled_from([-1, 0, 512]),
)
def test_requests_alike_in_all_but_one_field_get_their_own_lines(
    path: str, agent: str, referer: str, client: str, status: int, size: int
) -> None:
    # The server keeps the lines it made (but their time), by all that goes into them:
    # each request, in turn among others that differ from it in one field, gets its own.
    def scope(path: str, client: str, method: str = "GET", query: str = "") -> dict[str, object]:
        return {
            "method": method,
            "path": path,
            "raw_path": path.encode("latin-1"),
            "query_string": query.encode("latin-1"),
            "http_version": "1.1",
            "client": (client, 5000),
        }

    headers = {"user-agent": agent, "referer": referer}
    requests = [
        (scope(path, client), headers, status, size),
        (scope(path + "x", client), headers, status, size),
        (scope(path, client + "1"), headers, status, size),
        (scope(path, client, "HEAD"), headers, status, size),
        (scope(path, client, query="a=1"), headers, status, size),
        (scope(path, client), {"user-agent": agent + "x", "referer": referer}, status, size),
        (scope(path, client), {"user-agent": agent, "referer": referer + "x"}, status, size),
        (scope(path, client), {"user-agent": agent}, status, size),
        (scope(path, client), headers, status + 1, size),
        (scope(path, client), headers, status, size + 1),
    ]
    stream = io.StringIO()
    log = AccessLog(stream=stream)
    log.start()
    began = time.time()
    for request in requests * 2:
        log.record(*request, started=0.0)
    ended = time.time()
    log.close()
    assume(int(began) == int(ended))  # every line of the same second
    made = [combined_line(*request, when=began, anonymize=False) for request in requests] * 2
    assert stream.getvalue().splitlines() == made


def test_the_lines_kept_made_are_bounded() -> None:
    log = AccessLog(stream=io.StringIO())
    scope = {"method": "GET", "query_string": b"", "client": ("198.51.100.4", 5000)}
    for number in range(3 * LINES_KEPT):
        log.record({**scope, "path": f"/{number}/"}, {}, 200, 512, 0.0)
    assert 0 < len(log._made) <= LINES_KEPT
    for number in range(3 * LINES_KEPT):
        client = (f"198.51.{number // 256}.{number % 256}", 5000)
        log.record({**scope, "path": "/", "client": client}, {}, 200, 512, 0.0)
    assert 0 < len(log._clients) <= LINES_KEPT
    log._made.clear()
    log.record({**scope, "path": "/"}, {"user-agent": "x" * KEPT_LINE_CHARS}, 200, 512, 0.0)
    assert not log._made  # a line that long is made each time
