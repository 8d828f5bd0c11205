"""One function per page: read the snapshot, return the template and its typed context.

A view decides what a page shows, never how it is sent: status, response kind and
headers are the endpoint's and ``reader.headers``'s.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from urllib.parse import quote, urlencode, urlsplit

from babel.core import Locale, get_global
from markupsafe import Markup

from feeds import feed_title
from feeds.scope import feed_description
from reader.config import Settings
from reader.i18n import Labels
from reader.languages import current_version, reading_aid_of, versions
from reader.model import TAGS, Article, Section, SectionKey
from reader.pages import (
    ArticleContext,
    Chrome,
    FeedGroup,
    FeedLink,
    FeedsContext,
    HomeContext,
    Link,
    MenuLink,
    Moment,
    NotFoundContext,
    Page,
    Pager,
    Picture,
    PictureSource,
    SearchContext,
    SearchResult,
    SectionBlock,
    SectionContext,
    SectionLink,
    SettingsContext,
    Share,
    SiteInfo,
    Social,
    TagContext,
    TagsContext,
    Teaser,
    TermFeeds,
    TermLinks,
    VersionLink,
)
from reader.presentation import (
    article_url,
    byline,
    joined_title,
    lead_image_path,
    lead_image_url,
    reading_minutes,
)
from reader.reading import SIZES, THEMES, Preferences
from reader.renditions import MEDIA_TYPES, plan
from reader.search import Found, plain_text
from reader.searchtext import Query
from reader.store import Snapshot, position, tag_slug
from reader.urls import (
    ROUTE,
    FeedFormat,
    FeedScope,
    absolute,
    article_path,
    asset_path,
    feed_page_path,
    feed_path,
    feeds_index_path,
    home_path,
    is_variant_route,
    oembed_path,
    opml_path,
    preferences_css_path,
    rendition_path,
    renditions_folder,
    resolve,
    search_path,
    section_path,
    settings_path,
    tag_path,
    tags_path,
    variant_path,
)

STYLESHEET = "style.css"
ICON = "icon.svg"


BLOCK_HEADLINES = 3
"""How many of a top section's newest headlines its block on the front page shows."""
RELATED = 5
"""How many related articles an article page lists at most."""


def home_page(snapshot: Snapshot, page: int) -> Page | None:
    """The front page: a lead story, each top section's newest headlines, then the latest
    articles, paginated (later pages have only those); None past the last page."""
    settings = snapshot.settings
    labels = Labels(settings.language)
    lead = lead_article(snapshot, ())
    listed = _ListedApart(snapshot.articles, lead)
    pager = _pager(len(listed), page, settings.page_size, lambda n: section_path((), n))
    if pager is None:
        return None
    heading = "" if page == 1 else joined_title(labels["latest"], labels.format("page_n", n=page))
    own_feeds = _feeds(snapshot, FeedScope())
    chrome = _chrome(
        snapshot,
        settings.language,
        heading or settings.title,
        section_path((), page),
        (),
        own_feeds,
        is_home=page == 1,
    )
    teasers = _teasers(snapshot, chrome, listed.page(pager, settings.page_size), pictures=True)
    blocks: tuple[SectionBlock, ...] = ()
    shown_lead = None
    if page == 1:
        shown_lead = _teasers(snapshot, chrome, (lead,), pictures=True)[0] if lead else None
        blocks = tuple(
            SectionBlock(
                section.title,
                section_path(section.key),
                _teasers(snapshot, chrome, newest, pictures=True),
            )
            for section in snapshot.subsections(())
            if (newest := _newest_apart(snapshot.section_articles(section.key), lead))
        )
    context = HomeContext(chrome, heading, shown_lead, blocks, teasers, pager, own_feeds)
    return Page("home.html", context)


def listed_count(snapshot: Snapshot, key: SectionKey) -> int:
    """How many articles a section's list (the front page's for the root) pages through:
    its tree's, but its lead story, which is shown apart."""
    articles = snapshot.section_articles(key) if key else snapshot.articles
    return len(articles) - (1 if lead_article(snapshot, key) is not None else 0)


