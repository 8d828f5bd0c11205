"""RSS 2.0 and Atom 1.0 documents for a scope, built with feedgen: subscription and archives.

An article is in a dozen feeds and archives (the site's, its sections', its tags'), so its
entry is serialised once per snapshot and format and spliced into each document; feedgen
writes the document around the entries, and, in batches, the entries themselves.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from lxml import etree

from feeds.cache import FeedCache
from feeds.jsonfeed import build_json_feed
from feeds.scope import archive_page, archives, feed_articles, feed_description, feed_title
from feeds.xml import (
    Link,
    add_atom_extras,
    add_rss_extras,
    end_of_entries,
    entry_bytes,
    parse,
    serialise,
    xml_text,
)
from reader import __version__
from reader.model import Article
from reader.presentation import article_url, byline, entry_html, lead_image_url
from reader.store import Snapshot, tag_slug
from reader.urls import (
    ARCHIVED_FORMATS,
    FeedFormat,
    FeedScope,
    absolute,
    archive_path,
    entry_id,
    feed_page_path,
    feed_path,
    tag_path,
)

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

GENERATOR = "accessible-reader"
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)
"""An empty feed's ``updated``: fixed, so its bytes (and ETag) never drift."""


def build_feed(
    snapshot: Snapshot, scope: FeedScope, fmt: FeedFormat, cache: FeedCache | None = None
) -> bytes:
    """Serialise a subscription feed; the same snapshot and scope always give the same bytes.

    ``cache`` is the snapshot's, shared by every feed; without one, nothing is kept.
    """
    cache = cache if cache is not None else FeedCache()
    if fmt is FeedFormat.JSON:
        return build_json_feed(snapshot, scope, cache)
    settings = snapshot.settings
    links = [Link("self", absolute(settings, feed_path(scope, fmt)), fmt.media_type)]
    if settings.hub:
        links.append(Link("hub", settings.hub))
    count = archives(snapshot, scope).count
    if count:
        links.append(Link("prev-archive", absolute(settings, archive_path(scope, fmt, count))))
    articles = feed_articles(snapshot, scope)
    return _document(snapshot, cache, scope, fmt, articles, links, archive=False)


def build_search_feed(
    snapshot: Snapshot,
    scope: FeedScope,
    fmt: FeedFormat,
    found: Sequence[Article],
    cache: FeedCache | None = None,
) -> bytes:
    """Serialise a search's feed (RSS or Atom): what it found, newest first, as many as a
    subscription feed holds; a saved search as a subscription."""
    cache = cache if cache is not None else FeedCache()
    links = [Link("self", absolute(snapshot.settings, feed_path(scope, fmt)), fmt.media_type)]
    newest = sorted(found, key=lambda a: a.date, reverse=True)[: snapshot.settings.feed_length]
    return _document(snapshot, cache, scope, fmt, newest, links, archive=False)


def build_archive(
    snapshot: Snapshot,
    scope: FeedScope,
    fmt: FeedFormat,
    number: int,
    cache: FeedCache | None = None,
) -> bytes | None:
    """Serialise one RFC 5005 archive document, or None if there is no such page."""
    cache = cache if cache is not None else FeedCache()
    page, count = archive_page(snapshot, scope, number)
    if not fmt.archived or not 1 <= number <= count:
        return None
    settings = snapshot.settings
    links = [
        Link("self", absolute(settings, archive_path(scope, fmt, number)), fmt.media_type),
        Link("current", absolute(settings, feed_path(scope, fmt)), fmt.media_type),
    ]
    if number > 1:
        links.append(Link("prev-archive", absolute(settings, archive_path(scope, fmt, number - 1))))
    if number < count:
        links.append(Link("next-archive", absolute(settings, archive_path(scope, fmt, number + 1))))
    return _document(snapshot, cache, scope, fmt, page, links, archive=True)


def prepare_entries(snapshot: Snapshot, articles: Sequence[Article], cache: FeedCache) -> None:
    """Serialise these articles' entries in every XML format, ahead of the feeds holding them."""
    for fmt in ARCHIVED_FORMATS:
        _entries(snapshot, cache, fmt, articles)


def _document(
    snapshot: Snapshot,
    cache: FeedCache,
    scope: FeedScope,
    fmt: FeedFormat,
    articles: Sequence[Article],
    links: list[Link],
    *,
    archive: bool,
) -> bytes:
    newest = max((a.last_modified for a in articles), default=EMPTY_FEED_UPDATED)
    tree = _tree(snapshot, cache, scope, fmt, (), links, archive=archive, updated=newest)
    head = serialise(tree)
    end = end_of_entries(head)
    return b"".join([head[:end], *_entries(snapshot, cache, fmt, articles), head[end:]])


