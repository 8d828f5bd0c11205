"""WebSub: the hub hears about exactly the feeds that changed, with retries, from a real server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote

import httpx
import pytest
from lxml import etree

from reader.endpoints import ENDPOINTS
from reader.site import Site
from reader.store import Snapshot
from reader.urls import ROUTES, RouteName
from reader.websub import changed_feeds
from tests.factories import SiteFactory, fixed_clock
from tests.server import running_server, wait_for

BASE = "https://news.example.org/"
ATOM = "http://www.w3.org/2005/Atom"


def feeds_of(*paths: str) -> set[str]:
    return {BASE + p + name for p in paths for name in ("rss.xml", "atom.xml", "feed.json")}


def test_only_feeds_whose_bytes_changed_are_named(site: SiteFactory) -> None:
    site.article("topics/east/a.md", title="East", tags=["Harbour"])
    site.article("topics/west/b.md", title="West", tags=["Hills"])
    site.article("sports/c.md", title="Sports")
    server = Site(site.settings(), fixed_clock())

    def etag(snapshot: Snapshot, path: str) -> str:
        return server.answer_from(snapshot, path).etag

    old = server.holder.current
    site.article("topics/east/a.md", title="East, corrected", tags=["Harbour"])
    server.reloader.reload()
    new = server.holder.current
    assert set(changed_feeds(old, new, etag)) == feeds_of(
        "", "topics/", "topics/east/", "tags/harbour/"
    )
    assert changed_feeds(new, new, etag) == []


EDITS: dict[str, tuple[str, dict[str, Any]]] = {
    "words": ("topics/east/a.md", {"title": "East, corrected", "tags": ["港灣", "Harbour"]}),
    "keywords": ("topics/east/a.md", {"title": "East", "tags": ["港灣", "渡輪"]}),
    "withdrawn": ("topics/east/a.md", {"title": "East", "tags": ["港灣"], "draft": True}),
    "added": ("sports/new.md", {"title": "New", "tags": ["渡輪"]}),
}


@pytest.mark.parametrize("edit", [*EDITS, "renamed section", "removed"])
def test_the_feeds_named_are_exactly_those_whose_bytes_changed(
    site: SiteFactory, edit: str
) -> None:
    site.article("topics/east/a.md", title="East", tags=["港灣", "Harbour"])
    site.article("topics/west/b.md", title="West", tags=["港灣"])
    site.article("sports/c.md", title="Sports", tags=["Hills"])
    site.section("topics", title="Topics")
    server = Site(site.settings(), fixed_clock())

    def etag(snapshot: Snapshot, path: str) -> str:
        return server.answer_from(snapshot, path).etag

    old = server.holder.current
    if edit in EDITS:
        file, fields = EDITS[edit]
        site.article(file, **fields)
    elif edit == "renamed section":
        site.section("topics", title="Themes")
    else:
        (site.root / "content/sports/c.md").unlink()
    server.reloader.reload()
    new = server.holder.current
    every = {
        unquote(route.build(params))
        for snapshot in (old, new)
        for route in ROUTES
        if route.name in (RouteName.SITE_FEED, RouteName.SECTION_FEED, RouteName.TAG_FEED)
        for params in ENDPOINTS[route.name].instances(snapshot)
    }
    truth = {BASE + quote(p.lstrip("/")) for p in every if etag(old, p) != etag(new, p)}
    assert truth, "the edit changed some feed"
    assert set(changed_feeds(old, new, etag)) == truth


class Hub:
    """A WebSub hub on loopback that records publish pings and can fail the first few."""

    def __init__(self, failures: int = 0) -> None:
        self.received: list[dict[str, list[str]]] = []
        self.refused = 0
        self.failures = failures
        self.lock = threading.Lock()

    def published(self) -> set[str]:
        with self.lock:
            return {url for ping in self.received for url in ping["hub.url"]}


@contextmanager
def running_hub(failures: int = 0) -> Iterator[tuple[Hub, str]]:
    hub = Hub(failures)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["content-length"])
            form = parse_qs(self.rfile.read(length).decode())
            with hub.lock:
                if hub.refused < hub.failures:
                    hub.refused += 1
                    status = 503
                else:
                    hub.received.append(form)
                    status = 204
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hub, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_real_server_pings_the_hub_after_an_edit_and_retries(site: SiteFactory) -> None:
    site.article("news/a.md", title="News", tags=["Harbour"])
    site.article("sports/b.md", title="Sports")
    with running_hub(failures=1) as (hub, hub_url):
        with (site.root / "site.toml").open("a", encoding="utf-8") as toml:
            toml.write(f'hub = "{hub_url}"\n')
        with running_server(str(site.root)) as base:
            rss = etree.fromstring(httpx.get(base + "/news/rss.xml").content)
            hubs = rss.xpath("//atom:link[@rel='hub']/@href", namespaces={"atom": ATOM})
            assert hubs == [hub_url]
            site.article("news/a.md", title="News, corrected", tags=["Harbour"])
            expected = feeds_of("", "news/", "tags/harbour/")
            assert wait_for(lambda: hub.published() == expected, timeout=15), hub.published()
            assert hub.refused == 1, "the refused ping was retried"
            assert all(ping["hub.mode"] == ["publish"] for ping in hub.received)
            assert len(hub.received) == 9, "one ping per changed feed, none for sports"
