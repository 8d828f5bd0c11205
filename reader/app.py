"""The ASGI app: cached bytes straight out on a hit; Starlette for everything else.

A request whose answer is already rendered for the current snapshot is one dictionary
lookup and two ``send`` calls: no router or middleware stands between it and its bytes,
which keeps a cached page within reach of a bare ASGI app's throughput. Everything else
goes through Starlette: its request object and form parsing, and its file responses
(streaming, ranges) for large files and range requests, with the headers still set by
``reader.headers``. Starlette also runs the lifespan: the watchers and notifiers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.types import Receive, Scope, Send

from reader import responses
from reader.accesslog import AccessLog
from reader.config import Settings
from reader.headers import file_headers
from reader.index import language_index_path
from reader.languages import language_settings
from reader.limits import (
    MAX_QUERY_BYTES,
    READ_SECONDS,
    QueryLimiter,
    method_allowed,
    oversize,
    plain_error,
)
from reader.live import Clock, utc_now
from reader.negotiation import is_not_modified, reply
from reader.prefix import inner_path
from reader.rendered import Rendered, Reply
from reader.site import Site, link_translations
from reader.urls import ROUTE, Route, RouteName, resolve

log = logging.getLogger("reader")

SETTLE_DELAY_SECONDS = 1.0
"""How long after start the file check (or the first index write) begins."""
MAX_FORM_FIELDS = 8
MAX_FORM_BYTES = 4096
"""The settings form is a few short fields; a longer body is refused unread."""

_REQUEST_HEADERS = {
    name.encode(): name
    for name in (
        "accept-encoding",
        "if-none-match",
        "if-modified-since",
        "cookie",
        "range",
        "content-length",
    )
}
"""The request headers any answer depends on; the rest are never decoded."""
_LOGGED_HEADERS = {**_REQUEST_HEADERS, b"referer": "referer", b"user-agent": "user-agent"}
"""With the access log on, also the headers its lines show."""


class ReaderApp:
    """The ASGI app of one site."""

    def __init__(self, site: Site, lifespan: Starlette) -> None:
        self.site = site
        self._lifespan = lifespan
        self.queries = QueryLimiter()
        self.prefix = unquote(site.settings.base_path)
        """The path the site is served under, as requests spell it decoded ("" for none)."""
        self.languages: tuple[ReaderApp, ...] = ()
        """A multilingual site's other languages, each answering under its own prefix."""
        self.access_log: AccessLog | None = None
        """Where each request leaves its line, when the access log is on."""
        self._pacer = site.pacer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one HTTP request from the current snapshot, or run the lifespan."""
        if scope["type"] != "http":
            if scope["type"] == "lifespan" and self.access_log is not None:
                send = self.access_log.closing(send)
            await self._lifespan(scope, receive, send)
            return
        self._pacer.requests += 1  # background work gives way while requests come in
        access_log = self.access_log
        request = {}
        wanted_headers = _REQUEST_HEADERS if access_log is None else _LOGGED_HEADERS
        for name, value in scope["headers"]:
            wanted = wanted_headers.get(name)
            if wanted is not None:
                request[wanted] = value.decode("latin-1")
        started = time.monotonic() if access_log is not None else 0.0  # for the log alone
        # The hot path: an answer already rendered from the current snapshot, sent from
        # here (no coroutine of its own: every cached request would pay for it).
        answer = None if self.languages else self._cached(scope, request)
        if answer is not None:
            await send(
                {
                    "type": "http.response.start",
                    "status": answer.status,
                    "headers": answer.raw_headers,
                }
            )
            await send({"type": "http.response.body", "body": answer.body})
            answered: tuple[int, int] | None = answer.status, len(answer.body)
        else:
            answered = await self._serve(scope, receive, send, request)
        if access_log is not None and answered is not None:
            access_log.record(scope, request, answered[0], answered[1], started)

    def _cached(self, scope: Scope, request: dict[str, str]) -> Reply | None:
        """The reply to a request whose answer is already rendered from the current snapshot
        (a page, a feed, a file; or the not-found page a path was already found to answer),
        or None for a request that needs more."""
        path = scope["path"]
        if self.prefix:
            inner = inner_path(self.prefix, path)
            if inner is None:
                return None
            path = inner
        caches = self.site.holder.state.caches
        cached = caches.responses.get(path) or caches.missing.get(path)
        if (
            cached is None
            or (cached.file is not None and "range" in request)
            or "content-length" in request  # a body: the limits decide
            or len(scope["query_string"]) > MAX_QUERY_BYTES
            or (path == "/" and scope["query_string"])  # maybe WordPress's /?p=123
        ):
            return None
        return reply(cached, scope["method"], request)

    async def _serve(
        self, scope: Scope, receive: Receive, send: Send, request: dict[str, str]
    ) -> tuple[int, int] | None:
        """Answer a request that is not a cached answer of this language (given the headers it
        sent that matter): the status and body size sent, or None when the request went to
        another language's app (which logs it)."""
        for language in self.languages:
            path = scope["path"]
            if path == language.prefix or inner_path(language.prefix, path) is not None:
                await language(scope, receive, send)
                return None
        if self.languages:  # this language's own pages, not looked up yet
            answer = self._cached(scope, request)
            if answer is not None:
                return await _send(send, answer)
        if self.prefix:
            inner = inner_path(self.prefix, scope["path"])
            if inner is None:
                return await self._outside(scope, send, request)
            scope = {**scope, "path": inner, "root_path": scope.get("root_path", "") + self.prefix}
        return await self._render(scope, receive, send, request)

    async def _outside(self, scope: Scope, send: Send, headers: dict[str, str]) -> tuple[int, int]:
        """A path outside the base path: the site's root sends readers in; the rest is 404."""
        method = "HEAD" if scope["method"] == "HEAD" else "GET"
        if scope["path"] in ("/", self.prefix):
            answer = responses.redirect(self.site.settings, "/")
        else:
            answer = plain_error(HTTPStatus.NOT_FOUND)
        return await _send(send, reply(answer, method, headers))

    async def _render(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]
    ) -> tuple[int, int]:
        path, method = scope["path"], scope["method"]
        raw_query: bytes = scope["query_string"]
        raw_path: bytes = scope.get("raw_path") or path.encode("utf-8", "surrogateescape")
        refused = oversize(len(raw_path), len(raw_query), headers.get("content-length"))
        if refused is not None:
            return await _send(send, reply(refused, "HEAD" if method == "HEAD" else "GET", headers))
        route = ROUTE[resolve(path).route]
        if not method_allowed(method, route.name is RouteName.SETTINGS):
            # Refused before any work; the reply to a method it does not take is a 405.
            return await _send(
                send, reply(plain_error(HTTPStatus.METHOD_NOT_ALLOWED), method, headers)
            )
        try:
            rendered = await self._answer(Request(scope, receive), route, headers)
        except Exception:  # a defect: logged in full, answered in a line
            log.exception("answering %r failed", path)
            rendered = plain_error(HTTPStatus.INTERNAL_SERVER_ERROR)
        streamed = rendered.file is not None and (not rendered.body or "range" in headers)
        if streamed and rendered.file is not None and method in ("GET", "HEAD"):
            await _file(rendered, rendered.file, headers)(scope, receive, send)
            return rendered.status, -1  # streamed: its size is the file's, or a range's
        return await _send(send, reply(rendered, method, headers))

    async def _answer(self, request: Request, route: Route, headers: dict[str, str]) -> Rendered:
        path, query = request.scope["path"], request.scope["query_string"].decode("latin-1")
        if route.query and not route.personal:
            # Queries are endless: one not yet answered is worked out beside the event loop,
            # a few at a time, so a flood of them cannot hold up cached answers.
            kept = self.site.cached_query(path, query)
            if kept is not None:
                return kept
            return await self.queries.run(lambda: self.site.answer(path, query))
        if not route.personal:
            return self.site.answer(path, query)
        form = None
        if request.method == "POST" and route.name is RouteName.SETTINGS:
            try:
                # A body sent a byte at a time would hold its connection for ever.
                async with asyncio.timeout(READ_SECONDS):
                    form = await _form(request)
            except TimeoutError:
                return plain_error(HTTPStatus.REQUEST_TIMEOUT, route.kind)
            if form is None:
                return plain_error(HTTPStatus.BAD_REQUEST, route.kind)
        return self.site.personal(path, query, headers.get("cookie"), form)


