"""WebSub publishing: after each change, tell the hub exactly which feeds changed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import unquote

from reader.model import Article, SectionKey
from reader.store import Snapshot, tag_slug
from reader.urls import FeedFormat, FeedScope, absolute, feed_path

if TYPE_CHECKING:
    import asyncio

    import httpx

log = logging.getLogger("reader.websub")
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0)
"""Seconds to wait before each retry of a failed notification; then it is given up."""
TIMEOUT_SECONDS = 10.0

FeedEtag = Callable[[Snapshot, str], str]
"""The ETag a snapshot serves at a path: how 'changed' is decided, byte for byte."""


def candidate_scopes(old: Snapshot, new: Snapshot) -> set[FeedScope]:
    """The feeds an edit may have touched: the site, the sections above it, and its tags."""
    scopes: set[FeedScope] = set()
    old_articles = {a.key: a for a in old.articles}
    new_articles = {a.key: a for a in new.articles}
    for key in old_articles.keys() | new_articles.keys():
        before, after = old_articles.get(key), new_articles.get(key)
        if before != after:
            for article in (before, after):
                if article is not None:
                    scopes.update(_scopes_of(article))
    for key in old.sections.keys() | new.sections.keys():
        if old.sections.get(key) != new.sections.get(key):
            # A section's title appears in the titles of the feeds below it.
            scopes.update(FeedScope(section=k) for k in new.sections if k[: len(key)] == key)
            scopes.add(FeedScope(section=key))
    return scopes


def _scopes_of(article: Article) -> Iterator[FeedScope]:
    for depth in range(len(article.section) + 1):
        yield FeedScope(section=article.section[:depth])
    for taxonomy, name in article.taxonomy_terms:
        yield FeedScope(tag=tag_slug(name), taxonomy=taxonomy)


def changed_feeds(old: Snapshot, new: Snapshot, etag: FeedEtag) -> list[str]:
    """The absolute URLs of the subscription feeds whose bytes differ between two snapshots."""
    changed = []
    for scope in sorted(candidate_scopes(old, new), key=_order):
        for fmt in FeedFormat:
            path = feed_path(scope, fmt)
            # Asked as a server asks: decoded (a Chinese keyword's feed is percent-encoded).
            if etag(old, unquote(path)) != etag(new, unquote(path)):
                changed.append(absolute(new.settings, path))
    return changed


def _order(scope: FeedScope) -> tuple[int, SectionKey, str, str]:
    return (scope.tag is not None, scope.section or (), scope.taxonomy, scope.tag or "")


class Notifier:
    """Queues feed URLs and POSTs them to the hub in the background, retrying failures."""

    def __init__(self, hub: str, etag: FeedEtag) -> None:
        self.hub = hub
        self.etag = etag
        self._queue: asyncio.Queue[str] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def snapshot_changed(self, old: Snapshot, new: Snapshot) -> None:
        """Called from the reload thread: find the changed feeds there, off the event loop."""
        loop, queue = self._loop, self._queue
        if loop is None or queue is None:
            return  # not running (no lifespan): nobody to deliver
        for url in changed_feeds(old, new, self.etag):
            loop.call_soon_threadsafe(queue.put_nowait, url)

    async def run(self) -> None:
        """Deliver queued notifications until cancelled; each URL retries on its own."""
        import asyncio  # here, as httpx: a build, which notifies no hub, needs neither

        import httpx  # here, so that only a site with a hub waits at start for loading it

        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        async with (
            httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client,
            asyncio.TaskGroup() as group,
        ):
            while True:
                url = await self._queue.get()
                group.create_task(self._deliver(client, url))

    async def _deliver(self, client: httpx.AsyncClient, url: str) -> None:
        import asyncio

        import httpx  # loaded already, by run

        for attempt, delay in enumerate((0.0, *RETRY_DELAYS)):
            await asyncio.sleep(delay)
            try:
                response = await client.post(self.hub, data={"hub.mode": "publish", "hub.url": url})
                if response.is_success:
                    log.info("told the hub about %s", url)
                    return
                problem = f"HTTP {response.status_code}"
            except httpx.HTTPError as error:
                problem = str(error) or type(error).__name__
            except Exception:  # one bad ping must not end the task group, and every later ping
                log.exception("could not tell the hub about %s", url)
                return
            log.warning("hub refused %s (attempt %d): %s", url, attempt + 1, problem)
        log.error("gave up telling the hub about %s", url)
