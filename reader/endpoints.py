"""One endpoint per route: what answers each URL of the route table, and which URLs exist.

Each route name of ``reader.urls.ROUTES`` is bound here to a function that answers it
from one snapshot (None for "not here": the caller answers 404) and to the parameters
it has in a snapshot, from which the static export lists every path.
"""

from __future__ import annotations

import math
import mimetypes
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl

from jinja2 import Environment

from feeds import build_archive, build_feed, build_search_feed, scope_exists
from feeds.opml import build_opml
from feeds.scope import archives
from reader import api, oembed, reading, responses, sitemap, views
from reader.caches import SnapshotCaches
from reader.headers import POLICIES, preference_cookie
from reader.languages import original_language, variants
from reader.loader import Catalog
from reader.model import TAGS, Article
from reader.pages import Page, Translation
from reader.preview import verify
from reader.rendered import Rendered, is_compressible
from reader.renditions import Renditions, plan
from reader.scripts import term_in_other_script, term_in_script
from reader.search import SearchIndex, plain_text
from reader.searchtext import marked_passage, parse_query
from reader.store import Snapshot, tag_slug
from reader.templating import asset_dirs
from reader.urls import (
    ARCHIVED_FORMATS,
    ROUTES,
    FeedFormat,
    FeedScope,
    Kind,
    Match,
    Params,
    RouteName,
    article_path,
    build,
    feed_path,
    feed_scope,
    section_path,
    tag_path,
)
from reader.variants import in_variant_response

MAX_CACHED_BYTES = 256 * 1024
"""Larger files (photos in page bundles) are streamed from disk, not held in memory..."""
MAX_CACHED_TEXT_BYTES = 4 * 1024 * 1024
"""...except text (CSS, JSON, SVG, XML) up to this size: held and compressed once, like a
page, rather than sent uncompressed on every request."""


Translations = Callable[[str], tuple[Translation, ...]]
"""A page's path to its versions in each language of a multilingual site."""


@dataclass(frozen=True)
class Asked:
    """One request as an endpoint sees it: the snapshot to answer from, and what was asked."""

    snapshot: Snapshot
    caches: SnapshotCaches
    environment: Environment
    match: Match
    query: str = ""
    cookie: str | None = None
    form: Mapping[str, str] | None = None
    """The submitted form, for a POST (only the settings form takes one)."""
    catalog: Catalog | None = None
    """Every article as written, published or not: for a signed preview only."""
    now: datetime | None = None
    """The time of the request, for what expires (a preview link)."""
    search: SearchIndex | None = None
    """The site's search index, for ``/search``."""
    translations: Translations | None = None
    """A multilingual site's: a page's versions in each of its languages."""
    renditions: Renditions | None = None
    """The site's resized lead images, for ``/_img/``."""

    @property
    def params(self) -> Params:
        """The route's parameters."""
        return self.match.params

    def redirect(self, path: str) -> Rendered:
        """A permanent redirect to a path of ours."""
        return responses.redirect(self.snapshot.settings, path)

    def page(self, view: Page | None) -> Rendered | None:
        """A view's page rendered, or None when the view found no such page."""
        return responses.page(self.environment, view) if view is not None else None


Answer = Callable[[Asked], Rendered | None]
Instances = Callable[[Snapshot], Iterable[Params]]


@dataclass(frozen=True)
class Endpoint:
    """What answers a route, and every set of parameters it answers in a snapshot."""

    answer: Answer
    instances: Instances


def _once(snapshot: Snapshot) -> Iterable[Params]:
    return (Params(),)


def _none(snapshot: Snapshot) -> Iterable[Params]:
    return ()


# --- pages ------------------------------------------------------------------------------


def home(asked: Asked) -> Rendered | None:
    """``/``: the lead story, each top section's newest, and the latest articles."""
    if asked.match.canonical is not None:
        return asked.redirect(asked.match.canonical)  # /page/1/
    return asked.page(_translated(asked, views.home_page(asked.snapshot, 1), "/"))


def home_page(asked: Asked) -> Rendered | None:
    """``/page/2/``: a later page of the latest articles."""
    return asked.page(views.home_page(asked.snapshot, asked.params.page))


