"""The route table: every URL the site answers, declared once, and built and parsed from it.

Each route has a name, a pattern, the kind of response it gives and whether its query
string matters. ``resolve`` (path to route and parameters), ``build`` (the inverse), the
reserved top-level names and, with the endpoints bound in ``reader.endpoints``, the static
export's list of paths all derive from ``ROUTES``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, fields, replace
from enum import Enum
from urllib.parse import quote, urlencode

from reader.config import DEFAULT_TAXONOMIES, Settings
from reader.model import TAGS, Article, SectionKey


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
ARCHIVED_FORMATS = tuple(fmt for fmt in FeedFormat if fmt.archived)


class Kind(Enum):
    """What a response is, which decides its type, its freshness and who may fetch it."""

    PAGE = "page"
    FEED = "feed"
    ARCHIVE = "archive"
    API = "api"
    OPML = "opml"
    SITEMAP = "sitemap"
    TEXT = "text"
    CSS = "css"
    FILE = "file"
    ATTACHMENT = "attachment"
    """A file of a page bundle: it goes with its article."""
    REDIRECT = "redirect"
    PERSONAL = "personal"
    """Depends on the reader's cookie: the settings page and the stylesheet it drives."""
    PREVIEW = "preview"
    """An unpublished article shown through a signed link: for its holder only."""
    PREVIEW_FILE = "preview_file"
    """A file of that article's page bundle (its photos), through the same link."""


class RouteName(Enum):
    """Every route; each is answered by the endpoint of the same name."""

    HOME = "home"
    HOME_PAGE = "home_page"
    """A later page of the front page's latest articles."""
    ASSET = "asset"
    IMAGE = "image"
    """A lead image resized (``/_img/KEY/640.webp``); the original until it is made."""
    PREFERENCES_CSS = "preferences_css"
    SETTINGS = "settings"
    PREVIEW = "preview"
    PREVIEW_FILE = "preview_file"
    """An unpublished article through a signed link (``reader preview-link``)."""
    FEEDS_INDEX = "feeds_index"
    OPML = "opml"
    SITEMAP = "sitemap"
    SITEMAP_PART = "sitemap_part"
    NEWS_SITEMAP = "news_sitemap"
    ROBOTS = "robots"
    OEMBED = "oembed"
    SEARCH = "search"
    SEARCH_FEED = "search_feed"
    """A search's results as a feed (``?q=``): a saved search is a subscription."""
    API_ARTICLES = "api_articles"
    API_ARTICLE = "api_article"
    TAGS = "tags"
    TAG = "tag"
    TAG_PAGE = "tag_page"
    TAG_FEED = "tag_feed"
    TAG_ARCHIVE = "tag_archive"
    SITE_FEED = "site_feed"
    SITE_ARCHIVE = "site_archive"
    SECTION_FEED = "section_feed"
    HUGO_SITE_FEED = "hugo_site_feed"
    HUGO_FEED = "hugo_feed"
    SECTION_ARCHIVE = "section_archive"
    SECTION_PAGE = "section_page"
    CONTENT = "content"
    """An article or a section, or an old address of an article (an alias)."""
    FILE = "file"
    """A page bundle's file or a static file; or a content page asked without its slash."""


@dataclass(frozen=True)
class Params:
    """What a route's placeholders name; each route uses the fields its pattern has."""

    path: tuple[str, ...] = ()
    """Path segments: a section, an article, a file, or an asset."""
    tag: str = ""
    """A term's slug; of ``taxonomy``."""
    taxonomy: str = TAGS
    """A taxonomy's plural name: ``tags`` (keywords), ``categories``, ``series``."""
    page: int = 1
    number: int = 0
    """The archive document or sitemap part."""
    format: FeedFormat = FeedFormat.RSS
    id: str = ""
    """An article's id in the partner API (it may hold slashes)."""


@dataclass(frozen=True)
class Match:
    """A resolved request path: the route, its parameters, and the canonical spelling."""

    route: RouteName
    params: Params = Params()
    canonical: str | None = None
    """Set when the path asked is not the canonical spelling (a missing slash, page 1):
    the endpoint redirects there if what it names exists."""


# Placeholder types: how each matches in a path, and how its value is read and written.
@dataclass(frozen=True)
class _Converter:
    regex: str
    read: Callable[[str], object]
    write: Callable[[object], str]


