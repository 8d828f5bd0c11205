"""``reader build``: the whole site as static files, the very bytes ``reader serve`` answers.

Every URL the snapshot has is asked of the same ``Site`` the server runs, so exported and
served bytes cannot drift. Pages are written beside precompressed ``.gz`` and ``.br``
copies (unless the host compresses as it serves), by one process per core (forked after
loading, so the store is read once), and a file whose bytes are unchanged is left alone,
so a rebuild after one edit writes little.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote

from feeds import prepare_entries, scope_exists
from feeds.scope import archives
from reader.app import Site
from reader.headers import Kind, Rendered
from reader.lru import SizedLRU
from reader.sitemap import MAX_URLS, sitemap_entries
from reader.store import Snapshot
from reader.templating import asset_dirs
from reader.urls import (
    ROBOTS,
    FeedFormat,
    FeedScope,
    absolute,
    archive_path,
    article_path,
    asset_path,
    feed_path,
    feeds_index_path,
    home_path,
    is_personal,
    news_sitemap_path,
    opml_path,
    preferences_css_path,
    section_path,
    settings_path,
    sitemap_path,
    tag_path,
    tags_path,
)

MANIFEST = ".reader-build"
"""Lists the files the last build wrote, so the next one removes only its own leftovers."""
NOT_FOUND_FILE = "404.html"
"""The page a static host serves for a missing URL (nginx, Netlify, GitHub Pages, S3)."""
CHUNK = 256
BUILD_CACHE_MB = 1024
"""A build visits every article a dozen times (page, feeds, archives): it keeps more."""


@dataclass(frozen=True)
class Report:
    """What a build did."""

    files: int
    written: int
    removed: int
    seconds: float
    failures: tuple[str, ...]


def site_paths(snapshot: Snapshot) -> list[str]:
    """Every URL path the site answers with a page, feed or file (decoded, as ASGI gives)."""
    settings = snapshot.settings
    size = settings.page_size
    paths = [home_path(), tags_path(), feeds_index_path(), opml_path(), news_sitemap_path()]
    paths += ["/" + ROBOTS, settings_path(), preferences_css_path()]
    for key in snapshot.section_tree():
        if key:
            pages = _pages(len(snapshot.section_articles(key)), size)
            paths += [section_path(key, n) for n in range(1, pages + 1)]
    for tag in snapshot.tags():
        paths += [tag_path(tag.slug, n) for n in range(1, _pages(len(tag.articles), size) + 1)]
    for article in snapshot.articles:
        page = article_path(article)
        paths.append(page)
        paths += [page + quote(name) for name in sorted(article.resources)]
    scopes = [FeedScope(), *(FeedScope(section=key) for key in snapshot.section_tree() if key)]
    scopes += [FeedScope(tag=tag.slug) for tag in snapshot.tags()]
    for scope in scopes:
        if not scope_exists(snapshot, scope):
            continue
        paths += [feed_path(scope, fmt) for fmt in FeedFormat]
        count = archives(snapshot, scope).count
        for fmt in (FeedFormat.RSS, FeedFormat.ATOM):
            paths += [archive_path(scope, fmt, n) for n in range(1, count + 1)]
    parts = math.ceil(len(sitemap_entries(snapshot)) / MAX_URLS)
    paths += [sitemap_path()] + (
        [sitemap_path(n) for n in range(1, parts + 1)] if parts > 1 else []
    )
    paths += _file_paths(settings.static_dir, "/")
    seen_assets: set[str] = set()
    for root in asset_dirs(settings):
        for path in _file_paths(root, asset_path("")):
            if path not in seen_assets:  # the site's own asset wins over the theme's
                seen_assets.add(path)
                paths.append(path)
    # Decoded, as a server hands them to the app.
    return list(dict.fromkeys(unquote(path) for path in paths))


def alias_paths(snapshot: Snapshot) -> dict[str, str]:
    """Old URL paths and the article path each now redirects to."""
    return {
        unquote(alias.rstrip("/") + "/"): article_path(article)
        for article in snapshot.articles
        for alias in article.aliases
    }


def file_for(out: Path, path: str) -> Path:
    """Where a URL path's bytes go: a path ending in ``/`` gets ``index.html``."""
    relative = path.lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    return out / relative