def content(asked: Asked) -> Rendered | None:
    """``/a/b/``: an article, else a section, else an old address (alias) of an article."""
    snapshot, key = asked.snapshot, asked.params.path
    article, section = snapshot.article(key), snapshot.section(key)
    if asked.match.canonical is not None and (article or section):
        return asked.redirect(asked.match.canonical)
    if article is not None:
        shown = views.article_page(snapshot, article)
        return asked.page(_translated(asked, shown, article_path(article)))
    if section is not None:
        listed = views.section_page(snapshot, section, 1)
        return asked.page(_translated(asked, listed, section_path(section.key)))
    return _alias(asked)


def _translated(asked: Asked, page: Page | None, path: str) -> Page | None:
    """A page of a multilingual site naming its versions in the site's other languages."""
    if page is None or asked.translations is None:
        return page
    found = asked.translations(path)
    if not found:
        return page
    chrome = replace(page.context.chrome, languages=found)
    return replace(page, context=replace(page.context, chrome=chrome))


def section_page(asked: Asked) -> Rendered | None:
    """``/a/page/2/``: a later page of a section's articles."""
    section = asked.snapshot.section(asked.params.path)
    if section is None:
        return None
    if asked.match.canonical is not None:
        return asked.redirect(asked.match.canonical)
    return asked.page(views.section_page(asked.snapshot, section, asked.params.page))


def file(asked: Asked) -> Rendered | None:
    """``/a/b.jpg``: a bundle's or a static file; or a page asked without its slash, or an alias.

    Tried in that order: an article or section at the path redirects to its page, then
    a file of the page bundle that holds the path, then ``static/``, then an alias.
    """
    snapshot, key = asked.snapshot, asked.params.path
    if key and (snapshot.article(key) or snapshot.section(key)):
        return asked.redirect(section_path(key))
    for depth in range(len(key) - 1, 0, -1):
        owner = snapshot.article(key[:depth])
        if owner is not None and owner.bundle_dir is not None:
            name = "/".join(key[depth:])
            if name in owner.resources:
                # Looked up again now: a file swapped for a link since must still stay inside.
                found = safe_join(owner.bundle_dir, key[depth:])
                return file_response(found, Kind.ATTACHMENT) if found is not None else None
    found = safe_join(snapshot.settings.static_dir, key)
    if found is not None:
        return file_response(found)
    return _alias(asked)


def _alias(asked: Asked) -> Rendered | None:
    old = "/" + "/".join(asked.params.path)
    moved = asked.snapshot.alias_target(old)
    if moved is not None:
        return asked.redirect(article_path(moved))
    section = asked.snapshot.section_alias_target(old)
    return asked.redirect(section_path(section.key)) if section is not None else None


def tags(asked: Asked) -> Rendered | None:
    """``/tags/``, ``/categories/``: every term of a taxonomy."""
    if asked.match.canonical is not None:
        return asked.redirect(asked.match.canonical)
    return asked.page(views.tags_index_page(asked.snapshot, asked.params.taxonomy))


def tag(asked: Asked) -> Rendered | None:
    """``/tags/x/``, ``/categories/x/`` and their later pages: the articles of one term."""
    params = asked.params
    if asked.snapshot.tag(params.tag, params.taxonomy) is None:
        return _merged_term(asked)
    if asked.match.canonical is not None:
        return asked.redirect(asked.match.canonical)
    return asked.page(views.tag_page(asked.snapshot, params.taxonomy, params.tag, params.page))


def _merged_term(asked: Asked) -> Rendered | None:
    """A term address that names a merged term: a keyword spelled in the other script
    (环保 for 環保), or a category (or another taxonomy's term) while those were merged into
    keywords. A redirect to the same page or feed of that term now."""
    params, snapshot = asked.params, asked.snapshot
    settings = snapshot.settings
    same = tag_slug(term_in_script(params.tag, original_language(settings), settings.region))
    if same != params.tag and snapshot.tag(same, params.taxonomy) is not None:
        return asked.redirect(build(asked.match.route, replace(params, tag=same)))
    if params.taxonomy != TAGS:
        return None
    for taxonomy in snapshot.taxonomies():
        if snapshot.tag(params.tag, taxonomy) is not None:
            return asked.redirect(build(asked.match.route, replace(params, taxonomy=taxonomy)))
    return None