def _segments_text(value: object) -> str:
    assert isinstance(value, tuple)
    return "/".join(_quoted(part) for part in value)


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")
"""What percent-encoding leaves as it is (RFC 3986's unreserved characters)."""


def _quoted(segment: str) -> str:
    """One path segment percent-encoded, every reserved character too (``quote`` with
    nothing safe); a segment with nothing to encode, the usual one, returned at once."""
    return segment if _UNRESERVED.fullmatch(segment) else quote(segment, safe="")


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split("/"))


_SEGMENT = r"[^/]+"
_CONVERTERS: Mapping[str, _Converter] = {
    "str": _Converter(_SEGMENT, str, lambda v: _quoted(str(v))),
    "path": _Converter(rf"{_SEGMENT}(?:/{_SEGMENT})*", _split, _segments_text),
    # ASCII digits only, no leading zero, bounded: int() never sees "²" or a 5,000-digit run.
    "int": _Converter(r"[1-9][0-9]{0,8}", int, str),
    "feed": _Converter(
        "|".join(re.escape(f.value) for f in FeedFormat),
        FeedFormat,
        lambda v: FeedFormat(v).value,
    ),
    "archived": _Converter(
        "|".join(f.name.lower() for f in ARCHIVED_FORMATS),
        lambda text: FeedFormat[text.upper()],
        lambda v: FeedFormat(v).name.lower(),
    ),
    "rest": _Converter(r"(?s:.+)", str, lambda v: quote(str(v), safe="/@:+-._~")),
}
DEFAULT_TAXONOMY_NAMES = tuple(plural for _, plural in DEFAULT_TAXONOMIES)
_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")
_PARAM_NAMES = frozenset(f.name for f in fields(Params))


@dataclass(frozen=True)
class Route:
    """One URL pattern, what it answers with, and whether its query string matters."""

    name: RouteName
    pattern: str
    kind: Kind
    query: bool = False
    """The answer depends on the query string (cached per normalised query)."""
    personal: bool = False
    """The answer depends on the reader (a cookie, a signed link): never cached or shared."""

    @functools.cached_property
    def _compiled(self) -> tuple[re.Pattern[str], tuple[tuple[str, _Converter], ...]]:
        regex, placeholders, at = "", [], 0
        for found in _PLACEHOLDER.finditer(self.pattern):
            name, converter = found[1], _CONVERTERS[found[2] or "str"]
            assert name in _PARAM_NAMES, f"{self.pattern}: no parameter {name!r}"
            regex += re.escape(self.pattern[at : found.start()]) + f"({converter.regex})"
            placeholders.append((name, converter))
            at = found.end()
        regex += re.escape(self.pattern[at:])
        return re.compile(regex), tuple(placeholders)

    @property
    def catch_all(self) -> bool:
        """Whether the pattern is nothing but a path (content pages and files): tried last."""
        return self.pattern.strip("/") == "{path:path}"

    def match(
        self, path: str, taxonomies: Collection[str] = DEFAULT_TAXONOMY_NAMES
    ) -> Params | None:
        """The parameters of a decoded path this route answers, else None; a taxonomy
        placeholder matches only the site's ``taxonomies``."""
        regex, placeholders = self._compiled
        found = regex.fullmatch(path)
        if found is None:
            return None
        values = {}
        for (name, converter), text in zip(placeholders, found.groups(), strict=True):
            if name == "path" and any(part in (".", "..") for part in text.split("/")):
                return None  # a server normally removes dot segments; never pass them on
            if name == "taxonomy" and text not in taxonomies:
                return None
            values[name] = converter.read(text)
        return Params(**values)  # type: ignore[arg-type]

    def build(self, params: Params) -> str:
        """The path of this route with these parameters, percent-encoded."""
        first, rest = self._pieces
        parts = [first]
        for name, write, literal in rest:
            parts += (write(getattr(params, name)), literal)
        return "".join(parts)

    @functools.cached_property
    def _pieces(self) -> tuple[str, tuple[tuple[str, Callable[[object], str], str], ...]]:
        # The pattern cut at its placeholders once: a page builds hundreds of paths (each
        # teaser's image in every size and format), and a substitution per path was a
        # tenth of the time a list page took to render.
        _, placeholders = self._compiled
        literals = _PLACEHOLDER.split(self.pattern)[::3]
        rest = tuple(
            (name, converter.write, literal)
            for (name, converter), literal in zip(placeholders, literals[1:], strict=True)
        )
        return literals[0], rest

    @property
    def top_level(self) -> str | None:
        """The literal first segment this route claims at the site root, if it is a folder."""
        first, slash, _ = self.pattern.lstrip("/").partition("/")
        return first if slash and "{" not in first else None


