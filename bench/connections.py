"""Hostile connections against ``reader serve`` with its defaults: what they cost its memory
and the other readers' wait (docs/reliability.md).

Usage: python bench/connections.py [SITE] [--work DIR]

Each attack runs while one reader asks for the home page every 50 ms: endless headers,
endless URLs, a megabyte of pipelined requests read by no one, and half heads kept alive a
byte at a time (a slowloris). Prints a Markdown table: resident memory before and after,
the slowest answer the reader got meanwhile, and how the server answered the attackers.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import select
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import free_port, memory_mb, server_pid, started, wait_for_log
from reader.cli import DEMO_SITE
from reader.limits import READ_SECONDS

Attack = Callable[[int], str]
"""Runs against a port, and says how the server answered."""


def _first_line(sock: socket.socket) -> str:
    """The status line the server sent, or what became of the connection."""
    try:
        sock.settimeout(READ_SECONDS + 10)
        data = sock.recv(200)
    except ConnectionResetError:
        return "reset"
    except TimeoutError:
        return "no answer"
    return data.split(b"\r\n")[0].decode("latin-1")[9:12] or "closed"


def _flood(port: int, start: bytes, filler: bytes, limit: int) -> str:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sent = 0
        try:
            sock.sendall(start)
            while sent < limit and not select.select([sock], [], [], 0)[0]:
                sock.sendall(filler)
                sent += len(filler)
        except OSError:
            pass
        return _first_line(sock)


def _together(count: int, attack: Callable[[], str]) -> str:
    """Run ``attack`` on ``count`` threads at once; the answers counted."""
    answers: Counter[str] = Counter()
    threads = [threading.Thread(target=lambda: answers.update([attack()])) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ", ".join(f"{answer}: {n:,}" for answer, n in answers.most_common())


def endless_headers(port: int) -> str:
    """50 connections, each sending one header of up to 8 MB."""
    start = b"GET / HTTP/1.1\r\nHost: x\r\nX-Padding: "
    return _together(50, lambda: _flood(port, start, b"a" * 65536, 8 << 20))


def endless_urls(port: int) -> str:
    """50 connections, each sending a URL of up to 8 MB."""
    return _together(50, lambda: _flood(port, b"GET /", b"a" * 65536, 8 << 20))


def pipelined(port: int) -> str:
    """200 connections, each sending a megabyte of small requests and reading nothing."""
    requests = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 40_000
    socks = []
    for _ in range(200):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            sock.send(requests)
        socks.append(sock)
    time.sleep(5)
    kept = 0
    for sock in socks:
        sock.setblocking(True)
        sock.settimeout(0.2)
        try:  # read what came, to see whether the server closed the connection
            while sock.recv(1 << 20):
                pass
        except TimeoutError:
            kept += 1
        except OSError:
            pass
        sock.close()
    return f"still open after 5 s: {kept:,} of 200"


def half_heads(port: int) -> str:
    """2,000 connections, each sending half a head and then a byte every 5 s."""
    socks = []
    for _ in range(2000):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-A: ")
        socks.append(sock)
    began = time.monotonic()
    alive = len(socks)
    while alive and time.monotonic() - began < READ_SECONDS + 10:
        time.sleep(5)
        alive = 0
        for sock in socks:
            try:
                sock.sendall(b"a")
                alive += 1
            except OSError:
                pass
    for sock in socks:
        sock.close()
    return f"still open after {time.monotonic() - began:.0f} s: {alive:,} of 2,000"


ATTACKS: dict[str, Attack] = {
    "50 endless headers (8 MB each)": endless_headers,
    "50 endless URLs (8 MB each)": endless_urls,
    "200 connections pipelining 1 MB of requests, reading nothing": pipelined,
    "2,000 half heads, a byte every 5 s": half_heads,
}


def slowest_answer(port: int, stop: threading.Event, waits: list[float]) -> None:
    """Ask for the home page every 50 ms until ``stop``, noting each wait."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        while not stop.is_set():
            begun = time.perf_counter()
            client.get("/")
            waits.append(time.perf_counter() - begun)
            stop.wait(0.05)


def main() -> int:
    """Start the server, run each attack, print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path, nargs="?", default=DEMO_SITE)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="reader-connections-"))
    work.mkdir(parents=True, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    port = free_port()
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
    log = work / "server.log"
    command = [sys.executable, "-m", "reader", "serve", str(args.site), "--port", str(port)]
    command += ["--access-log", str(work / "access.log")]
    rows = []
    with started(command, port, env, log):
        wait_for_log(log, "index saved", "reloaded")
        # The steady state: after the search index and the images are made.
        wait_for_log(log, "search index up to date", timeout=600)
        wait_for_log(log, "lead images ready", timeout=600)
        pid = server_pid(port)
        httpx.get(f"http://127.0.0.1:{port}/")
        settled = memory_mb(pid)[0]
        for _ in range(20):  # until what the start left to do is done
            time.sleep(3)
            settled, before = memory_mb(pid)[0], settled
            if abs(settled - before) < 2:
                break
        for name, attack in ATTACKS.items():
            before = memory_mb(pid)[0]
            waits: list[float] = []
            stop = threading.Event()
            reader = threading.Thread(target=slowest_answer, args=(port, stop, waits))
            reader.start()
            answers = attack(port)
            stop.set()
            reader.join()
            after = memory_mb(pid)[0]
            rows.append(
                f"| {name} | {before:.0f} | {after:.0f} | {after - before:+.0f} MB | "
                f"{max(waits) * 1000:,.0f} ms ({len(waits):,}) | {answers} |"
            )
            print(rows[-1], file=sys.stderr)
    print(
        "| attack | resident MB before | after | growth | a reader's slowest answer "
        "(answers) | the attackers got |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