def feeds_index(asked: Asked) -> Rendered | None:
    """``/feeds/``: every feed, for people."""
    if asked.match.canonical is not None:
        return asked.redirect(asked.match.canonical)
    return asked.page(views.feeds_page(asked.snapshot))


# --- feeds ------------------------------------------------------------------------------


def feed(asked: Asked) -> Rendered | None:
    """A subscription feed of the site, a section or a tag."""
    scope, fmt = feed_scope(asked.match), asked.params.format
    if not scope_exists(asked.snapshot, scope):
        return _merged_term(asked) if scope.tag is not None else None
    body = build_feed(asked.snapshot, scope, fmt, asked.caches.feeds)
    return Rendered(body, Kind.FEED, media_type=_feed_type(fmt))


HUGO_KEYWORDS = ("keywords", "categories")
"""Front matter keys whose terms are keywords here unless the site has them as a taxonomy."""


def hugo_feed(asked: Asked) -> Rendered | None:
    """Hugo's ``index.xml`` of the site, a section or a term: a redirect to our RSS feed of
    the same page, so a migrated site's subscribers follow (feed readers update a
    subscription on 301)."""
    key, snapshot = asked.params.path, asked.snapshot
    scope = FeedScope(section=key)
    if len(key) == 2 and key[0] in (*snapshot.settings.taxonomy_names, *HUGO_KEYWORDS):
        taxonomy = key[0] if key[0] in snapshot.settings.taxonomy_names else TAGS
        scope = FeedScope(tag=tag_slug(key[1]), taxonomy=taxonomy)
    if not scope_exists(snapshot, scope):
        return None
    return asked.redirect(feed_path(scope, FeedFormat.RSS))


def hugo_feeds(snapshot: Snapshot) -> dict[str, str]:
    """Every Hugo feed address and the feed it now redirects to (for the export's maps)."""
    moved = {"/index.xml": feed_path(FeedScope(), FeedFormat.RSS)}
    for key in snapshot.sections:
        if key:
            moved[section_path(key) + "index.xml"] = feed_path(
                FeedScope(section=key), FeedFormat.RSS
            )
    for taxonomy in snapshot.taxonomies():
        for term in snapshot.tags(taxonomy):
            scope = FeedScope(tag=term.slug, taxonomy=taxonomy)
            moved[tag_path(term.slug, taxonomy=taxonomy) + "index.xml"] = feed_path(
                scope, FeedFormat.RSS
            )
    return moved


def merged_terms(snapshot: Snapshot) -> dict[str, str]:
    """Term addresses that name a merged term, and where each now is: its page and feeds
    (for the export). A keyword in the other script; a category's at /tags/ while
    categories were merged into keywords."""
    moved: dict[str, str] = {}
    language = original_language(snapshot.settings)
    for taxonomy in snapshot.taxonomies():
        for term in snapshot.tags(taxonomy):
            other = tag_slug(term_in_other_script(term.name, language))
            if other != term.slug and snapshot.tag(other, taxonomy) is None:
                _move_term(moved, (other, taxonomy), (term.slug, taxonomy))
    for taxonomy in snapshot.taxonomies()[1:]:
        for term in snapshot.tags(taxonomy):
            if snapshot.tag(term.slug) is not None or tag_path(term.slug) in moved:
                continue
            _move_term(moved, (term.slug, TAGS), (term.slug, taxonomy))
    return moved


def _move_term(moved: dict[str, str], old: tuple[str, str], new: tuple[str, str]) -> None:
    """Record a term's page and feeds moving from ``old`` to ``new`` (slug, taxonomy)."""
    moved[tag_path(old[0], taxonomy=old[1])] = tag_path(new[0], taxonomy=new[1])
    for fmt in FeedFormat:
        before, after = (FeedScope(tag=slug, taxonomy=t) for slug, t in (old, new))
        moved[feed_path(before, fmt)] = feed_path(after, fmt)


def archive(asked: Asked) -> Rendered | None:
    """One RFC 5005 archive document of a feed."""
    scope, fmt = feed_scope(asked.match), asked.params.format
    if not scope_exists(asked.snapshot, scope):
        return _merged_term(asked) if scope.tag is not None else None
    body = build_archive(asked.snapshot, scope, fmt, asked.params.number, asked.caches.feeds)
    return Rendered(body, Kind.ARCHIVE, media_type=_feed_type(fmt)) if body else None


