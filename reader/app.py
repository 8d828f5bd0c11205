"""create_app(settings) -> Starlette: the route table, the per-snapshot response cache, lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import ClassVar

from jinja2 import Environment
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from feeds import build_feed
from reader import views
from reader.config import Settings
from reader.headers import Kind, Rendered, is_not_modified
from reader.live import Clock, Reloader, load_site, log_problems, utc_now
from reader.loader import ParseCache
from reader.store import Snapshot, SnapshotHolder
from reader.templating import asset_dirs, make_environment
from reader.urls import FeedFormat, FeedScope, Target, article_path, resolve

MAX_CACHED_BYTES = 256 * 1024
"""Larger bodies (photos in page bundles) are read from disk each time, not held in memory."""
_FEED_KINDS = {FeedFormat.RSS: Kind.RSS, FeedFormat.ATOM: Kind.ATOM}


class Site:
    """The running site: settings, templates and the snapshot holder, answering paths."""

    def __init__(self, settings: Settings, clock: Clock = utc_now) -> None:
        self.settings = settings
        self.environment: Environment = make_environment(settings)
        cache = ParseCache()
        snapshot, catalog = load_site(settings, clock(), cache)
        log_problems(catalog.problems)
        self.holder = SnapshotHolder(snapshot, catalog)
        self.reloader = Reloader(settings, self.holder, clock, cache)

    def answer(self, path: str) -> Rendered:
        """The response for a decoded path, from one snapshot, cached with it when cacheable."""
        snapshot = self.holder.current
        cached: Rendered | None = snapshot.memo.get(path)
        if cached is not None:
            return cached
        rendered = self._render(snapshot, resolve(path))
        if rendered.status in (200, 301) and len(rendered.body) <= MAX_CACHED_BYTES:
            snapshot.memo[path] = rendered
        return rendered

    def _render(self, snapshot: Snapshot, target: Target) -> Rendered:
        handler = self._handlers[target.kind]
        rendered = handler(self, snapshot, target)
        if rendered is None:
            return self._not_found(snapshot)
        return rendered

    def _not_found(self, snapshot: Snapshot) -> Rendered:
        cached: Rendered | None = snapshot.memo.get(_NOT_FOUND)
        if cached is None:
            cached = views.not_found_page(snapshot, self.environment)
            snapshot.memo[_NOT_FOUND] = cached
        return cached

    def _home(self, snapshot: Snapshot, target: Target) -> Rendered | None:
        return views.home_page(snapshot, self.environment)

    def _content(self, snapshot: Snapshot, target: Target) -> Rendered | None:
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

    def _tags(self, snapshot: Snapshot, target: Target) -> Rendered | None:
        if target.canonical is not None:
            return views.redirect(snapshot, target.canonical)
        return views.tags_index_page(snapshot, self.environment)

    def _tag(self, snapshot: Snapshot, target: Target) -> Rendered | None:
        assert target.tag is not None
        if target.canonical is not None:
            return views.redirect(snapshot, target.canonical) if snapshot.tag(target.tag) else None
        return views.tag_page(snapshot, self.environment, target.tag, target.page)

    def _feed(self, snapshot: Snapshot, target: Target) -> Rendered | None:
        assert target.feed is not None
        if target.tag is not None:
            if snapshot.tag(target.tag) is None:
                return None
            scope = FeedScope(tag=target.tag)
        elif snapshot.section(target.segments) is not None:
            scope = FeedScope(section=target.segments)
        else:
            return None
        return Rendered(build_feed(snapshot, scope, target.feed), _FEED_KINDS[target.feed])

    def _asset(self, snapshot: Snapshot, target: Target) -> Rendered | None:
        for root in asset_dirs(self.settings):
            found = _safe_join(root, target.segments)
            if found is not None:
                return _file_response(found)
        return None

    _handlers: ClassVar[dict[str, Callable[[Site, Snapshot, Target], Rendered | None]]] = {
        "home": _home,
        "content": _content,
        "tags": _tags,
        "tag": _tag,
        "feed": _feed,
        "asset": _asset,
    }


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


def create_app(settings: Settings, *, clock: Clock = utc_now) -> Starlette:
    """Build the ASGI app for one site; the watchers run for the app's lifetime."""
    site = Site(settings, clock)

    async def page(request: Request) -> Response:
        rendered = site.answer(request.scope["path"])
        headers = rendered.headers()
        if rendered.status == 200 and is_not_modified(
            request.headers.get("if-none-match"), rendered.etag
        ):
            return Response(status_code=304, headers=_validators(headers))
        return Response(rendered.body, status_code=rendered.status, headers=headers)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks = [asyncio.create_task(site.reloader.publish_when_due(stop))]
        if settings.watch:
            tasks.append(asyncio.create_task(site.reloader.watch_files(stop)))
        try:
            yield
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    app = Starlette(
        routes=[Route("/{path:path}", page, methods=["GET", "HEAD"])],
        lifespan=lifespan,
    )
    return app


def _validators(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k in ("etag", "cache-control")}