def lead_article(snapshot: Snapshot, key: SectionKey) -> Article | None:
    """A list's lead story: the newest pinned article in it (``featured``), else the newest
    illustrated one of its first page; on the front page, else simply the newest."""
    for article in snapshot.pinned:
        if article.section[: len(key)] == key:
            return article
    listed = snapshot.section_articles(key) if key else snapshot.articles
    first_page = listed[: snapshot.settings.page_size]
    found = next((article for article in first_page if article.image), None)
    if found is None and not key and listed:
        return listed[0]
    return found


class _ListedApart:
    """A newest-first list without its lead story, paged without copying the list (the
    front page of a large store pages through every article)."""

    def __init__(self, articles: Sequence[Article], lead: Article | None) -> None:
        self.articles = articles
        # Found by its date (the lists are sorted by it): a pinned lead may be years deep.
        found = position(articles, lead) if lead is not None else None
        self.lead_at = found if found is not None else len(articles)

    def __len__(self) -> int:
        return len(self.articles) - (1 if self.lead_at < len(self.articles) else 0)

    def page(self, pager: Pager, size: int) -> Sequence[Article]:
        """The articles of one page of the list."""
        start = (pager.page - 1) * size
        if self.lead_at < start + size:
            shift = 1 if self.lead_at < start else 0
            window = self.articles[start + shift : start + size + 1]
            return tuple(a for i, a in enumerate(window, start + shift) if i != self.lead_at)[:size]
        return self.articles[start : start + size]


def _newest_apart(articles: Sequence[Article], lead: Article | None) -> tuple[Article, ...]:
    """A section's newest headlines for its front-page block, the lead story left out."""
    return tuple(a for a in articles[: BLOCK_HEADLINES + 1] if a is not lead)[:BLOCK_HEADLINES]


def section_page(snapshot: Snapshot, section: Section, page: int) -> Page | None:
    """A section: its subsections, its lead item, and its tree's other articles, newest
    first; None past the end."""
    lead = lead_article(snapshot, section.key)
    listed = _ListedApart(snapshot.section_articles(section.key), lead)
    size = snapshot.settings.page_size
    pager = _pager(len(listed), page, size, lambda n: section_path(section.key, n))
    if pager is None:
        return None
    lang = snapshot.settings.language
    title = section.title
    if page > 1:
        title = joined_title(section.title, Labels(lang).format("page_n", n=page))
    own_feeds = _feeds(snapshot, FeedScope(section=section.key))
    chrome = _chrome(
        snapshot,
        lang,
        title,
        section_path(section.key, page),
        _section_crumbs(snapshot, section.key, lang),
        own_feeds + _feeds(snapshot, FeedScope()),
        feed_description(snapshot, FeedScope(section=section.key)),
    )
    shown_lead = None
    if lead is not None and page == 1:
        shown_lead = _teasers(snapshot, chrome, (lead,), pictures=True)[0]
    context = SectionContext(
        chrome,
        section,
        _section_links(snapshot, snapshot.subsections(section.key)),
        _teasers(snapshot, chrome, listed.page(pager, size), pictures=True),
        pager,
        own_feeds,
        shown_lead,
    )
    return Page("section.html", context)


def article_page(snapshot: Snapshot, article: Article) -> Page:
    """An article in reading-mode markup, with its trail, neighbours and keywords around it."""
    settings = snapshot.settings
    lang = article.lang or settings.language
    labels = Labels(lang)
    path = article_path(article)
    trail = (*_section_crumbs(snapshot, article.section, lang), Link(article.title, path))
    feeds = _feeds(snapshot, FeedScope(section=article.section)) + _feeds(snapshot, FeedScope())
    chrome = _chrome(
        snapshot,
        lang,
        article.title,
        path,
        trail,
        feeds,
        article.summary,
        oembed=oembed_url(snapshot, article),
    )
    neighbours = snapshot.neighbours(article)
    body = snapshot.body_html(article)
    chrome = replace(chrome, social=_social(snapshot, article, chrome))
    canonical = chrome.canonical
    mailto = "mailto:?" + urlencode({"subject": article.title, "body": canonical}, quote_via=quote)
    context = ArticleContext(
        chrome,
        article,
        body,
        _moment(labels, article.date, settings.timezone, article.date_only),
        _moment(labels, article.updated, settings.timezone, article.updated_date_only)
        if article.updated
        else None,
        _neighbour(neighbours.previous, lang),
        _neighbour(neighbours.next, lang),
        tuple(Link(name, tag_path(tag_slug(name))) for name in article.tags),
        _structured_data(snapshot, article),
        _terms(snapshot, article, labels),
        reading_minutes(plain_text(body)),
        () if article.plain else _teasers(snapshot, chrome, related(snapshot, article)),
        () if article.plain else _feeds(snapshot, FeedScope(section=article.section)),
        Share(canonical, mailto),
    )
    return Page("article.html", context)


