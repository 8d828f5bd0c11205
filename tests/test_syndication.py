"""Archives, WebSub links, rights, enclosures, nofollow, the feeds page, OPML, sitemaps, robots."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from lxml import etree

from feeds import build_archive, build_feed
from reader.load import load_site
from reader.sitemap import build_sitemap
from reader.store import Snapshot
from reader.urls import FeedFormat, FeedScope
from tests.factories import NOW, SiteFactory, make_client, parse_html
from tests.test_feeds import parse

ATOM = "http://www.w3.org/2005/Atom"
NS = {"a": ATOM, "fh": "http://purl.org/syndication/history/1.0"}
BASE = "https://news.example.org/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def snapshot_of(site: SiteFactory, **overrides: Any) -> Snapshot:
    snapshot, _ = load_site(site.settings(**overrides), NOW)
    return snapshot


def links(document: bytes) -> dict[str, str]:
    root = etree.fromstring(document)
    return {link.get("rel", ""): link.get("href", "") for link in root.iter(f"{{{ATOM}}}link")}


def entry_ids(document: bytes) -> list[str]:
    return [e.id for e in parse(document).entries]


@pytest.fixture
def eight(site: SiteFactory) -> SiteFactory:
    for day in range(1, 9):
        site.article(f"news/a{day}.md", date=f"2026-11-0{day}T09:00:00+08:00")
    return site


@pytest.mark.parametrize("fmt", [FeedFormat.RSS, FeedFormat.ATOM])
def test_archives_let_a_reader_backfill_everything(eight: SiteFactory, fmt: FeedFormat) -> None:
    snapshot = snapshot_of(eight, feed_length=3)
    scope = FeedScope(section=("news",))
    current = build_feed(snapshot, scope, fmt)
    name = fmt.name.lower()
    assert links(current)["prev-archive"] == f"{BASE}news/{name}-archive-2.xml"
    seen = set(entry_ids(current))
    number: int | None = 2
    while number:
        archive = build_archive(snapshot, scope, fmt, number)
        assert archive is not None
        assert etree.fromstring(archive).xpath("//fh:archive", namespaces=NS)
        found = links(archive)
        assert found["current"] == f"{BASE}news/{fmt.value}"
        assert found["self"] == f"{BASE}news/{name}-archive-{number}.xml"
        assert len(entry_ids(archive)) == 3
        seen |= set(entry_ids(archive))
        previous = found.get("prev-archive")
        number = int(previous.rsplit("-", 1)[1].removesuffix(".xml")) if previous else None
    assert len(seen) == 8, "subscription + archives hold every article"
    assert links(build_archive(snapshot, scope, fmt, 1) or b"")["next-archive"].endswith("-2.xml")
    assert build_archive(snapshot, scope, fmt, 3) is None
    assert build_archive(snapshot, scope, fmt, 0) is None


def test_a_full_archive_never_changes_as_news_arrives(eight: SiteFactory) -> None:
    scope = FeedScope(section=("news",))
    before = build_archive(snapshot_of(eight, feed_length=3), scope, FeedFormat.ATOM, 1)
    eight.article("news/late.md", date="2026-11-09T09:00:00+08:00")
    after = snapshot_of(eight, feed_length=3)
    assert build_archive(after, scope, FeedFormat.ATOM, 1) == before
    assert build_archive(after, scope, FeedFormat.ATOM, 3) is not None


def test_archives_are_served_as_their_format(eight: SiteFactory) -> None:
    client = make_client(eight, feed_length=3)
    response = client.get("/news/atom-archive-1.xml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=60"  # they can be withdrawn
    assert client.get("/news/atom-archive-9.xml").status_code == 404
    assert client.get("/news/json-archive-1.xml").status_code == 404


def test_hub_and_self_in_every_format(site: SiteFactory) -> None:
    site.article("news/a.md")
    snapshot = snapshot_of(site, hub="https://hub.example/")
    for fmt in (FeedFormat.RSS, FeedFormat.ATOM):
        found = links(build_feed(snapshot, FeedScope(section=("news",)), fmt))
        assert found["hub"] == "https://hub.example/"
        assert found["self"] == f"{BASE}news/{fmt.value}"
    json_feed = json.loads(build_feed(snapshot, FeedScope(), FeedFormat.JSON))
    assert json_feed["hubs"] == [{"type": "WebSub", "url": "https://hub.example/"}]
    assert "hub" not in links(build_feed(snapshot_of(site), FeedScope(), FeedFormat.ATOM))


def test_rights_in_feeds_and_pages(site: SiteFactory) -> None:
    site.article("news/a.md")
    snapshot = snapshot_of(site)
    licence = "https://creativecommons.org/licenses/by/4.0/"
    atom = build_feed(snapshot, FeedScope(), FeedFormat.ATOM)
    assert links(atom)["license"] == licence
    assert etree.fromstring(atom).findtext(f"{{{ATOM}}}rights") == "© Test Gazette"
    rss = build_feed(snapshot, FeedScope(), FeedFormat.RSS)
    assert etree.fromstring(rss).findtext("channel/copyright") == "© Test Gazette"
    assert links(rss)["license"] == licence
    page = parse_html(make_client(site).get("/news/a/"))
    assert page.xpath("//head/link[@rel='license']/@href") == [licence]
    assert page.xpath("//footer//a[@rel='license']/text()") == ["CC BY 4.0"]


def test_lead_image_is_an_enclosure_with_its_size(site: SiteFactory) -> None:
    site.article("news/photo/index.md", title="Photo", image="lead.svg", image_alt="A lead image")
    (site.root / "content/news/photo/lead.svg").write_text("<svg>12345</svg>")
    site.article("news/remote.md", image="https://images.example/x.jpg", image_alt="Remote")
    snapshot = snapshot_of(site)
    rss = etree.fromstring(build_feed(snapshot, FeedScope(), FeedFormat.RSS))
    media = {"media": "http://search.yahoo.com/mrss/"}
    items = {i.findtext("title"): i for i in rss.iter("item")}
    enclosure = items["Photo"].find("enclosure")
    assert enclosure is not None
    assert dict(enclosure.attrib) == {
        "url": f"{BASE}news/photo/lead.svg",
        "length": "16",
        "type": "image/svg+xml",
    }
    (content,) = items["Photo"].xpath("media:content", namespaces=media)
    assert content.get("fileSize") == "16" and content.get("medium") == "image"
    assert items["Remote"].find("enclosure") is None, "no length, so no enclosure"
    (remote,) = items["Remote"].xpath("media:content", namespaces=media)
    assert remote.get("type") == "image/jpeg"
    atom = etree.fromstring(build_feed(snapshot, FeedScope(), FeedFormat.ATOM))
    assert atom.xpath("//a:entry/a:link[@rel='enclosure']/@length", namespaces=NS) == ["16"]


def test_outbound_links_are_nofollow_unless_allowed(site: SiteFactory) -> None:
    site.article(
        "news/a.md",
        body=(
            "[spam](https://casino.example/win) [partner](https://www.partner.example/x) "
            "[ours](https://news.example.org/b/) [local](../b/) [mail](mailto:desk@example.org)\n\n"
            '<a href="https://spam.example/" rel="follow">raw</a>'
        ),
    )
    client = make_client(site)
    page = parse_html(client.get("/news/a/"))
    rels = {a.text: a.get("rel") for a in page.xpath("//div[@class='body']//a")}
    assert rels == {
        "spam": "nofollow noopener",
        "partner": None,
        "ours": None,
        "local": None,
        "mail": None,
        "raw": "nofollow noopener",
    }
    feed = parse(client.get("/rss.xml").content)
    content = etree.HTML(feed.entries[0].content[0].value)
    assert content.xpath("//a[@href='https://casino.example/win']/@rel") == ["nofollow noopener"]
    api = client.get("/api/v1/articles").json()["data"][0]["bodies"][0]["value"]
    api_links = etree.HTML(api).xpath("//a[@href='https://casino.example/win']/@rel")
    assert api_links == ["nofollow noopener"]


def test_feeds_page_and_opml_list_every_feed(site: SiteFactory) -> None:
    site.article("topics/east/news/a.md", tags=["Harbour"])
    site.article("sports/b.md")
    client = make_client(site)
    page = parse_html(client.get("/feeds/"))
    hrefs = page.xpath("//main//a/@href")
    for path in ("/rss.xml", "/topics/east/news/atom.xml", "/sports/feed.json"):
        assert path in hrefs
    assert "/tags/harbour/rss.xml" in hrefs and "/feeds.opml" in hrefs
    assert client.get("/feeds").status_code == 301
    response = client.get("/feeds.opml")
    assert response.headers["content-type"] == "text/x-opml; charset=utf-8"
    opml = etree.fromstring(response.content)
    outlines = opml.findall("body/outline")
    urls = [o.get("xmlUrl", "") for o in outlines]
    assert len(urls) == 5, "the site and four sections"
    assert urls[0] == f"{BASE}rss.xml"
    for url in urls:
        assert client.get(url.removeprefix(BASE[:-1])).status_code == 200


def test_sitemap_lists_published_pages_only(site: SiteFactory) -> None:
    site.article("news/a.md", tags=["Harbour"])
    site.article("news/draft.md", draft=True)
    site.article("news/later.md", date="2027-01-01T00:00:00+08:00")
    client = make_client(site)
    root = etree.fromstring(client.get("/sitemap.xml").content)
    locs = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert locs == [BASE, f"{BASE}news/", f"{BASE}news/a/", f"{BASE}tags/", f"{BASE}tags/harbour/"]
    assert root.findtext(f"{SITEMAP}url/{SITEMAP}lastmod") == "2026-11-01T09:00:00+08:00"


def test_sitemap_becomes_an_index_past_its_limit(eight: SiteFactory) -> None:
    snapshot = snapshot_of(eight)
    index = etree.fromstring(build_sitemap(snapshot, None, limit=4) or b"")
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert parts == [f"{BASE}sitemap-1.xml", f"{BASE}sitemap-2.xml", f"{BASE}sitemap-3.xml"]
    urls = [
        loc.text
        for number in (1, 2, 3)
        for loc in etree.fromstring(build_sitemap(snapshot, number, limit=4) or b"").iter(
            f"{SITEMAP}loc"
        )
    ]
    assert len(urls) == 10 and len(set(urls)) == 10
    assert build_sitemap(snapshot, 4, limit=4) is None
    assert build_sitemap(snapshot, 1) is None, "no parts while one file is enough"


def test_news_sitemap_holds_the_last_two_days(site: SiteFactory) -> None:
    site.article("news/today.md", title="今日", date=(NOW - timedelta(hours=3)).isoformat())
    site.article("news/old.md", date=(NOW - timedelta(days=3)).isoformat())
    site.article(
        "news/zh.md", title="昨日", lang="zh-Hant", date=(NOW - timedelta(days=1)).isoformat()
    )
    root = etree.fromstring(make_client(site).get("/news-sitemap.xml").content)
    news = {"n": "http://www.google.com/schemas/sitemap-news/0.9"}
    assert root.xpath("//n:title/text()", namespaces=news) == ["今日", "昨日"]
    assert root.xpath("//n:language/text()", namespaces=news) == ["en", "zh-tw"]
    assert set(root.xpath("//n:name/text()", namespaces=news)) == {"Test Gazette"}


def test_news_sitemap_stays_xml_whatever_a_title_holds(site: SiteFactory) -> None:
    # A control character pasted from a word processor (escaped in YAML), and markup.
    date = (NOW - timedelta(hours=1)).isoformat()
    site.write("news/a.md", f'---\ntitle: "Ferry\\u0001 times <b>& fares</b>"\ndate: {date}\n---\n')
    root = etree.fromstring(make_client(site).get("/news-sitemap.xml").content)
    news = {"n": "http://www.google.com/schemas/sitemap-news/0.9"}
    assert root.xpath("//n:title/text()", namespaces=news) == ["Ferry times <b>& fares</b>"]


def test_robots_points_to_the_sitemaps(site: SiteFactory) -> None:
    text = make_client(site).get("/robots.txt").text
    assert f"Sitemap: {BASE}sitemap.xml" in text.splitlines()
    assert f"Sitemap: {BASE}news-sitemap.xml" in text.splitlines()
    (site.root / "static").mkdir()
    (site.root / "static/robots.txt").write_text("User-agent: *\nDisallow: /drafts/\n")
    assert make_client(site).get("/robots.txt").text.endswith("Disallow: /drafts/\n")
