"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1), built with the standard library."""

from __future__ import annotations

from typing import Any

from feeds.cache import FeedCache
from feeds.scope import feed_articles, feed_description, feed_title
from reader.jsontext import json_bytes
from reader.model import Article
from reader.presentation import article_url, byline, entry_html, lead_image_url
from reader.store import Snapshot
from reader.urls import FeedFormat, FeedScope, absolute, entry_id, feed_page_path, feed_path

VERSION = "https://jsonfeed.org/version/1.1"


def build_json_feed(snapshot: Snapshot, scope: FeedScope, cache: FeedCache) -> bytes:
    """Serialise a scope's subscription feed as JSON Feed 1.1."""
    settings = snapshot.settings
    document: dict[str, Any] = {
        "version": VERSION,
        "title": feed_title(snapshot, scope),
        "home_page_url": absolute(settings, feed_page_path(scope)),
        "feed_url": absolute(settings, feed_path(scope, FeedFormat.JSON)),
        "description": feed_description(snapshot, scope),
        "language": settings.language,
        "authors": [{"name": settings.title, "url": settings.base_url}],
    }
    if settings.hub:
        document["hubs"] = [{"type": "WebSub", "url": settings.hub}]
    document["items"] = [_item(snapshot, a, cache) for a in feed_articles(snapshot, scope)]
    return json_bytes(document)


def _item(snapshot: Snapshot, article: Article, cache: FeedCache) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry_id(snapshot.settings, article),
        "url": article_url(snapshot, article),
        "title": article.title,
        "content_html": entry_html(snapshot, article, cache),
        "summary": article.summary,
        "date_published": article.date.isoformat(),
        "date_modified": article.last_modified.isoformat(),
        "authors": [{"name": byline(snapshot, article)}],
    }
    if article.tags:
        item["tags"] = list(article.tags)
    if article.lang:
        item["language"] = article.lang
    image = lead_image_url(snapshot, article)
    if image:
        item["image"] = image
    return item
