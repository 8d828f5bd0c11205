"""The only place a URL is spelled: building paths, making them absolute, and parsing them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from urllib.parse import quote

from reader.config import Settings
from reader.model import Article, SectionKey

TAGS = "tags"
ASSETS = "_assets"
PAGE = "page"


class FeedFormat(Enum):
    """A feed's syntax, named by its file in the URL."""

    RSS = "rss.xml"
    ATOM = "atom.xml"

    @property
    def media_type(self) -> str:
        """The registered media type of this format."""
        return "application/rss+xml" if self is FeedFormat.RSS else "application/atom+xml"

    @property
    def label(self) -> str:
        """The format's usual name."""
        return "RSS" if self is FeedFormat.RSS else "Atom"


@dataclass(frozen=True)
class FeedScope:
    """Which articles a feed holds: the whole site, a section's tree, or a tag's."""

    section: SectionKey | None = None
    tag: str | None = None


def _segments(parts: tuple[str, ...] | list[str]) -> str:
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
    """One of: home, section, content, tags, tag, feed, asset."""
    segments: tuple[str, ...] = ()
    page: int = 1
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
    feeds = {fmt.value: fmt for fmt in FeedFormat}
    if parts[-1] in feeds:
        fmt, rest = feeds[parts[-1]], parts[:-1]
        if rest[:1] == [TAGS] and len(rest) == 2:
            return Target("feed", feed=fmt, tag=rest[1])
        return Target("feed", tuple(rest), feed=fmt)
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