def build(
    site: Site,
    out: Path,
    *,
    workers: int | None = None,
    progress: bool = False,
    precompress: bool = True,
) -> Report:
    """Write the site's current snapshot into ``out``; only changed files are rewritten.

    ``precompress=False`` writes no ``.gz`` or ``.br`` copies, for hosts and CDNs that
    compress as they serve; copies an earlier build wrote are removed like any leftover.
    """
    started = time.perf_counter()
    snapshot = site.holder.current
    out.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[str, str | None]] = [(path, None) for path in site_paths(snapshot)]
    jobs += list(alias_paths(snapshot).items())
    jobs.append(("", None))  # the not-found page
    processes = workers or os.cpu_count() or 1
    global _BUILDING
    _BUILDING = _Build(site, snapshot, out, precompress)
    written = 0
    kept: list[str] = []
    failures: list[str] = []
    try:
        _share_article_work(snapshot, processes, progress)
        chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
        done = 0
        for result in _parallel(_build_chunk, chunks, processes):
            written += result.written
            kept += result.files
            failures += result.failures
            done += result.count
            _show(progress, "URLs", done, len(jobs))
    finally:
        _BUILDING = None
    if progress:
        print(file=sys.stderr)
    removed = _remove_leftovers(out, kept)
    elapsed = time.perf_counter() - started
    return Report(len(kept), written, removed, elapsed, tuple(failures))


Item = TypeVar("Item")
Result = TypeVar("Result")


def _parallel(
    work: Callable[[Item], Result], items: list[Item], processes: int
) -> Iterator[Result]:
    """``work`` done on every item, in any order, by forked workers when there are several."""
    if processes <= 1 or len(items) <= 1:
        yield from map(work, items)
        return
    # Forked workers inherit the loaded store and templates: nothing is read twice.
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        yield from pool.imap_unordered(work, items)


def _share_article_work(snapshot: Snapshot, processes: int, progress: bool) -> None:
    """Render every body and feed entry once, across workers, into the parent's caches.

    An article is on its page and in a dozen feeds and archives, which different workers
    write; without this, each worker would render most bodies again for itself.
    """
    total = len(snapshot.articles)
    if processes <= 1 or total <= CHUNK:
        return  # one process renders each body once anyway; a small site, nearly so
    spans = [(start, start + CHUNK) for start in range(0, total, CHUNK)]
    for done, (entries, bodies) in enumerate(_parallel(_prepare_articles, spans, processes), 1):
        if _overflows(snapshot.memo, entries) or _overflows(snapshot.bodies.cache, bodies):
            break  # more would push out what was shared: the writers render the rest
        for key, value, size in entries:
            snapshot.memo.put(key, value, size)
        for key, body, size in bodies:
            snapshot.bodies.cache.put(key, body, size)
        _show(progress, "articles", min(done * CHUNK, total), total)


def _overflows(cache: SizedLRU[Any], incoming: _Kept) -> bool:
    return cache.size + sum(size for _, _, size in incoming) > cache.max_size