def related(snapshot: Snapshot, article: Article) -> tuple[Article, ...]:
    """Other articles sharing a keyword with this one, newest first: the newest few of each
    keyword's list, so a keyword on half the store costs no more than a rare one."""
    found: dict[tuple[str, ...], Article] = {}
    for name in article.tags:
        tag = snapshot.tag(tag_slug(name))
        if tag is None:
            continue
        for other in tag.articles[: RELATED + 1]:
            if other is not article:
                found.setdefault(other.key, other)
    return tuple(sorted(found.values(), key=lambda a: a.date, reverse=True)[:RELATED])


def _social(snapshot: Snapshot, article: Article | None, chrome: Chrome) -> Social:
    """A page's link preview: an article's own, with its raster lead image; else the site's."""
    lang = chrome.lang
    social = Social(
        "article" if article is not None and not article.plain else "website",
        chrome.title if article is None else article.title,
        chrome.description,
        chrome.canonical,
        open_graph_locale(lang),
    )
    if article is None or not article.image or article.image_type == "image/svg+xml":
        return social
    planned = plan(article)
    image, width, height = (
        lead_image_url(snapshot, article),
        article.image_width,
        article.image_height,
    )
    if planned is not None:
        # The widest of the image's own format up to 1280 px: big enough for any card,
        # and a JPEG or PNG, which every link preview reads.
        fitting = [r for r in planned.of(planned.formats[-1]) if r.width <= SOCIAL_WIDTH]
        if fitting:
            best = fitting[-1]
            image = absolute(snapshot.settings, rendition_path(planned.key, best.name))
            width, height = best.width, best.height
    return replace(
        social,
        image=image,
        image_width=width,
        image_height=height,
        image_type=article.image_type,
        image_alt=article.image_alt,
    )


SOCIAL_WIDTH = 1280
"""The widest lead image a link preview is offered."""


@functools.cache
def open_graph_locale(lang: str) -> str:
    """A language tag as Open Graph spells locales: ``zh-Hant`` is ``zh_TW``."""
    try:
        given = Locale.parse(lang, sep="-")
        likely = get_global("likely_subtags")
        full = Locale.parse(
            likely.get(str(given))
            or (given.script and likely.get(f"und_{given.script}"))
            or likely.get(given.language)
            or str(given)
        )
    except (ValueError, TypeError, LookupError):
        return lang.replace("-", "_")
    return f"{full.language}_{full.territory}" if full.territory else full.language


def _terms(snapshot: Snapshot, article: Article, labels: Labels) -> tuple[TermLinks, ...]:
    """The article's terms of each other taxonomy, in the site's order of taxonomies."""
    groups = []
    for taxonomy in snapshot.settings.taxonomy_names[1:]:
        links = tuple(
            Link(name, tag_path(tag_slug(name), taxonomy=taxonomy))
            for own, name in article.terms
            if own == taxonomy
        )
        if links:
            groups.append(TermLinks(labels.taxonomy(taxonomy), links))
    return tuple(groups)


def oembed_url(snapshot: Snapshot, article: Article) -> str:
    """Where an article's oEmbed card is, for discovery."""
    return absolute(snapshot.settings, oembed_path(article_url(snapshot, article)))


