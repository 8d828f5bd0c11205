"""How an article presents itself wherever it appears: pages, feeds, the API and oEmbed.

One place for the byline, the joining of titles, the article's absolute URLs and its
full HTML as it travels off our site, so that a page, a feed entry and a partner's copy
never disagree.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urljoin

from feeds.cache import FeedCache
from reader.markdown import sanitize
from reader.model import Article
from reader.prefix import prefixed_html
from reader.store import Snapshot
from reader.urls import absolute, article_path

CHARACTERS_A_MINUTE = 400
"""Han characters a reader reads in a minute: studies put Chinese at 300 to 500."""
WORDS_A_MINUTE = 220
"""Words of Latin script a reader reads in a minute."""
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\u3400-\u9fff\uf900-\ufaff]+")

TITLE_SEPARATOR = " - "
"""Between the parts of a title, most specific first: "Page 2 - Harbour - Gazette"."""


def joined_title(*parts: str) -> str:
    """A title from its parts, most specific first (empty parts left out)."""
    return TITLE_SEPARATOR.join(part for part in parts if part)


def reading_minutes(text: str) -> int:
    """About how long ``text`` takes to read: Chinese by its characters, Latin script by
    its words, and at least a minute."""
    han = len(_HAN.findall(text))
    words = len(_WORD.findall(text))
    return max(1, round(han / CHARACTERS_A_MINUTE + words / WORDS_A_MINUTE))


def byline(snapshot: Snapshot, article: Article) -> str:
    """Who an entry is by: its author, else its source, else the site."""
    return article.author or article.source or snapshot.settings.title


def article_url(snapshot: Snapshot, article: Article) -> str:
    """The article page's absolute URL."""
    return absolute(snapshot.settings, article_path(article))


def lead_image_path(article: Article) -> str:
    """The lead image's address as our pages link it: a path of the site, or another
    host's URL."""
    return urljoin(article_path(article), article.image) if article.image else ""


def lead_image_url(snapshot: Snapshot, article: Article) -> str:
    """The lead image's absolute URL, or "" when the article has none."""
    if not article.image:
        return ""
    return urljoin(article_url(snapshot, article), _under_base(snapshot, article.image))


def entry_html(snapshot: Snapshot, article: Article, cache: FeedCache) -> str:
    """The full article as safe HTML whose every link and image works off our site."""
    # One article is in a dozen feeds and archives (site, sections, tags; three formats).
    cached = cache.entry_html.get(article.key)
    if cached is None:
        cached = _entry_html(snapshot, article)
        cache.entry_html.put(article.key, cached, len(cached.encode()))
    snapshot.note_embedded(article)  # noted whether or not it was cached: the output embeds it
    return cached


def _entry_html(snapshot: Snapshot, article: Article) -> str:
    lead = ""
    if article.image:
        lead = (
            f'<figure><img src="{escape(article.image)}" alt="{escape(article.image_alt)}">'
            "</figure>"
        )
    html = prefixed_html(lead + snapshot.body_html(article), snapshot.settings.base_path)
    return sanitize(html, base_url=article_url(snapshot, article))


def _under_base(snapshot: Snapshot, url: str) -> str:
    """A root-relative path of the site, under its base path."""
    if url.startswith("/") and not url.startswith("//"):
        return snapshot.settings.base_path + url
    return url