def _show(progress: bool, what: str, done: int, total: int) -> None:
    if progress:
        line = f"building: {done}/{total} {what}"
        print(f"\r{line:<40}", end="", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class _Build:
    """What a build renders, where it writes, and whether with compressed copies."""

    site: Site
    snapshot: Snapshot
    out: Path
    precompress: bool


_BUILDING: _Build | None = None
"""The build under way, which each forked worker inherits."""


_Kept = list[tuple[Hashable, Any, int]]


def _prepare_articles(span: tuple[int, int]) -> tuple[_Kept, _Kept]:
    """Render these articles' bodies and feed entries; return what the caches gained."""
    assert _BUILDING is not None
    snapshot = _BUILDING.snapshot
    # This worker's own copies (always a forked worker: there are several spans), emptied
    # so that only this span's work is sent back.
    snapshot.memo.clear()
    snapshot.bodies.cache.clear()
    prepare_entries(snapshot, snapshot.articles[span[0] : span[1]])
    return snapshot.memo.entries(), snapshot.bodies.cache.entries()


@dataclass(frozen=True)
class _ChunkResult:
    count: int
    written: int
    files: list[str]
    failures: list[str]


def _build_chunk(jobs: list[tuple[str, str | None]]) -> _ChunkResult:
    assert _BUILDING is not None
    site, snapshot, out = _BUILDING.site, _BUILDING.snapshot, _BUILDING.out
    written, files, failures = 0, [], []
    folders: set[Path] = set()
    for path, moved_to in jobs:
        if moved_to is not None:
            rendered = Rendered(_redirect_page(snapshot, moved_to), Kind.PAGE)
            target = file_for(out, path)
        elif not path:
            rendered, target = site.not_found(snapshot), out / NOT_FOUND_FILE
        else:
            if is_personal(path):
                rendered = site.personal("GET", path, "", None, b"")
            else:
                rendered = site.answer_from(snapshot, path, keep=False)
            if rendered.status != 200:
                failures.append(f"{path}: the site answers {rendered.status}")
                continue
            target = file_for(out, path)
        if ".." in target.relative_to(out).parts:
            failures.append(f"{path}: would be written outside {out}")
            continue
        variants = [(target, rendered.body)]
        if rendered.compressible and _BUILDING.precompress:
            gz, br = target.with_name(target.name + ".gz"), target.with_name(target.name + ".br")
            # Unchanged bytes with both copies present: nothing to compress or write.
            if not (_same(target, rendered.body) and gz.exists() and br.exists()):
                variants += [(gz, rendered.gzip_body), (br, rendered.brotli_body)]
            files += [os.fspath(gz), os.fspath(br)]
        for file, body in variants:
            if not _same(file, body):
                if file.parent not in folders:
                    file.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(file.parent)
                temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp")
                temporary.write_bytes(body)
                temporary.replace(file)  # readers of the tree never see half a file
                written += 1
        files.append(os.fspath(target))
    return _ChunkResult(len(jobs), written, files, failures)


def _same(file: Path, body: bytes) -> bool:
    try:
        return file.stat().st_size == len(body) and file.read_bytes() == body
    except OSError:
        return False


def _redirect_page(snapshot: Snapshot, path: str) -> bytes:
    """A static host cannot answer 301: a page that sends browsers and crawlers on."""
    url = escape(absolute(snapshot.settings, path))
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{url}</title>'
        f'<link rel="canonical" href="{url}"><meta http-equiv="refresh" content="0; url={url}">'
        f'</head><body><p><a href="{url}">{url}</a></p></body></html>'
    ).encode()


def _pages(count: int, size: int) -> int:
    return max(1, math.ceil(count / size))


def _file_paths(root: Path, prefix: str) -> list[str]:
    if not root.is_dir():
        return []
    found = []
    for directory, folders, names in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        relative = Path(directory).relative_to(root)
        for name in sorted(names):
            if not name.startswith("."):
                found.append(prefix + quote((relative / name).as_posix()))
    return found


def _remove_leftovers(out: Path, kept: list[str]) -> int:
    """Delete what the previous build wrote and this one did not; never anything else."""
    manifest = out / MANIFEST
    previous = set(manifest.read_text().splitlines()) if manifest.is_file() else set()
    current = {os.path.relpath(file, out) for file in kept}
    removed = 0
    for name in sorted(previous - current):
        with contextlib.suppress(FileNotFoundError):
            (out / name).unlink()
            removed += 1
    manifest.write_text("".join(f"{name}\n" for name in sorted(current)))
    return removed