def _structured_data(snapshot: Snapshot, article: Article) -> Markup:
    """schema.org NewsArticle as JSON-LD, for search engines and reading modes."""
    settings = snapshot.settings
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.date.isoformat(),
        "dateModified": article.last_modified.isoformat(),
        "inLanguage": article.lang or settings.language,
        "mainEntityOfPage": article_url(snapshot, article),
        "author": {
            "@type": "Person" if article.author else "Organization",
            "name": byline(snapshot, article),
        },
        "publisher": {"@type": "Organization", "name": settings.title},
    }
    if article.summary:
        data["description"] = article.summary
    if article.image:
        data["image"] = lead_image_url(snapshot, article)
    # Inside a script element, "</script" would end it and "<!--" would change how it is
    # read: markup characters are written as JSON escapes, which mean the same.
    text = json.dumps(data, ensure_ascii=False)
    for character, escaped in _SCRIPT_SAFE:
        text = text.replace(character, escaped)
    return Markup(text)


_SCRIPT_SAFE = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"))


def settings_page(snapshot: Snapshot, preferences: Preferences, back: str) -> Page:
    """The reading settings form, showing this reader's current choices."""
    settings = snapshot.settings
    labels = Labels(settings.language)
    trail = (Link(labels["home"], home_path()), Link(labels["settings"], settings_path()))
    chrome = _chrome(
        snapshot,
        settings.language,
        labels["settings"],
        settings_path(),
        trail,
        (),
        settings_url=settings_path(),
    )
    context = SettingsContext(
        chrome, preferences, tuple(SIZES), THEMES, back, action=settings_path()
    )
    return Page("settings.html", context)


def feeds_page(snapshot: Snapshot) -> Page:
    """Every feed the site offers, with what it holds, and the OPML list."""
    settings = snapshot.settings
    labels = Labels(settings.language)
    trail = (Link(labels["home"], home_path()), Link(labels["all_feeds"], feeds_index_path()))
    chrome = _chrome(
        snapshot,
        settings.language,
        labels["all_feeds"],
        feeds_index_path(),
        trail,
        _feeds(snapshot, FeedScope()),
    )

    def group(scope: FeedScope, title: str, depth: int = 0) -> FeedGroup:
        return FeedGroup(
            title,
            feed_description(snapshot, scope),
            feed_page_path(scope),
            _feeds(snapshot, scope),
            depth,
        )

    sections = tuple(
        group(
            FeedScope(section=key),
            " › ".join(s.title for s in snapshot.ancestors(key)),
            len(key) - 1,
        )
        for key in snapshot.section_tree()
        if key
    )
    terms = tuple(
        TermFeeds(
            taxonomy,
            labels["tag_feeds"] if taxonomy == TAGS else labels.taxonomy(taxonomy),
            tuple(
                group(FeedScope(tag=tag.slug, taxonomy=taxonomy), tag.name)
                for tag in snapshot.tags(taxonomy)
            ),
        )
        for taxonomy in snapshot.taxonomies()
    )
    context = FeedsContext(chrome, group(FeedScope(), settings.title), sections, terms, opml_path())
    return Page("feeds.html", context)


def tag_page(snapshot: Snapshot, taxonomy: str, slug: str, page: int) -> Page | None:
    """The articles of one term (a keyword, a category), newest first; None when there is
    no such page."""
    tag = snapshot.tag(slug, taxonomy)
    if tag is None:
        return None
    settings = snapshot.settings
    pager = _pager(
        len(tag.articles), page, settings.page_size, lambda n: tag_path(slug, n, taxonomy)
    )
    if pager is None:
        return None
    labels = Labels(settings.language)
    heading = labels.term(taxonomy, tag.name)
    title = heading if page == 1 else joined_title(heading, labels.format("page_n", n=page))
    trail = (
        Link(labels["home"], home_path()),
        Link(labels.taxonomy(taxonomy), tags_path(taxonomy)),
        Link(tag.name, tag_path(slug, page, taxonomy)),
    )
    own_feeds = _feeds(snapshot, FeedScope(tag=slug, taxonomy=taxonomy))
    path = tag_path(slug, page, taxonomy)
    chrome = _chrome(snapshot, settings.language, title, path, trail, own_feeds)
    teasers = _teasers(
        snapshot, chrome, _slice(tag.articles, pager, settings.page_size), pictures=True
    )
    url = _search_url(settings, tag.name)
    search = Link(labels.format("search_tag", tag=tag.name), url) if url else None
    return Page("tag.html", TagContext(chrome, heading, teasers, pager, own_feeds, search))