_ARCHIVE_FILE = "{format:archived}-archive-{number:int}.xml"
"""An RFC 5005 archive document of a feed: ``rss-archive-3.xml``."""
ROUTES: tuple[Route, ...] = (
    Route(RouteName.HOME, "/", Kind.PAGE),
    Route(RouteName.HOME_PAGE, "/page/{page:int}/", Kind.PAGE),
    Route(RouteName.ASSET, "/_assets/{path:path}", Kind.FILE),
    Route(RouteName.IMAGE, "/_img/{path:path}", Kind.FILE),
    Route(RouteName.PREFERENCES_CSS, "/_reading.css", Kind.PERSONAL, personal=True),
    Route(RouteName.SETTINGS, "/settings/", Kind.PERSONAL, query=True, personal=True),
    Route(RouteName.PREVIEW, "/_preview/{id}/", Kind.PREVIEW, personal=True),
    Route(RouteName.PREVIEW_FILE, "/_preview/{id}/{path:path}", Kind.PREVIEW_FILE, personal=True),
    Route(RouteName.FEEDS_INDEX, "/feeds/", Kind.PAGE),
    Route(RouteName.OPML, "/feeds.opml", Kind.OPML),
    Route(RouteName.SITEMAP, "/sitemap.xml", Kind.SITEMAP),
    Route(RouteName.SITEMAP_PART, "/sitemap-{number:int}.xml", Kind.SITEMAP),
    Route(RouteName.NEWS_SITEMAP, "/news-sitemap.xml", Kind.SITEMAP),
    Route(RouteName.ROBOTS, "/robots.txt", Kind.TEXT),
    Route(RouteName.OEMBED, "/oembed", Kind.API, query=True),
    Route(RouteName.SEARCH, "/search", Kind.PAGE, query=True),
    Route(RouteName.SEARCH_FEED, "/search/{format:feed}", Kind.FEED, query=True),
    Route(RouteName.API_ARTICLES, "/api/v1/articles", Kind.API, query=True),
    Route(RouteName.API_ARTICLE, "/api/v1/articles/{id:rest}", Kind.API, query=True),
    # A taxonomy (keywords, categories, any the site declares) and its terms: a taxonomy
    # placeholder matches only the site's taxonomies, so other paths go on to content.
    Route(RouteName.TAGS, "/{taxonomy}/", Kind.PAGE),
    Route(RouteName.TAG, "/{taxonomy}/{tag}/", Kind.PAGE),
    Route(RouteName.TAG_PAGE, "/{taxonomy}/{tag}/page/{page:int}/", Kind.PAGE),
    Route(RouteName.TAG_FEED, "/{taxonomy}/{tag}/{format:feed}", Kind.FEED),
    Route(RouteName.TAG_ARCHIVE, "/{taxonomy}/{tag}/" + _ARCHIVE_FILE, Kind.ARCHIVE),
    Route(RouteName.SITE_FEED, "/{format:feed}", Kind.FEED),
    Route(RouteName.SITE_ARCHIVE, "/" + _ARCHIVE_FILE, Kind.ARCHIVE),
    Route(RouteName.SECTION_FEED, "/{path:path}/{format:feed}", Kind.FEED),
    # Hugo's feed address of any page (the site, a section, a tag): its subscribers follow.
    Route(RouteName.HUGO_SITE_FEED, "/index.xml", Kind.REDIRECT),
    Route(RouteName.HUGO_FEED, "/{path:path}/index.xml", Kind.REDIRECT),
    Route(RouteName.SECTION_ARCHIVE, "/{path:path}/" + _ARCHIVE_FILE, Kind.ARCHIVE),
    Route(RouteName.SECTION_PAGE, "/{path:path}/page/{page:int}/", Kind.PAGE),
    Route(RouteName.CONTENT, "/{path:path}/", Kind.PAGE),
    Route(RouteName.FILE, "/{path:path}", Kind.FILE),
)
ROUTE: Mapping[RouteName, Route] = {route.name: route for route in ROUTES}
if len(ROUTE) != len(ROUTES) or set(ROUTE) != set(RouteName):  # pragma: no cover
    raise RuntimeError("every route name is declared once in ROUTES")

