"""Soak: `reader serve --workers 2` under 64 connections for a minute while files change.

Run by `make soak` (not part of `make test`). One process loads the server with a mix of
articles, sections, feeds and conditional requests; beside it, a thread adds, edits,
renames and deletes articles several times a second and now and then saves a broken
version of a published one. At the end, requests are left in flight and the server is
sent SIGTERM. Exits 1 if any requirement of docs/reliability.md fails:

- no 5xx and no connection error;
- every article a page links to (lists, previous/next) existed in the site at some moment
  of the request, allowing for the reload delay: no page shows a stale mix of states;
- the broken file is reported and its last good version is served throughout;
- each worker's resident memory stays within a bound after warming up;
- SIGTERM lets the requests in flight finish before the server exits.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_site  # noqa: E402
from bench.run import free_port, memory_mb  # noqa: E402

CONNECTIONS = 64
RELOAD_ALLOWANCE_SECONDS = 5.0
"""How long a snapshot may lag the files (the watcher's debounce and a reload)."""
MEMORY_GROWTH_BOUND_MB = 128
"""What a worker may grow by in a run: its caches filling (rendered bodies take up to a
quarter of the default 256 MB, each snapshot's answers more) and the allocator's slack."""
FLAT_WITHIN_MB = 8
"""What a worker may grow by over the run's last third: after filling, memory is flat."""
KEEPER = "keeper"
CHURN = "churn"


@dataclass
class History:
    """When each churn article existed: slug -> list of (created, deleted or None)."""

    lives: dict[str, list[list[float | None]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def born(self, slug: str) -> None:
        with self.lock:
            self.lives.setdefault(slug, []).append([time.monotonic(), None])

    def died(self, slug: str) -> None:
        with self.lock:
            self.lives[slug][-1][1] = time.monotonic()

    def existed_during(self, slug: str, start: float, end: float) -> bool:
        """Whether the article's file existed at some moment of [start - allowance, end]."""
        with self.lock:
            for created, deleted in self.lives.get(slug, []):
                assert created is not None
                if created <= end and (
                    deleted is None or deleted >= start - RELOAD_ALLOWANCE_SECONDS
                ):
                    return True
        return False


@dataclass
class Tally:
    """What the load saw."""

    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    stale_links: list[str] = field(default_factory=list)
    keeper_failures: list[str] = field(default_factory=list)
    checked_pages: int = 0


def write_article(folder: Path, slug: str, title: str, body: str = "Churn body.") -> None:
    """Write atomically, as editors' tools save: to a temporary name, then renamed."""
    text = f"---\ntitle: {title}\ndate: 2026-11-01T08:00:00+08:00\ntags: [soak]\n---\n\n{body}\n"
    temporary = folder / f".{slug}.tmp"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, folder / f"{slug}.md")


def mutate(site: Path, history: History, stop: threading.Event, counts: dict[str, int]) -> None:
    """Add, edit, rename and delete churn articles; now and then break the keeper."""
    folder = site / "content" / CHURN
    rng = random.Random(7)
    alive = [f"a{n}" for n in range(20)]
    for slug in alive:
        history.born(slug)
    number = 20
    keeper = folder / f"{KEEPER}.md"
    good_keeper = keeper.read_text(encoding="utf-8")
    while not stop.wait(0.1):
        action = rng.choice(["add", "edit", "rename", "delete", "break"])
        if action == "add" or len(alive) < 5:
            slug = f"a{number}"
            number += 1
            write_article(folder, slug, f"Churn {slug}")
            history.born(slug)
            alive.append(slug)
        elif action == "edit":
            slug = rng.choice(alive)
            write_article(folder, slug, f"Churn {slug} edited {rng.random():.6f}")
        elif action == "rename":
            old = alive.pop(rng.randrange(len(alive)))
            new = f"a{number}"
            number += 1
            # The new name exists before the old one is gone, as a rename does.
            history.born(new)
            os.replace(folder / f"{old}.md", folder / f"{new}.md")
            history.died(old)
            alive.append(new)
        elif action == "delete" and len(alive) > 5:
            slug = alive.pop(rng.randrange(len(alive)))
            (folder / f"{slug}.md").unlink()
            history.died(slug)
        else:
            keeper.write_text("---\ntitle: [broken\ndate: 2026-11-01\n---\n\nHalf-writ", "utf-8")
            time.sleep(0.3)
            keeper.write_text(good_keeper, encoding="utf-8")
        counts[action] = counts.get(action, 0) + 1
    keeper.write_text(good_keeper, encoding="utf-8")


def linked_churn_slugs(body: bytes) -> list[str]:
    """The churn articles a page links to."""
    root = lxml_html.fromstring(body)
    slugs = []
    for href in root.xpath("//main//a/@href"):
        parts = [p for p in unquote(urlsplit(href).path).split("/") if p]
        if len(parts) == 2 and parts[0] == CHURN and re.fullmatch(r"a\d+", parts[1]):
            slugs.append(parts[1])
    return slugs


async def load(
    base: str, paths: list[str], etags: dict[str, str], until: float, history: History, tally: Tally
) -> None:
    """Keep one connection busy until ``until``, checking what comes back."""
    rng = random.Random()
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.monotonic() < until:
            path = rng.choice(paths)
            headers = {"if-none-match": etags[path]} if path in etags and rng.random() < 0.3 else {}
            start = time.monotonic()
            try:
                response = await client.get(path, headers=headers)
            except httpx.HTTPError as error:
                tally.errors.append(f"{path}: {error!r}")
                continue
            end = time.monotonic()
            tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                tally.errors.append(f"{path}: {response.status_code}")
            if response.status_code == 304:
                continue  # the version the ETag names: a page fetched earlier, checked then
            if path == f"/{CHURN}/{KEEPER}/":
                title = lxml_html.fromstring(response.content).xpath("string(//h1)")
                if response.status_code != 200 or title != "Keeper":
                    tally.keeper_failures.append(f"{response.status_code} {title!r}")
            elif path.startswith(f"/{CHURN}/") and response.status_code == 200:
                tally.checked_pages += 1
                for slug in linked_churn_slugs(response.content):
                    if not history.existed_during(slug, start, end):
                        tally.stale_links.append(f"{path} links {slug}")


def worker_pids(supervisor: int) -> list[int]:
    """The server's worker processes (uvicorn's supervisor forks them)."""
    found = subprocess.run(["pgrep", "-P", str(supervisor)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def main() -> int:
    """Run the soak; print the figures; exit 1 if a requirement failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reader-soak-"))
    site = work / "site"
    write_site(site, args.articles)
    churn = site / "content" / CHURN
    churn.mkdir()
    (churn / "_index.md").write_text("---\ntitle: Churn\n---\n", encoding="utf-8")
    for n in range(20):
        write_article(churn, f"a{n}", f"Churn a{n}")
    write_article(churn, KEEPER, "Keeper", "The last good version.")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (work / "server.log").open("w")
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
    command = [
        sys.executable,
        "-m",
        "reader",
        "serve",
        str(site),
        "--port",
        str(port),
        "--workers",
        "2",
    ]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    try:
        return _soak(server, base, site, args.seconds, work)
    finally:
        if server.poll() is None:
            server.kill()
        log.close()


def _soak(
    server: subprocess.Popen[bytes], base: str, site: Path, seconds: float, work: Path
) -> int:
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            print("the server did not start", file=sys.stderr)
            return 1
        time.sleep(0.2)
    while (work / "server.log").read_text().count("Application startup complete") < 2:
        if time.monotonic() > deadline or server.poll() is not None:
            print("both workers did not start", file=sys.stderr)
            return 1
        time.sleep(0.2)
    stable = httpx.get(base + "/sitemap.xml").text
    articles = re.findall(r"<loc>https://news\.example\.org(/[^<]+)</loc>", stable)[:200]
    paths = [
        *articles,
        "/",
        "/rss.xml",
        "/atom.xml",
        "/feed.json",
        f"/{CHURN}/",
        f"/{CHURN}/rss.xml",
    ]
    paths += [f"/{CHURN}/{KEEPER}/"] * 10 + [f"/{CHURN}/a{n}/" for n in range(20)] * 2
    etags = {p: httpx.get(base + p).headers.get("etag", "") for p in paths[:50]}
    time.sleep(3)  # the workers write their index; the soak measures the steady state
    pids = worker_pids(server.pid)
    memory_start = {pid: memory_mb(pid)[0] for pid in pids}
    history, tally = History(), Tally()
    counts: dict[str, int] = {}
    stop = threading.Event()
    mutator = threading.Thread(target=mutate, args=(site, history, stop, counts))
    mutator.start()
    until = time.monotonic() + seconds
    samples: list[dict[int, float]] = []

    async def run() -> None:
        async def sample() -> None:
            while time.monotonic() < until:
                await asyncio.sleep(5)
                samples.append(
                    {pid: memory_mb(pid)[0] for pid in pids if Path(f"/proc/{pid}").exists()}
                )

        await asyncio.gather(
            sample(), *(load(base, paths, etags, until, history, tally) for _ in range(CONNECTIONS))
        )

    try:
        asyncio.run(run())
    finally:
        stop.set()
        mutator.join()
    memory_end = {pid: memory_mb(pid)[0] for pid in pids}
    shutdown_ok = _sigterm_with_requests_in_flight(server, base)
    log_text = (work / "server.log").read_text(errors="replace")
    reported = f"{KEEPER}.md" in log_text and "error" in log_text
    total = sum(tally.statuses.values())
    growth = max(memory_end[p] - memory_start[p] for p in pids)
    last_third = samples[len(samples) * 2 // 3] if samples else memory_start
    late_growth = max(memory_end[p] - last_third.get(p, memory_end[p]) for p in pids)
    print(
        f"requests: {total:,} in {seconds:.0f} s ({total / seconds:,.0f}/s), "
        f"statuses {dict(sorted(tally.statuses.items()))}"
    )
    print(f"file changes: {dict(sorted(counts.items()))}")
    print(f"connection errors and 5xx: {len(tally.errors)} {tally.errors[:3]}")
    print(
        f"churn pages checked: {tally.checked_pages:,}; links to articles that did not "
        f"exist then: {len(tally.stale_links)} {tally.stale_links[:3]}"
    )
    print(
        f"keeper (broken now and then): failures {len(tally.keeper_failures)} "
        f"{tally.keeper_failures[:3]}; reported in the log: {reported}"
    )
    print(
        "worker memory MB, start -> end: "
        + ", ".join(f"{memory_start[p]:.0f} -> {memory_end[p]:.0f}" for p in pids)
        + f"; largest growth {growth:+.1f} (bound {MEMORY_GROWTH_BOUND_MB}), "
        + f"over the last third {late_growth:+.1f} (bound {FLAT_WITHIN_MB})"
    )
    print(f"memory samples: {[{p: round(m) for p, m in s.items()} for s in samples]}")
    print(f"SIGTERM with requests in flight: {'all finished' if shutdown_ok else 'FAILED'}")
    failed = (
        tally.errors
        or tally.stale_links
        or tally.keeper_failures
        or not reported
        or growth > MEMORY_GROWTH_BOUND_MB
        or late_growth > FLAT_WITHIN_MB
        or not shutdown_ok
    )
    if not failed:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept for inspection: {work}")
    return 1 if failed else 0


def _sigterm_with_requests_in_flight(server: subprocess.Popen[bytes], base: str) -> bool:
    """Start slow requests, send SIGTERM, and require each to finish with 200."""

    async def run() -> list[int]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            requests = [
                asyncio.create_task(client.get(f"/api/v1/articles?limit=100&since=2020-01-0{n}"))
                for n in range(1, 9)
            ]
            await asyncio.sleep(0.02)
            server.send_signal(signal.SIGTERM)
            answers = await asyncio.gather(*requests, return_exceptions=True)
        return [a.status_code if isinstance(a, httpx.Response) else 0 for a in answers]

    statuses = asyncio.run(run())
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        return False
    print(f"in flight at SIGTERM: {statuses}")
    return all(status == 200 for status in statuses)


if __name__ == "__main__":
    sys.exit(main())
