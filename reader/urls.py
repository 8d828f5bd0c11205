"""The only place a URL is spelled: building paths, making them absolute, and parsing them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import quote, urlencode

from reader.config import Settings
from reader.model import Article, SectionKey

TAGS = "tags"
ASSETS = "_assets"
PAGE = "page"
FEEDS = "feeds"
API_ARTICLES = ("api", "v1", "articles")
OPML = "feeds.opml"
SITEMAP = "sitemap.xml"
NEWS_SITEMAP = "news-sitemap.xml"
ROBOTS = "robots.txt"
OEMBED = "oembed"
PREFERENCES_CSS = "_reading.css"
SETTINGS = "settings"
ROOT_FILES = {
    PREFERENCES_CSS: "preferences_css",
    OPML: "opml",
    SITEMAP: "sitemap",
    NEWS_SITEMAP: "news_sitemap",
    ROBOTS: "robots",
    OEMBED: "oembed",
}
"""Names at the site root that are ours, and the target each names."""
_ARCHIVE = re.compile(r"(rss|atom)-archive-([1-9][0-9]{0,8})\.xml")
_SITEMAP_PART = re.compile(r"sitemap-([1-9][0-9]{0,8})\.xml")


class FeedFormat(Enum):
    """A feed's syntax, named by its file in the URL."""

    RSS = "rss.xml"
    ATOM = "atom.xml"
    JSON = "feed.json"

    @property
    def media_type(self) -> str:
        """The registered media type of this format."""
        return _FEED_MEDIA_TYPES[self]

    @property
    def label(self) -> str:
        """The format's usual name."""
        return _FEED_LABELS[self]

    @property
    def archived(self) -> bool:
        """Whether this format has RFC 5005 archive documents (the XML formats do)."""
        return self is not FeedFormat.JSON


_FEED_MEDIA_TYPES = {
    FeedFormat.RSS: "application/rss+xml",
    FeedFormat.ATOM: "application/atom+xml",
    FeedFormat.JSON: "application/feed+json",
}
_FEED_LABELS = {FeedFormat.RSS: "RSS", FeedFormat.ATOM: "Atom", FeedFormat.JSON: "JSON Feed"}


@dataclass(frozen=True)
class FeedScope:
    """Which articles a feed holds: the whole site, a section's tree, or a tag's."""

    section: SectionKey | None = None
    tag: str | None = None


@functools.lru_cache(maxsize=1 << 17)
def _segments(parts: tuple[str, ...]) -> str:
    # Every teaser, breadcrumb and feed entry spells its article's path: quote it once.
    return "".join(quote(part, safe="") + "/" for part in parts)


def home_path() -> str:
    """The home page."""
    return "/"


def section_path(key: SectionKey, page: int = 1) -> str:
    """A section's page (the first, or a later one)."""
    return "/" + _segments(key) + (f"{PAGE}/{page}/" if page > 1 else "")


def article_path(article: Article) -> str:
    """An article's page; its bundle's files live below it."""
    return "/" + _segments(article.key)


def tags_path() -> str:
    """The index of all tags."""
    return f"/{TAGS}/"


def tag_path(slug: str, page: int = 1) -> str:
    """A tag's page (the first, or a later one)."""
    return f"/{TAGS}/{quote(slug, safe='')}/" + (f"{PAGE}/{page}/" if page > 1 else "")


def feed_path(scope: FeedScope, fmt: FeedFormat) -> str:
    """A feed of the site, a section or a tag."""
    if scope.tag is not None:
        return tag_path(scope.tag) + fmt.value
    return section_path(scope.section or ()) + fmt.value


def archive_path(scope: FeedScope, fmt: FeedFormat, number: int) -> str:
    """One RFC 5005 archive document of a feed: number 1 holds the oldest entries."""
    return (
        feed_path(scope, fmt).removesuffix(fmt.value) + f"{fmt.name.lower()}-archive-{number}.xml"
    )


def feeds_index_path() -> str:
    """The human-readable list of every feed."""
    return f"/{FEEDS}/"


def opml_path() -> str:
    """The OPML subscription list of all section feeds."""
    return f"/{OPML}"


def sitemap_path(part: int | None = None) -> str:
    """The sitemap (or its index), or one numbered part of a large one."""
    return f"/{SITEMAP}" if part is None else f"/sitemap-{part}.xml"


def news_sitemap_path() -> str:
    """The Google News sitemap of recent articles."""
    return f"/{NEWS_SITEMAP}"


def api_articles_path(query: dict[str, str] | None = None) -> str:
    """The partner API's article list, with optional query parameters."""
    path = "/" + "/".join(API_ARTICLES)
    return path + ("?" + urlencode(sorted(query.items())) if query else "")


def api_article_path(article: Article) -> str:
    """One article in the partner API, named by its stable id."""
    return api_articles_path() + "/" + quote(article.id, safe="/@:+-._~")


