"""``make bench``: measure reader against its ceiling and its rivals in one run; write the report.

Usage: python bench/run.py [--sizes 1000,10000,100000] [--seconds 5] [--out docs]

Everything is measured in the same run on the same machine, and reported as ratios too:
throughput against a bare ASGI app sending the same bytes, start times against the
store's size, the static export against Hugo and Pelican when they are installed.
Writes docs/performance.md (tables) and docs/performance.png (plot).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import compileall
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from bench.corpus import pieces, write_pelican, write_site  # noqa: E402

CONNECTIONS = 64
TARGETS = ("article", "variant article", "section", "feed", "304", "404")
RATIO_TARGETS = {"article": 0.8, "variant article": 0.8, "section": 0.8, "feed": 0.8, "304": 0.9}


@dataclass
class Report:
    """Everything one run measured, as the report prints it."""

    tool: str = ""
    throughput: dict[str, dict[str, loadgen.Load]] = field(default_factory=dict)
    starts: dict[int, dict[str, float]] = field(default_factory=dict)
    edits: dict[int, dict[str, float]] = field(default_factory=dict)
    exports: dict[str, tuple[float, int] | str] = field(default_factory=dict)
    rebuilds: dict[str, tuple[float, int, dict[str, int]]] = field(default_factory=dict)
    """Per change: seconds of the whole ``reader build`` after it, outputs rendered, and the
    files it wrote by kind (``WRITTEN_KINDS``)."""
    notes: list[str] = field(default_factory=list)
    hostile: dict[str, float] = field(default_factory=dict)
    keyword_heavy: dict[str, float] = field(default_factory=dict)
    """Start, memory and export figures on the corpus where most articles bring new keywords."""
    after_start: list[tuple[float, float, float]] = field(default_factory=list)
    """(seconds after the first answer, reader req/s, bare req/s), window by window."""
    bare_before_start: float = 0.0


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def started(
    command: list[str], port: int, env: dict[str, str], log: Path, ready: int = 200
) -> Iterator[float]:
    """Run a server; yield the seconds from process start to its first ``ready`` for ``/``."""
    # What earlier steps wrote is flushed first, so its writeback does not land on this
    # start's disk reads and cores.
    os.sync()
    with log.open("w") as sink:
        begun = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            # Knocking on the port until it opens, and only then asking over HTTP: a new
            # HTTP client each try (its TLS set-up included) took half a core, from a
            # server that starts on both.
            with httpx.Client(timeout=120) as client:
                while True:
                    if process.poll() is not None:
                        raise RuntimeError(f"{command[:4]} exited:\n{log.read_text()[-2000:]}")
                    if _listening(port):
                        with contextlib.suppress(httpx.TransportError):
                            if client.get(f"http://127.0.0.1:{port}/").status_code == ready:
                                break
                    time.sleep(0.02)
            yield time.perf_counter() - begun
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _listening(port: int) -> bool:
    """Whether a server takes connections on the loopback port."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def compile_package() -> None:
    """Write the package's bytecode, as installing it does (pip compiles what it installs).

    An editable checkout run with PYTHONDONTWRITEBYTECODE (as CI and some shells set it)
    otherwise compiles every module again in every process the bench starts: 0.1 s of
    each start and build, which no installed copy pays.
    """
    for package in ("reader", "feeds"):
        compileall.compile_dir(ROOT / package, quiet=1)


def reader_command(site: Path, port: int, *extra: str) -> list[str]:
    """``reader serve`` as the benchmark runs it: no access log, as behind a proxy (the
    throughput rows run the defaults, and this as a row of its own)."""
    command = [sys.executable, "-m", "reader", "serve", str(site), "--port", str(port)]
    return [*command, "--no-access-log", *extra]


def default_command(site: Path, port: int, access_log: Path, *extra: str) -> list[str]:
    """``reader serve`` as a new user runs it: its defaults, access log on (to a file)."""
    command = [sys.executable, "-m", "reader", "serve", str(site), "--port", str(port)]
    return [*command, "--access-log", str(access_log), *extra]


def wait_for_log(log: Path, *texts: str, times: int = 1, timeout: float = 120) -> None:
    """Wait until the server's log says one of ``texts`` (``times`` times in all)."""
    deadline = time.monotonic() + timeout
    while sum(log.read_text().count(text) for text in texts) < times:
        if time.monotonic() > deadline:
            raise RuntimeError(f"none of {texts} in {log} after {timeout} s")
        time.sleep(0.05)


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, in MB (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status)[1])  # type: ignore[index]
    peak = int(re.search(r"VmHWM:\s+(\d+)", status)[1])  # type: ignore[index]
    return rss / 1024, peak / 1024


def server_pid(port: int) -> int:
    """The process listening on ``port`` (the worker, not a supervisor)."""
    inode = None
    wanted = f":{port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(wanted) and fields[3] == "0A":
            inode = fields[9]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) == f"socket:[{inode}]":
                    return int(proc.name)
    raise RuntimeError(f"nothing listens on {port}")


# --- throughput -------------------------------------------------------------------------


def load(port: int, path: str, headers: dict[str, str], seconds: float) -> loadgen.Load:
    """Requests/s and latency for one path: wrk when installed, else the in-repo generator."""
    if shutil.which("wrk") is None:
        return loadgen.measure("127.0.0.1", port, path, headers, CONNECTIONS, seconds)
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    return loadgen.Load(rate, _percentile(output, "50%"), _percentile(output, "99%"))