def _entries(
    snapshot: Snapshot, cache: FeedCache, fmt: FeedFormat, articles: Sequence[Article]
) -> list[bytes]:
    """Each article's serialised entry, made once per snapshot and format."""
    entries: list[bytes | None] = [cache.entry(fmt, article.key) for article in articles]
    missing = [article for article, entry in zip(articles, entries, strict=True) if entry is None]
    if missing:
        # One feedgen document for all that are missing: a document per entry costs more.
        tree = _tree(snapshot, cache, FeedScope(), fmt, missing, [], archive=False)
        made = dict(zip((a.key for a in missing), entry_bytes(tree), strict=True))
        for key, entry in made.items():
            cache.keep_entry(fmt, key, entry)
        entries = [made.get(a.key, e) for a, e in zip(articles, entries, strict=True)]
    for article in articles:
        snapshot.note_embedded(article)  # the entry holds the body, cached or not
    return [entry for entry in entries if entry is not None]


def _tree(
    snapshot: Snapshot,
    cache: FeedCache,
    scope: FeedScope,
    fmt: FeedFormat,
    articles: Sequence[Article],
    links: list[Link],
    *,
    archive: bool,
    updated: datetime = EMPTY_FEED_UPDATED,
) -> etree._Element:
    """The document feedgen writes, with what feedgen cannot write added."""
    settings = snapshot.settings
    page_url = absolute(settings, feed_page_path(scope))
    if settings.license:
        links.append(Link("license", settings.license))
    from feedgen.feed import FeedGenerator  # here: 60 ms to load, which a start need not wait

    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.load_extension("media")
    generator.id(page_url)
    generator.title(xml_text(feed_title(snapshot, scope)))
    # feedgen writes only the self link as RSS's atom:link, and the last link as RSS's
    # <link>; the rest of the links are added to RSS afterwards.
    for link in links:
        generator.link(href=link.href, rel=link.rel, **({"type": link.type} if link.type else {}))
    generator.link(href=page_url, rel="alternate", type="text/html")
    description = xml_text(feed_description(snapshot, scope))
    # RSS's description is HTML, which readers render: plain text goes in escaped, so a
    # "<" in a keyword or section description shows as "<" and never runs. Atom's subtitle
    # is typed text, and stays as it is. (feedgen sets both from either call.)
    generator.subtitle(as_html(description, fmt))
    generator.language(settings.language)
    generator.generator(GENERATOR, version=__version__)
    if settings.copyright:
        generator.rights(xml_text(settings.copyright))
    generator.author(name=xml_text(settings.title))
    generator.updated(updated)
    generator.lastBuildDate(updated)
    enclosures: dict[str, Link] = {}
    for article in articles:
        enclosure = _add_entry(generator, snapshot, cache, article, fmt)
        if enclosure is not None:
            enclosures[entry_id(settings, article)] = enclosure
    if fmt is FeedFormat.RSS:
        root = parse(bytes(generator.rss_str(pretty=False)))
        add_rss_extras(root, [link for link in links if link.rel != "self"], archive)
    else:
        root = parse(bytes(generator.atom_str(pretty=False)))
        add_atom_extras(root, enclosures, archive)
    return root


def _add_entry(
    generator: FeedGenerator,
    snapshot: Snapshot,
    cache: FeedCache,
    article: Article,
    fmt: FeedFormat,
) -> Link | None:
    """Add one entry; return its enclosure for Atom, which feedgen cannot write."""
    settings = snapshot.settings
    url = article_url(snapshot, article)
    entry = generator.add_entry(order="append")
    entry.id(entry_id(settings, article))
    entry.guid(entry_id(settings, article), permalink=False)
    entry.title(xml_text(article.title))
    entry.link(href=url, rel="alternate", type="text/html")
    entry.published(article.date)
    entry.updated(article.last_modified)
    name = xml_text(byline(snapshot, article))
    entry.author(name=name)
    entry.dc.dc_creator(name)
    for taxonomy, term in article.taxonomy_terms:
        entry.category(
            term=xml_text(term),
            label=xml_text(term),
            scheme=absolute(settings, tag_path(tag_slug(term), taxonomy=taxonomy)),
        )
    entry.summary(as_html(xml_text(article.summary), fmt))
    # RSS readers expect content:encoded as CDATA; Atom wants escaped text typed as html.
    kind = "CDATA" if fmt is FeedFormat.RSS else "html"
    entry.content(xml_text(entry_html(snapshot, article, cache)), type=kind)
    image = lead_image_url(snapshot, article)
    if not image:
        return None
    media = {"url": image, "medium": "image"}
    if article.image_type:
        media["type"] = article.image_type
    entry.media.content(group=None, **media | _size(article))
    # An enclosure must state its length and type: an image hosted elsewhere, or of a type
    # no name tells, gets media:content only.
    if not article.image_length or not article.image_type:
        return None
    if fmt is FeedFormat.RSS:
        entry.enclosure(image, article.image_length, article.image_type)
        return None
    return Link("enclosure", image, article.image_type, str(article.image_length))


def as_html(text: str, fmt: FeedFormat) -> str:
    """Plain text for a field that is HTML in this format (RSS's descriptions), else as is."""
    return html.escape(text, quote=False) if fmt is FeedFormat.RSS else text


def _size(article: Article) -> dict[str, str]:
    return {"fileSize": str(article.image_length)} if article.image_length else {}
