"""Feed building: pure functions from a published snapshot to feed bytes (RSS, Atom, JSON Feed)."""

from feeds.build import build_archive, build_feed, build_search_feed, prepare_entries
from feeds.cache import FeedCache
from feeds.scope import archives, feed_articles, feed_title, scope_articles, scope_exists

__all__ = [
    "FeedCache",
    "archives",
    "build_archive",
    "build_feed",
    "build_search_feed",
    "feed_articles",
    "feed_title",
    "prepare_entries",
    "scope_articles",
    "scope_exists",
]