def _search_url(settings: Settings, words: str) -> str | None:
    """Where a search for ``words`` is answered (the form's address without words): here,
    or a static export's search service; None in an export without one."""
    if not settings.exporting:
        return search_path(words)
    if settings.search_url and not words:
        return settings.search_url
    if settings.search_url:
        return (
            settings.search_url
            + ("&" if "?" in settings.search_url else "?")
            + urlencode({"q": words})
        )
    return None


def tags_index_page(snapshot: Snapshot, taxonomy: str = TAGS) -> Page | None:
    """Every term of a taxonomy, with how many articles carry it; None for a taxonomy with
    no term on a published article (keywords always have their page)."""
    terms = snapshot.tags(taxonomy)
    if not terms and taxonomy != TAGS:
        return None
    settings = snapshot.settings
    labels = Labels(settings.language)
    heading = labels.taxonomy(taxonomy)
    trail = (Link(labels["home"], home_path()), Link(heading, tags_path(taxonomy)))
    feeds = _feeds(snapshot, FeedScope())
    chrome = _chrome(snapshot, settings.language, heading, tags_path(taxonomy), trail, feeds)
    links = tuple(
        SectionLink(t.name, tag_path(t.slug, taxonomy=taxonomy), len(t.articles)) for t in terms
    )
    return Page("tags.html", TagsContext(chrome, links, heading))


def search_page(
    snapshot: Snapshot,
    query: Query | None,
    found: Found | None,
    page: int,
    section: SectionKey,
    passage: Callable[[Article], tuple[str, str, str]],
) -> Page | None:
    """The search form and, for a query, a page of what it found; None past the last page."""
    settings = snapshot.settings
    labels = Labels(settings.language)
    text = query.text if query is not None else ""
    heading = labels.format("search_results", q=text) if text else labels["search"]
    articles = found.articles if found is not None else ()
    pager = None
    if found is not None:
        pager = _pager(
            len(articles), page, settings.page_size, lambda n: search_path(text, n, section)
        )
        if pager is None:
            return None
    title = heading if page == 1 else joined_title(heading, labels.format("page_n", n=page))
    path = search_path(text, page, section)
    trail = (Link(labels["home"], home_path()), Link(labels["search"], path))
    feeds = _feeds(snapshot, FeedScope(query=text)) if text and found is not None else ()
    chrome = _chrome(snapshot, settings.language, title, path, trail, feeds, query=text)
    # The page's own form is the search here: one search landmark, not two.
    chrome = replace(chrome, search_url=None)
    shown = _slice(articles, pager, settings.page_size) if pager is not None else ()
    results = tuple(
        SearchResult(teaser, *passage(article))
        for teaser, article in zip(_teasers(snapshot, chrome, shown), shown, strict=True)
    )
    sections = tuple(
        SectionLink(
            " › ".join(s.title for s in snapshot.ancestors(key)),
            "/".join(key),
            len(snapshot.section_articles(key)),
        )
        for key in snapshot.section_tree()
        if key
    )
    context = SearchContext(
        chrome,
        heading,
        text,
        results,
        len(articles),
        found.capped if found is not None else False,
        pager,
        "/".join(section),
        sections,
        search_path(),
    )
    return Page("search.html", context)


def not_found_page(snapshot: Snapshot) -> Page:
    """The styled not-found page."""
    settings = snapshot.settings
    labels = Labels(settings.language)
    chrome = _chrome(
        snapshot, settings.language, labels["not_found"], home_path(), (), (), versioned=False
    )
    return Page("404.html", NotFoundContext(chrome))


