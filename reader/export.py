"""``reader build``: the whole site as static files, the very bytes ``reader serve`` answers.

Every URL the snapshot has is asked of the same ``Site`` the server runs, so exported and
served bytes cannot drift. Pages are written beside precompressed ``.gz`` and ``.br``
copies (unless the host compresses as it serves), by one process per core (forked after
loading, so the store is read once), and a file whose bytes are unchanged is left alone,
so a rebuild after one edit writes little.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from urllib.parse import quote, unquote

from feeds import prepare_entries
from reader.bodies import BodyKey
from reader.buildrecord import (
    BuildRecord,
    Digests,
    forget,
    load,
    manifest_digest,
    record_path,
    rest,
    save,
    write_whole,
)
from reader.caches import SnapshotCaches
from reader.endpoints import ENDPOINTS, hugo_feeds, merged_terms
from reader.keptbodies import KeptBodies, fingerprint, kept_bodies_path
from reader.languages import variant_at, variants
from reader.lru import SizedLRU
from reader.reads import ReadName, noting
from reader.rendered import Rendered
from reader.responses import redirect_page
from reader.site import Site, is_personal
from reader.store import Snapshot
from reader.templating import theme_dir
from reader.urls import (
    ROUTES,
    Kind,
    Route,
    RouteName,
    absolute,
    article_path,
    section_path,
    variant_path,
)

MANIFEST = ".reader-build"
"""Lists the files the last build wrote, so the next one removes only its own leftovers."""
NOT_FOUND_FILE = "404.html"
"""The page a static host serves for a missing URL (nginx, Netlify, GitHub Pages, S3)."""
CHUNK = 256
SMALL_CHUNK = 8
"""The fewest jobs in a chunk (the last aside); up to this many are rendered in the parent,
where a fork would cost more than they do."""
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
    read: int = 0
    """Content files read to build it (the rest came from the on-disk index)."""
    rendered: int = 0
    """Outputs rendered: all of them, or after an edit of text alone, those that embed it."""
    incremental: bool = False
    """Whether only what the edited text is in was rendered (see ``reader.buildrecord``)."""


def site_paths(snapshot: Snapshot) -> list[str]:
    """Every URL path the site answers with a page, feed or file (decoded, as ASGI gives).

    Each route of the table lists its own instances (``reader.endpoints``); a path two
    routes both claim (a static file shadowed by a bundle's) is written once.
    """
    # Script variants are written; the reading aid is the server's alone (as search is),
    # since it would double every page of the export again.
    others = variants(snapshot.settings)
    paths = (
        variant_path(segment, route.build(params))
        for route in sorted(ROUTES, key=_export_order)
        for segment in ("", *(v.segment for v in others if v.serves(route)))
        for params in ENDPOINTS[route.name].instances(snapshot)
    )
    # Decoded, as a server hands them to the app.
    return list(dict.fromkeys(unquote(path) for path in paths))


_FEEDS_IN_ORDER = (
    RouteName.SITE_FEED,
    RouteName.SITE_ARCHIVE,
    RouteName.SECTION_FEED,
    RouteName.SECTION_ARCHIVE,
    RouteName.TAG_FEED,
    RouteName.TAG_ARCHIVE,
)
"""Feeds are written after pages, the site's first: its archives hold nearly every article
in full pages, so their entries are made in a few large batches, which the section and
keyword feeds then find made."""


def _export_order(route: Route) -> int:
    return _FEEDS_IN_ORDER.index(route.name) + 1 if route.name in _FEEDS_IN_ORDER else 0


def _as_written(alias: str) -> str:
    """An old address as a static host serves it: a folder's ends in ``/`` (its
    ``index.html``), a file's does not (Hugo's uglyURLs ``/about.html``, written as that
    file and mapped without a slash, which nginx's ``$uri`` would not match)."""
    trimmed = alias.rstrip("/")
    last = trimmed.rsplit("/", 1)[-1].lower()
    return trimmed if last.endswith((".html", ".htm")) else trimmed + "/"