def _feed_type(fmt: FeedFormat) -> str:
    return fmt.media_type + "; charset=utf-8"


def opml(asked: Asked) -> Rendered:
    """``/feeds.opml``: every section feed, for feed readers."""
    return Rendered(build_opml(asked.snapshot), Kind.OPML)


def _scopes(snapshot: Snapshot, route: RouteName) -> Iterator[FeedScope]:
    if route in (RouteName.TAG_FEED, RouteName.TAG_ARCHIVE):
        for taxonomy in snapshot.taxonomies():
            yield from (FeedScope(tag=t.slug, taxonomy=taxonomy) for t in snapshot.tags(taxonomy))
    elif route in (RouteName.SECTION_FEED, RouteName.SECTION_ARCHIVE):
        yield from (FeedScope(section=key) for key in snapshot.section_tree() if key)
    else:
        yield FeedScope()


def _feeds_of(route: RouteName) -> Instances:
    def instances(snapshot: Snapshot) -> Iterator[Params]:
        for scope in _scopes(snapshot, route):
            for fmt in FeedFormat:
                yield _scope_params(scope, fmt)

    return instances


def _archives_of(route: RouteName) -> Instances:
    def instances(snapshot: Snapshot) -> Iterator[Params]:
        for scope in _scopes(snapshot, route):
            count = archives(snapshot, scope).count
            for fmt in ARCHIVED_FORMATS:
                for number in range(1, count + 1):
                    yield _scope_params(scope, fmt, number)

    return instances


def _scope_params(scope: FeedScope, fmt: FeedFormat, number: int = 0) -> Params:
    return Params(
        path=scope.section or (),
        tag=scope.tag or "",
        taxonomy=scope.taxonomy,
        format=fmt,
        number=number,
    )


# --- for search engines and partners -----------------------------------------------------


def sitemap_(asked: Asked) -> Rendered | None:
    """``/sitemap.xml`` (or its index) and its numbered parts."""
    body = sitemap.build_sitemap(asked.snapshot, asked.params.number or None)
    return Rendered(body, Kind.SITEMAP) if body is not None else None


def news_sitemap(asked: Asked) -> Rendered:
    """``/news-sitemap.xml``: the Google News sitemap of recent articles."""
    return Rendered(sitemap.build_news_sitemap(asked.snapshot), Kind.SITEMAP)


def robots(asked: Asked) -> Rendered | None:
    """``/robots.txt``: the site's own (in ``static/``, as Hugo sites have), else ours."""
    own = safe_join(asked.snapshot.settings.static_dir, ("robots.txt",))
    if own is not None:
        return file_response(own)
    return Rendered(sitemap.build_robots(asked.snapshot), Kind.TEXT)


def api_articles(asked: Asked) -> Rendered:
    """``/api/v1/articles``: the partner API's list, filtered and paged by its query."""
    index, snapshot = asked.search, asked.snapshot
    search = (lambda query: index.search(snapshot, query)) if index is not None else None
    answer = api.article_list(snapshot, asked.query, asked.caches.feeds, search)
    rendered = Rendered(answer.body, Kind.API, status=answer.status, links=answer.links)
    return _api_in_language(asked, rendered)


def api_article(asked: Asked) -> Rendered:
    """``/api/v1/articles/ID``: one article in the partner API."""
    answer = api.one_article(asked.snapshot, asked.params.id, asked.caches.feeds, asked.query)
    return _api_in_language(asked, Rendered(answer.body, Kind.API, status=answer.status))


def _api_in_language(asked: Asked, rendered: Rendered) -> Rendered:
    """The API's answer in the script variant its ``lang`` asks for (partners republish
    Simplified or Traditional text); the original's otherwise."""
    lang = api.language_asked(asked.query)
    settings = asked.snapshot.settings
    for variant in variants(settings):
        if rendered.status == 200 and variant.lang == lang:
            return in_variant_response(settings, variant, rendered, "/")
    return rendered


MAX_SEARCH_PAGE = 50
"""Results beyond this page are not listed (only ``MAX_CANDIDATES`` are ranked anyway)."""


