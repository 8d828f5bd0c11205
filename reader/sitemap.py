"""Sitemaps (sitemaps.org 0.9, split by an index past 50,000 URLs), the Google News sitemap,
and robots.txt that points to them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from feeds.xml import xml_escaped
from reader.languages import language_settings, versions
from reader.store import Snapshot
from reader.urls import (
    absolute,
    api_articles_path,
    article_path,
    home_path,
    news_sitemap_path,
    oembed_path,
    section_path,
    sitemap_path,
    tag_path,
    tags_path,
    variant_path,
)

MAX_URLS = 50_000
"""The sitemaps.org limit for one file."""
MAX_NEWS_URLS = 1_000
"""Google News reads at most this many articles from a news sitemap."""
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
# Google News wants ISO 639 codes, except zh-cn and zh-tw for the two Chinese scripts.
_NEWS_LANGUAGES = {"zh-hans": "zh-cn", "zh-hant": "zh-tw"}

_XHTML_NS = "http://www.w3.org/1999/xhtml"

Entry = tuple[str, datetime | None]
Alternates = tuple[tuple[str, str], ...]
"""A page's versions: each language and its URL (empty for a site with one)."""


def sitemap_entries(snapshot: Snapshot) -> list[tuple[str, datetime | None, Alternates]]:
    """Every public page worth crawling in each version of the site (the original and its
    script variants), with when it last changed and its versions as alternates."""
    settings = snapshot.settings
    found = versions(settings)
    if len(found) < 2:
        return [(url, changed, ()) for url, changed in _page_entries(snapshot)]
    entries = []
    for path, changed in _page_entries(snapshot, absolute_urls=False):
        alternates = tuple(
            (v.lang, absolute(settings, variant_path(v.segment, path))) for v in found
        )
        entries += [(url, changed, alternates) for _, url in alternates]
    return entries


def _page_entries(snapshot: Snapshot, *, absolute_urls: bool = True) -> list[Entry]:
    """Every public page worth crawling, with when it last changed: absolute URLs, or
    the site's paths."""
    settings = snapshot.settings
    newest = snapshot.articles[0].last_modified if snapshot.articles else None
    entries: list[Entry] = [(home_path(), newest)]
    for key in sorted(snapshot.sections):
        if key:
            listed = snapshot.section_articles(key)
            changed = max((a.last_modified for a in listed), default=None)
            entries.append((section_path(key), changed))
    entries += [(article_path(a), a.last_modified) for a in (*snapshot.articles, *snapshot.pages)]
    for taxonomy in snapshot.taxonomies():
        entries.append((tags_path(taxonomy), newest))
        entries += [
            (
                tag_path(tag.slug, taxonomy=taxonomy),
                max(a.last_modified for a in tag.articles),
            )
            for tag in snapshot.tags(taxonomy)
        ]
    if absolute_urls:
        return [(absolute(settings, path), changed) for path, changed in entries]
    return entries


def build_sitemap(snapshot: Snapshot, part: int | None, limit: int = MAX_URLS) -> bytes | None:
    """The sitemap, or its index and numbered parts once it passes ``limit`` URLs."""
    entries = sitemap_entries(snapshot)
    parts = max(1, math.ceil(len(entries) / limit))
    if part is None and parts == 1:
        return _urlset(entries)
    if part is None:
        return _index(snapshot, entries, parts, limit)
    if parts == 1 or not 1 <= part <= parts:
        return None
    return _urlset(entries[(part - 1) * limit : part * limit])


def _urlset(entries: Sequence[tuple[str, datetime | None, Alternates]]) -> bytes:
    alternated = any(alternates for _, _, alternates in entries)
    lines = [
        f'<urlset xmlns="{_SITEMAP_NS}"' + (f' xmlns:xhtml="{_XHTML_NS}">' if alternated else ">")
    ]
    for url, changed, alternates in entries:
        lastmod = f"<lastmod>{changed.isoformat()}</lastmod>" if changed else ""
        links = "".join(
            f'<xhtml:link rel="alternate" hreflang="{lang}" href="{xml_escaped(href)}"/>'
            for lang, href in alternates
        )
        lines.append(f"<url><loc>{xml_escaped(url)}</loc>{lastmod}{links}</url>")
    lines.append("</urlset>")
    return _xml(lines)


def _index(
    snapshot: Snapshot,
    entries: Sequence[tuple[str, datetime | None, Alternates]],
    parts: int,
    limit: int,
) -> bytes:
    lines = [f'<sitemapindex xmlns="{_SITEMAP_NS}">']
    for number in range(1, parts + 1):
        chunk = entries[(number - 1) * limit : number * limit]
        changed = max((c for _, c, _ in chunk if c is not None), default=None)
        lastmod = f"<lastmod>{changed.isoformat()}</lastmod>" if changed else ""
        url = absolute(snapshot.settings, sitemap_path(number))
        lines.append(f"<sitemap><loc>{xml_escaped(url)}</loc>{lastmod}</sitemap>")
    lines.append("</sitemapindex>")
    return _xml(lines)


def news_language(tag: str) -> str:
    """The language code Google News expects for a BCP 47 tag."""
    lowered = tag.lower()
    return _NEWS_LANGUAGES.get(lowered, lowered.split("-", 1)[0])


def build_news_sitemap(snapshot: Snapshot) -> bytes:
    """The Google News sitemap: articles of the snapshot's recent window, newest first."""
    settings = snapshot.settings
    lines = [f'<urlset xmlns="{_SITEMAP_NS}" xmlns:news="{_NEWS_NS}">']
    for article in snapshot.recent[:MAX_NEWS_URLS]:
        lines.append(
            f"<url><loc>{xml_escaped(absolute(settings, article_path(article)))}</loc>"
            "<news:news><news:publication>"
            f"<news:name>{xml_escaped(settings.title)}</news:name>"
            f"<news:language>{news_language(article.lang or settings.language)}</news:language>"
            "</news:publication>"
            f"<news:publication_date>{article.date.isoformat()}</news:publication_date>"
            f"<news:title>{xml_escaped(article.title)}</news:title>"
            "</news:news></url>"
        )
    lines.append("</urlset>")
    return _xml(lines)


def build_robots(snapshot: Snapshot) -> bytes:
    """robots.txt: crawl everything public, skip the machine endpoints, find the sitemaps."""
    settings = snapshot.settings
    lines = [
        "User-agent: *",
        "Allow: /",
        f"Disallow: {api_articles_path()}",
        f"Disallow: {oembed_path()}",
        "",
    ]
    # A multilingual site's languages each have theirs (/en/sitemap.xml).
    for language in language_settings(settings):
        lines.append(f"Sitemap: {absolute(language, sitemap_path())}")
        lines.append(f"Sitemap: {absolute(language, news_sitemap_path())}")
    return ("\n".join(lines) + "\n").encode()


def _xml(lines: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(lines) + "\n").encode()