def _chrome(
    snapshot: Snapshot,
    lang: str,
    title: str,
    path: str,
    crumbs: Sequence[Link],
    feeds: Sequence[FeedLink],
    description: str = "",
    *,
    settings_url: str | None = None,
    oembed: str | None = None,
    query: str = "",
    versioned: bool = True,
    is_home: bool = False,
) -> Chrome:
    settings = snapshot.settings
    full_title = title if title == settings.title else joined_title(title, settings.title)
    chrome = Chrome(
        lang=lang,
        labels=Labels(lang),
        title=full_title,
        canonical=absolute(settings, path),
        description=description or settings.description or full_title,
        crumbs=tuple(crumbs),
        feeds=tuple(feeds),
        settings_url=settings_url or settings_path(back=_own_path(settings, path)),
        site=_site_info(snapshot, lang),
        oembed_url=oembed,
        search_url=_search_url(settings, ""),
        query=query,
        versions=_versions(settings, path) if versioned else (),
        reading_aid=_reading_aid(settings, path, Labels(lang)) if versioned else None,
        navigation=_navigation(snapshot, path),
        is_home=is_home,
    )
    return replace(chrome, social=_social(snapshot, None, chrome))


def _navigation(snapshot: Snapshot, path: str) -> tuple[MenuLink, ...]:
    """The header's links: each top section (named as the menu names it, if it does), then
    the menu's entries not among them."""
    named = {item.url: item.title for item in snapshot.menu}
    links = [
        MenuLink(named.get(url, s.title), url, _current(url, path))
        for s in snapshot.subsections(())
        if (url := section_path(s.key))
    ]
    shown = {link.url for link in links}
    links += [
        MenuLink(item.title, item.url, _current(item.url, path))
        for item in snapshot.menu
        if item.url not in shown
    ]
    return tuple(links)


def _versions(settings: Settings, path: str) -> tuple[VersionLink, ...]:
    """The page in the original script and in each variant (none when the site has one):
    their canonical addresses, and the switch's, which keeps the reading aid if it is on."""
    found = versions(settings)
    if len(found) < 2 or not _has_versions(path):
        return ()
    links = []
    for version in found:
        aid = reading_aid_of(settings, version) if settings.ruby else None
        links.append(
            VersionLink(
                version.lang,
                version.name,
                variant_path((aid or version).segment, path),
                absolute(settings, variant_path(version.segment, path)),
                version.lang == settings.language,
            )
        )
    return tuple(links)


def _reading_aid(settings: Settings, path: str, labels: Labels) -> VersionLink | None:
    """The link that turns the pinyin reading aid on (or off, where it is on); none in a
    static export, which has no reading aid."""
    other = reading_aid_of(settings, current_version(settings))
    if other is None or settings.exporting or not _has_versions(path):
        return None
    url = variant_path(other.segment, path)
    label = labels["pinyin_on"] if other.ruby else labels["pinyin_off"]
    return VersionLink(other.lang, label, url, absolute(settings, url), False)


def _has_versions(path: str) -> bool:
    return is_variant_route(ROUTE[resolve(urlsplit(path).path).route])


def _own_path(settings: Settings, path: str) -> str:
    """A page's path in the version these settings render (a variant's has its prefix)."""
    return variant_path(current_version(settings).segment, path)


def _current(url: str, path: str) -> str | None:
    """Where a page stands to a menu entry: on it ("page"), below it ("true"), or apart."""
    if url == path:
        return "page"
    if url.startswith("/") and url != home_path() and url.endswith("/") and path.startswith(url):
        return "true"
    return None


def _site_info(snapshot: Snapshot, lang: str) -> SiteInfo:
    settings = snapshot.settings
    return SiteInfo(
        title=settings.title,
        lang=settings.language if settings.language != lang else None,
        footer=settings.footer,
        copyright=settings.copyright,
        contact=settings.contact,
        license_url=settings.license,
        license_name=settings.license_name,
        home_url=home_path(),
        feeds_url=feeds_index_path(),
        stylesheet=asset_path(STYLESHEET),
        icon=asset_path(ICON),
        preferences_css=preferences_css_path(),
    )