def search_feed(asked: Asked) -> Rendered | None:
    """``/search/atom.xml?q=...``: what a search finds, newest first, as a feed."""
    fmt = asked.params.format
    query = parse_query(dict(parse_qsl(asked.query)).get("q", ""))
    if asked.search is None or query is None or not fmt.archived:
        return None  # RSS and Atom only: a saved search is for feed readers
    found = asked.search.search(asked.snapshot, query).articles
    scope = FeedScope(query=query.text)
    body = build_search_feed(asked.snapshot, scope, fmt, found, asked.caches.feeds)
    return Rendered(body, Kind.FEED, media_type=_feed_type(fmt))


def search(asked: Asked) -> Rendered | None:
    """``/search?q=...``: the form, and the published articles that match, best first."""
    if asked.search is None:
        return None
    fields = dict(parse_qsl(asked.query, keep_blank_values=True))
    page_text = fields.get("page", "1")
    page = int(page_text) if page_text.isascii() and page_text.isdigit() else 0
    section = tuple(part for part in fields.get("section", "").split("/") if part)
    snapshot = asked.snapshot
    if not 1 <= page <= MAX_SEARCH_PAGE or (section and snapshot.section(section) is None):
        return None  # a page past the end, or a section that is not (or no longer) public
    query = parse_query(fields.get("q", ""))
    found = None
    if query is not None:
        found = asked.search.search(snapshot, query)
        if section:
            within = set(map(id, snapshot.section_articles(section)))
            found = replace(found, articles=tuple(a for a in found.articles if id(a) in within))
    hits = query.hits if query is not None else frozenset()

    def passage(article: Article) -> tuple[str, str, str]:
        marked = marked_passage(article.summary, hits)
        if marked[1]:
            return marked  # the body need not be rendered (3 ms for a bench article)
        text = plain_text(snapshot.body_html(article))
        marked = marked_passage(text, hits)
        return marked if marked[1] else marked_passage(article.summary or text, hits)

    view = views.search_page(snapshot, query, found, page, section, passage)
    return asked.page(view)


def oembed_(asked: Asked) -> Rendered:
    """``/oembed?url=...``: a headline card for one of our articles."""
    status, body = oembed.answer(asked.snapshot, asked.query)
    return Rendered(body, Kind.API, status=status)


def _sitemap_parts(snapshot: Snapshot) -> Iterable[Params]:
    parts = math.ceil(len(sitemap.sitemap_entries(snapshot)) / sitemap.MAX_URLS)
    return [Params(number=n) for n in range(1, parts + 1)] if parts > 1 else []


# --- the reader's own settings (never cached: they depend on the cookie) ----------------


def settings(asked: Asked) -> Rendered:
    """``/settings/``: the reading settings form; a POST saves them in a cookie."""
    if asked.match.canonical is not None:
        return asked.redirect(asked.match.canonical)
    snapshot = asked.snapshot
    if asked.form is not None:
        chosen, back = reading.from_form(asked.form)
        secure = snapshot.settings.base_url.startswith("https:")
        return Rendered(
            b"",
            Kind.PERSONAL,
            status=303,
            location=back,
            cookie=preference_cookie(reading.COOKIE, chosen.cookie_value, secure=secure),
        )
    back = reading.safe_return_path(dict(parse_qsl(asked.query)).get("back"))
    preferences = reading.from_cookie_header(asked.cookie)
    return responses.personal_page(
        asked.environment, views.settings_page(snapshot, preferences, back)
    )


def preview(asked: Asked) -> Rendered | None:
    """``/_preview/TOKEN/``: the article a valid signed link names, published or not."""
    article = _previewed(asked)
    page = asked.page(views.article_page(asked.snapshot, article) if article else None)
    return replace(page, kind=Kind.PREVIEW, links=()) if page is not None else None


def preview_file(asked: Asked) -> Rendered | None:
    """``/_preview/TOKEN/photo.jpg``: a file of the previewed article's page bundle."""
    article = _previewed(asked)
    if article is None or article.bundle_dir is None:
        return None
    if "/".join(asked.params.path) not in article.resources:
        return None
    found = safe_join(article.bundle_dir, asked.params.path)
    return file_response(found, Kind.PREVIEW_FILE) if found is not None else None


