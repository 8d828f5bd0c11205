"""What a page shows: the typed context each template reads, and the parts they share.

Views (``reader.views``) build these from a snapshot; templates read nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from markupsafe import Markup

from reader.i18n import Labels
from reader.model import Article, Section
from reader.reading import Preferences

OEMBED_MEDIA_TYPE = "application/json+oembed"


@dataclass(frozen=True)
class Link:
    """A link to one of our pages, with its language when it differs from the page's.

    A breadcrumb, a previous or next article, a keyword.
    """

    title: str
    url: str
    lang: str | None = None


@dataclass(frozen=True)
class FeedLink:
    """A feed a page offers, for autodiscovery and the visible subscribe links."""

    title: str
    url: str
    media_type: str
    label: str


@dataclass(frozen=True)
class VersionLink:
    """One version of the page (the original, or a script variant), for ``hreflang``
    alternates and the switch between them."""

    lang: str
    name: str
    """The version's own name for itself: 简体中文."""
    url: str
    absolute: str
    current: bool


@dataclass(frozen=True)
class Translation:
    """A page's version in another language of a multilingual site (or its own)."""

    lang: str
    name: str
    """The language's own name for itself: English, 中文."""
    url: str
    """Absolute: each language is served under its own base URL."""


@dataclass(frozen=True)
class Moment:
    """A date as a machine reads it (ISO 8601 with zone) and as a person does."""

    iso: str
    text: str


@dataclass(frozen=True)
class PictureSource:
    """One format of a picture: its media type and the widths it is offered at."""

    media_type: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    """A lead image as a teaser shows it: the sizes and formats made of it, and its alt."""

    src: str
    alt: str
    width: int
    """Its intrinsic size, reserving its box before it loads; 0 when unknown (another
    host's image), and then the stylesheet gives the box its shape."""
    height: int
    srcset: str = ""
    """Its own format at each width made; "" when it is served only as it is."""
    sources: tuple[PictureSource, ...] = ()
    """Better formats (AVIF, WebP), best first, for browsers that read them."""


@dataclass(frozen=True)
class Teaser:
    """An article as listed on home, section and tag pages."""

    title: str
    url: str
    published: Moment
    summary: str
    kicker: str
    lang: str | None
    picture: Picture | None = None


@dataclass(frozen=True)
class SectionLink:
    """A link to a section or keyword, with how many published articles it holds."""

    title: str
    url: str
    count: int


@dataclass(frozen=True)
class Pager:
    """Where a paginated list is, and its neighbouring pages."""

    page: int
    total: int
    previous_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class SiteInfo:
    """What every page says about the site: its name, footer, rights and our own links."""

    title: str
    lang: str | None
    """The site's language when it differs from the page's, for its name and footer."""
    footer: tuple[str, ...]
    copyright: str
    contact: str
    license_url: str
    license_name: str
    home_url: str
    feeds_url: str
    stylesheet: str
    icon: str
    preferences_css: str


@dataclass(frozen=True)
class Chrome:
    """What every page has around its content: language, title, trail, feeds, the site."""

    lang: str
    labels: Labels
    title: str
    canonical: str
    description: str
    crumbs: tuple[Link, ...]
    feeds: tuple[FeedLink, ...]
    settings_url: str
    site: SiteInfo
    oembed_url: str | None = None
    """oEmbed discovery, on article pages."""
    search_url: str | None = None
    """Where the header's search form sends its query; None when nothing answers it (a
    static export without ``search_url``)."""
    query: str = ""
    """The query the page shows results for, kept in the header's search box."""
    versions: tuple[VersionLink, ...] = ()
    """This page in each script the site is served in; empty when it has one."""
    reading_aid: VersionLink | None = None
    """The link that shows this page with pinyin over its characters (or without)."""
    languages: tuple[Translation, ...] = ()
    """A multilingual site's: this page in each language that has it (this one too)."""
    navigation: tuple[MenuLink, ...] = ()
    """The header's links: the top sections, then the menu's other entries."""
    is_home: bool = False
    """The front page's first page, whose heading is the site's name in the header."""
    social: Social | None = None
    """Open Graph and Twitter card fields, for shares and partner sites."""


@dataclass(frozen=True)
class Social:
    """What a link preview shows (Open Graph, Twitter cards): all absolute and plain text."""

    type: str
    """``article`` or ``website``."""
    title: str
    description: str
    url: str
    locale: str
    """As Open Graph spells it: ``zh_TW``, ``en_US``."""
    image: str = ""
    """A raster image (Open Graph readers do not show SVG); "" for none."""
    image_width: int = 0
    image_height: int = 0
    image_type: str = ""
    image_alt: str = ""


@dataclass(frozen=True)
class MenuLink:
    """A main menu entry as one page shows it."""

    title: str
    url: str
    current: str | None = None
    """``aria-current``: "page" on the entry's own page, "true" below it, else None."""