def _section_crumbs(snapshot: Snapshot, key: SectionKey, lang: str) -> tuple[Link, ...]:
    site_lang = snapshot.settings.language
    other = site_lang if site_lang != lang else None
    crumbs = [Link(Labels(lang)["home"], home_path())]
    crumbs += [Link(s.title, section_path(s.key), other) for s in snapshot.ancestors(key)]
    return tuple(crumbs)


def _feeds(snapshot: Snapshot, scope: FeedScope) -> tuple[FeedLink, ...]:
    settings = snapshot.settings
    labels = Labels(settings.language)
    title = feed_title(snapshot, scope)
    return tuple(
        FeedLink(
            labels.format("feed_of", format=fmt.label, title=title),
            feed_path(scope, fmt),
            fmt.media_type,
            fmt.label,
        )
        for fmt in FeedFormat
        if scope.query is None or fmt.archived  # a search's feed is RSS or Atom
    )


def _section_links(snapshot: Snapshot, sections: Sequence[Section]) -> tuple[SectionLink, ...]:
    return tuple(
        SectionLink(s.title, section_path(s.key), len(snapshot.section_articles(s.key)))
        for s in sections
    )


def _teasers(
    snapshot: Snapshot, chrome: Chrome, articles: Sequence[Article], *, pictures: bool = False
) -> tuple[Teaser, ...]:
    return tuple(
        Teaser(
            a.title,
            article_path(a),
            _moment(chrome.labels, a.date, snapshot.settings.timezone, a.date_only),
            a.summary,
            a.kicker,
            a.lang if a.lang and a.lang != chrome.lang else None,
            picture(a) if pictures else None,
        )
        for a in articles
    )


@functools.lru_cache(maxsize=4096)
def picture(article: Article) -> Picture | None:
    """An article's lead image as a teaser offers it: each format made of it at each
    width, its own last; as it is when we do not resize it (SVG, another host's)."""
    # Kept per article: one is a teaser on a dozen list pages (home, sections, keywords,
    # each in both scripts), and its dozen image addresses took 0.1 ms to spell.
    if not article.image:
        return None
    src = lead_image_path(article)
    width, height = article.image_width, article.image_height
    planned = plan(article)
    if planned is None:
        return Picture(src, article.image_alt, width, height)

    folder = renditions_folder(planned.key)

    def srcset(fmt: str) -> str:
        return ", ".join(f"{folder}{r.name} {r.width}w" for r in planned.of(fmt))

    sources = tuple(PictureSource(MEDIA_TYPES[f], srcset(f)) for f in planned.formats[:-1])
    return Picture(src, article.image_alt, width, height, srcset(planned.formats[-1]), sources)


def _moment(labels: Labels, moment: datetime, zone: tzinfo, day_only: bool = False) -> Moment:
    """A date as the page shows it, by the date policy of ../shared/DECISIONS.md: absolute,
    in the site's zone (so not named), and a day written alone is shown alone, with no time
    invented for it."""
    if day_only:
        day = moment.date()  # the day as written, in whatever zone it was read
        return Moment(day.isoformat(), labels.date(day))
    local = moment.astimezone(zone)
    return Moment(local.isoformat(), labels.datetime(local))


def _neighbour(article: Article | None, lang: str) -> Link | None:
    if article is None:
        return None
    other = article.lang if article.lang and article.lang != lang else None
    return Link(article.title, article_path(article), other)


def page_count(items: int, size: int) -> int:
    """How many pages a list of ``items`` fills, ``size`` a page; an empty list has one."""
    return max(1, math.ceil(items / size))


def _pager(count: int, page: int, size: int, url: Callable[[int], str]) -> Pager | None:
    total = page_count(count, size)
    if page < 1 or page > total:
        return None
    return Pager(
        page,
        total,
        url(page - 1) if page > 1 else None,
        url(page + 1) if page < total else None,
    )


def _slice(articles: Sequence[Article], pager: Pager, size: int) -> Sequence[Article]:
    start = (pager.page - 1) * size
    return articles[start : start + size]