def _previewed(asked: Asked) -> Article | None:
    """The article a valid signed link names, published or not."""
    if asked.catalog is None or asked.now is None:
        return None
    key = verify(asked.snapshot.settings.preview_secret, asked.params.id, asked.now)
    if key is None:
        return None
    return next((a for a in asked.catalog.articles if a.key == key), None)


def preferences_css(asked: Asked) -> Rendered:
    """``/_reading.css``: the stylesheet that applies this reader's settings."""
    css = reading.stylesheet(reading.from_cookie_header(asked.cookie)).encode()
    return Rendered(css, Kind.PERSONAL, media_type=POLICIES[Kind.CSS].content_type)


# --- files ------------------------------------------------------------------------------


def asset(asked: Asked) -> Rendered | None:
    """``/_assets/...``: the theme's files, the site's own overriding the bundled ones."""
    for root in asset_dirs(asked.snapshot.settings):
        found = safe_join(root, asked.params.path)
        if found is not None:
            return file_response(found)
    return None


def image(asked: Asked) -> Rendered | None:
    """``/_img/KEY/640.webp``: a lead image resized, or its original until that is made."""
    if len(asked.params.path) != 2:
        return None
    key, name = asked.params.path
    article = asked.snapshot.imaged(key)
    planned = plan(article) if article is not None else None
    rendition = planned.named(name) if planned is not None else None
    if article is None or rendition is None:
        return None
    made = asked.renditions.made(article, rendition) if asked.renditions is not None else None
    # Until it is made, the original stands in, sent as what it is (a browser that chose
    # the AVIF source reads the JPEG it gets): the page offering it never has to change.
    return file_response(made or Path(article.image_file))


def _images(snapshot: Snapshot) -> Iterator[Params]:
    for article in snapshot.articles:
        planned = plan(article) if article.image_file else None
        if planned is not None and snapshot.imaged(planned.key) is article:
            yield from (Params(path=(planned.key, r.name)) for r in planned.renditions)


def _assets(snapshot: Snapshot) -> Iterator[Params]:
    seen: set[tuple[str, ...]] = set()
    for root in asset_dirs(snapshot.settings):
        for path in _files_below(root):
            if path not in seen:  # the site's own asset wins over the theme's
                seen.add(path)
                yield Params(path=path)


def _files(snapshot: Snapshot) -> Iterator[Params]:
    for article in (*snapshot.articles, *snapshot.pages):  # a plain page's bundle too
        for name in sorted(article.resources):
            yield Params(path=(*article.key, *name.split("/")))
    for path in _files_below(snapshot.settings.static_dir):
        yield Params(path=path)


def _files_below(root: Path) -> Iterator[tuple[str, ...]]:
    if not root.is_dir():
        return
    for directory, folders, names in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        relative = Path(directory).relative_to(root).parts
        for name in sorted(names):
            if not name.startswith(".") and safe_join(root, (*relative, name)) is not None:
                yield (*relative, name)


def safe_join(root: Path, parts: tuple[str, ...]) -> Path | None:
    """A file below ``root`` named by URL segments, refusing anything that escapes it."""
    if not parts or any(p in ("", ".", "..") or p.startswith(".") or "\\" in p for p in parts):
        return None
    candidate = root.joinpath(*parts)
    try:
        resolved = candidate.resolve()
        if resolved.is_file() and resolved.is_relative_to(root.resolve()):
            return resolved
    except (OSError, ValueError):
        return None
    return None


def file_response(path: Path, kind: Kind = Kind.FILE) -> Rendered | None:
    """A file's answer: small files whole (cached with the snapshot), large ones streamed."""
    if path.suffix == ".css" and kind is Kind.FILE:
        kind = Kind.CSS
    media_type = None if kind is Kind.CSS else mimetypes.guess_type(path.name)[0]
    text = is_compressible(media_type or POLICIES[kind].content_type)
    try:
        size = path.stat().st_size
        held = size <= (MAX_CACHED_TEXT_BYTES if text else MAX_CACHED_BYTES)
        body = path.read_bytes() if held else b""
    except OSError:
        return None
    return Rendered(body, kind, media_type=media_type, file=path)


# --- the table --------------------------------------------------------------------------


