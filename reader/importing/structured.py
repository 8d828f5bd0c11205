"""What a saved page states for machines rather than readers: its ``meta`` elements and its
schema.org JSON-LD (``NewsArticle``: ``datePublished``, ``author``, ``articleSection``).

Portals and newspapers fill these in more reliably than their pages' layouts let a reader
of the text find the same facts; a page's JSON-LD may also be malformed (udn.com writes
``"@id": "@id": ...``), and such a block is passed over.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, tzinfo
from typing import Any

_STATED_DATES = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//meta[@name='publishdate' or @name='PubDate' or @name='pubdate' or @name='date']/@content",
)
"""Where pages state their publication time in ``meta``: Open Graph, schema.org, portals'."""
ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle"})
MAX_LD_CHARACTERS = 200_000
"""A JSON-LD block longer than this is no article's description, and is not parsed."""


MIN_TEASERS = 3
"""Headings linking to other pages a page that calls itself a website (not an article)
must have to be a list of articles."""


def lists_articles(tree: Any) -> bool:
    """Whether the page says it is no article (``og:type`` ``website``, or JSON-LD's
    ``CollectionPage``) and lists other pages under headings that link to them, three or
    more, or as ``<article>`` teasers under a headline of its own: a section's or a
    keyword's list, which a mirror of a site holds beside its articles."""
    if next(articles(tree), None) is not None:
        return False  # an article's JSON-LD, whatever else it lists (related stories)
    collection = any(_of_type(item, _LIST_TYPES) for item in _ld_items(tree))
    if not (collection or says_website(tree)):
        return False
    teasers = linked_headings(tree)
    # A list written as HTML5 writes one: its headline outside the articles it lists.
    semantic = bool(tree.xpath("//article[.//h2//a[@href] or .//h3//a[@href]]")) and bool(
        tree.xpath("//h1[not(ancestor::article)]")
    )
    return teasers >= MIN_TEASERS or semantic


MANY_TEASERS = 20
"""Headings linking to other pages that make a page with no prose a list, whatever it calls
itself (NetEase's channel pages: 79 and 104; its stories, with prose, have as many)."""


def linked_headings(tree: Any) -> int:
    """How many of the page's headings (``h2`` to ``h4``) link to another page."""
    return len(tree.xpath("//h2//a[@href] | //h3//a[@href] | //h4//a[@href]"))


def says_website(tree: Any) -> bool:
    """Whether the page's ``og:type`` calls it a website, not an article."""
    kinds = {str(v).strip().lower() for v in tree.xpath("//meta[@property='og:type']/@content")}
    return "website" in kinds and "article" not in kinds


_LIST_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage"})


def stated_date(tree: Any, zone: tzinfo) -> tuple[datetime, bool] | None:
    """The publication time the page states (``meta``, then JSON-LD's ``datePublished``),
    in the site's zone (one without an offset is the site's time), and whether it gives a
    time or a day alone."""
    values = [str(v) for xpath in _STATED_DATES for v in tree.xpath(xpath)]
    values += [str(a["datePublished"]) for a in articles(tree) if a.get("datePublished")]
    for value in values:
        text = value.strip()
        try:
            stated = datetime.fromisoformat(text)
        except ValueError:
            continue
        if stated.tzinfo is None:
            return stated.replace(tzinfo=zone), "T" in text or " " in text
        return stated.astimezone(zone), True
    return None


def stated_authors(tree: Any) -> list[str]:
    """The names JSON-LD gives its article's author when a person, as written
    (``記者陳嘉寧／桃園機場報導``); not an organization (自由時報, 三立新聞網)."""
    names: list[str] = []
    for article in articles(tree):
        authors = article.get("author")
        for author in authors if isinstance(authors, list) else [authors]:
            if isinstance(author, dict) and author.get("@type", "Person") == "Person":
                name = author.get("name")
            else:
                name = author if isinstance(author, str) else None
            if isinstance(name, str) and name.strip():
                names.append(name.strip())
    return names


def stated_section(tree: Any) -> str:
    """The section JSON-LD names its article in (``articleSection``), or ""."""
    for article in articles(tree):
        section = article.get("articleSection")
        if isinstance(section, list):
            section = section[0] if section else ""
        if isinstance(section, str) and section.strip():
            return section.strip()
    return ""


def articles(tree: Any) -> Iterator[dict[str, Any]]:
    """The page's JSON-LD objects that describe an article, in order."""
    return (item for item in _ld_items(tree) if _of_type(item, ARTICLE_TYPES))


def _ld_items(tree: Any) -> Iterator[dict[str, Any]]:
    """The page's JSON-LD objects: each block's, a list's items, a ``@graph``'s."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        text = script.text or ""
        if len(text) > MAX_LD_CHARACTERS:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue  # malformed, or nested past reason: the page's other statements count
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (g for g in graph if isinstance(g, dict))
            else:
                yield item


def _of_type(item: dict[str, Any], types: frozenset[str]) -> bool:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(k in types for k in kinds if isinstance(k, str))