def alias_paths(snapshot: Snapshot) -> dict[str, str]:
    """Old URL paths and the article (or section) path each now redirects to."""
    moved = {
        unquote(_as_written(alias)): section_path(section.key)
        for section in snapshot.sections.values()
        for alias in section.aliases
    }
    moved |= {unquote(old): new for old, new in merged_terms(snapshot).items() if old.endswith("/")}
    moved |= {
        unquote(_as_written(alias)): article_path(article)
        for article in (*snapshot.articles, *snapshot.pages)
        for alias in article.aliases
    }
    # Each script variant has the same old addresses, moved within it.
    return moved | {
        variant_path(variant.segment, old): variant_path(variant.segment, new)
        for variant in variants(snapshot.settings)
        for old, new in moved.items()
    }


REDIRECTS_FILE = "_redirects"
"""Old addresses and where they moved, for hosts that read Netlify's format (Netlify,
Cloudflare Pages): ``/old/ /new/ 301`` a line."""
NGINX_QUERY_REDIRECTS_FILE = "redirects-query.map"
"""Old addresses with a query (WordPress's ``/?p=123``), for ``map $request_uri``."""
NGINX_REDIRECTS_FILE = "redirects.map"
"""The same for nginx, to include in a ``map $uri $moved { ... }`` block (docs/deploy.md)."""


def _redirect_maps(moved: dict[str, str], prefix: str) -> list[tuple[str, str]]:
    """The redirect maps to write beside the redirect pages, paths under the base path
    ``prefix`` (decoded): each file's name and text."""
    if not moved:
        return []
    pairs = sorted((prefix + old, quote(prefix, safe="/") + new) for old, new in moved.items())
    paths = [(old, new) for old, new in pairs if "?" not in old]
    queries = [(old, new) for old, new in pairs if "?" in old]
    netlify = "".join(f"{quote(old, safe='/')} {new} 301\n" for old, new in paths)
    # Netlify matches a query by its parameters: "/ p=123 /new/ 301".
    netlify += "".join(
        f"{quote(old.partition('?')[0] or '/', safe='/')} {old.partition('?')[2]} {new} 301\n"
        for old, new in queries
    )
    # nginx compares with the decoded $uri: the old path as written, in quotes.
    nginx = "".join(f'"{_nginx_escaped(old)}" {new};\n' for old, new in paths)
    # ... and a query with $request_uri, as it was sent.
    nginx_queries = "".join(f'"{_nginx_escaped(old)}" {new};\n' for old, new in queries)
    maps = [(REDIRECTS_FILE, netlify), (NGINX_REDIRECTS_FILE, nginx)]
    if queries:
        maps.append((NGINX_QUERY_REDIRECTS_FILE, nginx_queries))
    return maps


def _write_redirect_maps(out: Path, maps: list[tuple[str, str]]) -> list[str]:
    """Write the redirect maps, each whole (a map cut short is a broken server config);
    their names, to keep them."""
    for name, text in maps:
        data = text.encode()
        if not _same(out / name, data):
            write_whole(out / name, data)
    return [name for name, _ in maps]


def _nginx_escaped(path: str) -> str:
    return path.replace("\\", "\\\\").replace('"', '\\"')


def written_name(path: str) -> str:
    """The name of a URL path's file within the output, as the manifest lists it: a path
    ending in ``/`` gets ``index.html``."""
    relative = path.lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    if "//" in relative or "/." in relative or relative.startswith("."):
        relative = str(PurePosixPath(relative))  # as pathlib spells it: "a//./b" is "a/b"
    return relative


