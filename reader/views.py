"""One function per page: read the snapshot, build a typed context, render one template."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from html import escape
from urllib.parse import urljoin

from jinja2 import Environment
from markupsafe import Markup

from feeds import feed_title
from feeds.scope import feed_description
from reader.headers import Rendered
from reader.i18n import Labels
from reader.model import Article, Section, SectionKey
from reader.presentation import byline, joined_title
from reader.reading import SIZES, THEMES, Preferences
from reader.store import Snapshot, tag_slug
from reader.templating import render
from reader.urls import (
    FeedFormat,
    FeedScope,
    Kind,
    absolute,
    article_path,
    asset_path,
    feed_page_path,
    feed_path,
    feeds_index_path,
    home_path,
    oembed_path,
    opml_path,
    preferences_css_path,
    section_path,
    settings_path,
    tag_path,
    tags_path,
)

STYLESHEET = "style.css"
ICON = "icon.svg"
OEMBED_MEDIA_TYPE = "application/json+oembed"


@dataclass(frozen=True)
class Crumb:
    """One step of the breadcrumb trail."""

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
class Moment:
    """A date as a machine reads it (ISO 8601 with zone) and as a person does."""

    iso: str
    text: str


@dataclass(frozen=True)
class Teaser:
    """An article as listed on home, section and tag pages."""

    title: str
    url: str
    published: Moment
    summary: str
    kicker: str
    lang: str | None


@dataclass(frozen=True)
class SectionLink:
    """A link to a section, with how many published articles its tree holds."""

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
class Chrome:
    """What every page shares: language, title, canonical URL, trail, feeds and footer."""

    lang: str
    labels: Labels
    title: str
    canonical: str
    crumbs: tuple[Crumb, ...]
    feeds: tuple[FeedLink, ...]
    site_title: str
    site_lang: str | None
    """The site's language when it differs from the page's, for its name and footer."""
    footer: tuple[str, ...]
    copyright: str
    contact: str
    home_url: str
    stylesheet: str
    icon: str
    license_url: str
    license_name: str
    feeds_url: str
    description: str
    settings_url: str
    preferences_css: str
    oembed_url: str | None = None
    """oEmbed discovery, on article pages."""


@dataclass(frozen=True)
class Neighbour:
    """The previous or next article in a section."""

    title: str
    url: str
    lang: str | None


def home_page(snapshot: Snapshot, environment: Environment) -> Rendered:
    """The home page: the top-level sections and the latest articles."""
    settings = snapshot.settings
    chrome = _chrome(
        snapshot, settings.language, settings.title, home_path(), (), _feeds(snapshot, FeedScope())
    )
    sections = _section_links(snapshot, snapshot.subsections(()))
    latest = _teasers(snapshot, chrome, snapshot.articles[: settings.page_size])
    return _page(environment, "home.html", chrome=chrome, sections=sections, teasers=latest)


def section_page(
    snapshot: Snapshot, environment: Environment, section: Section, page: int
) -> Rendered | None:
    """A section: its subsections and its tree's articles, newest first; None past the end."""
    articles = snapshot.section_articles(section.key)
    pager = _pager(
        len(articles), page, snapshot.settings.page_size, lambda n: section_path(section.key, n)
    )
    if pager is None:
        return None
    lang = snapshot.settings.language
    trail = _section_crumbs(snapshot, section.key, lang)
    title = (
        section.title
        if page == 1
        else joined_title(section.title, Labels(lang).format("page_n", n=page))
    )
    feeds = _feeds(snapshot, FeedScope(section=section.key)) + _feeds(snapshot, FeedScope())
    chrome = _chrome(
        snapshot,
        lang,
        title,
        section_path(section.key, page),
        trail,
        feeds,
        feed_description(snapshot, FeedScope(section=section.key)),
    )
    return _page(
        environment,
        "section.html",
        chrome=chrome,
        section=section,
        subsections=_section_links(snapshot, snapshot.subsections(section.key)),
        teasers=_teasers(snapshot, chrome, _slice(articles, pager, snapshot.settings.page_size)),
        pager=pager,
        feed_links=_feeds(snapshot, FeedScope(section=section.key)),
    )