def _percentile(output: str, label: str) -> float:
    match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    assert match, output
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match[2]]
    return float(match[1]) * scale


def target_paths(site: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """The paths measured, with the request headers each is sent with."""
    from reader.config import load_settings
    from reader.loader import load_catalog
    from reader.store import unpublished_reason
    from reader.urls import FeedFormat, FeedScope, article_path, feed_path, section_path

    settings, _ = load_settings(site)
    catalog = load_catalog(settings)
    now = datetime.now(UTC)
    # The first by name of the section's published articles: the corpus has drafts and
    # articles dated ahead, and a folder's articles come newest first.
    article = min(
        (
            a
            for a in catalog.articles
            if a.section == ("north", "news") and not a.plain and unpublished_reason(a, now) is None
        ),
        key=lambda a: a.file,
    )
    return {
        "article": (article_path(article), {}),
        # The same article in the other script (converted once, then cached like any page).
        "variant article": ("/zh-hans" + article_path(article), {}),
        "section": (section_path(("north", "news")), {}),
        "feed": (feed_path(FeedScope(section=("north", "news")), FeedFormat.RSS), {}),
        "304": (article_path(article), {"If-None-Match": "ETAG"}),
        "404": ("/no/such/page/", {}),
    }


def capture(port: int, paths: dict[str, tuple[str, dict[str, str]]], file: Path) -> str:
    """Record reader's exact answers for the bare app; return the article's ETag."""

    def answer(response: httpx.Response, wanted: int = 200) -> list[object]:
        # Never a measurement of another answer than meant (an unpublished article's 404).
        if response.status_code != wanted:
            raise RuntimeError(f"{response.request.url.path} answered {response.status_code}")
        headers = [[k, v] for k, v in response.headers.multi_items()]
        return [response.status_code, headers, base64.b64encode(response.content).decode()]

    plain: dict[str, list[object]] = {}
    conditional: dict[str, list[object]] = {}
    identity = {"accept-encoding": "identity"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=identity) as client:
        etag = client.get(paths["304"][0]).headers["etag"]
        for name, (path, _) in paths.items():
            if name == "304":
                asked = client.get(path, headers={"if-none-match": etag})
                conditional[path] = answer(asked, 304)
            elif name == "404":
                plain["__404__"] = answer(client.get(path), 404)
            else:
                plain[path] = answer(client.get(path))
    file.write_text(json.dumps({"plain": plain, "conditional": conditional}))
    return etag


ROUNDS = 3
"""Loads per answer and server; the best is kept, as the one least disturbed by neighbours."""


def measure_throughput(site: Path, seconds: float, work: Path, report: Report) -> None:
    """Every target against reader (1 and 2 workers) and the bare app (1 and 2 workers).

    reader and the bare app run side by side and are loaded in turn, answer by answer and
    round by round, so a slow spell of this shared machine falls on both alike.
    """
    paths = target_paths(site)
    answers = work / "answers.json"
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "BARE_ANSWERS": str(answers)}
    etag = ""
    for workers in (1, 2):
        ports = {"reader": free_port(), "no-log": free_port(), "bare": free_port()}
        processes = ("--workers", str(workers))
        commands = {
            # The defaults (watching, access log) as a user runs them; the same without
            # the access log, as behind a proxy that logs.
            "reader": default_command(
                site, ports["reader"], work / f"access-{workers}.log", *processes
            ),
            "no-log": reader_command(site, ports["no-log"], *processes),
        }
        with contextlib.ExitStack() as servers:
            for name, command in commands.items():
                log = work / f"{name}-{workers}.log"
                servers.enter_context(started(command, ports[name], env, log))
                # Each worker writes its index, or checks every file, a second after it
                # starts, then brings the search index up to date and resizes images:
                # wait for all that (docs: just after a start), as these rows measure
                # the steady state.
                wait_for_log(log, "index saved", "reloaded", times=workers)
                wait_for_log(log, "search index up to date", times=workers, timeout=600)
                wait_for_log(log, "lead images ready", times=workers, timeout=600)
            if workers == 1:
                etag = capture(ports["reader"], paths, answers)
            # The bare app knows only the measured paths: "/" is its 404.
            bare = [sys.executable, "-m", "uvicorn", "--factory"]
            bare += ["bench.bare:app_from_environment", "--port", str(ports["bare"])]
            bare += ["--no-access-log", "--workers", str(workers), "--log-level", "warning"]
            servers.enter_context(
                started(bare, ports["bare"], env, work / f"bare-{workers}.log", 404)
            )
            best: dict[str, dict[str, loadgen.Load]] = {name: {} for name in ports}
            for name, (path, headers) in paths.items():
                sent = {k: v.replace("ETAG", etag) for k, v in headers.items()}
                for port in ports.values():
                    load(port, path, sent, 1)  # warm every worker's cache
                for _ in range(ROUNDS):
                    for server, port in ports.items():
                        measured = load(port, path, sent, seconds)
                        kept = best[server].get(name)
                        if kept is None or measured.requests_per_second > kept.requests_per_second:
                            best[server][name] = measured
            for server, results in best.items():
                report.throughput[f"{server}-{workers}"] = results
                print(f"  {server} x{workers}: " + _rates(results), file=sys.stderr)


AFTER_START_SECONDS = 30.0
AFTER_START_WINDOW = 1.5
AFTER_START_TARGET = 0.6