def build(
    site: Site,
    out: Path,
    *,
    workers: int | None = None,
    progress: bool = False,
    precompress: bool = True,
    companions: Sequence[Site] = (),
    full: bool = False,
) -> Report:
    """Write the site's current snapshot into ``out``; only changed files are rewritten.

    ``precompress=False`` writes no ``.gz`` or ``.br`` copies, for hosts and CDNs that
    compress as they serve; copies an earlier build wrote are removed like any leftover.
    ``companions`` are the other languages of a multilingual site, whose pages this one's
    pages name. When the previous build's record (``reader.buildrecord``) finds only
    articles' text changed since, only the outputs that embed those articles are rendered
    (unless ``full``).
    """
    started = time.perf_counter()
    # A static host has no server to make them later: the lead images are resized first.
    site.renditions.make(site.holder.current.articles)
    snapshot, caches = site.holder.state.snapshot, site.holder.state.caches
    out.mkdir(parents=True, exist_ok=True)
    record_file = record_path(site.index_path) if site.index_path else None
    others = [other.holder.current for other in companions]
    now = _Record(record_file, snapshot, others, out, precompress) if record_file else None
    previous = now.previous() if now is not None and not full else None
    if now is not None:
        forget(now.file)  # a build stopped half way leaves none: the next renders everything
    kept = KeptBodies(kept_bodies_path(now.file), fingerprint(now.rest)) if now else None
    processes = workers or os.cpu_count() or 1
    global _BUILDING
    _BUILDING = _Build(site, snapshot, caches, out, precompress)
    snapshot.bodies.fresh = {} if kept is not None else None
    try:
        if previous is not None:
            assert now is not None and kept is not None
            outcome = _build_changed(previous, now, out, processes, progress, kept)
        else:
            outcome = _build_all(snapshot, caches, out, processes, progress)
        outcome.bodies.update(snapshot.bodies.take_fresh())
    finally:
        _BUILDING = None
        snapshot.bodies.fresh = None
    if progress:
        print(file=sys.stderr)
    if now is not None:
        if outcome.failures:
            forget(now.file)  # the next build renders everything again
        else:
            now.save(outcome, previous)
    if kept is not None:
        kept.keep(outcome.bodies)
        kept.close()
    elapsed = time.perf_counter() - started
    read = len(site.holder.catalog.read)
    return Report(
        outcome.files,
        outcome.written,
        outcome.removed,
        elapsed,
        tuple(outcome.failures),
        read,
        outcome.rendered,
        previous is not None,
    )


@dataclass
class _Outcome:
    """What the rendering part of a build did."""

    files: int
    written: int
    removed: int
    rendered: int
    failures: list[str]
    paths: list[str]
    """Every output's URL path (the not-found page and redirects aside)."""
    reads: dict[str, tuple[ReadName, ...]]
    """The outputs rendered, and what each read of the snapshot."""
    moved: dict[str, str]
    """The redirect pages: each old path and where it leads."""
    bodies: dict[BodyKey, str] = field(default_factory=dict)
    """The bodies rendered, for the next build (``reader.keptbodies``)."""
    listed: bool = True
    """Whether the manifest was written again (not when the same outputs were kept)."""


def _build_all(
    snapshot: Snapshot, caches: SnapshotCaches, out: Path, processes: int, progress: bool
) -> _Outcome:
    """Render and write every output, the redirects and their maps; remove leftovers."""
    paths, redirects, maps = _outputs(snapshot, out)
    jobs: list[tuple[str, str | None]] = [(path, None) for path in paths]
    jobs += list(redirects.items())
    _share_article_work(snapshot, caches, processes, progress)
    return _write(snapshot, out, (paths, redirects, maps), jobs, [], processes, progress)