async def _send(send: Send, answer: Reply) -> tuple[int, int]:
    """Send a whole answer; its status and body size, for the access log."""
    await send(
        {"type": "http.response.start", "status": answer.status, "headers": answer.raw_headers}
    )
    await send({"type": "http.response.body", "body": answer.body})
    return answer.status, len(answer.body)


async def _form(request: Request) -> dict[str, str] | None:
    """The settings form's fields; None for a body that is too long or not a form."""
    length = request.headers.get("content-length", "")
    if not length.isascii() or not length.isdigit() or int(length) > MAX_FORM_BYTES:
        return None
    try:
        form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    except Exception:  # whatever a malformed body makes the parser raise, it is a 400
        return None
    return {k: v for k, v in form.items() if not isinstance(v, UploadFile)}


def _file(rendered: Rendered, path: Path, request: dict[str, str]) -> Response:
    """A file streamed by Starlette (ranges, HEAD), with our header policy."""
    try:
        status = os.stat(path)
    except OSError:
        return Response(status_code=404)
    response = FileResponse(
        path, headers=file_headers(rendered), media_type=rendered.content_type, stat_result=status
    )
    modified = datetime.fromtimestamp(status.st_mtime, UTC)
    if is_not_modified(
        response.headers["etag"],
        modified,
        request.get("if-none-match"),
        request.get("if-modified-since"),
    ):
        return Response(status_code=304, headers=dict(response.headers))
    return response