def measure_after_start(site: Path, work: Path, report: Report) -> None:
    """The cached article in the first 30 s after a cold start (no index: every file read,
    the index written, the search index built, all beside the requests), against the bare
    app loaded in turn, window by window; and the bare app before the start."""
    paths = target_paths(site)
    path = paths["article"][0]
    answers = work / "answers.json"  # the bare app's answers, captured by the throughput run
    cache = work / "cache-after-start"
    shutil.rmtree(cache, ignore_errors=True)  # no index: a cold start
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "BARE_ANSWERS": str(answers)}
    bare_port, port = free_port(), free_port()
    bare = [sys.executable, "-m", "uvicorn", "--factory", "bench.bare:app_from_environment"]
    bare += ["--port", str(bare_port), "--no-access-log", "--log-level", "warning"]
    with started(bare, bare_port, env, work / "bare-after-start.log", 404):
        load(bare_port, path, {}, 1)
        report.bare_before_start = max(
            load(bare_port, path, {}, AFTER_START_WINDOW).requests_per_second for _ in range(3)
        )
        command = default_command(site, port, work / "access-after-start.log")
        with started(command, port, env, work / "after-start.log"):
            begun = time.perf_counter()
            while time.perf_counter() - begun < AFTER_START_SECONDS:
                ours = load(port, path, {}, AFTER_START_WINDOW).requests_per_second
                theirs = load(bare_port, path, {}, AFTER_START_WINDOW).requests_per_second
                report.after_start.append((time.perf_counter() - begun, ours, theirs))
    worst = min(ours / theirs for _, ours, theirs in report.after_start)
    print(f"  after start: worst window {worst:.2f} of bare", file=sys.stderr)


def after_start_lines(report: Report, size: int) -> list[str]:
    """The report's table of the first seconds after a cold start."""
    from reader.pacing import BACKGROUND_SHARE

    if not report.after_start:
        return []
    windows = report.after_start
    ratios = [ours / theirs for _, ours, theirs in windows]
    before = report.bare_before_start
    # Judged by the stricter figure: against the bare app alone, before the start.
    worst = min(ours / before for _, ours, _ in windows)
    verdict = "met" if worst >= AFTER_START_TARGET else "**not met**"
    lines = [
        "## Just after a cold start",
        "",
        f"`reader serve` with its defaults, started with no index on the {size:,}-article "
        "corpus; from its first answer, the cached article was loaded for "
        f"{AFTER_START_WINDOW} s, then the bare app for as long, in turn for "
        f"{AFTER_START_SECONDS:.0f} s, while reader wrote its index and built the search "
        "index beside the requests. Both share the machine with that work, so each window's "
        f"ratio is against the bare app's window next to it; the bare app alone before the "
        f"start answered {before:,.0f} req/s.",
        "",
        "| seconds after the first answer | reader req/s | bare req/s | ratio | "
        "against the bare app before the start |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {at:.0f} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.2f} | {ours / before:.2f} |"
        for at, ours, theirs in windows
    ]
    lines += [
        "",
        f"Target: every window ≥ {AFTER_START_TARGET} of the bare app ({verdict}: the worst "
        f"against the bare app before the start was {worst:.2f}; against its neighbour, the "
        f"worst {min(ratios):.2f} and the mean {statistics.mean(ratios):.2f}). Background "
        "work gives way to requests (`reader/pacing.py`): while they come in, each of its "
        f"two threads (search index, images) takes at most {BACKGROUND_SHARE:.0%} of the "
        "time, so it finishes "
        "later under load. The bare app's windows are slower than before the start because "
        "reader's background work, with no requests of its own then, runs at full speed "
        "beside them, and the load generator shares the 2 cores.",
        "",
    ]
    return lines


def _rates(results: dict[str, loadgen.Load]) -> str:
    return ", ".join(f"{k} {v.requests_per_second:,.0f}/s" for k, v in results.items())


# --- start, memory, edits ----------------------------------------------------------------


def measure_starts(site: Path, size: int, work: Path, report: Report) -> None:
    """Cold start (no index) and warm restart (index, unchanged files); memory after use."""
    report.starts[size] = starts(site, str(size), work)
    print(f"  {size:,} articles: {report.starts[size]}", file=sys.stderr)


def starts(site: Path, name: str, work: Path) -> dict[str, float]:
    """The figures of ``measure_starts`` for one corpus, its files named after ``name``."""
    cache = work / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    result: dict[str, float] = {}
    port = free_port()
    log = work / f"start-{name}.log"
    with started(reader_command(site, port, "--no-watch"), port, env, log) as cold:
        result["cold"] = cold
        wait_for_log(log, "index saved")
        pid = server_pid(port)
        result["after_start_mb"] = memory_mb(pid)[0]
        _browse(port, site)
        result["steady_mb"], result["peak_mb"] = memory_mb(pid)
    with started(reader_command(site, port, "--no-watch"), port, env, log) as warm:
        result["warm"] = warm
    return result