def _write(
    snapshot: Snapshot,
    out: Path,
    outputs: tuple[list[str], dict[str, str], dict[str, str]],
    jobs: list[tuple[str, str | None]],
    kept: list[str],
    processes: int,
    progress: bool,
) -> _Outcome:
    """Render and write ``jobs`` and the not-found page, write the redirect maps, and
    remove every file but those and the ``kept`` files (names) an earlier build wrote."""
    paths, redirects, maps = outputs
    redirect_maps = _redirect_maps(maps, unquote(snapshot.settings.base_path))
    assert _BUILDING is not None
    copies = (".gz", ".br") if _BUILDING.precompress else ()
    rendered = [written_name(path) for path, _ in jobs] + [NOT_FOUND_FILE]
    others = [name for name, _ in redirect_maps]
    listed = _listed_ahead(out, _listed(out), rendered, copies, others)
    _clear_the_way(out, rendered, listed)
    result = _render([*jobs, ("", None)], processes, progress)
    kept = result.files + kept
    kept += _write_redirect_maps(out, redirect_maps)
    removed = _remove_leftovers(out, listed, kept)
    return _Outcome(
        len(kept),
        result.written,
        removed,
        len(jobs),
        result.failures,
        paths,
        result.reads,
        redirects,
        result.bodies,
    )


def _outputs(snapshot: Snapshot, out: Path) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """The site's outputs: the paths of its pages, feeds and files; the redirect pages
    to write (old path to new); and every redirect the maps hold."""
    paths = site_paths(snapshot)
    # As the server does, a page at an alias's address wins: its redirect is not written.
    taken = {written_name(path) for path in paths}
    aliases = alias_paths(snapshot)
    # An old address with a query (WordPress's /?p=123) is no file: it goes in the maps only.
    redirects = {
        old: new
        for old, new in aliases.items()
        if "?" not in old and written_name(old) not in taken
    }
    maps = dict(redirects)
    maps |= {old.rstrip("/"): new for old, new in aliases.items() if "?" in old}
    # Hugo's feed addresses go in the maps only: a page there would be HTML where a feed
    # reader wants a feed, so a static host answers them only if it reads the maps.
    # The maps take old paths decoded, as aliases are written (a Chinese section's too).
    feeds_moved = {**hugo_feeds(snapshot), **merged_terms(snapshot)}
    maps |= {
        unquote(old): new
        for old, new in feeds_moved.items()
        if not old.endswith("/") and unquote(old) not in maps
    }
    return paths, redirects, maps


def _build_changed(
    previous: BuildRecord,
    now: _Record,
    out: Path,
    processes: int,
    progress: bool,
    kept_bodies: KeptBodies,
) -> _Outcome:
    """Render again only the outputs that read something that changed, and the new ones
    (all else is as the previous build left it, which the record vouches for)."""
    changed = now.digests.changed(previous, now.placement == previous.placement)
    stale = []
    embedded: set[int] = set()
    for path, read in zip(previous.paths, previous.reads, strict=True):
        if not changed.isdisjoint(read):
            stale.append(path)
            embedded.update(read)
    snapshot = now.digests.snapshot
    names = (previous.names[number] for number in embedded)
    _adopt_kept_bodies(snapshot, kept_bodies, names)
    if now.placement == previous.placement:
        # Every article where it was, as it was placed: the same outputs and redirects.
        stale.sort(key=lambda path: _family(snapshot, path))
        jobs: list[tuple[str, str | None]] = [(path, None) for path in stale]
        result = _render([*jobs, ("", None)], processes, progress)
        files = now.manifest.read_bytes().count(b"\n")  # a name a line
        paths, moved = list(previous.paths), dict(previous.moved)
        return _Outcome(
            files,
            result.written,
            0,
            len(jobs),
            result.failures,
            paths,
            result.reads,
            moved,
            result.bodies,
            listed=False,
        )
    outputs = _outputs(snapshot, out)
    paths, redirects, _ = outputs
    current, before = set(paths), set(previous.paths)
    fresh = [path for path in paths if path not in before]
    jobs = [(path, None) for path in (*(p for p in stale if p in current), *fresh)]
    jobs += [(old, new) for old, new in redirects.items() if previous.moved.get(old) != new]
    done = {path for path, _ in jobs}
    untouched = [path for path in (*paths, *redirects) if path not in done]
    kept = _files_kept(untouched, now.manifest)
    return _write(snapshot, out, outputs, jobs, kept, processes, progress)