def oembed_path(url: str | None = None) -> str:
    """The oEmbed endpoint, optionally asked about one page's URL."""
    return f"/{OEMBED}" + ("?" + urlencode({"url": url, "format": "json"}) if url else "")


def settings_path(back: str | None = None) -> str:
    """The reading settings page; ``back`` is the page to return to."""
    return f"/{SETTINGS}/" + ("?" + urlencode({"back": back}) if back else "")


def preferences_css_path() -> str:
    """The stylesheet that applies a reader's settings; it depends on their cookie."""
    return f"/{PREFERENCES_CSS}"


def is_personal(path: str) -> bool:
    """Whether a path's answer depends on the reader's cookie (and so is never shared)."""
    return path in _PERSONAL_PATHS


_PERSONAL_PATHS = frozenset({settings_path(), preferences_css_path()})


def feed_page_path(scope: FeedScope) -> str:
    """The HTML page that a feed mirrors."""
    if scope.tag is not None:
        return tag_path(scope.tag)
    return section_path(scope.section or ())


def asset_path(name: str) -> str:
    """A file of the theme (stylesheet, icons)."""
    return f"/{ASSETS}/{name}"


def absolute(settings: Settings, path: str) -> str:
    """An absolute URL from the configured base URL, never from the request."""
    return settings.base_url + path.lstrip("/")


def entry_id(settings: Settings, article: Article) -> str:
    """The feed id of an article: its ``id`` if it is a URI, else a tag URI (RFC 4151)."""
    scheme, colon, _ = article.id.partition(":")
    if colon and scheme.isalpha():
        return article.id
    day = article.date.date().isoformat()
    return f"tag:{settings.authority},{day}:{quote(article.id, safe='/@:+-._~')}"


@dataclass(frozen=True)
class Target:
    """What a request path names, before the snapshot is asked whether it exists."""

    kind: str
    """One of: home, content, tags, tag, feed, archive, asset, feeds, opml, sitemap,
    sitemap_part, news_sitemap, robots, oembed, api_articles, api_article, settings,
    preferences_css."""
    segments: tuple[str, ...] = ()
    page: int = 1
    number: int = 0
    """The archive document or sitemap part asked for."""
    feed: FeedFormat | None = None
    tag: str | None = None
    canonical: str | None = None
    """Set when the path should redirect to this spelling (a missing slash, page 1)."""


def resolve(path: str) -> Target:
    """Parse a decoded request path into a target; the inverse of the builders above."""
    trailing = path.endswith("/")
    parts = [p for p in path.split("/") if p]
    if not parts:
        return Target("home")
    if parts[0] == ASSETS and len(parts) >= 2:
        return Target("asset", tuple(parts[1:]))
    if len(parts) == 1 and parts[0] in ROOT_FILES and not trailing:
        return Target(ROOT_FILES[parts[0]])
    if len(parts) == 1 and (part := _SITEMAP_PART.fullmatch(parts[0])):
        return Target("sitemap_part", number=int(part[1]))
    if parts == [FEEDS]:
        return Target("feeds", canonical=None if trailing else feeds_index_path())
    if parts == [SETTINGS]:
        return Target("settings", canonical=None if trailing else settings_path())
    if tuple(parts[:3]) == API_ARTICLES:
        if len(parts) == 3:
            return Target("api_articles")
        # An id may itself hold slashes, even two in a row (https://...): keep it whole.
        return Target("api_article", (path.removeprefix(api_articles_path() + "/"),))
    feeds = {fmt.value: fmt for fmt in FeedFormat}
    archive = _ARCHIVE.fullmatch(parts[-1])
    if parts[-1] in feeds or archive:
        if archive:
            kind, fmt, number = "archive", FeedFormat[archive[1].upper()], int(archive[2])
        else:
            kind, fmt, number = "feed", feeds[parts[-1]], 0
        rest = parts[:-1]
        if rest[:1] == [TAGS] and len(rest) == 2:
            return Target(kind, feed=fmt, tag=rest[1], number=number)
        return Target(kind, tuple(rest), feed=fmt, number=number)
    page = 1
    if len(parts) >= 2 and parts[-2] == PAGE and parts[-1].isdigit():
        page, parts = int(parts[-1]), parts[:-2]
        if page < 1:
            return Target("content", tuple(parts), page=page)
    if parts[0] == TAGS and len(parts) <= 2:
        tag = parts[1] if len(parts) == 2 else None
        canonical_path = tag_path(tag, page) if tag else tags_path()
        target = Target("tag" if tag else "tags", page=page, tag=tag)
    else:
        canonical_path = section_path(tuple(parts), page)
        target = Target("content", tuple(parts), page=page)
    if not trailing or (page == 1 and path.rstrip("/").endswith(f"/{PAGE}/1")):
        return Target(target.kind, target.segments, page, tag=target.tag, canonical=canonical_path)
    return target