def measure_keyword_heavy(site: Path, work: Path, report: Report) -> None:
    """Start, memory and export on the corpus where most articles bring new keywords: each
    keyword is a page, three feeds and archives, so the export's file count follows them."""
    figures = starts(site, "keywords", work)
    figures["keywords"] = len({t for p in pieces(10000, many_keywords=True) for t in p.tags})
    stale = work / "export-stale-keywords"
    shutil.rmtree(stale, ignore_errors=True)
    stale.mkdir()
    for label, extra in (("export", ()), ("export_plain", ("--no-precompress",))):
        out = _empty(work / f"export-keywords-{label}", stale)
        cache = _empty(work / f"export-cache-keywords-{label}", stale)
        env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
        command = [sys.executable, "-m", "reader", "build", str(site), str(out), *extra]
        begun = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        figures[label] = time.perf_counter() - begun
        figures[f"{label}_files"] = sum(1 for p in out.rglob("*") if p.is_file())
        figures[f"{label}_documents"] = _documents(out)
    if shutil.which("hugo"):
        out = _empty(work / "export-keywords-hugo", stale)
        begun = time.perf_counter()
        command = ["hugo", "--quiet", "-s", str(site), "-d", str(out)]
        subprocess.run(command, check=True, capture_output=True)
        figures["hugo"] = time.perf_counter() - begun
        figures["hugo_documents"] = _documents(out)
    shutil.rmtree(stale, ignore_errors=True)
    report.keyword_heavy = figures
    print(f"  many keywords: {figures}", file=sys.stderr)


KEYWORD_HEAVY_COLD_START_TARGET = 5.0