@dataclass(frozen=True)
class SectionBlock:
    """A top section on the front page: its newest headlines and a link to the rest."""

    title: str
    url: str
    teasers: tuple[Teaser, ...]


@dataclass(frozen=True)
class HomeContext:
    """The front page: the lead story, each top section's newest, then the latest articles
    (a later page has only those)."""

    chrome: Chrome
    heading: str
    """The page's heading: "" on the first page, whose heading is the site's name."""
    lead: Teaser | None
    blocks: tuple[SectionBlock, ...]
    teasers: tuple[Teaser, ...]
    pager: Pager
    feed_links: tuple[FeedLink, ...]


@dataclass(frozen=True)
class SectionContext:
    """A section's page: its subsections, and a page of its tree's articles."""

    chrome: Chrome
    section: Section
    subsections: tuple[SectionLink, ...]
    teasers: tuple[Teaser, ...]
    pager: Pager
    feed_links: tuple[FeedLink, ...]
    lead: Teaser | None = None
    """The first page's lead item: a pinned or the newest illustrated article, listed
    apart from the rest."""


@dataclass(frozen=True)
class ArticleContext:
    """An article, with its trail, neighbours and keywords around it."""

    chrome: Chrome
    article: Article
    body: str
    published: Moment
    updated: Moment | None
    previous: Link | None
    next: Link | None
    tags: tuple[Link, ...]
    structured_data: Markup
    terms: tuple[TermLinks, ...] = ()
    """The article's terms of the site's other taxonomies (categories, series)."""
    minutes: int = 1
    """About how long the article takes to read."""
    related: tuple[Teaser, ...] = ()
    """Other articles sharing its keywords, newest first."""
    section_feeds: tuple[FeedLink, ...] = ()
    """Its section's feeds, to subscribe to more like it."""
    share: Share | None = None


@dataclass(frozen=True)
class Share:
    """Ways to pass an article on with no script and no third party: its address to copy,
    and an e-mail."""

    url: str
    mailto: str


@dataclass(frozen=True)
class TermLinks:
    """One taxonomy's terms on an article: its heading and a link to each term's page."""

    heading: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class TagContext:
    """A page of the articles carrying one keyword."""

    chrome: Chrome
    heading: str
    teasers: tuple[Teaser, ...]
    pager: Pager
    feed_links: tuple[FeedLink, ...]
    search: Link | None = None
    """A search for the term's words across the site, where something answers one."""


@dataclass(frozen=True)
class SearchResult:
    """One article found, with the passage that matched (the hit marked)."""

    teaser: Teaser
    before: str
    hit: str
    after: str


@dataclass(frozen=True)
class SearchContext:
    """The search page: the query, its results (a page of them), and how to narrow it."""

    chrome: Chrome
    heading: str
    query: str
    results: tuple[SearchResult, ...]
    count: int
    capped: bool
    pager: Pager | None
    section: str
    """The section searched within (its path), or "" for the whole site."""
    sections: tuple[SectionLink, ...]
    """The sections a search may be narrowed to, by path."""
    action: str
    """Where the form sends the query."""


@dataclass(frozen=True)
class TagsContext:
    """Every term of a taxonomy, with how many articles carry it."""

    chrome: Chrome
    tags: tuple[SectionLink, ...]
    heading: str = ""


@dataclass(frozen=True)
class FeedGroup:
    """One subscribable scope on the feeds page, in all its formats."""

    title: str
    description: str
    page_url: str
    links: tuple[FeedLink, ...]
    depth: int = 0


@dataclass(frozen=True)
class FeedsContext:
    """Every feed the site offers, with what it holds, and the OPML list."""

    chrome: Chrome
    site: FeedGroup
    sections: tuple[FeedGroup, ...]
    terms: tuple[TermFeeds, ...]
    """Per taxonomy (keywords first), the feeds of each term."""
    opml_url: str


@dataclass(frozen=True)
class TermFeeds:
    """The feeds of one taxonomy's terms, under the taxonomy's heading."""

    taxonomy: str
    heading: str
    groups: tuple[FeedGroup, ...]


@dataclass(frozen=True)
class SettingsContext:
    """The reading settings form, showing one reader's current choices."""

    chrome: Chrome
    preferences: Preferences
    sizes: tuple[str, ...]
    themes: tuple[str, ...]
    back: str
    action: str


@dataclass(frozen=True)
class NotFoundContext:
    """The not-found page."""

    chrome: Chrome


Context = (
    HomeContext
    | SectionContext
    | ArticleContext
    | TagContext
    | TagsContext
    | FeedsContext
    | SettingsContext
    | NotFoundContext
    | SearchContext
)


@dataclass(frozen=True)
class Page:
    """A page to render: its template and the typed context the template reads."""

    template: str
    context: Context

    def variables(self) -> dict[str, object]:
        """The context's fields as the template's variables."""
        return {f.name: getattr(self.context, f.name) for f in fields(self.context)}
