"""A site served under a path of its host: every link, feed, redirect and export under it."""

from __future__ import annotations

import shutil
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from reader.cli import main
from reader.prefix import inner_path, prefixed_html
from tests.factories import SiteFactory, make_client, parse_html
from tests.server import running_server

DEMO = Path(__file__).parent.parent / "reader" / "demo_site"
BASE = "https://example.org/新聞/"
PREFIX = "/%E6%96%B0%E8%81%9E"
"""The base path as links spell it."""


@pytest.fixture
def demo(tmp_path: Path) -> SiteFactory:
    root = tmp_path / "demo"
    shutil.copytree(DEMO, root)
    text = (root / "site.toml").read_text(encoding="utf-8")
    (root / "site.toml").write_text(f'base_url = "{BASE}"\n{text}', encoding="utf-8")
    factory = SiteFactory.__new__(SiteFactory)
    factory.root, factory.written = root, []
    return factory


def links_of(response: httpx.Response) -> list[str]:
    """Every URL a page links to or loads (href, src, srcset, form action)."""
    page = parse_html(response)
    found = [*page.xpath("//@href"), *page.xpath("//@src"), *page.xpath("//form/@action")]
    for srcset in page.xpath("//@srcset"):
        found += [candidate.split()[0] for candidate in srcset.split(",")]
    return found


def test_every_link_of_every_page_is_under_the_base_path(demo: SiteFactory) -> None:
    client = make_client(demo)
    seen, queue, pages = set(), deque([PREFIX + "/"]), 0
    while queue:
        path = queue.popleft()
        response = client.get(path)
        while response.status_code == 301:
            location = response.headers["location"]
            assert location.startswith(PREFIX + "/"), (path, location)
            response = client.get(location)
        assert response.status_code == 200, path
        if not response.headers["content-type"].startswith("text/html"):
            continue
        pages += 1
        for link in links_of(response):
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("#", "mailto:")):
                if parts.netloc == "example.org":
                    assert parts.path.startswith(PREFIX + "/"), (path, link)
                continue
            if link.startswith("/"):
                assert link.startswith(PREFIX + "/"), f"{path} links to {link}"
            target = urlsplit(urljoin(path, link)).path
            if target not in seen and not target.startswith(PREFIX + "/settings/"):
                seen.add(target)
                queue.append(target)
    assert pages > 40, "the crawl reached the whole site"


def test_outside_the_base_path_nothing_is_served(demo: SiteFactory) -> None:
    client = make_client(demo)
    for path in ("/", "/新聞"):
        moved = client.get(path)
        assert moved.status_code == 301 and moved.headers["location"] == PREFIX + "/"
    for path in ("/topics/", "/rss.xml", "/新聞x/", "/_assets/reader.css"):
        assert client.get(path).status_code == 404, path


def test_redirects_feeds_and_api_name_the_base_path(demo: SiteFactory) -> None:
    client = make_client(demo)
    moved = client.get("/新聞/news/bridge-name/")
    assert moved.status_code == 301 and moved.headers["location"] == PREFIX + "/city/new-bridge/"
    feed = feedparser.parse(client.get("/新聞/city/rss.xml").content)
    assert feed.feed.link == f"https://example.org{PREFIX}/city/"
    entry = next(e for e in feed.entries if "new-bridge" in e.link)
    assert entry.link == f"https://example.org{PREFIX}/city/new-bridge/"
    content = etree.HTML(entry.content[0].value)
    assert content.xpath("//img/@src") == [
        f"https://example.org{PREFIX}/city/new-bridge/bridge.svg"
    ]
    item = client.get("/新聞/api/v1/articles/city/new-bridge").json()
    assert item["uri"] == f"https://example.org{PREFIX}/city/new-bridge/"


def test_the_export_is_written_for_the_base_path(demo: SiteFactory, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", str(demo.root), str(out), "--no-index"]) == 0
    page = etree.HTML((out / "city/new-bridge/index.html").read_bytes())
    assert all(
        h.startswith((PREFIX + "/", "#", "https:", "mailto:")) for h in page.xpath("//@href")
    )
    lines = (out / "_redirects").read_text(encoding="utf-8").splitlines()
    assert f"{PREFIX}/news/bridge-name/ {PREFIX}/city/new-bridge/ 301" in lines


def test_a_real_server_serves_under_the_base_path(demo: SiteFactory) -> None:
    with running_server(str(demo.root)) as base:
        moved = httpx.get(base + "/")
        assert moved.status_code == 301 and moved.headers["location"] == PREFIX + "/"
        home = httpx.get(base + PREFIX + "/")
        assert home.status_code == 200
        css = [link for link in links_of(home) if link.endswith(".css")]
        assert css and all(httpx.get(base + link).status_code == 200 for link in css)


@given(st.text())
def test_text_is_never_rewritten(text: str) -> None:
    from html import escape

    html = f'<p title="{escape(text)}">{escape(text, quote=False)} href="/x"</p>'
    assert prefixed_html(html, "/news") == html


@given(st.from_regex(r"/[a-z0-9/._-]{0,20}", fullmatch=True))
def test_root_relative_links_go_under_the_prefix(path: str) -> None:
    html = (
        f'<a class="x" href="{path}"><img alt="" src="{path}" srcset="{path} 1x, //cdn/a 2x"></a>'
    )
    rewritten = etree.HTML(prefixed_html(html, "/news"))
    expected = "/news" + path if not path.startswith("//") else path
    assert rewritten.xpath("//a/@href") == [expected] == rewritten.xpath("//img/@src")
    assert rewritten.xpath("//img/@srcset") == [f"{expected} 1x, //cdn/a 2x"]
    assert inner_path("/news", expected) == (path if expected != path else None)