def keyword_heavy_lines(report: Report) -> list[str]:
    """The report's section on the corpus where most articles bring new keywords."""
    figures = report.keyword_heavy
    if not figures:
        return []
    cold = figures["cold"]
    verdict = "met" if cold <= KEYWORD_HEAVY_COLD_START_TARGET else "**not met**"
    lines = [
        "## Many keywords",
        "",
        f"The 10,000-article corpus written with `--many-keywords`: "
        f"{figures['keywords']:,.0f} keywords, "
        "most articles bringing two-character keywords no other has, as a portal's hot-word "
        "lists do. Each keyword is a page, its feeds and their archives.",
        "",
        "| cold start s | warm restart s | after start MB | steady MB | peak MB |",
        "| ---: | ---: | ---: | ---: | ---: |",
        f"| {cold:.1f} | {figures['warm']:.2f} | {figures['after_start_mb']:.0f} | "
        f"{figures['steady_mb']:.0f} | {figures['peak_mb']:.0f} |",
        "",
        f"Target: cold start ≤ {KEYWORD_HEAVY_COLD_START_TARGET:.0f} s ({verdict}); "
        "memory as for the other corpora (≤ 300 MB at 10,000).",
        "",
        "| export | seconds | files written | documents | time against Hugo |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    hugo = figures.get("hugo")
    for label, name in (("export", "reader"), ("export_plain", PLAIN)):
        against = f"{figures[label] / hugo:.2f}" if hugo else ""
        lines.append(
            f"| {name} | {figures[label]:.1f} | {figures[f'{label}_files']:,.0f} | "
            f"{figures[f'{label}_documents']:,.0f} | {against} |"
        )
    if hugo:
        lines.append(f"| hugo | {hugo:.1f} | | {figures['hugo_documents']:,.0f} | 1.00 |")
    lines.append("")
    return lines


def _browse(port: int, site: Path, pages: int = 3000) -> None:
    """Read many article pages and every section feed, as a busy hour would."""
    from reader.config import load_settings
    from reader.loader import load_catalog
    from reader.urls import FeedFormat, FeedScope, article_path, feed_path

    settings, _ = load_settings(site)
    articles = [a for a in load_catalog(settings).articles if not a.draft]
    step = max(1, len(articles) // pages)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        for article in articles[::step]:
            client.get(article_path(article))
            client.get(feed_path(FeedScope(section=article.section), FeedFormat.RSS))


HOSTILE_URLS = 10_000
HOSTILE_GROWTH_BOUND_MB = 48
"""What 10,000 distinct hostile URLs may add to the resident memory: the not-found and
query caches' budgets (2/32 of the default 256 MB), plus the allocator's slack."""


def hostile_urls(count: int) -> list[str]:
    """Distinct URLs a scanner or a hostile client sends: long unknown paths, endless API
    queries with long keywords, oEmbed lookups, decomposed Unicode, long queries."""
    urls = []
    for number in range(count):
        kind = number % 5
        if kind == 0:
            urls.append(f"/no/such/{'x' * 1500}/{number}/")
        elif kind == 1:
            urls.append(f"/api/v1/articles?limit={1 + number % 100}&tag={'港' * 400}{number}")
        elif kind == 2:
            urls.append(f"/oembed?url=https://news.example.org/{'y' * 1000}{number}/")
        elif kind == 3:
            urls.append(f"/wp-admin/{number}/cafe\u0301/{'%00' * 50}.php")
        else:
            urls.append(f"/?q={'z' * 3000}{number}")
    return urls


def measure_hostile(site: Path, work: Path, report: Report) -> None:
    """Resident memory before and after 10,000 distinct hostile URLs, and their statuses."""
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
    port = free_port()
    log = work / "hostile.log"
    with started(reader_command(site, port, "--no-watch"), port, env, log):
        wait_for_log(log, "index saved", "reloaded")
        pid = server_pid(port)
        _browse(port, site, pages=1000)
        before = memory_mb(pid)[0]
        statuses: dict[int, int] = {}

        async def send_all() -> None:
            limits = httpx.Limits(max_connections=16)
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30
            ) as client:
                queue = list(hostile_urls(HOSTILE_URLS))

                async def worker() -> None:
                    while queue:
                        response = await client.get(queue.pop())
                        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

                await asyncio.gather(*(worker() for _ in range(16)))

        asyncio.run(send_all())
        after = memory_mb(pid)[0]
    report.hostile = {"before": before, "after": after, **{str(k): v for k, v in statuses.items()}}
    print(f"  hostile URLs: {report.hostile}", file=sys.stderr)


def measure_edits(site: Path, size: int, work: Path, report: Report, edits: int = 7) -> None:
    """Seconds from saving an edited article to the server answering with the new text."""
    env = {**os.environ, "XDG_CACHE_HOME": str(work / f"cache-{size}")}
    port = free_port()
    log = work / f"edit-{size}.log"
    paths = target_paths(site)
    article_url = paths["article"][0]
    file = next((site / "content/north/news").glob(article_url.rstrip("/").rsplit("/")[-1] + ".md"))
    with started(reader_command(site, port), port, env, log):
        # Started from the index, its check of every file has run; else the index is saved.
        wait_for_log(log, "reloaded", "index saved")
        times = timed_edits(port, article_url, file, edits)
    report.edits[size] = {"median": statistics.median(times), "max": max(times)}
    print(f"  edit at {size:,}: {report.edits[size]}", file=sys.stderr)


def timed_edits(
    port: int, path: str, file: Path, edits: int, timeout: float = 30, rest: float = 0.3
) -> list[float]:
    """Seconds from saving each of ``edits`` edits of ``file`` to the server answering
    ``path`` with the new text; the file is as it was after."""
    original = file.read_text(encoding="utf-8")
    times = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for number in range(edits):
                marker = f"edit-marker-{number}-{time.time_ns()}"
                # Served once first, so the page is cached with the snapshot: what is timed
                # is the reload, not a first render that would read the file anyway.
                client.get(path)
                begun = time.perf_counter()
                file.write_text(original + f"\n{marker}\n", encoding="utf-8")
                while marker not in client.get(path).text:
                    if time.perf_counter() - begun > timeout:
                        raise RuntimeError(f"an edit did not show within {timeout:.0f} s")
                    time.sleep(0.005)
                times.append(time.perf_counter() - begun)
                time.sleep(rest)
    finally:
        file.write_text(original, encoding="utf-8")
    return times


# --- static export ------------------------------------------------------------------------


def measure_exports(site: Path, pelican_site: Path | None, work: Path, report: Report) -> None:
    """Wall time of a full static build by reader, Hugo and Pelican on the same articles."""
    stale = work / "export-stale"
    shutil.rmtree(stale, ignore_errors=True)
    stale.mkdir()
    out = _empty(work / "export-reader", stale)
    # From scratch, like the others: no index of an earlier build either.
    env = {**os.environ, "XDG_CACHE_HOME": str(_empty(work / "export-cache", stale))}
    command = [sys.executable, "-m", "reader", "build", str(site), str(out)]
    begun = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    report.exports["reader"] = (time.perf_counter() - begun, _documents(out))
    report.rebuilds = _rebuilds_after_changes(site, command, env, out)
    out = _empty(work / "export-reader-plain", stale)
    env["XDG_CACHE_HOME"] = str(_empty(work / "export-cache-plain", stale))
    plain = [sys.executable, "-m", "reader", "build", str(site), str(out), "--no-precompress"]
    begun = time.perf_counter()
    subprocess.run(plain, check=True, capture_output=True, env=env)
    report.exports[PLAIN] = (time.perf_counter() - begun, _documents(out))
    out = _empty(work / "export-reader-one-script", stale)
    env["XDG_CACHE_HOME"] = str(_empty(work / "export-cache-one-script", stale))
    settings_file = site / "site.toml"
    settings = settings_file.read_text(encoding="utf-8")
    try:
        # The same site with no copy of its pages and feeds in the other script.
        settings_file.write_text(settings + "script_variants = false\n", encoding="utf-8")
        one_script = [*plain[:-2], str(out), "--no-precompress"]
        begun = time.perf_counter()
        subprocess.run(one_script, check=True, capture_output=True, env=env)
        report.exports[ONE_SCRIPT] = (time.perf_counter() - begun, _documents(out))
    finally:
        settings_file.write_text(settings, encoding="utf-8")
    if shutil.which("hugo"):
        out = _empty(work / "export-hugo", stale)
        begun = time.perf_counter()
        subprocess.run(
            ["hugo", "--quiet", "-s", str(site), "-d", str(out)], check=True, capture_output=True
        )
        report.exports["hugo"] = (time.perf_counter() - begun, _documents(out))
    else:
        report.exports["hugo"] = "not installed (Debian: apt-get install hugo)"
    if pelican_site is not None and shutil.which("pelican", path=str(Path(sys.executable).parent)):
        out = _empty(work / "export-pelican", stale)
        pelican = str(Path(sys.executable).parent / "pelican")
        begun = time.perf_counter()
        subprocess.run(
            [pelican, "content", "-s", "pelicanconf.py", "-o", str(out), "-q"],
            cwd=pelican_site,
            check=True,
            capture_output=True,
        )
        report.exports["pelican"] = (time.perf_counter() - begun, _documents(out))
    else:
        report.exports["pelican"] = "not installed (pip install pelican markdown)"
    print(f"  export: {report.exports}", file=sys.stderr)
    shutil.rmtree(stale, ignore_errors=True)


PLAIN = "reader, without .gz/.br"
ONE_SCRIPT = "reader, without .gz/.br, one script"
REBUILD_TARGETS = {
    "one article's text": 1.0,
    "a new article (the newest)": 2.0,
    "that article deleted": 2.0,
    "an older article deleted": 2.0,
}
"""Seconds for the whole ``reader build`` after each change, at 10,000 articles."""


def _rebuilds_after_changes(
    site: Path, command: list[str], env: dict[str, str], out: Path
) -> dict[str, tuple[float, int, dict[str, int]]]:
    """Seconds of ``reader build`` into the same folder after each change, how many
    outputs it rendered and which files it wrote; each change is undone and built again
    (not timed) after."""
    articles = sorted(p for p in (site / "content").rglob("*.md") if p.name != "_index.md")
    old = articles[0]
    text = old.read_text(encoding="utf-8")
    new = old.with_name("bench-new-article.md")
    stems = {article.stem for article in articles} | {new.stem}
    # Dated now, after every article of the corpus (news arrives newest), and not in the
    # future, which would keep it unpublished.
    moment = (datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="seconds")
    newest = re.sub(r"(?m)^date: .*$", f"date: {moment}", text, count=1)

    def edit() -> None:
        old.write_text(text + "\nA correction was added.\n", encoding="utf-8")

    changes = {
        "one article's text": (edit, lambda: old.write_text(text, encoding="utf-8")),
        "a new article (the newest)": (lambda: new.write_text(newest, encoding="utf-8"), None),
        "that article deleted": (new.unlink, None),
        "an older article deleted": (old.unlink, lambda: old.write_text(text, encoding="utf-8")),
    }
    marker = out.parent / f".{out.name}-before-rebuild"
    found: dict[str, tuple[float, int, dict[str, int]]] = {}
    try:
        for change, (make, undo) in changes.items():
            make()
            marker.write_bytes(b"")  # written before the build: its time is the build's start
            os.sync()  # the build before's files flushed, as for the starts
            begun = time.perf_counter()
            done = subprocess.run(command, check=True, capture_output=True, env=env, text=True)
            seconds = time.perf_counter() - begun
            rendered = re.search(r"(\d+) outputs? the changes reach rendered again", done.stderr)
            written = _written_since(out, marker.stat().st_mtime_ns, stems)
            found[change] = (seconds, int(rendered.group(1)) if rendered else -1, written)
            if undo is not None:
                undo()
                subprocess.run(command, check=True, capture_output=True, env=env)
    finally:
        old.write_text(text, encoding="utf-8")
        new.unlink(missing_ok=True)
        marker.unlink(missing_ok=True)
    print(f"  rebuilds: {found}", file=sys.stderr)
    return found


WRITTEN_KINDS = ("list pages", "article pages", "feeds and sitemaps")


def _written_since(out: Path, since_ns: int, article_stems: set[str]) -> dict[str, int]:
    """The documents under ``out`` written since ``since_ns`` (not their .gz and .br
    copies), by kind: pages of lists, articles' pages (named for their files, as in the
    corpus), and feeds, archives and sitemaps."""
    counts = dict.fromkeys(WRITTEN_KINDS, 0)
    for folder, _, names in os.walk(out):
        for name in names:
            if name.startswith(".") or name.endswith((".gz", ".br")):
                continue
            file = Path(folder, name)
            if file.stat().st_mtime_ns < since_ns:
                continue
            if name.endswith((".xml", ".json")):
                counts["feeds and sitemaps"] += 1
            elif name.endswith(".html"):
                article = name == "index.html" and file.parent.name in article_stems
                counts["article pages" if article else "list pages"] += 1
    return counts


def _empty(out: Path, stale: Path) -> Path:
    """``out``, empty: a previous run's tree is moved aside now and deleted after timing.

    Deleting tens of thousands of files just before a build slows the build's own file
    creation several times over on ext4, which passes over recently freed inodes.
    """
    if out.exists():
        out.rename(stale / out.name)
    return out


def _documents(out: Path) -> int:
    """Pages and feeds written (compressed copies and images not counted)."""
    kinds = (".html", ".xml", ".json", ".opml")
    return sum(1 for p in out.rglob("*") if p.is_file() and p.suffix in kinds)


# --- the report -------------------------------------------------------------------------


def throughput_lines(report: Report) -> list[str]:
    """The report's tables of cached answers against the bare app, one per process count."""
    lines: list[str] = []
    for workers in (1, 2):
        ours, bare = report.throughput[f"reader-{workers}"], report.throughput[f"bare-{workers}"]
        lines += [
            f"### {workers} server process{'es' if workers > 1 else ''}",
            "",
            "| answer | reader req/s | p50 ms | p99 ms | bare req/s | ratio | target "
            "| `--no-access-log` req/s | its ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
        ]
        quiet = report.throughput[f"no-log-{workers}"]
        for name in TARGETS:
            mine, ceiling = ours[name], bare[name]
            ratio = mine.requests_per_second / ceiling.requests_per_second
            unlogged = quiet[name].requests_per_second
            goal = RATIO_TARGETS.get(name)
            verdict = f"≥ {goal} {'met' if ratio >= goal else '**not met**'}" if goal else ""
            if workers > 1:
                verdict = ""
            lines.append(
                f"| {name} | {mine.requests_per_second:,.0f} | {mine.p50_ms:.2f} | "
                f"{mine.p99_ms:.2f} | {ceiling.requests_per_second:,.0f} | {ratio:.2f} | "
                f"{verdict} | {unlogged:,.0f} | {unlogged / ceiling.requests_per_second:.2f} |"
            )
        lines.append("")
        if workers > 1:
            lines += [
                "On two cores, wrk takes one and the two server processes share the other, "
                "so these figures swing from run to run; there is no target for them.",
                "",
            ]
    return lines


def write_report(report: Report, out: Path, sizes: list[int]) -> None:
    """docs/performance.md and its plot."""
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`bench/run.py`); do not edit by hand. Measured "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"load by {report.tool}, {CONNECTIONS} connections on loopback. Absolute figures "
        "drift on a shared machine: reader and the bare app were loaded in turn, "
        f"{ROUNDS} times each per answer, and each one's best is shown.",
        "",
        "![Requests per second, reader against a bare ASGI app](performance.png)",
        "",
        "## Cached answers against the ceiling",
        "",
        "*reader* is `reader serve` with its defaults: watching the files, and the access log "
        "on (to a file); `--no-access-log` is the same without it, as behind a proxy that "
        "logs. The *bare* app is uvicorn with a ten-line ASGI function that sends the very status, "
        "headers and body reader sent (captured first), so the ratio is what reader's own "
        "work costs: finding the answer for the snapshot, negotiating the coding, checking "
        "validators. The *variant article* is the same article in the other script "
        "(`/zh-hans/...`): converted once per snapshot, then answered from the cache as the "
        "original is.",
        "",
    ]
    lines += throughput_lines(report)
    lines += after_start_lines(report, 10000 if 10000 in sizes else sizes[-1])
    lines += [
        "## Start, restart and memory",
        "",
        "Cold: no index, every file read, and usually from disk: this VM pages out memory "
        "left untouched for about a minute (a DAMON scheme), so by then the corpus has left "
        "the page cache, as after a boot. Warm: the on-disk index, files unchanged (the check "
        "of every file runs after the first answer). Memory is the server process's resident "
        "set: after start, and after reading 3,000 article pages and their section feeds "
        "(steady), with its peak.",
        "",
        "| articles | cold start s | warm restart s | after start MB | steady MB | peak MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        s = report.starts[size]
        lines.append(
            f"| {size:,} | {s['cold']:.1f} | {s['warm']:.2f} | {s['after_start_mb']:.0f} | "
            f"{s['steady_mb']:.0f} | {s['peak_mb']:.0f} |"
        )
    lines += [
        "",
        "Targets: cold start ≤ 5 s at 10,000 and ≤ 30 s at 100,000; warm restart ≤ 2 s at "
        "100,000; ≤ 300 MB at 10,000 and ≤ 1.5 GB at 100,000.",
        "",
    ]
    lines += keyword_heavy_lines(report)
    lines += [
        "## Memory under 10,000 distinct hostile URLs",
        "",
        "`reader serve` with its defaults on the 10,000-article corpus, after browsing 1,000 "
        "articles; then 10,000 distinct URLs no cache can reuse, 16 at a time: unknown "
        "1.5 KB paths, API queries with 400-character keywords, oEmbed lookups, scanner paths with "
        "NUL bytes, and 3 KB queries on the home page.",
        "",
        "| resident MB before | after | growth | bound | statuses |",
        "| --- | --- | --- | --- | --- |",
        _hostile_row(report),
        "",
        "## From saving an edit to serving it",
        "",
        "| articles | median s | slowest s |",
        "| ---: | ---: | ---: |",
    ]
    for size, edit in report.edits.items():
        lines.append(f"| {size:,} | {edit['median']:.2f} | {edit['max']:.2f} |")
    lines += [
        "",
        "Target: within 1 s at 100,000 articles.",
        "",
        "## Static export of the 10,000-article corpus",
        "",
        "| tool | seconds | documents | ms per document | time against reader |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    ours_export = report.exports.get("reader")
    for tool, result in report.exports.items():
        if isinstance(result, str):
            lines.append(f"| {tool} | {result} | | | |")
            continue
        seconds, documents = result
        against = seconds / ours_export[0] if isinstance(ours_export, tuple) else float("nan")
        lines.append(
            f"| {tool} | {seconds:.1f} | {documents:,} | {seconds / documents * 1000:.2f} | "
            f"{against:.2f} |"
        )
    hugo, pelican = report.exports.get("hugo"), report.exports.get("pelican")
    plain = report.exports.get(PLAIN)
    if isinstance(plain, tuple) and isinstance(hugo, tuple) and isinstance(pelican, tuple):
        # Judged as the issue asks, at least without the compressed copies.
        faster = plain[0] < hugo[0]
        fourfold = plain[0] * 4 <= pelican[0]
        lines += [
            "",
            f"Targets, without .gz/.br: faster than Hugo ({'met' if faster else '**not met**'}) "
            f"and at least 4 times faster than Pelican ({'met' if fourfold else '**not met**'}).",
        ]
    lines += [
        "",
        "### Building again after a change",
        "",
        "| change | seconds | outputs rendered | written: list pages / articles / feeds "
        "| target s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for change, (seconds, rendered, written) in report.rebuilds.items():
        target = REBUILD_TARGETS.get(change, float("nan"))
        met = "" if seconds <= target else " (**not met**)"
        kinds = " / ".join(f"{written[kind]:,}" for kind in WRITTEN_KINDS)
        lines.append(f"| {change} | {seconds:.1f} | {rendered:,} | {kinds} | {target:.0f}{met} |")
    lines += [
        "",
        "Documents are HTML pages and feeds. reader also writes a `.gz` and a `.br` copy of "
        "each and, for every section and keyword, RSS, Atom and JSON Feed with full content "
        "plus RFC 5005 archives; Hugo (with the small theme in `bench/corpus.py`) writes "
        "summary RSS for sections and keywords, Pelican Atom for categories and keywords. "
        f"*{PLAIN}* is `reader build --no-precompress`, from scratch: the same files "
        "without the compressed copies, as for a host that compresses as it serves. "
        f"*{ONE_SCRIPT}* is the same with `script_variants = false`: without the copy of "
        "every page and feed in Simplified Chinese under `/zh-hans/`, each made by "
        "rendering the page again with that script's interface and converting its text. "
        "*Building again* is `reader build` into the same folder after each change, the "
        "whole command from process start: with the first build's on-disk index and build "
        "record, it reads only the changed files again and renders only the outputs whose "
        "reads of the snapshot found something different, and the new ones "
        "(`reader/buildrecord.py`), taking the unchanged articles' bodies from the build "
        "before (`reader/keptbodies.py`). A new or deleted article shifts every page of the "
        "lists it joins or leaves (the home page's, its sections', its keywords'), and "
        "changes the related articles shown on the pages of articles sharing a keyword with "
        "it, counted among the outputs rendered. *Written* counts the documents the build "
        "wrote, by kind (each in both scripts; an output rendered the same as before is not "
        "written again).",
        "",
        *search_lines(out / "search-figures.md"),
        *report.notes,
    ]
    out.mkdir(parents=True, exist_ok=True)
    (out / "performance.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _plot(report, sizes, out / "performance.png")


def search_lines(figures: Path) -> list[str]:
    """The search section: the figures ``bench/search.py`` wrote just before (``make bench``
    runs it first)."""
    if not figures.exists():
        return []
    return [
        "## Search",
        "",
        "`bench/search.py` on its realistic Chinese corpus, as in "
        "[search-figures.md](search-figures.md); the figures at 100,000 articles and the "
        "choices behind them are in [search.md](search.md).",
        "",
        *figures.read_text(encoding="utf-8").splitlines(),
        "",
    ]


def _hostile_row(report: Report) -> str:
    found = report.hostile
    if not found:
        return "| not measured | | | | |"
    growth = found["after"] - found["before"]
    statuses = ", ".join(f"{k}: {int(v):,}" for k, v in sorted(found.items()) if k.isdigit())
    verdict = "within" if growth <= HOSTILE_GROWTH_BOUND_MB else "**over**"
    return (
        f"| {found['before']:.0f} | {found['after']:.0f} | {growth:+.0f} MB | "
        f"{HOSTILE_GROWTH_BOUND_MB} MB ({verdict}) | {statuses} |"
    )


def _plot(report: Report, sizes: list[int], file: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    names = list(TARGETS)
    width = 0.2
    series = [("reader-1", "reader, 1 process"), ("bare-1", "bare ASGI, 1 process")]
    series += [("reader-2", "reader, 2 processes"), ("bare-2", "bare ASGI, 2 processes")]
    for offset, (key, label) in enumerate(series):
        rates = [report.throughput[key][n].requests_per_second for n in names]
        left.bar([i + (offset - 1.5) * width for i in range(len(names))], rates, width, label=label)
    left.set_xticks(range(len(names)), names)
    left.set_ylabel("requests per second")
    left.set_title("Cached answers")
    left.legend(fontsize=8)
    labels = [f"{s:,}" for s in sizes]
    cold = [report.starts[s]["cold"] for s in sizes]
    warm = [report.starts[s]["warm"] for s in sizes]
    right.bar([i - 0.2 for i in range(len(sizes))], cold, 0.4, label="cold start")
    right.bar([i + 0.2 for i in range(len(sizes))], warm, 0.4, label="warm restart (index)")
    right.set_xticks(range(len(sizes)), labels)
    right.set_xlabel("articles")
    right.set_ylabel("seconds to first answer")
    right.set_title("Start")
    right.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(file, dpi=110)


def main() -> int:
    """Build the corpora, measure everything, write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--work", type=Path, help="keep corpora and logs here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    report = Report(tool="wrk" if shutil.which("wrk") else "bench/loadgen.py (no wrk)")
    if report.tool != "wrk":
        report.notes.append("wrk was not installed: the in-repo generator measured the load.")
    work = args.work or Path(tempfile.mkdtemp(prefix="reader-bench-"))
    corpora = {}
    for size in sizes:
        corpora[size] = work / f"corpus-{size}"
        if not (corpora[size] / "content").is_dir():
            print(f"writing {size:,} articles", file=sys.stderr)
            generated = write_site(corpora[size], size)
            if size == 10000:
                write_pelican(work / "pelican-10000", generated)
    middle = 10000 if 10000 in sizes else sizes[-1]
    compile_package()
    print("throughput", file=sys.stderr)
    measure_throughput(corpora[middle], args.seconds, work, report)
    print("just after a cold start", file=sys.stderr)
    measure_after_start(corpora[middle], work, report)
    print("start and memory", file=sys.stderr)
    for size in sizes:
        measure_starts(corpora[size], size, work, report)
    print("many keywords", file=sys.stderr)
    keyword_heavy = work / "corpus-10000-keywords"
    if not (keyword_heavy / "content").is_dir():
        write_site(keyword_heavy, 10000, many_keywords=True)
    measure_keyword_heavy(keyword_heavy, work, report)
    print("hostile URLs", file=sys.stderr)
    measure_hostile(corpora[middle], work, report)
    print("edits", file=sys.stderr)
    for size in sizes:
        if size >= 10000:
            measure_edits(corpora[size], size, work, report)
    print("static export", file=sys.stderr)
    pelican = work / "pelican-10000"
    if not pelican.is_dir():
        write_pelican(pelican, pieces(middle))
    measure_exports(corpora[middle], pelican, work, report)
    write_report(report, args.out, sizes)
    print(f"wrote {args.out / 'performance.md'}; corpora and logs in {work}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