def _adopt_kept_bodies(snapshot: Snapshot, kept: KeptBodies, names: Iterable[ReadName]) -> None:
    """Give the snapshot the kept bodies of the articles these names embed, at their
    versions now, before the workers fork: they render only the others."""
    wanted = []
    for name in names:
        if name[0] == "body" and isinstance(key := name[-1], tuple):
            article = snapshot.article(key)
            if article is not None:
                wanted.append((article.file, article.stamp))
    snapshot.bodies.adopt(kept.find(wanted))


def _family(snapshot: Snapshot, path: str) -> tuple[str, str]:
    """What outputs that embed the same bodies share: a page and its script variants, a
    list's feeds in each format, an archive page's. Sorted by it, an incremental build's
    jobs reach its workers together, and a body not kept from the build before is
    rendered by one of them (at 10,000 articles, one text edit's workers rendered 154
    bodies for 116 before, 131 after)."""
    variant = variant_at(snapshot.settings, path)
    folder, _, name = (variant[1] if variant else path).rpartition("/")
    archive = _ARCHIVE_NUMBER.search(name)
    return folder, archive.group(1) if archive else ""


_ARCHIVE_NUMBER = re.compile(r"-archive-(\d+)\.")


def _files_kept(paths: Iterable[str], manifest: Path) -> list[str]:
    """The names of the files the previous build wrote for outputs not rendered again
    (each with its compressed copies, if it had them)."""
    listed = set(manifest.read_text().splitlines())
    kept = []
    for path in paths:
        name = written_name(path)
        kept += [name + suffix for suffix in ("", ".gz", ".br") if name + suffix in listed]
    return kept


@dataclass
class _Rendered:
    written: int
    files: list[str]
    failures: list[str]
    reads: dict[str, tuple[ReadName, ...]]
    bodies: dict[BodyKey, str]