def article_page(snapshot: Snapshot, environment: Environment, article: Article) -> Rendered:
    """An article in reading-mode markup, with its trail, neighbours and keywords around it."""
    settings = snapshot.settings
    lang = article.lang or settings.language
    labels = Labels(lang)
    trail = (
        *_section_crumbs(snapshot, article.section, lang),
        Crumb(article.title, article_path(article)),
    )
    feeds = _feeds(snapshot, FeedScope(section=article.section)) + _feeds(snapshot, FeedScope())
    chrome = _chrome(
        snapshot, lang, article.title, article_path(article), trail, feeds, article.summary
    )
    oembed = absolute(settings, oembed_path(absolute(settings, article_path(article))))
    chrome = replace(chrome, oembed_url=oembed)
    neighbours = snapshot.neighbours(article)
    rendered = _page(
        environment,
        "article.html",
        chrome=chrome,
        article=article,
        body=snapshot.body_html(article),
        published=_moment(labels, article.date, settings.timezone),
        updated=_moment(labels, article.updated, settings.timezone) if article.updated else None,
        previous=_neighbour(neighbours.previous, lang),
        next=_neighbour(neighbours.next, lang),
        tags=tuple(Crumb(name, tag_path(tag_slug(name))) for name in article.tags),
        structured_data=_structured_data(snapshot, article),
    )
    discovery = f'<{oembed}>; rel="alternate"; type="{OEMBED_MEDIA_TYPE}"'
    return replace(rendered, links=(discovery,))


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
        "mainEntityOfPage": absolute(settings, article_path(article)),
        "author": {
            "@type": "Person" if article.author else "Organization",
            "name": byline(snapshot, article),
        },
        "publisher": {"@type": "Organization", "name": settings.title},
    }
    if article.summary:
        data["description"] = article.summary
    if article.image:
        data["image"] = urljoin(absolute(settings, article_path(article)), article.image)
    # "</" inside a script element would end it early, whatever the JSON says.
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return Markup(text)


def settings_page(
    snapshot: Snapshot, environment: Environment, preferences: Preferences, back: str
) -> Rendered:
    """The reading settings form, showing this reader's current choices."""
    settings = snapshot.settings
    labels = Labels(settings.language)
    trail = (Crumb(labels["home"], home_path()), Crumb(labels["settings"], settings_path()))
    chrome = _chrome(snapshot, settings.language, labels["settings"], settings_path(), trail, ())
    chrome = replace(chrome, settings_url=settings_path())
    rendered = _page(
        environment,
        "settings.html",
        chrome=chrome,
        preferences=preferences,
        sizes=tuple(SIZES),
        themes=THEMES,
        back=back,
        action=settings_path(),
    )
    return replace(rendered, kind=Kind.PERSONAL)


@dataclass(frozen=True)
class FeedGroup:
    """One subscribable scope on the feeds page, in all its formats."""

    title: str
    description: str
    page_url: str
    links: tuple[FeedLink, ...]
    depth: int = 0


def feeds_page(snapshot: Snapshot, environment: Environment) -> Rendered:
    """Every feed the site offers, with what it holds, and the OPML list."""
    settings = snapshot.settings
    labels = Labels(settings.language)
    trail = (Crumb(labels["home"], home_path()), Crumb(labels["all_feeds"], feeds_index_path()))
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
    return _page(
        environment,
        "feeds.html",
        chrome=chrome,
        site=group(FeedScope(), settings.title),
        sections=sections,
        tags=tuple(group(FeedScope(tag=tag.slug), tag.name) for tag in snapshot.tags()),
        opml_url=opml_path(),
    )


def tag_page(snapshot: Snapshot, environment: Environment, slug: str, page: int) -> Rendered | None:
    """The articles carrying one keyword, newest first; None when there is no such page."""
    tag = snapshot.tag(slug)
    if tag is None:
        return None
    settings = snapshot.settings
    pager = _pager(len(tag.articles), page, settings.page_size, lambda n: tag_path(slug, n))
    if pager is None:
        return None
    labels = Labels(settings.language)
    heading = labels.format("tag_title", tag=tag.name)
    title = heading if page == 1 else joined_title(heading, labels.format("page_n", n=page))
    trail = (
        Crumb(labels["home"], home_path()),
        Crumb(labels["all_tags"], tags_path()),
        Crumb(tag.name, tag_path(slug, page)),
    )
    chrome = _chrome(
        snapshot,
        settings.language,
        title,
        tag_path(slug, page),
        trail,
        _feeds(snapshot, FeedScope(tag=slug)),
    )
    return _page(
        environment,
        "tag.html",
        chrome=chrome,
        heading=heading,
        teasers=_teasers(snapshot, chrome, _slice(tag.articles, pager, settings.page_size)),
        pager=pager,
        feed_links=_feeds(snapshot, FeedScope(tag=slug)),
    )


