"""Measure how long a saved edit takes to be served, against a plain request in the same run.

Usage: python bench/reload_latency.py [--articles 1000] [--edits 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server import running_server


def write_site(root: Path, articles: int) -> None:
    """A site with ``articles`` short articles spread over ten sections."""
    (root / "site.toml").write_text('title = "Bench"\ntimezone = "Asia/Shanghai"\n')
    for index in range(articles):
        folder = root / "content" / f"section-{index % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        minute = index % 60
        (folder / f"a{index}.md").write_text(
            f"---\ntitle: Article {index}\ndate: 2026-01-01T00:{minute:02d}:00+08:00\n---\n\n"
            + "A paragraph of text. " * 40
            + "\n"
        )


def main() -> int:
    """Run the measurement and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_site(root, args.articles)
        target = root / "content/section-0/a0.md"
        original = target.read_text()
        with running_server(str(root), "--base-url", "http://bench.invalid/") as base:
            url = base + "/section-0/a0/"
            plain = []
            for _ in range(args.edits):
                start = time.perf_counter()
                httpx.get(url)
                plain.append(time.perf_counter() - start)
            latencies = []
            for edit in range(args.edits):
                marker = f"Edited {edit}"
                target.write_text(original.replace("title: Article 0", f"title: {marker}"))
                start = time.perf_counter()
                while marker not in httpx.get(url).text:
                    if time.perf_counter() - start > 30:
                        raise SystemExit(f"edit {edit} not visible after 30 s")
                    time.sleep(0.01)
                latencies.append(time.perf_counter() - start)
                time.sleep(0.3)
    median = statistics.median(latencies)
    print("| articles | edit to visible, median | max | plain GET, median | ratio |")
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| {args.articles} | {median * 1000:.0f} ms | {max(latencies) * 1000:.0f} ms"
        f" | {statistics.median(plain) * 1000:.1f} ms | {median / statistics.median(plain):.0f}x |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