VARIANT_SEGMENTS: Mapping[str, str] = {"zh-Hans": "zh-hans", "zh-Hant": "zh-hant"}
"""The path prefix of each script variant, by its language: every route above answers
under it too, in that script (../shared/DECISIONS.md: a prefix per language or variant)."""
PINYIN_SEGMENT = "pinyin"
"""The path prefix of the pinyin reading aid, after a script variant's (``/zh-hans/pinyin/``)."""
VARIANT_KINDS = frozenset({Kind.PAGE, Kind.FEED, Kind.ARCHIVE, Kind.REDIRECT})
"""What a script variant is made of: pages and feeds (and redirects between them); files,
the API and the machine-readable lists stay at their one address."""
RESERVED_TOP_LEVEL = frozenset(
    {
        *(name for route in ROUTES if (name := route.top_level) is not None),
        *VARIANT_SEGMENTS.values(),
        PINYIN_SEGMENT,
    }
)
"""Folder names at the content root that would hide a route of ours: never sections (nor
may a taxonomy of the site name one)."""
NUMBERED_TOP_LEVEL = frozenset(
    name
    for name in RESERVED_TOP_LEVEL
    if name not in (*VARIANT_SEGMENTS.values(), PINYIN_SEGMENT)
    and all(
        re.fullmatch(rf"/{re.escape(name)}/\{{\w+:int\}}/", route.pattern)
        for route in ROUTES
        if route.top_level == name
    )
)
"""Of those, the names under which our only addresses are numbers (``/page/2/``): a
section may take one (Hugo sites keep their About page in ``page/``), but nothing in it
may be named by a number alone."""

# Tried in this order: the routes with a literal part, then a missing trailing slash of
# those, then the content catch-alls (so /tags/x is the tag, not a section called tags).
_SPECIFIC = tuple(route for route in ROUTES if not route.catch_all)
_SLASHED = tuple(route for route in _SPECIFIC if route.pattern.endswith("/"))
_CATCH_ALL = tuple(route for route in ROUTES if route.catch_all)
NOT_FOUND = Match(RouteName.FILE, Params())
"""What ``resolve`` gives for a path no route answers: a file that no site has."""


def resolve(path: str, taxonomies: Collection[str] = DEFAULT_TAXONOMY_NAMES) -> Match:
    """The route a decoded request path names on a site with these taxonomies; never raises
    (the endpoint decides 404s)."""
    if not path.startswith("/") or "\x00" in path:
        return NOT_FOUND
    for route in _SPECIFIC:
        params = route.match(path, taxonomies)
        if params is not None:
            return _canonical(route, params, None)
    if not path.endswith("/"):
        for route in _SLASHED:
            params = route.match(path + "/", taxonomies)
            if params is not None:
                return _canonical(route, params, route.build(params))
    for route in _CATCH_ALL:
        params = route.match(path)
        if params is not None:
            return Match(route.name, params)
    return NOT_FOUND


def _canonical(route: Route, params: Params, canonical: str | None) -> Match:
    """Page 1 of a list is the list itself: ``/x/page/1/`` is spelled ``/x/``."""
    if params.page == 1 and route.name in _FIRST_PAGES:
        first = _FIRST_PAGES[route.name]
        return Match(first, params, build(first, params))
    return Match(route.name, params, canonical)


_FIRST_PAGES = {
    RouteName.TAG_PAGE: RouteName.TAG,
    RouteName.SECTION_PAGE: RouteName.CONTENT,
    RouteName.HOME_PAGE: RouteName.HOME,
}


def build(name: RouteName, params: Params = Params()) -> str:
    """The path of a route with its parameters, percent-encoded (the inverse of ``resolve``)."""
    return ROUTE[name].build(params)


# --- Builders by what they name: every caller spells a URL through one of these. ---------