def tags_index_page(snapshot: Snapshot, environment: Environment) -> Rendered:
    """Every keyword, with how many articles carry it."""
    settings = snapshot.settings
    labels = Labels(settings.language)
    trail = (Crumb(labels["home"], home_path()), Crumb(labels["all_tags"], tags_path()))
    feeds = _feeds(snapshot, FeedScope())
    chrome = _chrome(snapshot, settings.language, labels["all_tags"], tags_path(), trail, feeds)
    tags = tuple(SectionLink(t.name, tag_path(t.slug), len(t.articles)) for t in snapshot.tags())
    return _page(environment, "tags.html", chrome=chrome, tags=tags)


def not_found_page(snapshot: Snapshot, environment: Environment) -> Rendered:
    """The styled 404 page."""
    settings = snapshot.settings
    labels = Labels(settings.language)
    chrome = _chrome(snapshot, settings.language, labels["not_found"], home_path(), (), ())
    rendered = _page(environment, "404.html", chrome=chrome)
    return Rendered(rendered.body, Kind.PAGE, status=404)


def redirect(snapshot: Snapshot, path: str) -> Rendered:
    """A permanent redirect to a path of ours, with a link for clients that do not follow."""
    url = absolute(snapshot.settings, path)
    labels = Labels(snapshot.settings.language)
    link = f'<a href="{escape(url)}">{escape(url)}</a>'
    body = f"<!doctype html><title>301</title><p>{labels.format('moved', url=link)}</p>"
    return Rendered(body.encode(), Kind.REDIRECT, status=301, location=url)


def _page(environment: Environment, template: str, **context: object) -> Rendered:
    return Rendered(render(environment, template, context), Kind.PAGE)


def _chrome(
    snapshot: Snapshot,
    lang: str,
    title: str,
    path: str,
    crumbs: Sequence[Crumb],
    feeds: Sequence[FeedLink],
    description: str = "",
) -> Chrome:
    settings = snapshot.settings
    full_title = title if title == settings.title else joined_title(title, settings.title)
    return Chrome(
        lang=lang,
        labels=Labels(lang),
        title=full_title,
        canonical=absolute(settings, path),
        crumbs=tuple(crumbs),
        feeds=tuple(feeds),
        site_title=settings.title,
        site_lang=settings.language if settings.language != lang else None,
        footer=settings.footer,
        copyright=settings.copyright,
        contact=settings.contact,
        home_url=home_path(),
        stylesheet=asset_path(STYLESHEET),
        icon=asset_path(ICON),
        license_url=settings.license,
        license_name=settings.license_name,
        feeds_url=feeds_index_path(),
        description=description or settings.description or full_title,
        settings_url=settings_path(back=path),
        preferences_css=preferences_css_path(),
    )


def _section_crumbs(snapshot: Snapshot, key: SectionKey, lang: str) -> tuple[Crumb, ...]:
    site_lang = snapshot.settings.language
    other = site_lang if site_lang != lang else None
    crumbs = [Crumb(Labels(lang)["home"], home_path())]
    crumbs += [Crumb(s.title, section_path(s.key), other) for s in snapshot.ancestors(key)]
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
    )


def _section_links(snapshot: Snapshot, sections: Sequence[Section]) -> tuple[SectionLink, ...]:
    return tuple(
        SectionLink(s.title, section_path(s.key), len(snapshot.section_articles(s.key)))
        for s in sections
    )


def _teasers(snapshot: Snapshot, chrome: Chrome, articles: Sequence[Article]) -> tuple[Teaser, ...]:
    return tuple(
        Teaser(
            a.title,
            article_path(a),
            _moment(chrome.labels, a.date, snapshot.settings.timezone),
            a.summary,
            a.kicker,
            a.lang if a.lang and a.lang != chrome.lang else None,
        )
        for a in articles
    )


def _moment(labels: Labels, moment: datetime, zone: tzinfo) -> Moment:
    local = moment.astimezone(zone)
    return Moment(local.isoformat(), labels.datetime(local))


def _neighbour(article: Article | None, lang: str) -> Neighbour | None:
    if article is None:
        return None
    other = article.lang if article.lang and article.lang != lang else None
    return Neighbour(article.title, article_path(article), other)


def _pager(count: int, page: int, size: int, url: Callable[[int], str]) -> Pager | None:
    total = max(1, math.ceil(count / size))
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