def create_app(
    settings: Settings, *, clock: Clock = utc_now, index_path: Path | None = None
) -> ReaderApp:
    """Build the ASGI app for one site; the watchers run for the app's lifetime.

    With ``index_path``, the parse cache is kept on disk there, for fast restarts. A
    multilingual site is one site per language, each under its prefix (``/en/``), the
    root language's app answering for all of them.
    """
    sites = [
        Site(own, clock, language_index_path(index_path, own))
        for own in language_settings(settings)
    ]
    if len(sites) > 1:
        link_translations(sites)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks = [task for site in sites for task in _site_tasks(site, stop)]
        try:
            yield
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for site in sites:  # the last edits' rows, so the next start need not read them
                await asyncio.to_thread(site.reloader.index_written)

    starlette = Starlette(lifespan=lifespan)
    apps = [ReaderApp(site, starlette) for site in sites]
    apps[0].languages = tuple(sorted(apps[1:], key=lambda app: len(app.prefix), reverse=True))
    return apps[0]


def _site_tasks(site: Site, stop: asyncio.Event) -> list[asyncio.Task[None]]:
    """The background work of one site: publishing, file checks, search, images, watching,
    WebSub."""
    tasks = [asyncio.create_task(site.reloader.publish_when_due(stop))]
    # Started from the index: check every file, as a reload does. From scratch: write
    # the index for the next start. Both off the event loop, a moment after the server
    # is up, so the first requests do not wait on the thread for the interpreter lock.
    settling = site.reloader.reload if site.restored else site.save_index
    tasks.append(asyncio.create_task(_later(SETTLE_DELAY_SECONDS, settling)))

    # The search index and the resized lead images catch up with the files in the
    # background, after that.
    def indexing() -> None:
        site.make_renditions()
        site.index_for_search()
        site.warm_search()  # the pinyin tables take most of a second to build

    tasks.append(asyncio.create_task(_later(2 * SETTLE_DELAY_SECONDS, indexing)))
    if site.settings.watch:
        tasks.append(asyncio.create_task(site.reloader.watch_files(stop)))
    if site.notifier is not None:
        tasks.append(asyncio.create_task(site.notifier.run()))
    return tasks


async def _later(delay: float, work: Callable[[], None]) -> None:
    await asyncio.sleep(delay)
    await asyncio.to_thread(work)
