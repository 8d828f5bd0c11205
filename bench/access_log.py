"""The access log's cost: ``reader serve`` with its defaults (access log on, to a file) against
``--no-access-log`` and the bare ASGI app, side by side, answer by answer.

Usage: python bench/access_log.py [--articles 10000] [--seconds 5] [--work DIR]
Prints a Markdown table of requests a second and ratios to the bare app (issue 19, target 1;
``make bench``'s throughput rows are measured the same way).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import write_site
from bench.run import (
    ROUNDS,
    capture,
    free_port,
    load,
    started,
    target_paths,
    wait_for_log,
)


def main() -> int:
    """Measure, print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="reader-access-log-"))
    site = work / f"corpus-{args.articles}"
    if not (site / "content").is_dir():
        write_site(site, args.articles)
    paths = {k: v for k, v in target_paths(site).items() if k in ("article", "section", "304")}
    answers = work / "answers.json"
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "BARE_ANSWERS": str(answers)}
    serve = [sys.executable, "-m", "reader", "serve", str(site)]
    servers = {
        "defaults (access log to a file)": [*serve, "--access-log", str(work / "access.log")],
        "defaults (access log to stderr)": serve,
        "--no-access-log": [*serve, "--no-access-log"],
    }
    ports = {name: free_port() for name in [*servers, "bare"]}
    best: dict[str, dict[str, float]] = {name: {} for name in ports}
    etag = ""
    with contextlib.ExitStack() as stack:
        for name, command in servers.items():
            log = work / f"{name.split()[0].strip('-')}-{ports[name]}.log"
            stack.enter_context(
                started([*command, "--port", str(ports[name])], ports[name], env, log)
            )
            wait_for_log(log, "index saved", "reloaded")
            # The steady state: after the search index and the images are made.
            wait_for_log(log, "search index up to date", timeout=600)
            wait_for_log(log, "lead images ready", timeout=600)
            if not etag:
                etag = capture(ports[name], target_paths(site), answers)
        bare = [sys.executable, "-m", "uvicorn", "--factory", "bench.bare:app_from_environment"]
        bare += ["--port", str(ports["bare"]), "--no-access-log", "--log-level", "warning"]
        stack.enter_context(started(bare, ports["bare"], env, work / "bare.log", 404))
        for what, (path, headers) in paths.items():
            sent = {k: v.replace("ETAG", etag) for k, v in headers.items()}
            for port in ports.values():
                load(port, path, sent, 1)
            for _ in range(ROUNDS):
                for name, port in ports.items():
                    rate = load(port, path, sent, args.seconds).requests_per_second
                    best[name][what] = max(best[name].get(what, 0.0), rate)
    print("| server | " + " | ".join(paths) + " |")
    print("| --- |" + " --- |" * len(paths))
    for name, rates in best.items():
        cells = []
        for what, rate in rates.items():
            ratio = rate / best["bare"][what]
            cells.append(f"{rate:,.0f}/s" + ("" if name == "bare" else f" ({ratio:.2f})"))
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