@dataclass(frozen=True)
class FeedScope:
    """Which articles a feed holds: the whole site, a section's tree, or a term's."""

    section: SectionKey | None = None
    tag: str | None = None
    """A term's slug, of ``taxonomy``."""
    taxonomy: str = TAGS
    query: str | None = None
    """A search's words: the feed of what it finds."""


@functools.lru_cache(maxsize=1 << 17)
def _content_path(parts: tuple[str, ...]) -> str:
    # Every teaser, breadcrumb and feed entry spells its article's path: build it once.
    return build(RouteName.CONTENT, Params(path=parts)) if parts else home_path()


def variant_path(segment: str, path: str) -> str:
    """A path of ours as it is in a script variant (``segment`` "" for the original)."""
    return f"/{segment}{path}" if segment else path


def in_variant(segment: str, path: str) -> str | None:
    """The original's path of a path in the variant ``segment``, or None when it is not one."""
    prefix = "/" + segment
    return path[len(prefix) :] if path.startswith(prefix + "/") else None


def is_variant_route(route: Route) -> bool:
    """Whether a route has a script variant: a page or feed that no reader's cookie shapes."""
    return route.kind in VARIANT_KINDS and not route.personal


def home_path() -> str:
    """The home page."""
    return build(RouteName.HOME)


def section_path(key: SectionKey, page: int = 1) -> str:
    """A section's page (the first, or a later one); the home page's for the root."""
    if page > 1 and key:
        return build(RouteName.SECTION_PAGE, Params(path=key, page=page))
    if page > 1:
        return build(RouteName.HOME_PAGE, Params(page=page))
    return _content_path(key)


def rendition_path(key: str, name: str) -> str:
    """A resized lead image (``name`` as ``640.webp``), by its image's version key."""
    return build(RouteName.IMAGE, Params(path=(key, name)))


def renditions_folder(key: str) -> str:
    """Where an image's renditions are, ending in a slash: a rendition's path is this and
    its name (a width and an extension, which need no encoding), as ``rendition_path``
    spells it."""
    # A teaser names a dozen renditions: the folder is spelled once for them all.
    return build(RouteName.IMAGE, Params(path=(key, "")))


def article_path(article: Article) -> str:
    """An article's page; its bundle's files live below it."""
    return _content_path(article.key)


def tags_path(taxonomy: str = TAGS) -> str:
    """The index of all terms of a taxonomy (keywords unless named)."""
    return build(RouteName.TAGS, Params(taxonomy=taxonomy))


def tag_path(slug: str, page: int = 1, taxonomy: str = TAGS) -> str:
    """A term's page (the first, or a later one); a keyword's unless a taxonomy is named."""
    if page > 1:
        return build(RouteName.TAG_PAGE, Params(tag=slug, taxonomy=taxonomy, page=page))
    return build(RouteName.TAG, Params(tag=slug, taxonomy=taxonomy))


def feed_path(scope: FeedScope, fmt: FeedFormat) -> str:
    """A feed of the site, a section, a term, or a search."""
    if scope.query is not None:
        path = build(RouteName.SEARCH_FEED, Params(format=fmt))
        return path + "?" + urlencode({"q": scope.query})
    name, params = _feed_route(scope, fmt, archive=False)
    return build(name, params)


def archive_path(scope: FeedScope, fmt: FeedFormat, number: int) -> str:
    """One RFC 5005 archive document of a feed: number 1 holds the oldest entries."""
    name, params = _feed_route(scope, fmt, archive=True)
    return build(name, replace(params, number=number))


def _feed_route(scope: FeedScope, fmt: FeedFormat, *, archive: bool) -> tuple[RouteName, Params]:
    if scope.tag is not None:
        name = RouteName.TAG_ARCHIVE if archive else RouteName.TAG_FEED
        return name, Params(tag=scope.tag, taxonomy=scope.taxonomy, format=fmt)
    if scope.section:
        name = RouteName.SECTION_ARCHIVE if archive else RouteName.SECTION_FEED
        return name, Params(path=scope.section, format=fmt)
    return (RouteName.SITE_ARCHIVE if archive else RouteName.SITE_FEED), Params(format=fmt)


