"""A small HTTP/1.1 keep-alive load generator, for machines without wrk.

It is slower than wrk, so its figures are lower; what matters is that reader and the
bare app are measured with the same tool in the same run.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Load:
    """Requests per second and latency percentiles of one run."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float


async def _connection(
    host: str, port: int, request: bytes, until: float, latencies: list[float]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def _run(
    host: str, port: int, path: str, headers: dict[str, str], connections: int, seconds: float
) -> Load:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    latencies: list[float] = []
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(_connection(host, port, request, until, latencies) for _ in range(connections))
    )
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return Load(
        len(ordered) / elapsed,
        statistics.median(ordered) * 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    )


def measure(
    host: str, port: int, path: str, headers: dict[str, str], connections: int, seconds: float
) -> Load:
    """Load ``path`` with ``connections`` keep-alive connections for ``seconds``."""
    return asyncio.run(_run(host, port, path, headers, connections, seconds))
