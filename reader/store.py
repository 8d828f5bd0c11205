"""The immutable snapshot every response is computed from, and the holder that swaps it."""

from __future__ import annotations

import functools
import itertools
import operator
import os
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, NamedTuple, TypeVar
from urllib.parse import urlsplit

from reader.bodies import BodyRenderer
from reader.config import Settings
from reader.loader import Catalog, url_name
from reader.memory import collector_paused
from reader.model import TAGS, Article, ArticleKey, Problem, Section, SectionKey, newest_first
from reader.reads import ReadName, note, note_body
from reader.renditions import plan
from reader.urls import api_key, article_path, section_path


@dataclass(frozen=True)
class Neighbours:
    """The articles before and after one article in its own section, by date."""

    previous: Article | None
    next: Article | None


@dataclass(frozen=True)
class Tag:
    """A term of a taxonomy (a keyword, a category) and the published articles that carry
    it, newest first."""

    slug: str
    name: str
    articles: tuple[Article, ...]
    taxonomy: str = TAGS


TermKey = tuple[str, str]
"""A term's taxonomy and slug: ``("tags", "harbour")``."""


@dataclass(frozen=True)
class MenuItem:
    """An entry of the site's main menu: its text and where it leads."""

    title: str
    url: str
    """A path of the site, or an absolute http(s) URL."""
    weight: int = 0


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What is published at one moment: the only source any output reads.

    Publication is decided here, once: drafts and future-dated articles never enter
    any field, so no page, feed or count built from a snapshot can show them.
    """

    settings: Settings
    built_at: datetime
    sections: Mapping[SectionKey, Section]
    _articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    refresh_at: datetime | None
    """When the snapshot next goes stale: a future-dated article comes due, or an article
    leaves the recent window; the holder rebuilds then."""
    _recent: tuple[Article, ...]
    _pages: tuple[Article, ...]
    _pinned: tuple[Article, ...]
    _by_key: Mapping[tuple[str, ...], Article]
    _children: Mapping[SectionKey, tuple[Section, ...]]
    _in_section: Mapping[SectionKey, tuple[Article, ...]]
    _in_tree: Mapping[SectionKey, tuple[Article, ...]]
    _tags: Mapping[TermKey, Tag]
    _aliases: Mapping[str, Article]
    bodies: BodyRenderer = field(compare=False, repr=False)
    """Where the articles' bodies come from, rendered from their files when first asked
    for (kept by file version, so one renderer serves every snapshot)."""

    # The lists are read through properties and methods that note what an output reads
    # (``reader.reads``), so a build knows which outputs a change can reach. The
    # snapshot's own derived tables read the fields, not the properties: what they are
    # made from is noted when they are read.

    @property
    def articles(self) -> tuple[Article, ...]:
        """Published articles, newest first."""
        note(("all",))
        return self._articles

    @property
    def recent(self) -> tuple[Article, ...]:
        """Articles published within ``RECENT_WINDOW`` before ``built_at``, newest first."""
        note(("recent",))
        return self._recent

    @property
    def pages(self) -> tuple[Article, ...]:
        """Published plain pages (``Article.plain``): at their URL and in the sitemap only."""
        note(("pages",))
        return self._pages

    @property
    def pinned(self) -> tuple[Article, ...]:
        """Published articles an editor pins as the lead story (``featured``) whose pin
        has not run out, newest first; the snapshot goes stale when the first runs out."""
        note(("pinned",))
        return self._pinned

    def read(self, name: ReadName) -> object:
        """What a noted read (``reader.reads``) finds in this snapshot, by its name; a
        build compares it with what the previous build's outputs found."""
        kind, *args = name
        return _READERS[str(kind)](self, *args)

    def body_html(self, article: Article) -> str:
        """The article's body as finished HTML, rendered on first use."""
        html = self.bodies.html(article)
        self.note_embedded(article)
        return html

    def note_embedded(self, article: Article) -> None:
        """Note, for a build's record, that the output being rendered embeds the article's
        body (once it is rendered or found)."""
        note_body(article.key)
        if self.bodies.follows_files(article):
            note(("files",))  # it points at other articles' pages while their files are there

    def article(self, key: tuple[str, ...]) -> Article | None:
        """The published article at these path segments, if any."""
        note(("key", key))
        return self._by_key.get(key)

    def article_by_id(self, article_id: str) -> Article | None:
        """The published article with this stable id, if any."""
        note(("id", article_id))
        return self._by_id.get(article_id)

    @functools.cached_property
    def _by_id(self) -> Mapping[str, Article]:
        # Made when the API is first asked, not with every snapshot: a reload at 100,000
        # articles is shown sooner by the 50 ms this takes.
        # Each article's API name first; an id it had before (derived, from earlier
        # versions) still finds it unless another article is named so.
        named = {api_key(article): article for article in self._articles}
        for article in self._articles:
            named.setdefault(article.id, article)
        return MappingProxyType(named)

    def imaged(self, key: str) -> Article | None:
        """The published article whose lead image's renditions are named by ``key``."""
        found = self._by_image.get(key)
        # The key names the image and its renditions' plan: what can change beside them
        # is the article's front matter (an output of a key found nothing is never kept).
        if found is not None:
            note(("key", found.key))
        return found

    @functools.cached_property
    def _by_image(self) -> Mapping[str, Article]:
        # Made when an image is first asked for: most reloads are never followed by one.
        found: dict[str, Article] = {}
        for article in self._articles:
            planned = plan(article) if article.image_file else None
            if planned is not None:
                found.setdefault(planned.key, article)
        return MappingProxyType(found)

    def translation(self, key: str) -> Article | None:
        """The published article (or plain page) with this translation key, if any."""
        note(("translation", key))
        return self._translated.get(key)

    @functools.cached_property
    def _translated(self) -> Mapping[str, Article]:
        # Made when a multilingual site first asks, not with every snapshot.
        settings = self.settings
        return MappingProxyType(
            {translation_key(settings, a): a for a in (*self._articles, *self._pages)}
        )

    def section(self, key: SectionKey) -> Section | None:
        """The section at these path segments, if any."""
        return self.sections.get(key)

    def subsections(self, key: SectionKey) -> tuple[Section, ...]:
        """The section's direct subsections, by weight then title."""
        return self._children.get(key, ())

    def section_tree(self, key: SectionKey = ()) -> Iterator[SectionKey]:
        """The section keys from ``key`` down, parents before children, siblings in order."""
        yield key
        for child in self.subsections(key):
            yield from self.section_tree(child.key)

    def section_articles(self, key: SectionKey) -> tuple[Article, ...]:
        """Published articles in the section and all its subsections, newest first."""
        note(("tree", key))
        return self._in_tree.get(key, ())

    def archive_page(
        self, listed: ReadName, number: int, size: int
    ) -> tuple[tuple[Article, ...], int]:
        """Page ``number`` of a list (``("tree", section)`` or ``("term", slug, taxonomy)``)
        cut into runs of ``size`` counted from its oldest, newest first; and how many full
        runs there are, counted no further than the page after: an RFC 5005 archive page
        shows no more of the rest than whether another follows, so a new article leaves
        it as it was."""
        note(("archive", listed, number, size))
        return self._archive_page(listed, number, size)

    def _archive_page(
        self, listed: ReadName, number: int, size: int
    ) -> tuple[tuple[Article, ...], int]:
        found = _READERS[str(listed[0])](self, *listed[1:])
        articles: tuple[Article, ...] = found.articles if isinstance(found, Tag) else found or ()
        end = len(articles) - (number - 1) * size
        page = articles[max(0, end - size) : max(0, end)] if number >= 1 else ()
        return page, min(len(articles) // size, number + 1)

    def neighbours(self, article: Article) -> Neighbours:
        """The previous (older) and next (newer) article in the article's own section."""
        note(("neighbours", article.key))
        return self._neighbours(article)

    def _neighbours(self, article: Article) -> Neighbours:
        group = self._in_section.get(article.section, ())
        # Found by a binary search, which costs a page microseconds and the snapshot no
        # table of 100,000 pairs.
        at = position(group, article)
        if at is None:
            return Neighbours(None, None)
        newer = group[at - 1] if at > 0 else None
        older = group[at + 1] if at + 1 < len(group) else None
        return Neighbours(previous=older, next=newer)

    def ancestors(self, key: SectionKey) -> tuple[Section, ...]:
        """The public sections from the first level down to ``key`` itself (the root
        excluded). A plain page may sit in a section with no news, which is not public:
        such sections are left out, never named."""
        found = (self.sections.get(key[:depth]) for depth in range(1, len(key) + 1))
        return tuple(section for section in found if section is not None)

    def tags(self, taxonomy: str = TAGS) -> tuple[Tag, ...]:
        """Every term of a taxonomy (keywords unless named) a published article carries,
        by slug."""
        note(("terms", taxonomy))
        return self._by_taxonomy.get(taxonomy, ())

    def tag(self, slug: str, taxonomy: str = TAGS) -> Tag | None:
        """The term with this slug, if a published article carries it."""
        note(("term", slug, taxonomy))
        return self._tags.get((taxonomy, slug))

    def term_name(self, slug: str, taxonomy: str = TAGS) -> str | None:
        """How the term with this slug is spelled, if a published article carries it (what
        a feed's title shows of it: not its list)."""
        note(("term-name", slug, taxonomy))
        tag = self._tags.get((taxonomy, slug))
        return tag.name if tag is not None else None

    def taxonomies(self) -> tuple[str, ...]:
        """The site's taxonomies that have a term on a published article, keywords first."""
        note(("taxonomies",))
        return self._taxonomies()

    def _taxonomies(self) -> tuple[str, ...]:
        return tuple(n for n in self.settings.taxonomy_names if n in self._by_taxonomy)

    @functools.cached_property
    def _by_taxonomy(self) -> Mapping[str, tuple[Tag, ...]]:
        grouped: dict[str, list[Tag]] = {}
        for tag in sorted(self._tags.values(), key=lambda t: t.slug):
            grouped.setdefault(tag.taxonomy, []).append(tag)
        return MappingProxyType({name: tuple(tags) for name, tags in grouped.items()})

    @property
    def menu(self) -> tuple[MenuItem, ...]:
        """The main menu: the configured entries whose target is published, and the published
        pages and sections that ask to be in it; by weight (unweighted last), then title."""
        note(("menu",))
        return self._menu

    @functools.cached_property
    def _menu(self) -> tuple[MenuItem, ...]:
        items = [
            item
            for name, url, page_ref, weight in self.settings.menu
            if (item := self._menu_link(name, url, page_ref, weight)) is not None
        ]
        for article in (*self._pages, *self._articles):
            if article.menu is not None:
                title = article.menu.name or article.title
                items.append(MenuItem(title, article_path(article), article.menu.weight))
        for section in self.sections.values():
            if section.menu is not None and section.key:
                title = section.menu.name or section.title
                items.append(MenuItem(title, section_path(section.key), section.menu.weight))
        unique = {item.url: item for item in reversed(items)}  # the first of one URL wins
        return tuple(sorted(unique.values(), key=lambda i: (i.weight == 0, i.weight, i.title)))

    def _menu_link(self, name: str, url: str, page_ref: str, weight: int) -> MenuItem | None:
        if url:
            scheme = urlsplit(url).scheme
            if scheme in ("http", "https") or (not scheme and url.startswith("/")):
                return MenuItem(name or url, url, weight)
            return None  # javascript: and the like are never a link of ours
        # A content path, as Hugo's pageRef names a page: its file, or its folder (or its
        # address as uglyURLs write it: NexT's example site names "/about.html"). One that
        # names nothing published is left out, so a menu cannot point at a draft.
        ref = page_ref.strip("/")
        for suffix in ("/_index.md", "/index.md", ".md", ".markdown", ".html"):
            ref = ref.removesuffix(suffix)
        key = tuple(url_name(part) for part in ref.split("/") if part)
        article = self._by_key.get(key)
        if article is not None:
            return MenuItem(name or article.title, article_path(article), weight)
        section = self.section(key)
        if section is not None:
            return MenuItem(name or section.title, section_path(key), weight)
        return None

    def alias_target(self, path: str) -> Article | None:
        """The published article an old URL path should redirect to."""
        note(("alias", path.rstrip("/") + "/"))
        return self._aliases.get(path.rstrip("/") + "/")

    def section_alias_target(self, path: str) -> Section | None:
        """The public section an old URL path should redirect to."""
        return self._section_aliases.get(path.rstrip("/") + "/")

    @functools.cached_property
    def _section_aliases(self) -> Mapping[str, Section]:
        return MappingProxyType(
            {alias: section for section in self.sections.values() for alias in section.aliases}
        )


_READERS: Mapping[str, Callable[..., Any]] = {
    "all": lambda s: s._articles,
    "recent": lambda s: s._recent,
    "pages": lambda s: s._pages,
    "pinned": lambda s: s._pinned,
    "body": lambda s, key: a.stamp if (a := s._by_key.get(key)) is not None else None,
    "files": lambda s: frozenset(a.file for a in (*s._articles, *s._pages)),
    "key": lambda s, key: s._by_key.get(key),
    "id": lambda s, article_id: s._by_id.get(article_id),
    "translation": lambda s, key: s._translated.get(key),
    "tree": lambda s, key: s._in_tree.get(key, ()),
    "neighbours": lambda s, key: s._neighbours(a) if (a := s._by_key.get(key)) else None,
    "archive": Snapshot._archive_page,
    "terms": lambda s, taxonomy: s._by_taxonomy.get(taxonomy, ()),
    "term": lambda s, slug, taxonomy: s._tags.get((taxonomy, slug)),
    "term-name": lambda s, slug, taxonomy: (
        t.name if (t := s._tags.get((taxonomy, slug))) is not None else None
    ),
    "taxonomies": Snapshot._taxonomies,
    "menu": lambda s: s._menu,
    "alias": lambda s, path: s._aliases.get(path),
}
"""What each kind of noted read looks up, given the snapshot and the name's arguments."""
READ_KINDS = frozenset(_READERS)
"""The kinds of read this version notes (a record of another may name others)."""


RECENT_WINDOW = timedelta(days=2)
"""How long an article counts as news (the Google News sitemap lists only these)."""


@functools.lru_cache(maxsize=65536)
def translation_key(settings: Settings, article: Article) -> str:
    """What pairs an article with its translations, as Hugo pairs them: its file's place
    in its language's content folder, without the language's suffix (``news/a`` for
    ``news/a.en.md``, ``news/a/index.md`` and ``content/en/news/a.md``)."""
    relative = Path(os.path.relpath(article.file, settings.content_dir)).with_suffix("")
    own = settings.site_language
    if own is not None and relative.suffix == f".{own.key}":
        relative = relative.with_suffix("")
    if relative.name == "index":
        relative = relative.parent
    return relative.as_posix()


def tag_slug(name: str) -> str:
    """The URL segment of a tag: case-folded, spaces and slashes as hyphens; Chinese kept.

    A slash would split the segment (``AC/DC`` is ``/tags/ac-dc/``), and a tag that is
    only dots would be a dot segment, which names no route.
    """
    slug = "-".join(name.casefold().replace("/", " ").replace("\\", " ").split())
    return "-" * len(slug) if slug in (".", "..") else slug


def is_visible(article: Article, now: datetime) -> bool:
    """The one publication rule: not held back by its draft flag, its date or its embargo,
    and not expired."""
    return unpublished_reason(article, now) is None


def unpublished_reason(article: Article, now: datetime) -> str | None:
    """Why an article is not published at ``now``, or None when it is."""
    if article.draft:
        return "it is a draft"
    if article.date > now:
        return f"it is dated {article.date.isoformat()}, in the future"
    if article.publish_date is not None and article.publish_date > now:
        return f"its publishDate {article.publish_date.isoformat()} is in the future"
    if article.expiry_date is not None and article.expiry_date <= now:
        return f"it expired at {article.expiry_date.isoformat()}"
    return None


def _changes(article: Article, now: datetime) -> Iterator[datetime]:
    """The moments after ``now`` when the article's publication changes by itself."""
    if article.draft:
        return
    for moment in (article.date, article.publish_date, article.expiry_date):
        if moment is not None and moment > now:
            yield moment


def position(group: Sequence[Article], article: Article) -> int | None:
    """Where an article with ``article``'s key is in a newest-first list, if it is there."""
    sought = newest_first(article)
    low, high = 0, len(group)
    while low < high:
        middle = (low + high) // 2
        if newest_first(group[middle]) > sought:
            low = middle + 1
        else:
            high = middle
    return low if low < len(group) and group[low].key == article.key else None


Name = TypeVar("Name", bound=Hashable)
Value = TypeVar("Value")


@dataclass(frozen=True)
class _Grouping(Generic[Name]):
    """An index of published articles in named lists, newest first.

    Which lists an article joins is said once: the ``names`` of the value ``by`` gives
    (its section), or of each value when ``each`` is set (each of its tags). A full build
    and the swap of an edited article both follow it, so the two cannot disagree.
    """

    by: Callable[[Article], Any]
    names: Callable[[Any], Iterable[Name]]
    each: bool = False

    def _values(self, article: Article) -> Iterable[Hashable]:
        value = self.by(article)
        return value if self.each else (value,)

    def build(self, published: Sequence[Article]) -> Mapping[Name, tuple[Article, ...]]:
        """The lists, from articles already newest first."""
        lists: dict[Name, list[Article]] = {}
        # The lists are found once per value (a section, a tag), not once per article: a
        # build of 100,000 articles is shown that much sooner.
        joined: dict[Hashable, list[list[Article]]] = {}

        def groups_of(value: Hashable) -> list[list[Article]]:
            groups = joined.get(value)
            if groups is None:
                groups = joined[value] = [lists.setdefault(n, []) for n in self.names(value)]
            return groups

        by, get = self.by, joined.get
        if self.each:
            return self._build_each(published)
        else:
            for article in published:
                value = by(article)
                for group in get(value) or groups_of(value):
                    group.append(article)
        return MappingProxyType({name: tuple(group) for name, group in lists.items()})

    def _build_each(self, published: Sequence[Article]) -> Mapping[Name, tuple[Article, ...]]:
        # A list per value first (a tag as written), then the values of one name merged:
        # most names have one value, whose list is taken as it is.
        by_value: dict[Hashable, list[Article]] = {}
        get = by_value.get
        for article in published:
            for value in self.by(article):
                group = get(value)
                if group is None:
                    group = by_value[value] = []
                group.append(article)
        lists: dict[Name, list[Article]] = {}
        for value, group in by_value.items():
            for name in self.names(value):
                known = lists.get(name)
                lists[name] = group if known is None else _merged(known, group)
        return MappingProxyType({name: tuple(group) for name, group in lists.items()})

    def swap(
        self,
        lists: Mapping[Name, tuple[Article, ...]],
        edits: Sequence[tuple[Article, Article]],
    ) -> Mapping[Name, tuple[Article, ...]] | None:
        """The lists with each edited article in its place, or None if one is not there."""
        changed: dict[Name, list[Article]] = {}
        for before, after in edits:
            for name in dict.fromkeys(n for v in self._values(after) for n in self.names(v)):
                group = changed.get(name)
                if group is None:
                    group = changed[name] = list(lists.get(name, ()))
                at = position(group, before)
                if at is None or group[at] is not before:
                    return None
                group[at] = after
        if not changed:
            return lists
        swapped = _copied(lists)
        swapped.update((name, tuple(group)) for name, group in changed.items())
        return MappingProxyType(swapped)


@dataclass(frozen=True)
class _Unique(Generic[Name]):
    """An index of published articles by keys each names once (its path, its aliases)."""

    keys: Callable[[Article], Iterable[Name]]

    def build(self, published: Sequence[Article]) -> Mapping[Name, Article]:
        """Each key's article."""
        return MappingProxyType({key: a for a in published for key in self.keys(a)})

    def swap(
        self, index: Mapping[Name, Article], edits: Sequence[tuple[Article, Article]]
    ) -> Mapping[Name, Article]:
        """The index with each edited article under the keys it holds (an old address two
        articles claim stays the one's that ``build`` gives it, whichever is edited)."""
        if not edits:
            return index
        swapped = _copied(index)
        for _, after in edits:
            for key in self.keys(after):
                held = swapped.get(key)
                if held is None or held.key == after.key:
                    swapped[key] = after
        return MappingProxyType(swapped)


def _copied(index: Mapping[Name, Value]) -> dict[Name, Value]:
    """A dict of an index's items, through a read-only view's own ``copy`` where it is one:
    ``dict()`` of a view reads it key by key (0.7 s for a million keys, against 0.05 s)."""
    return index.copy() if isinstance(index, MappingProxyType) else dict(index)


def _merged(one: list[Article], other: list[Article]) -> list[Article]:
    """Two newest-first lists as one, each article once ("Port" and "port" on one)."""
    seen: set[int] = set()
    merged = []
    for article in sorted(one + other, key=newest_first, reverse=True):
        if id(article) not in seen:
            seen.add(id(article))
            merged.append(article)
    return merged


def _trees(section: SectionKey) -> tuple[SectionKey, ...]:
    """The sections whose tree holds an article of ``section``: itself and its ancestors."""
    return tuple(section[:depth] for depth in range(len(section) + 1))


BY_KEY: _Unique[ArticleKey] = _Unique(lambda a: (a.key,))
ALIASES: _Unique[str] = _Unique(lambda a: (alias.rstrip("/") + "/" for alias in a.aliases))
IN_SECTION: _Grouping[SectionKey] = _Grouping(operator.attrgetter("section"), lambda s: (s,))
IN_TREE: _Grouping[SectionKey] = _Grouping(operator.attrgetter("section"), _trees)
BY_TAG: _Grouping[TermKey] = _Grouping(
    operator.attrgetter("taxonomy_terms"), lambda term: ((term[0], tag_slug(term[1])),), each=True
)
_ALL: _Grouping[tuple[()]] = _Grouping(lambda a: (), lambda _: ((),))
"""Every published article, in one list: swapped like the others."""


def update_snapshot(
    old: Snapshot, old_catalog: Catalog, catalog: Catalog, now: datetime
) -> Snapshot:
    """The snapshot of ``catalog`` at ``now``, made from ``old`` when that is quicker.

    Most edits change an article's words, not what places it: its path, date, draft flag,
    tags and aliases. Then every list stays as it was, with the edited articles swapped in,
    which takes milliseconds where building afresh takes half a second at 100,000
    articles. Anything else, or time passing a publication or the news window, is built
    afresh by ``build_snapshot``, which stays the one place that decides publication.
    """
    with collector_paused():
        patched = _patched(old, old_catalog, catalog, now)
    return patched if patched is not None else build_snapshot(old.settings, catalog, now)


def _patched(
    old: Snapshot, old_catalog: Catalog, catalog: Catalog, now: datetime
) -> Snapshot | None:
    if old.refresh_at is not None and now >= old.refresh_at:
        return None  # an article came due or left the news window since
    if now < old.built_at or catalog.sections != old_catalog.sections:
        return None
    if len(catalog.articles) != len(old_catalog.articles):
        return None
    edits = []
    for before, after in zip(old_catalog.articles, catalog.articles, strict=True):
        if before is after or before == after:
            continue
        if not _placed_alike(before, after) or after.plain or after.featured:
            # A plain page is in no list to swap it in, and a pinned one is held apart
            # from the lists: either is built afresh.
            return None
        if is_visible(before, now):
            edits.append((before, after))
    articles = _ALL.swap({(): old._articles}, edits)
    in_section = IN_SECTION.swap(old._in_section, edits)
    in_tree = IN_TREE.swap(old._in_tree, edits)
    tagged = BY_TAG.swap({key: tag.articles for key, tag in old._tags.items()}, edits)
    if articles is None or in_section is None or in_tree is None or tagged is None:
        return None
    published = articles[()]
    return Snapshot(
        settings=old.settings,
        built_at=now,
        sections=old.sections,
        _articles=published,
        problems=catalog.problems,
        refresh_at=old.refresh_at,
        _recent=published[: len(old._recent)],
        _pages=old._pages,
        _pinned=old._pinned,
        _by_key=BY_KEY.swap(old._by_key, edits),
        _children=old._children,
        _in_section=in_section,
        _in_tree=in_tree,
        _tags=_tags(tagged),
        _aliases=ALIASES.swap(old._aliases, edits),
        bodies=catalog.bodies,
    )


def _placed_alike(before: Article, after: Article) -> bool:
    """Whether two versions of an article sit in the same lists at the same places."""
    return (
        before.key == after.key
        and before.date == after.date
        and before.draft == after.draft
        and before.publish_date == after.publish_date
        and before.expiry_date == after.expiry_date
        and before.tags == after.tags
        and before.terms == after.terms
        and before.aliases == after.aliases
        and before.featured == after.featured
        and before.featured_until == after.featured_until
    )


def build_snapshot(settings: Settings, catalog: Catalog, now: datetime) -> Snapshot:
    """Decide what is published at ``now`` and index it for every page and feed."""
    with collector_paused():
        return _build_snapshot(settings, catalog, now)


def _build_snapshot(settings: Settings, catalog: Catalog, now: datetime) -> Snapshot:
    visible = sorted(
        (a for a in catalog.articles if is_visible(a, now)),
        key=newest_first,
        reverse=True,
    )
    published = [a for a in visible if not a.plain]
    pages = tuple(a for a in visible if a.plain)
    upcoming = [moment for a in catalog.articles for moment in _changes(a, now)]
    since = now - RECENT_WINDOW
    # Newest first, so the recent are where the list begins: the rest is never looked at.
    recent = tuple(itertools.takewhile(lambda a: a.date > since, published))
    if recent:
        upcoming.append(recent[-1].date + RECENT_WINDOW)
    pinned = tuple(a for a in published if a.featured and now < pinned_until(settings, a))
    upcoming += [pinned_until(settings, a) for a in pinned]
    in_tree = IN_TREE.build(published)
    # A section exists publicly only while something in its tree is published.
    sections = {key: s for key, s in catalog.sections.items() if not key or key in in_tree}
    children: dict[SectionKey, list[Section]] = {}
    for section in sections.values():
        if section.parent_key is not None:
            children.setdefault(section.parent_key, []).append(section)
    return Snapshot(
        settings=settings,
        built_at=now,
        sections=MappingProxyType(sections),
        _articles=tuple(published),
        problems=catalog.problems,
        refresh_at=min(upcoming) if upcoming else None,
        _recent=recent,
        _pages=pages,
        _pinned=pinned,
        _by_key=BY_KEY.build(visible),
        _children=MappingProxyType(
            {k: tuple(sorted(v, key=lambda s: (s.weight, s.title))) for k, v in children.items()}
        ),
        _in_section=IN_SECTION.build(published),
        _in_tree=in_tree,
        _tags=_tags(BY_TAG.build(published)),
        _aliases=ALIASES.build(visible),
        bodies=catalog.bodies,
    )


def pinned_until(settings: Settings, article: Article) -> datetime:
    """When an article's pin as the lead story runs out: its ``featured_until``, else the
    site's ``featured_days`` after its date."""
    return article.featured_until or article.date + timedelta(days=settings.featured_days)


def _tags(lists: Mapping[TermKey, tuple[Article, ...]]) -> Mapping[TermKey, Tag]:
    """Each term, shown as the newest article carrying it first spells it."""
    return MappingProxyType(
        {
            (taxonomy, slug): Tag(slug, _spelling(group[0], taxonomy, slug), group, taxonomy)
            for (taxonomy, slug), group in lists.items()
        }
    )


def _spelling(article: Article, taxonomy: str, slug: str) -> str:
    return next(n for t, n in article.taxonomy_terms if t == taxonomy and tag_slug(n) == slug)


Caches = TypeVar("Caches")


class State(NamedTuple, Generic[Caches]):
    """A snapshot with the catalog it was built from and the caches that die with it."""

    snapshot: Snapshot
    catalog: Catalog
    caches: Caches


class SnapshotHolder(Generic[Caches]):
    """The one mutable thing: a reference to the current snapshot, swapped whole.

    Each snapshot gets fresh caches from ``make_caches`` (the app's rendered responses
    and feed entries), so nothing cached from one snapshot is ever served from another.
    """

    def __init__(
        self, snapshot: Snapshot, catalog: Catalog, make_caches: Callable[[Snapshot], Caches]
    ) -> None:
        self._make_caches = make_caches
        self._swapping = threading.Lock()
        # One tuple, so a reader never sees a snapshot paired with another's caches.
        self.state = State(snapshot, catalog, make_caches(snapshot))

    @property
    def current(self) -> Snapshot:
        """The snapshot to answer this request from; read it once per request."""
        return self.state.snapshot

    @property
    def catalog(self) -> Catalog:
        """The catalog the current snapshot was built from."""
        return self.state.catalog

    def swap(self, snapshot: Snapshot, catalog: Catalog) -> None:
        """Replace the snapshot, its catalog and its caches in one assignment."""
        with self._swapping:
            self.state = State(snapshot, catalog, self._make_caches(snapshot))

    def fresh_caches(self, snapshot: Snapshot) -> None:
        """Start the caches afresh if ``snapshot`` is still current (something its answers
        name changed: a translation, an image made); never puts back an older snapshot."""
        with self._swapping:
            state = self.state
            if state.snapshot is snapshot:
                self.state = State(snapshot, state.catalog, self._make_caches(snapshot))
