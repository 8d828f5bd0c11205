"""Feeds, parsed as feed readers parse them: valid, stable, absolute, zoned and complete."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree

from feeds import (
    FeedCache,
    archives,
    build_archive,
    build_feed,
    feed_articles,
    prepare_entries,
    scope_articles,
)
from feeds.xml import entry_bytes
from reader.cli import DEMO_SITE
from reader.config import load_settings
from reader.load import load_site
from reader.store import Snapshot
from reader.urls import FeedFormat, FeedScope, entry_id, feed_path
from tests.factories import NOW, SiteFactory, make_client

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_scopes(snapshot: Snapshot) -> list[FeedScope]:
    scopes = [FeedScope(section=key) for key in snapshot.sections]
    return scopes + [FeedScope(tag=tag.slug) for tag in snapshot.tags()]


def demo_snapshot() -> Snapshot:
    settings, problems = load_settings(DEMO_SITE, base_url="https://demo.example.org/")
    assert not problems
    snapshot, _ = load_site(replace(settings, watch=False), NOW)
    return snapshot


def parse(body: bytes) -> Any:
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def absolute_urls_only(html: str) -> None:
    for attribute in ("href", "src"):
        for url in etree.HTML(html).xpath(f"//@{attribute}"):
            assert url.startswith(("https://", "http://")), url


def check_feed(snapshot: Snapshot, scope: FeedScope, fmt: FeedFormat) -> Any:
    """Check one feed as a reader would; JSON Feed is checked against its spec by hand,
    because feedparser does not read it."""
    body = build_feed(snapshot, scope, fmt)
    if fmt is FeedFormat.JSON:
        return check_json_feed(snapshot, scope, body)
    etree.fromstring(body)  # a strict XML parser accepts it
    parsed = parse(body)
    base = snapshot.settings.base_url
    assert parsed.feed.title
    assert parsed.feed.language == snapshot.settings.language
    assert parsed.feed.link.startswith(base)
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == [base + feed_path(scope, fmt).lstrip("/")]
    ids = [entry.id for entry in parsed.entries]
    assert len(ids) == len(set(ids)), "ids are unique"
    for entry in parsed.entries:
        assert entry.link.startswith(base)
        assert entry.title
        assert entry.content[0].value.strip(), "full content"
        assert entry.get("author"), "an author or a source"
        absolute_urls_only(entry.content[0].value)
    return parsed


def check_json_feed(snapshot: Snapshot, scope: FeedScope, body: bytes) -> Any:
    document = json.loads(body)
    base = snapshot.settings.base_url
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] and document["language"] == snapshot.settings.language
    assert document["feed_url"] == base + feed_path(scope, FeedFormat.JSON).lstrip("/")
    assert document["home_page_url"].startswith(base)
    ids = [item["id"] for item in document["items"]]
    assert len(ids) == len(set(ids)) and all(isinstance(i, str) for i in ids)
    for item in document["items"]:
        assert item["url"].startswith(base) and item["title"]
        assert item["content_html"].strip() and item["authors"][0]["name"]
        for key in ("date_published", "date_modified"):
            assert datetime.fromisoformat(item[key]).tzinfo is not None
        absolute_urls_only(item["content_html"])
    return document


def test_every_demo_feed_is_valid_and_complete() -> None:
    snapshot = demo_snapshot()
    scopes = feed_scopes(snapshot)
    assert len(scopes) > 20
    for scope in scopes:
        for fmt in FeedFormat:
            check_feed(snapshot, scope, fmt)


def test_every_demo_archive_is_valid_and_the_archives_hold_every_article() -> None:
    snapshot = demo_snapshot()
    checked = 0
    for scope in feed_scopes(snapshot):
        for fmt in (FeedFormat.RSS, FeedFormat.ATOM):
            ids = {entry.id for entry in parse(build_feed(snapshot, scope, fmt)).entries}
            for number in range(1, archives(snapshot, scope).count + 1):
                body = build_archive(snapshot, scope, fmt, number)
                assert body is not None
                etree.fromstring(body)
                ids |= {entry.id for entry in parse(body).entries}
                checked += 1
            assert len(ids) == len(scope_articles(snapshot, scope)), scope
    assert checked >= 6, "the demo's short feed length gives it archives to check"


def test_feed_dates_carry_their_zone() -> None:
    snapshot = demo_snapshot()
    rss = etree.fromstring(build_feed(snapshot, FeedScope(), FeedFormat.RSS))
    dates = rss.xpath("//pubDate/text() | //lastBuildDate/text()")
    assert dates and all(d.endswith("+0800") for d in dates), dates
    atom = etree.fromstring(build_feed(snapshot, FeedScope(), FeedFormat.ATOM))
    stamps = atom.xpath("//a:published/text() | //a:updated/text()", namespaces={"a": ATOM[1:-1]})
    assert stamps and all(datetime.fromisoformat(s).tzinfo is not None for s in stamps)


def test_feed_is_deterministic_and_dated_by_its_newest_entry() -> None:
    snapshot = demo_snapshot()
    first = build_feed(snapshot, FeedScope(section=("english",)), FeedFormat.ATOM)
    assert first == build_feed(snapshot, FeedScope(section=("english",)), FeedFormat.ATOM)
    newest = max(a.last_modified for a in snapshot.section_articles(("english",)))
    updated = etree.fromstring(first).findtext(f"{ATOM}updated")
    assert updated is not None and datetime.fromisoformat(updated) == newest


def test_a_section_feed_holds_its_subsections(site: SiteFactory) -> None:
    site.article("topics/east/news/a.md", title="Deep")
    site.article("topics/b.md", title="Shallow", date="2026-11-02T09:00:00+08:00")
    site.article("other/c.md", title="Elsewhere")
    snapshot, _ = load_site(site.settings(), NOW)
    parsed = parse(build_feed(snapshot, FeedScope(section=("topics",)), FeedFormat.RSS))
    assert [e.title for e in parsed.entries] == ["Shallow", "Deep"]


def test_entry_fields(site: SiteFactory) -> None:
    site.article(
        "news/a.md",
        title="Full",
        source="Port Authority",
        tags=["Transport", "港灣區"],
        summary="Short.",
        image="lead.png",
        image_alt="A lead image",
        updated="2026-11-05T09:00:00+08:00",
        body="Text with [a link](../other/) and ![a map](map.png).",
    )
    snapshot, _ = load_site(site.settings(), NOW)
    for fmt in (FeedFormat.RSS, FeedFormat.ATOM):
        (entry,) = check_feed(snapshot, FeedScope(), fmt).entries
        assert entry.link == "https://news.example.org/news/a/"
        assert entry.author == "Port Authority"
        assert [t.term for t in entry.tags] == ["Transport", "港灣區"]
        assert entry.summary == "Short."
        content = etree.HTML(entry.content[0].value)
        assert content.xpath("//a/@href") == ["https://news.example.org/news/other/"]
        assert content.xpath("//img/@src") == [
            "https://news.example.org/news/a/lead.png",
            "https://news.example.org/news/a/map.png",
        ]
        assert content.xpath("//img/@alt") == ["A lead image", "a map"]
        assert entry.published_parsed
        if fmt is FeedFormat.ATOM:  # RSS items have no updated date
            assert entry.updated_parsed and entry.published != entry.updated
        assert entry.id == "https://news.example.org/news/a/", "the canonical URL"


def atom_ids(site: SiteFactory, **overrides: Any) -> list[str]:
    snapshot, _ = load_site(site.settings(**overrides), NOW)
    return [
        str(entry.id) for entry in parse(build_feed(snapshot, FeedScope(), FeedFormat.ATOM)).entries
    ]


def test_an_id_survives_retitling_and_redating(site: SiteFactory) -> None:
    path = site.article("news/story.md", title="Before", date="2026-11-01T08:00:00+08:00")
    (original,) = atom_ids(site)
    path.unlink()
    site.article("news/story.md", title="After", date="2026-11-02T09:00:00+08:00")
    assert atom_ids(site) == [original]


def test_a_pinned_url_keeps_the_id_of_a_moved_article(site: SiteFactory) -> None:
    path = site.article("news/story.md")
    (original,) = atom_ids(site)
    path.unlink()
    site.article("local/renamed.md", id=original, aliases=["/news/story/"])
    assert atom_ids(site) == [original]


def test_ids_never_depend_on_unpublished_articles(site: SiteFactory) -> None:
    """A draft at the same section and second used to push a suffix onto its sibling."""
    site.article("news/a-draft.md", draft=True, date="2026-11-01T08:00:00+08:00")
    site.article("news/b-story.md", date="2026-11-01T08:00:00+08:00")
    with_draft = atom_ids(site)
    (site.root / "content/news/a-draft.md").unlink()
    assert atom_ids(site) == with_draft == ["https://news.example.org/news/b-story/"]


def test_old_articles_keep_the_tag_ids_of_earlier_versions(site: SiteFactory) -> None:
    """``tag_ids_before``: old entries keep the derived ids their subscribers know."""
    site.article("news/old.md", date="2026-11-01T08:00:00+08:00")
    site.article("news/new.md", date="2026-11-03T08:00:00+08:00")
    new, old = atom_ids(site, tag_ids_before=date(2026, 11, 2))
    assert new == "https://news.example.org/news/new/"
    assert old == "tag:news.example.org,2026-11-01:news@2026-11-01T00:00:00Z"
    assert atom_ids(site) == [
        "https://news.example.org/news/new/",
        "https://news.example.org/news/old/",
    ]


def test_explicit_id_is_kept_verbatim(site: SiteFactory) -> None:
    site.article("news/a.md", id="urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    snapshot, _ = load_site(site.settings(), NOW)
    (entry,) = parse(build_feed(snapshot, FeedScope(), FeedFormat.RSS)).entries
    assert entry.id == "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"


def test_characters_xml_forbids_never_reach_a_feed(site: SiteFactory) -> None:
    site.write(
        "news/a.md",
        '---\ntitle: "Bad\\x01char"\ndate: 2026-11-01\nsummary: "ok\\x01"\n---\n\n'
        "Body \x0c\x08here\n",
    )
    snapshot, _ = load_site(site.settings(), NOW)
    for fmt in (FeedFormat.RSS, FeedFormat.ATOM):
        body = build_feed(snapshot, FeedScope(), fmt)
        etree.fromstring(body)
        (entry,) = parse(body).entries
        assert entry.title == "Badchar"


def test_feed_length_and_rights(site: SiteFactory) -> None:
    for day in range(1, 6):
        site.article(f"news/a{day}.md", date=f"2026-11-0{day}T09:00:00+08:00")
    settings = replace(site.settings(), feed_length=3)
    snapshot, _ = load_site(settings, NOW)
    rss = etree.fromstring(build_feed(snapshot, FeedScope(), FeedFormat.RSS))
    assert len(rss.findall("channel/item")) == 3
    assert rss.findtext("channel/copyright") == "© Test Gazette"
    assert rss.findtext("channel/generator", "").startswith("accessible-reader")
    atom = etree.fromstring(build_feed(snapshot, FeedScope(), FeedFormat.ATOM))
    assert atom.findtext(f"{ATOM}rights") == "© Test Gazette"


def test_feeds_are_served_with_their_media_types(site: SiteFactory) -> None:
    site.article("news/a.md", tags=["港灣區"])
    client = make_client(site)
    for path, media_type in (
        ("/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/news/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/tags/%E6%B8%AF%E7%81%A3%E5%8D%80/atom.xml", "application/atom+xml; charset=utf-8"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == media_type
        parse(response.content)
    assert client.get("/nosuch/rss.xml").status_code == 404
    assert client.get("/tags/nosuch/rss.xml").status_code == 404


@pytest.mark.parametrize("fmt", list(FeedFormat))
def test_empty_section_feed_is_valid(site: SiteFactory, fmt: FeedFormat, tmp_path: Path) -> None:
    site.section("empty", title="Empty")
    snapshot, _ = load_site(site.settings(), NOW)
    feed = check_feed(snapshot, FeedScope(section=("empty",)), fmt)
    assert (feed["items"] if fmt is FeedFormat.JSON else feed.entries) == []


@pytest.mark.parametrize("fmt", [FeedFormat.RSS, FeedFormat.ATOM])
def test_a_feed_is_the_same_whichever_feeds_were_built_before(fmt: FeedFormat) -> None:
    # Entries are serialised once per snapshot and spliced into every feed that holds them.
    site_feed = FeedScope()
    fresh = build_feed(demo_snapshot(), site_feed, fmt)
    warmed, cache = demo_snapshot(), FeedCache()
    for scope in feed_scopes(warmed):
        build_feed(warmed, scope, fmt, cache)
    assert len(cache.entries) == len(warmed.articles)
    assert build_feed(warmed, site_feed, fmt, cache) == fresh
    prepared, cache = demo_snapshot(), FeedCache()
    prepare_entries(prepared, prepared.articles, cache)
    assert build_feed(prepared, site_feed, fmt, cache) == fresh
    ids = [entry.id for entry in parse(fresh).entries]
    expected = [entry_id(warmed.settings, a) for a in feed_articles(warmed, site_feed)]
    assert ids == expected


def test_entries_are_cut_apart_only_at_their_own_marks() -> None:
    root = etree.fromstring(
        b"<rss><channel><item><title>a</title></item><item><title>b</title></item></channel></rss>"
    )
    assert entry_bytes(root) == [b"<item><title>a</title></item>", b"<item><title>b</title></item>"]
    spoofed = etree.fromstring(
        b"<rss><channel><item><!--accessible-reader entry--></item></channel></rss>"
    )
    with pytest.raises(ValueError, match="marker"):
        entry_bytes(spoofed)


def test_a_lead_image_of_no_known_type_is_named_without_an_enclosure(site: SiteFactory) -> None:
    """Its type unknown, an image cannot be an enclosure (which must state one); it stays
    in media:content, and the feed and the export are made all the same."""
    site.write(
        "news/a/index.md",
        "---\ntitle: A\ndate: 2026-11-01\nimage: lead.heic2\nimage_alt: x\n---\n\nBody.\n",
    )
    (site.root / "content/news/a/lead.heic2").write_bytes(b"not a known type")
    snapshot, _ = load_site(site.settings(), NOW)
    for fmt in (FeedFormat.RSS, FeedFormat.ATOM):
        (entry,) = parse(build_feed(snapshot, FeedScope(), fmt)).entries
        assert not entry.get("enclosures")
        assert entry.media_content[0]["url"] == "https://news.example.org/news/a/lead.heic2"