def _render(jobs: list[tuple[str, str | None]], processes: int, progress: bool) -> _Rendered:
    """Render and write these outputs, by forked workers when there are several."""
    done = 0
    rendered = _Rendered(0, [], [], {}, {})
    # A few dozen jobs (an incremental build's) are still shared between the workers:
    # each output takes milliseconds, a fork of the loaded process about as much.
    size = min(CHUNK, max(SMALL_CHUNK, -(-len(jobs) // processes)))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    for result in _parallel(_build_chunk, chunks, processes):
        rendered.written += result.written
        rendered.files += result.files
        rendered.failures += result.failures
        rendered.reads.update(result.reads)
        rendered.bodies.update(result.bodies)
        done += result.count
        _show(progress, "URLs", done, len(jobs))
    return rendered


class _Record:
    """This build's side of the record: what it would vouch for, and the one before."""

    def __init__(
        self,
        file: Path,
        snapshot: Snapshot,
        companions: Sequence[Snapshot],
        out: Path,
        precompress: bool,
    ) -> None:
        self.file = file
        self.out = os.fspath(out.resolve())
        self.precompress = precompress
        self.manifest = out / MANIFEST
        outside = (out.resolve(), out)
        self.rest = rest(snapshot, _theme_folders(), outside, companions)
        self._previous = self._load_previous()
        self.digests = Digests(snapshot, self._previous.fronts if self._previous else None)
        self.placement = self.digests.placement()

    def previous(self) -> BuildRecord | None:
        """The previous build's record, if this build may start from what it left."""
        return self._previous

    def _load_previous(self) -> BuildRecord | None:
        found = load(self.file)
        self._manifest_found = manifest_digest(self.manifest)
        if (
            found is None
            or found.out != self.out
            or found.precompress != self.precompress
            or found.rest != self.rest
            or found.manifest != self._manifest_found
        ):
            return None
        return found

    def save(self, outcome: _Outcome, previous: BuildRecord | None) -> None:
        """Record this build: what its outputs read, those rendered now over the others."""
        names: dict[ReadName, int] = {}
        if previous is not None:
            # The previous numbering stays, so an output not rendered again keeps its
            # reads as they are; names no output reads any more are dropped below.
            names = {name: number for number, name in enumerate(previous.names)}
        known = len(names)

        def numbered(read: tuple[ReadName, ...]) -> tuple[int, ...]:
            return tuple(names.setdefault(name, len(names)) for name in read)

        rendered = outcome.reads
        same_layout = False
        if previous is not None and tuple(outcome.paths) == previous.paths:
            # The usual rebuild: the same outputs, a few of them rendered again.
            reads = list(previous.reads)
            number_of = {path: number for number, path in enumerate(previous.paths)}
            same_layout = outcome.moved == previous.moved
            for path, read in rendered.items():
                if path in number_of:
                    number = number_of[path]
                    reads[number] = numbered(read)
                    # Read in another order (a body found kept, or made): the same reads.
                    same = set(reads[number]) == set(previous.reads[number])
                    same_layout = same_layout and same
            same_layout = same_layout and len(names) == known
        else:
            before = dict(zip(previous.paths, previous.reads, strict=True)) if previous else {}
            reads = [
                numbered(rendered[path]) if path in rendered else before.get(path, ())
                for path in outcome.paths
            ]
        listed = tuple(names)
        digests = self.digests.of_names(listed)
        # Names fall out of use only as others come in: looked for only then.
        if len(names) > known or previous is None:
            used = set().union(*reads)
            if len(used) < len(listed) * 3 // 4:
                kept = sorted(used)
                renumbered = {old: new for new, old in enumerate(kept)}
                listed = tuple(listed[number] for number in kept)
                digests = [digests[number] for number in kept]
                reads = [tuple(renumbered[number] for number in read) for read in reads]
        record = BuildRecord(
            self.out,
            self.precompress,
            self.rest,
            self.placement,
            manifest_digest(self.manifest) if outcome.listed else self._manifest_found,
            listed,
            tuple(digests),
            previous.paths if same_layout and previous else tuple(outcome.paths),
            previous.reads if same_layout and previous else tuple(reads),
            outcome.moved,
            self.digests.kept,
            previous.layout if previous else "",
        )
        # After a text edit, the outputs read what they read before: only the digests and
        # fronts are written (at 100,000 articles, 20 MB of the record's 61).
        save(self.file, record, same_layout=same_layout)


def _theme_folders() -> tuple[Path, ...]:
    """The bundled theme and interface catalogues, which every output depends on too."""
    return (theme_dir(), Path(__file__).parent / "locale")


Item = TypeVar("Item")
Value = TypeVar("Value")
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


def _share_article_work(
    snapshot: Snapshot, caches: SnapshotCaches, processes: int, progress: bool
) -> None:
    """Render every body and feed entry once, across workers, into the parent's caches.

    An article is on its page and in a dozen feeds and archives, which different workers
    write; without this, each worker would render most bodies again for itself.
    """
    total = len(snapshot.articles)
    if processes <= 1 or total <= CHUNK:
        return  # one process renders each body once anyway; a small site, nearly so
    spans = [(start, start + CHUNK) for start in range(0, total, CHUNK)]
    prepared = _parallel(_prepare_articles, spans, processes)
    for done, (entries, entry_html, bodies, following) in enumerate(prepared, 1):
        sized: _Kept[str] = [(key, html, sys.getsizeof(html)) for key, html in bodies.items()]
        pairs: list[tuple[SizedLRU[Any], _Kept[Any]]] = [
            (caches.feeds.entries, entries),
            (caches.feeds.entry_html, entry_html),
            (snapshot.bodies.cache, sized),
        ]
        if any(_overflows(cache, made) for cache, made in pairs):
            break  # more would push out what was shared: the writers render the rest
        for cache, made in pairs[:2]:
            for key, value, size in made:
                cache.put(key, value, size)
        # The entries of bodies that link other content files are shared too: the writers
        # must know those bodies for what they are, to note that they depend on the files.
        snapshot.bodies.adopt(bodies, following)
        if snapshot.bodies.fresh is not None:
            snapshot.bodies.fresh.update(bodies)  # kept for the next build, as if made here
        _show(progress, "articles", min(done * CHUNK, total), total)


def _overflows(cache: SizedLRU[Any], incoming: _Kept[Any]) -> bool:
    # Sizes as the caller states them, without keys: near enough to stop well before.
    return cache.size + sum(size for _, _, size in incoming) > cache.max_size * 0.9


def _show(progress: bool, what: str, done: int, total: int) -> None:
    if progress:
        line = f"building: {done}/{total} {what}"
        print(f"\r{line:<40}", end="", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class _Build:
    """What a build renders, where it writes, and whether with compressed copies."""

    site: Site
    snapshot: Snapshot
    caches: SnapshotCaches
    out: Path
    precompress: bool


_BUILDING: _Build | None = None
"""The build under way, which each forked worker inherits."""


_Kept = list[tuple[Hashable, Value, int]]


def _prepare_articles(
    span: tuple[int, int],
) -> tuple[_Kept[bytes], _Kept[str], dict[BodyKey, str], dict[str, tuple[int, int]]]:
    """Render these articles' bodies and feed entries; return what the caches gained."""
    assert _BUILDING is not None
    snapshot, feeds = _BUILDING.snapshot, _BUILDING.caches.feeds
    # This worker's own copies (always a forked worker: there are several spans), emptied
    # so that only this span's work is sent back.
    feeds.entries.clear()
    feeds.entry_html.clear()
    snapshot.bodies.fresh = {}  # only bodies rendered from their files' versions are sent
    prepare_entries(snapshot, snapshot.articles[span[0] : span[1]], feeds)
    bodies = snapshot.bodies
    return (
        feeds.entries.entries(),
        feeds.entry_html.entries(),
        bodies.take_fresh(),
        bodies.following(),
    )


@dataclass(frozen=True)
class _ChunkResult:
    count: int
    written: int
    files: list[str]
    failures: list[str]
    reads: dict[str, tuple[ReadName, ...]]
    bodies: dict[BodyKey, str]


def _build_chunk(jobs: list[tuple[str, str | None]]) -> _ChunkResult:
    assert _BUILDING is not None
    site, snapshot, out = _BUILDING.site, _BUILDING.snapshot, _BUILDING.out
    caches = _BUILDING.caches
    written, files, failures = 0, [], []
    reads: dict[str, tuple[ReadName, ...]] = {}
    folders: set[Path] = set()
    for path, moved_to in jobs:
        if moved_to is not None:
            page = redirect_page(absolute(snapshot.settings, moved_to))
            rendered = Rendered(page, Kind.PAGE)
            name = written_name(path)
        elif not path:
            rendered, name = site.not_found(snapshot, caches), NOT_FOUND_FILE
        else:
            try:
                with noting() as noted:
                    if is_personal(path):
                        rendered = site.personal(path, "", None, None)
                    else:
                        rendered = site.answer_from(snapshot, path, caches=caches, keep=False)
            except Exception as error:  # a defect on one page: reported, the rest built
                failures.append(f"{path}: could not be made ({type(error).__name__}: {error})")
                continue
            if noted:
                reads[path] = tuple(noted)
            if rendered.file is not None and not rendered.body:
                rendered = replace(rendered, body=rendered.file.read_bytes())
            if rendered.status != 200:
                failures.append(f"{path}: the site answers {rendered.status}")
                continue
            name = written_name(path)
        if ".." in name.split("/"):
            failures.append(f"{path}: would be written outside {out}")
            continue
        target = out / name
        unchanged = _same(target, rendered.body)
        writes = [] if unchanged else [(target, rendered.body)]
        if rendered.compressible and _BUILDING.precompress:
            gz, br = target.with_name(target.name + ".gz"), target.with_name(target.name + ".br")
            # Other bytes compress to other bytes: a changed page's copies are written
            # unread; an unchanged page's only when missing.
            if not unchanged or not gz.exists():
                writes.append((gz, rendered.gzip_body))
            if not unchanged or not br.exists():
                writes.append((br, rendered.brotli_body))
            files += [name + ".gz", name + ".br"]
        for file, body in writes:
            if file.parent not in folders:
                file.parent.mkdir(parents=True, exist_ok=True)
                folders.add(file.parent)
            write_whole(file, body)  # readers of the tree never see half a file
            written += 1
        files.append(name)
    bodies = snapshot.bodies.take_fresh()
    return _ChunkResult(len(jobs), written, files, failures, reads, bodies)


def _same(file: Path, body: bytes) -> bool:
    try:
        return file.stat().st_size == len(body) and file.read_bytes() == body
    except OSError:
        return False


def _listed(out: Path) -> set[str]:
    """The files the manifest says builds wrote in ``out`` (none without one)."""
    manifest = out / MANIFEST
    return set(manifest.read_text().splitlines()) if manifest.is_file() else set()


def _listed_ahead(
    out: Path, listed: set[str], rendered: list[str], copies: tuple[str, ...], others: list[str]
) -> set[str]:
    """The manifest's files and, added to it before they are written, those a build is
    about to write: the ``rendered`` outputs with their compressed ``copies``, and the
    ``others``. A build stopped half way (a full disk, Ctrl-C) leaves none unlisted, and
    the next one removes what it no longer makes, an article unpublished meanwhile too."""
    # An output listed with its first copy is listed whole; one too small to compress
    # stays new, and costs a write of the manifest before it (rare, and safe).
    first = copies[0] if copies else ""
    new = {name for name in others if name not in listed}
    for name in rendered:
        if name not in listed or name + first not in listed:
            new.update([name, *(name + copy for copy in copies)])
    if not new:
        return listed
    listed = listed | new
    write_whole(out / MANIFEST, "".join(f"{name}\n" for name in sorted(listed)).encode())
    return listed


def _clear_the_way(out: Path, names: list[str], listed: set[str]) -> None:
    """Take away an earlier build's folder where this one writes a file of its name: an
    old address once written as a folder (``about.html/index.html``), now the file Hugo
    wrote (``about.html``). Only the files earlier builds listed go, and the folders they
    leave empty; anything else stays, and the write there fails with its reason."""
    for name in names:
        if not name.endswith((".html", ".htm")) or name.endswith("/index.html"):
            continue  # a page's own file (a file's name only when it names a file)
        folder = out / name
        if not folder.is_dir():
            continue
        for inside in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            relative = inside.relative_to(out).as_posix()
            if inside.is_file() and relative in listed:
                inside.unlink()
            elif inside.is_dir():
                with contextlib.suppress(OSError):
                    inside.rmdir()
        with contextlib.suppress(OSError):
            folder.rmdir()


def _remove_leftovers(out: Path, previous: set[str], kept: list[str]) -> int:
    """Delete what earlier builds wrote (``previous``, the manifest's files) and this one
    did not (``kept``: the names of the files it wrote or kept); never anything else."""
    current = set(kept)
    removed = 0
    emptied: set[Path] = set()
    for name in sorted(previous - current):
        file = out / name
        # Gone already, or its folder is now a file of this build (``_clear_the_way``).
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            file.unlink()
            removed += 1
        emptied.add(file.parent)
    # The folders those files leave empty go too, as a build from scratch has none: at a
    # gone page's address, an empty folder answers 403 on nginx rather than 404.
    for folder in sorted(emptied, key=lambda folder: len(folder.parts), reverse=True):
        while folder != out and folder.is_relative_to(out):
            try:
                folder.rmdir()
            except OSError:  # not empty (or gone already)
                break
            folder = folder.parent
    write_whole(out / MANIFEST, "".join(f"{name}\n" for name in sorted(current)).encode())
    return removed
