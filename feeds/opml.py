"""OPML 2.0 subscription list of the site's and every section's feed, for one-step subscribing."""

from __future__ import annotations

from feeds.scope import feed_description, feed_title
from feeds.xml import xml_text
from reader.store import Snapshot
from reader.urls import FeedFormat, FeedScope, absolute, feed_page_path, feed_path


def build_opml(snapshot: Snapshot) -> bytes:
    """The OPML document: one outline per section feed (RSS), the whole site first."""
    from xml.sax.saxutils import quoteattr  # here: its module imports urllib.request, ssl

    settings = snapshot.settings
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "<head>",
        f"<title>{_text(settings.title)}</title>",
        "<docs>http://opml.org/spec2.opml</docs>",
        "</head>",
        "<body>",
    ]
    for key in snapshot.section_tree():
        scope = FeedScope(section=key)
        attributes = {
            "type": "rss",
            "version": "RSS2",
            "text": feed_title(snapshot, scope),
            "title": feed_title(snapshot, scope),
            "description": feed_description(snapshot, scope),
            "language": settings.language,
            "xmlUrl": absolute(settings, feed_path(scope, FeedFormat.RSS)),
            "htmlUrl": absolute(settings, feed_page_path(scope)),
        }
        rendered = " ".join(f"{name}={quoteattr(xml_text(v))}" for name, v in attributes.items())
        lines.append(f"<outline {rendered}/>")
    lines += ["</body>", "</opml>"]
    return ("\n".join(lines) + "\n").encode()


def _text(value: str) -> str:
    return xml_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
