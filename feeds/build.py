"""RSS 2.0 and Atom 1.0 for the site, a section's tree or a tag, built with feedgen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape

from feedgen.feed import FeedGenerator

from feeds.xml import xml_text
from reader import __version__
from reader.i18n import Labels
from reader.markdown import sanitize
from reader.model import Article
from reader.store import Snapshot, tag_slug
from reader.urls import (
    FeedFormat,
    FeedScope,
    absolute,
    article_path,
    entry_id,
    feed_page_path,
    feed_path,
    tag_path,
)

GENERATOR = "accessible-reader"
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)
"""An empty feed's ``updated``: fixed, so its bytes (and ETag) never drift."""


def feed_articles(snapshot: Snapshot, scope: FeedScope) -> Sequence[Article]:
    """The newest published articles of a scope, at most the configured feed length."""
    if scope.tag is not None:
        tag = snapshot.tag(scope.tag)
        articles: Sequence[Article] = tag.articles if tag else ()
    else:
        articles = snapshot.section_articles(scope.section or ())
    return articles[: snapshot.settings.feed_length]


def feed_title(snapshot: Snapshot, scope: FeedScope) -> str:
    """A feed's human title: what it holds, then the site's name."""
    settings = snapshot.settings
    if scope.tag is not None:
        tag = snapshot.tag(scope.tag)
        name = tag.name if tag else scope.tag
        return f"{Labels(settings.language).format('tag_title', tag=name)} - {settings.title}"
    section = snapshot.section(scope.section or ())
    if section is None or not section.key:
        return settings.title
    trail = " - ".join(s.title for s in reversed(snapshot.ancestors(section.key)))
    return f"{trail} - {settings.title}"


def build_feed(snapshot: Snapshot, scope: FeedScope, fmt: FeedFormat) -> bytes:
    """Serialise one feed; the same snapshot and scope always give the same bytes."""
    settings = snapshot.settings
    articles = feed_articles(snapshot, scope)
    page_url = absolute(settings, feed_page_path(scope))
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.id(page_url)
    generator.title(xml_text(feed_title(snapshot, scope)))
    # feedgen writes the first link as RSS's atom:link; self must come before alternate.
    generator.link(href=absolute(settings, feed_path(scope, fmt)), rel="self", type=fmt.media_type)
    generator.link(href=page_url, rel="alternate", type="text/html")
    generator.description(xml_text(_description(snapshot, scope)))
    generator.subtitle(xml_text(_description(snapshot, scope)))
    generator.language(settings.language)
    generator.generator(GENERATOR, version=__version__)
    if settings.copyright:
        generator.rights(xml_text(settings.copyright))
    generator.author(name=xml_text(settings.title))
    newest = max((a.last_modified for a in articles), default=EMPTY_FEED_UPDATED)
    generator.updated(newest)
    generator.lastBuildDate(newest)
    for article in articles:
        _add_entry(generator, snapshot, article, fmt)
    if fmt is FeedFormat.RSS:
        return bytes(generator.rss_str(pretty=False))
    return bytes(generator.atom_str(pretty=False))


def _description(snapshot: Snapshot, scope: FeedScope) -> str:
    section = snapshot.section(scope.section or ()) if scope.tag is None else None
    if section is not None and section.description:
        return section.description
    return snapshot.settings.description or feed_title(snapshot, scope)


def _add_entry(
    generator: FeedGenerator, snapshot: Snapshot, article: Article, fmt: FeedFormat
) -> None:
    settings = snapshot.settings
    url = absolute(settings, article_path(article))
    entry = generator.add_entry(order="append")
    entry.id(entry_id(settings, article))
    entry.guid(entry_id(settings, article), permalink=False)
    entry.title(xml_text(article.title))
    entry.link(href=url, rel="alternate", type="text/html")
    entry.published(article.date)
    entry.updated(article.last_modified)
    byline = article.author or article.source or settings.title
    entry.author(name=xml_text(byline))
    entry.dc.dc_creator(xml_text(byline))
    for name in article.tags:
        entry.category(
            term=xml_text(name),
            label=xml_text(name),
            scheme=absolute(settings, tag_path(tag_slug(name))),
        )
    entry.summary(xml_text(article.summary))
    # RSS readers expect content:encoded as CDATA; Atom wants escaped text typed as html.
    kind = "CDATA" if fmt is FeedFormat.RSS else "html"
    entry.content(xml_text(_content(article, url)), type=kind)


def _content(article: Article, url: str) -> str:
    """The full article as safe HTML whose every link and image works off our site."""
    lead = ""
    if article.image:
        lead = (
            f'<figure><img src="{escape(article.image)}" alt="{escape(article.image_alt)}">'
            "</figure>"
        )
    return sanitize(lead + article.body_html, base_url=url)
