"""What conditional GET and compression save a feed reader, on the demo site over real HTTP.

For a page and some feeds: bytes on the wire with no coding, gzip and brotli, and the median
time of a full GET, a 304 revalidation and a HEAD, each as a ratio to the full GET measured
in the same run.

Usage: python bench/conditional_get.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server import running_server

PATHS = (
    "/topics/harbour-district/news/ferry-night-service/",
    "/rss.xml",
    "/topics/atom.xml",
    "/feed.json",
)


def median_ms(
    client: httpx.Client, method: str, url: str, headers: dict[str, str], rounds: int
) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        client.request(method, url, headers=headers)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main() -> int:
    """Print one Markdown table row per path."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    print("| path | identity | gzip | brotli | full GET | 304 | HEAD |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with running_server("--no-watch") as base, httpx.Client() as client:
        for path in PATHS:
            url = base + path
            sizes = {}
            for coding in ("identity", "gzip", "br"):
                response = client.get(url, headers={"accept-encoding": coding})
                sizes[coding] = int(response.headers["content-length"])
            etag = client.get(url, headers={"accept-encoding": "br"}).headers["etag"]
            plain = {"accept-encoding": "br"}
            full = median_ms(client, "GET", url, plain, args.rounds)
            revalidate = median_ms(
                client, "GET", url, {**plain, "if-none-match": etag}, args.rounds
            )
            head = median_ms(client, "HEAD", url, plain, args.rounds)
            print(
                f"| `{path}` | {sizes['identity']:,} B | {sizes['gzip']:,} B "
                f"({sizes['gzip'] / sizes['identity']:.2f}) | {sizes['br']:,} B "
                f"({sizes['br'] / sizes['identity']:.2f}) | {full:.2f} ms (1.00) "
                f"| {revalidate / full:.2f} | {head / full:.2f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