def feed_scope(match: Match) -> FeedScope:
    """The scope a feed or archive route names."""
    if match.route in (RouteName.TAG_FEED, RouteName.TAG_ARCHIVE):
        return FeedScope(tag=match.params.tag, taxonomy=match.params.taxonomy)
    return FeedScope(section=match.params.path)


def feeds_index_path() -> str:
    """The human-readable list of every feed."""
    return build(RouteName.FEEDS_INDEX)


def opml_path() -> str:
    """The OPML subscription list of all section feeds."""
    return build(RouteName.OPML)


def sitemap_path(part: int | None = None) -> str:
    """The sitemap (or its index), or one numbered part of a large one."""
    if part is None:
        return build(RouteName.SITEMAP)
    return build(RouteName.SITEMAP_PART, Params(number=part))


def news_sitemap_path() -> str:
    """The Google News sitemap of recent articles."""
    return build(RouteName.NEWS_SITEMAP)


def api_articles_path(query: dict[str, str] | None = None) -> str:
    """The partner API's article list, with optional query parameters."""
    path = build(RouteName.API_ARTICLES)
    return path + ("?" + urlencode(sorted(query.items())) if query else "")


def api_article_path(article: Article) -> str:
    """One article in the partner API, named by its stable id."""
    return build(RouteName.API_ARTICLE, Params(id=api_key(article)))


def oembed_path(url: str | None = None) -> str:
    """The oEmbed endpoint, optionally asked about one page's URL."""
    path = build(RouteName.OEMBED)
    return path + ("?" + urlencode({"url": url, "format": "json"}) if url else "")


def search_path(query: str = "", page: int = 1, section: SectionKey = ()) -> str:
    """The search page, or its results for a query (a page of them, within a section)."""
    params = {"q": query} if query else {}
    if section:
        params["section"] = "/".join(section)
    if page > 1:
        params["page"] = str(page)
    path = build(RouteName.SEARCH)
    return path + ("?" + urlencode(params) if params else "")


def settings_path(back: str | None = None) -> str:
    """The reading settings page; ``back`` is the page to return to."""
    return build(RouteName.SETTINGS) + ("?" + urlencode({"back": back}) if back else "")


def preview_path(token: str) -> str:
    """Where a signed preview link shows its article."""
    return build(RouteName.PREVIEW, Params(id=token))


def preferences_css_path() -> str:
    """The stylesheet that applies a reader's settings; it depends on their cookie."""
    return build(RouteName.PREFERENCES_CSS)


def feed_page_path(scope: FeedScope) -> str:
    """The HTML page that a feed mirrors."""
    if scope.query is not None:
        return search_path(scope.query)
    if scope.tag is not None:
        return tag_path(scope.tag, taxonomy=scope.taxonomy)
    return section_path(scope.section or ())


def asset_path(name: str) -> str:
    """A file of the theme (stylesheet, icons)."""
    return build(RouteName.ASSET, Params(path=tuple(name.split("/"))))


def absolute(settings: Settings, path: str) -> str:
    """An absolute URL from the configured base URL, never from the request."""
    return settings.base_url + path.lstrip("/")


def entry_id(settings: Settings, article: Article) -> str:
    """The feed id of an article: its pinned ``id``, else the URL a Hugo site published it
    under, else its canonical URL (see docs/store.md).

    Articles dated before ``tag_ids_before`` keep the ``tag:`` ids earlier versions derived.
    """
    if article.id_pinned or is_tag_id_dated(settings, article):
        scheme, colon, _ = article.id.partition(":")
        if colon and scheme.isalpha():
            return article.id
        day = article.date.date().isoformat()
        return f"tag:{settings.authority},{day}:{quote(article.id, safe='/@:+-._~')}"
    if article.hugo_address:
        # The guid Hugo's feed gave it: its subscribers do not see it again as new.
        return absolute(settings, quote(article.hugo_address, safe="/@:+-._~%"))
    return absolute(settings, article_path(article))


def is_tag_id_dated(settings: Settings, article: Article) -> bool:
    """Whether the article is old enough to keep a derived ``tag:`` id (``tag_ids_before``)."""
    before = settings.tag_ids_before
    return before is not None and article.date.astimezone(settings.timezone).date() < before


def api_key(article: Article) -> str:
    """The article's name in the partner API: its pinned ``id``, else its path."""
    return article.id if article.id_pinned else "/".join(article.key)
