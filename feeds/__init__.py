"""Feed building: pure functions from a published snapshot to feed bytes (RSS 2.0, Atom 1.0)."""

from feeds.build import build_feed, feed_articles, feed_title

__all__ = ["build_feed", "feed_articles", "feed_title"]
