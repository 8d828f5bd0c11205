"""create_app(settings): the route table, the per-snapshot response cache, the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import mimetypes
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode

from jinja2 import Environment
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from feeds import build_archive, build_feed, scope_exists
from feeds.opml import build_opml
from reader import api, oembed, reading, sitemap, views
from reader.config import Settings, load_settings
from reader.headers import POLICIES, Kind, Rendered, preference_cookie, reply
from reader.index import DiskIndex
from reader.live import Clock, Reloader, load_site, log_problems, utc_now
from reader.loader import ParseCache
from reader.lru import SizedLRU
from reader.store import Snapshot, SnapshotHolder
from reader.templating import asset_dirs, make_environment
from reader.urls import (
    FeedScope,
    Target,
    absolute,
    article_path,
    is_personal,
    preferences_css_path,
    resolve,
)
from reader.websub import Notifier

MAX_CACHED_BYTES = 256 * 1024
"""Larger bodies (photos in page bundles) are read from disk each time, not held in memory."""
SHARED_ENTRY_BYTES = 200
"""What a cache entry pointing at an already cached answer costs: the key and the slot."""
MAX_DATED_URLS = 200_000
"""How many URLs' first-served times are remembered for Last-Modified."""


class Site:
    """The running site: settings, templates and the snapshot holder, answering paths."""

    def __init__(
        self, settings: Settings, clock: Clock = utc_now, index_path: Path | None = None
    ) -> None:
        self.settings = settings
        self.environment: Environment = make_environment(settings)
        cache = ParseCache(settings)
        index = DiskIndex(index_path, settings) if index_path is not None else None
        self.restored = index is not None and index.restore(cache)
        """Whether the first snapshot came from the on-disk index, with files unchecked."""
        # From the index, no file is opened or even looked at: the check comes just after.
        snapshot, catalog = load_site(settings, clock(), cache, () if self.restored else None)
        log_problems(catalog.problems)
        self.holder = SnapshotHolder(snapshot, catalog)
        self.reloader = Reloader(settings, self.holder, clock, cache, index)
        self.notifier: Notifier | None = None
        if settings.hub:
            self.notifier = Notifier(
                settings.hub, lambda snap, path: self.answer_from(snap, path).etag
            )
            self.reloader.listeners.append(self.notifier.snapshot_changed)
        # URL -> (ETag, first served): Last-Modified moves only when a URL's bytes change.
        # Bounded: a forgotten URL restarts from its snapshot's time, later than any change.
        self._first_served: SizedLRU[tuple[str, datetime]] = SizedLRU(MAX_DATED_URLS)

    def answer(self, path: str, query: str = "") -> Rendered:
        """The response for a decoded path and raw query, from one snapshot, cached with it."""
        return self.answer_from(self.holder.current, path, query)

    def answer_from(
        self, snapshot: Snapshot, path: str, query: str = "", *, keep: bool = True
    ) -> Rendered:
        """The response a given snapshot gives; cacheable answers are kept with it.

        ``keep=False`` is for a static build, which asks for each path once: keeping the
        page would only push out the bodies and feed entries that other pages reuse, and
        its files carry no Last-Modified, so none is worked out.
        """
        # The hot path: a page, feed or 404 already rendered is one lookup by path.
        cached: Rendered | None = snapshot.memo.get(path)
        if cached is not None:
            return cached
        target = resolve(path)
        key: object = path
        if target.kind in _QUERY_KINDS:
            key = (path, _normal_query(query))
            answered: Rendered | None = snapshot.memo.get(key)
            if answered is not None:
                return answered
        rendered = self._render(snapshot, target, query)
        if keep and rendered.status in (200, 301):
            rendered = replace(rendered, modified=self._modified(key, rendered, snapshot))
        if keep and len(rendered.body) <= MAX_CACHED_BYTES:
            # Every unknown path shares one not-found page: a scanner trying a million
            # paths costs a small entry each, and cannot push real pages out.
            shared = rendered is snapshot.memo.get(_NOT_FOUND)
            snapshot.memo.put(key, rendered, SHARED_ENTRY_BYTES if shared else rendered.memory)
        return rendered

    def personal(
        self, method: str, path: str, query: str, cookie: str | None, body: bytes
    ) -> Rendered:
        """A reader's own settings page or stylesheet, or the saving of their settings."""
        snapshot = self.holder.current
        if path == preferences_css_path():
            css = reading.stylesheet(reading.from_cookie_header(cookie)).encode()
            return Rendered(css, Kind.PERSONAL, media_type=POLICIES[Kind.CSS].content_type)
        if method == "POST":
            chosen, back = reading.from_form(body)
            secure = self.settings.base_url.startswith("https:")
            return Rendered(
                b"",
                Kind.PERSONAL,
                status=303,
                location=absolute(self.settings, back),
                cookie=preference_cookie(reading.COOKIE, chosen.cookie_value, secure=secure),
            )
        back = reading.safe_return_path(dict(parse_qsl(query)).get("back"))
        preferences = reading.from_cookie_header(cookie)
        return views.settings_page(snapshot, self.environment, preferences, back)

    def _modified(self, key: object, rendered: Rendered, snapshot: Snapshot) -> datetime:
        # The time a snapshot was built is after every change it holds, so a new body's
        # Last-Modified is later than any value sent for the old one, even after a restart;
        # an unchanged body keeps its date, so If-Modified-Since keeps matching. HTTP dates
        # count whole seconds, and libcurl-based readers (newsboat) discard a 200 whose
        # Last-Modified is not newer than theirs, so a change always moves it a second on.
        known = self._first_served.get(key)
        if known is not None and known[0] == rendered.etag:
            return known[1]
        since = snapshot.built_at.replace(microsecond=0)
        if known is not None and since <= known[1]:
            since = known[1] + timedelta(seconds=1)
        self._first_served.put(key, (rendered.etag, since), 1)
        return since

    def _render(self, snapshot: Snapshot, target: Target, query: str) -> Rendered:
        handler = self._handlers[target.kind]
        rendered = handler(self, snapshot, target, query)
        if rendered is None:
            return self.not_found(snapshot)
        return rendered

    def not_found(self, snapshot: Snapshot) -> Rendered:
        """The not-found page, rendered once per snapshot."""
        cached: Rendered | None = snapshot.memo.get(_NOT_FOUND)
        if cached is None:
            cached = views.not_found_page(snapshot, self.environment)
            snapshot.memo.put(_NOT_FOUND, cached, cached.memory)
        return cached

    def _home(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        return views.home_page(snapshot, self.environment)

    def _content(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        """A section, an article, a bundle file, a content or static file, or an alias."""
        key = target.segments
        article = snapshot.article(key) if target.page == 1 else None
        section = snapshot.section(key)
        if target.canonical is not None and (article or section):
            return views.redirect(snapshot, target.canonical)
        if article is not None:
            return views.article_page(snapshot, self.environment, article)
        if section is not None:
            return views.section_page(snapshot, self.environment, section, target.page)
        if target.page == 1:
            found = self._file(snapshot, key)
            if found is not None:
                return found
        moved = snapshot.alias_target("/" + "/".join(key))
        if moved is not None:
            return views.redirect(snapshot, article_path(moved))
        return None

    def _file(self, snapshot: Snapshot, key: tuple[str, ...]) -> Rendered | None:
        if len(key) >= 2:
            for depth in range(len(key) - 1, 0, -1):
                owner = snapshot.article(key[:depth])
                if owner is not None and owner.bundle_dir is not None:
                    name = "/".join(key[depth:])
                    if name in owner.resources:
                        return _file_response(owner.bundle_dir / name)
        found = _safe_join(self.settings.static_dir, key)
        return _file_response(found) if found is not None else None

    def _tags(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        if target.canonical is not None:
            return views.redirect(snapshot, target.canonical)
        return views.tags_index_page(snapshot, self.environment)

    def _tag(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        assert target.tag is not None
        if target.canonical is not None:
            return views.redirect(snapshot, target.canonical) if snapshot.tag(target.tag) else None
        return views.tag_page(snapshot, self.environment, target.tag, target.page)

    def _feed(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        assert target.feed is not None
        scope = FeedScope(section=target.segments if target.tag is None else None, tag=target.tag)
        if not scope_exists(snapshot, scope):
            return None
        media_type = target.feed.media_type + "; charset=utf-8"
        if target.kind == "archive":
            body = build_archive(snapshot, scope, target.feed, target.number)
            return Rendered(body, Kind.ARCHIVE, media_type=media_type) if body else None
        return Rendered(build_feed(snapshot, scope, target.feed), Kind.FEED, media_type=media_type)

    def _feeds_index(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        if target.canonical is not None:
            return views.redirect(snapshot, target.canonical)
        return views.feeds_page(snapshot, self.environment)

    def _personal(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        # Answered by personal(); only a misspelling of the settings page gets here.
        return views.redirect(snapshot, target.canonical) if target.canonical else None

    def _opml(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        return Rendered(build_opml(snapshot), Kind.OPML)

    def _sitemap(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        body = sitemap.build_sitemap(snapshot, target.number or None)
        return Rendered(body, Kind.SITEMAP) if body is not None else None

    def _news_sitemap(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        return Rendered(sitemap.build_news_sitemap(snapshot), Kind.SITEMAP)

    def _robots(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        # A site that writes its own robots.txt (as Hugo sites do, in static/) keeps it.
        own = _safe_join(self.settings.static_dir, ("robots.txt",))
        if own is not None:
            return _file_response(own)
        return Rendered(sitemap.build_robots(snapshot), Kind.TEXT)

    def _api_articles(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        answer = api.article_list(snapshot, query)
        return Rendered(answer.body, Kind.API, status=answer.status, links=answer.links)

    def _api_article(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        answer = api.one_article(snapshot, target.segments[0])
        return Rendered(answer.body, Kind.API, status=answer.status)

    def _oembed(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        status, body = oembed.answer(snapshot, query)
        return Rendered(body, Kind.API, status=status)

    def _asset(self, snapshot: Snapshot, target: Target, query: str) -> Rendered | None:
        for root in asset_dirs(self.settings):
            found = _safe_join(root, target.segments)
            if found is not None:
                return _file_response(found)
        return None

    _handlers: ClassVar[dict[str, Callable[[Site, Snapshot, Target, str], Rendered | None]]] = {
        "home": _home,
        "content": _content,
        "tags": _tags,
        "tag": _tag,
        "feed": _feed,
        "archive": _feed,
        "feeds": _feeds_index,
        "settings": _personal,
        "preferences_css": _personal,
        "opml": _opml,
        "sitemap": _sitemap,
        "sitemap_part": _sitemap,
        "news_sitemap": _news_sitemap,
        "robots": _robots,
        "api_articles": _api_articles,
        "api_article": _api_article,
        "oembed": _oembed,
        "asset": _asset,
    }


_QUERY_KINDS = frozenset({"api_articles", "oembed"})
"""Targets whose answer depends on the query string; every other target ignores it."""


def _normal_query(query: str) -> str:
    return urlencode(sorted(parse_qsl(query, keep_blank_values=True)))


_NOT_FOUND = ("not-found",)


def _safe_join(root: Path, parts: tuple[str, ...]) -> Path | None:
    """A file below ``root`` named by URL segments, refusing anything that escapes it."""
    if not parts or any(p in ("", ".", "..") or p.startswith(".") or "\\" in p for p in parts):
        return None
    candidate = root.joinpath(*parts)
    try:
        resolved = candidate.resolve()
        if resolved.is_file() and resolved.is_relative_to(root.resolve()):
            return resolved
    except OSError:
        return None
    return None


def _file_response(path: Path) -> Rendered | None:
    try:
        body = path.read_bytes()
    except OSError:
        return None
    media_type, _ = mimetypes.guess_type(path.name)
    if path.suffix == ".css":
        return Rendered(body, Kind.CSS)
    return Rendered(body, Kind.FILE, media_type=media_type)


class Responder:
    """The thin ASGI layer: cached bytes out, with the header policy applied; no routing."""

    def __init__(self, site: Site) -> None:
        self.site = site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one HTTP request from the current snapshot."""
        request = {}
        for name, value in scope["headers"]:
            wanted = _REQUEST_HEADERS.get(name)
            if wanted is not None:
                request[wanted] = value.decode("latin-1")
        path, method = scope["path"], scope["method"]
        query = scope["query_string"].decode("latin-1")
        if is_personal(path):
            body = await _read_body(receive) if method == "POST" else b""
            rendered = self.site.personal(method, path, query, request.get("cookie"), body)
        else:
            rendered = self.site.answer(path, query)
        answer = reply(rendered, method, request)
        await send(
            {"type": "http.response.start", "status": answer.status, "headers": answer.raw_headers}
        )
        await send({"type": "http.response.body", "body": answer.body})


_REQUEST_HEADERS = {
    name.encode(): name
    for name in ("accept-encoding", "if-none-match", "if-modified-since", "cookie")
}
"""The request headers any answer depends on; the rest are never decoded."""


MAX_FORM_BYTES = 4096
"""The settings form is a few short fields; anything longer is cut off unread."""


async def _read_body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += bytes(message.get("body", b""))
        if not message.get("more_body") or len(body) > MAX_FORM_BYTES:
            return body[:MAX_FORM_BYTES]


def create_app(
    settings: Settings, *, clock: Clock = utc_now, index_path: Path | None = None
) -> ReaderApp:
    """Build the ASGI app for one site; the watchers run for the app's lifetime.

    With ``index_path``, the parse cache is kept on disk there, for fast restarts.
    """
    site = Site(settings, clock, index_path)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks = [asyncio.create_task(site.reloader.publish_when_due(stop))]
        # Started from the index: check every file, as a reload does. From scratch: write
        # the index for the next start. Both off the event loop, a moment after the server
        # is up, so the first requests do not wait on the thread for the interpreter lock.
        settling = site.reloader.reload if site.restored else site.reloader.save_index
        tasks.append(asyncio.create_task(_later(SETTLE_DELAY_SECONDS, settling)))
        if settings.watch:
            tasks.append(asyncio.create_task(site.reloader.watch_files(stop)))
        if site.notifier is not None:
            tasks.append(asyncio.create_task(site.notifier.run()))
        try:
            yield
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    return ReaderApp(Responder(site), Starlette(lifespan=lifespan))


SETTLE_DELAY_SECONDS = 1.0
"""How long after start the file check (or the first index write) begins."""


async def _later(delay: float, work: Callable[[], None]) -> None:
    await asyncio.sleep(delay)
    await asyncio.to_thread(work)


class ReaderApp:
    """The ASGI app: HTTP goes straight to the responder; Starlette runs only the lifespan.

    No router or middleware stands between a request and its cached bytes, which keeps a
    cached page within reach of a bare ASGI app's throughput.
    """

    def __init__(self, responder: Responder, lifespan: Starlette) -> None:
        self.site = responder.site
        self._responder = responder
        self._lifespan = lifespan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch one ASGI connection."""
        if scope["type"] == "http":
            await self._responder(scope, receive, send)
        else:
            await self._lifespan(scope, receive, send)


SERVE_OPTIONS = "READER_SERVE_OPTIONS"
"""The environment variable that hands ``reader serve``'s settings to worker processes."""


@dataclass(frozen=True)
class ServeOptions:
    """What a worker process needs to build the same app as every other worker."""

    site_dir: str
    base_url: str
    watch: bool
    preview: bool
    index_path: str | None

    @classmethod
    def of(cls, settings: Settings, index_path: Path | None) -> ServeOptions:
        """The options that rebuild ``settings`` in another process."""
        index = os.fspath(index_path) if index_path is not None else None
        site = os.fspath(settings.site_dir)
        return cls(site, settings.base_url, settings.watch, settings.preview, index)

    def to_json(self) -> str:
        """The options as one environment variable's value."""
        return json.dumps(dataclasses.asdict(self))


LOG_FORMAT = "%(levelname)s: %(message)s"


def app_from_environment() -> ReaderApp:
    """The app a worker process serves (uvicorn's factory for ``reader serve --workers``)."""
    # A worker is a fresh interpreter: without this, its reloads would go unreported.
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    options = ServeOptions(**json.loads(os.environ[SERVE_OPTIONS]))
    settings, _ = load_settings(Path(options.site_dir), base_url=options.base_url)
    settings = replace(settings, watch=options.watch, preview=options.preview)
    index = Path(options.index_path) if options.index_path else None
    return create_app(settings, index_path=index)