def _lists(count: Callable[[Snapshot], Iterable[tuple[Params, int]]]) -> Instances:
    """Later pages (2 on) of each paginated list, from (first page's params, item count)."""

    def instances(snapshot: Snapshot) -> Iterator[Params]:
        size = snapshot.settings.page_size
        for first, items in count(snapshot):
            for page in range(2, views.page_count(items, size) + 1):
                yield replace(first, page=page)  # of the same list: its taxonomy too

    return instances


def _sections(snapshot: Snapshot) -> Iterator[tuple[Params, int]]:
    for key in snapshot.section_tree():
        if key:
            yield Params(path=key), views.listed_count(snapshot, key)


def _taxonomies(snapshot: Snapshot) -> Iterator[Params]:
    yield from (Params(taxonomy=taxonomy) for taxonomy in snapshot.taxonomies())


def _tags(snapshot: Snapshot) -> Iterator[tuple[Params, int]]:
    for taxonomy in snapshot.taxonomies():
        for found in snapshot.tags(taxonomy):
            yield Params(tag=found.slug, taxonomy=taxonomy), len(found.articles)


def _pages(snapshot: Snapshot) -> Iterator[Params]:
    yield from (first for first, _ in _sections(snapshot))
    yield from (Params(path=article.key) for article in (*snapshot.articles, *snapshot.pages))


ENDPOINTS: Mapping[RouteName, Endpoint] = {
    RouteName.HOME: Endpoint(home, _once),
    RouteName.HOME_PAGE: Endpoint(
        home_page, _lists(lambda s: ((Params(), views.listed_count(s, ())),))
    ),
    RouteName.ASSET: Endpoint(asset, _assets),
    RouteName.IMAGE: Endpoint(image, _images),
    RouteName.PREFERENCES_CSS: Endpoint(preferences_css, _once),
    RouteName.SETTINGS: Endpoint(settings, _once),
    RouteName.PREVIEW: Endpoint(preview, _none),
    RouteName.HUGO_SITE_FEED: Endpoint(hugo_feed, _none),
    RouteName.HUGO_FEED: Endpoint(hugo_feed, _none),
    RouteName.PREVIEW_FILE: Endpoint(preview_file, _none),
    RouteName.FEEDS_INDEX: Endpoint(feeds_index, _once),
    RouteName.OPML: Endpoint(opml, _once),
    RouteName.SITEMAP: Endpoint(sitemap_, _once),
    RouteName.SITEMAP_PART: Endpoint(sitemap_, _sitemap_parts),
    RouteName.NEWS_SITEMAP: Endpoint(news_sitemap, _once),
    RouteName.ROBOTS: Endpoint(robots, _once),
    # Answers depend on the query: a static host cannot serve them.
    RouteName.OEMBED: Endpoint(oembed_, _none),
    RouteName.SEARCH: Endpoint(search, _none),
    RouteName.SEARCH_FEED: Endpoint(search_feed, _none),
    RouteName.API_ARTICLES: Endpoint(api_articles, _none),
    RouteName.API_ARTICLE: Endpoint(api_article, _none),
    RouteName.TAGS: Endpoint(tags, _taxonomies),
    RouteName.TAG: Endpoint(tag, lambda s: (first for first, _ in _tags(s))),
    RouteName.TAG_PAGE: Endpoint(tag, _lists(_tags)),
    RouteName.TAG_FEED: Endpoint(feed, _feeds_of(RouteName.TAG_FEED)),
    RouteName.TAG_ARCHIVE: Endpoint(archive, _archives_of(RouteName.TAG_ARCHIVE)),
    RouteName.SITE_FEED: Endpoint(feed, _feeds_of(RouteName.SITE_FEED)),
    RouteName.SITE_ARCHIVE: Endpoint(archive, _archives_of(RouteName.SITE_ARCHIVE)),
    RouteName.SECTION_FEED: Endpoint(feed, _feeds_of(RouteName.SECTION_FEED)),
    RouteName.SECTION_ARCHIVE: Endpoint(archive, _archives_of(RouteName.SECTION_ARCHIVE)),
    RouteName.SECTION_PAGE: Endpoint(section_page, _lists(_sections)),
    RouteName.CONTENT: Endpoint(content, _pages),
    RouteName.FILE: Endpoint(file, _files),
}
if set(ENDPOINTS) != {route.name for route in ROUTES}:  # pragma: no cover - a coding error
    raise RuntimeError("every route needs exactly one endpoint")
