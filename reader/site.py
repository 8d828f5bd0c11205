"""The running site: the snapshot holder and its caches, answering a path from one snapshot."""

from __future__ import annotations

import functools
import logging
import time
import unicodedata
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

from jinja2 import Environment

from reader import responses, views
from reader.caches import ResponseKey, SnapshotCaches
from reader.config import Settings
from reader.endpoints import ENDPOINTS, Asked, Translations
from reader.filecheck import FileCheck
from reader.index import DiskIndex
from reader.languages import Version, language_name, variant_at, variant_settings
from reader.live import Clock, Reloader, log_problems, utc_now
from reader.load import load_site, read_catalog, without_files
from reader.lru import SizedLRU
from reader.memory import give_back_freed
from reader.model import Article
from reader.pacing import Pacer
from reader.pages import Translation
from reader.parsecache import ParseCache
from reader.rendered import Rendered
from reader.renditions import Renditions
from reader.search import SearchIndex, search_index_path
from reader.searchtext import warm_pinyin
from reader.store import Snapshot, SnapshotHolder, build_snapshot, translation_key
from reader.templating import make_environment
from reader.urls import ROUTE, Match, RouteName, absolute, article_path, resolve
from reader.variants import in_variant_response
from reader.websub import Notifier

log = logging.getLogger("reader")

SHARED_ENTRY_BYTES = 200
"""What a cache entry pointing at the shared not-found page costs beside its key."""
FIRST_SERVED_BYTES = 64 * 1024 * 1024
"""Memory for the URLs' first-served times (Last-Modified): about 200,000 of them."""
FIRST_SERVED_ENTRY_BYTES = 100
"""An ETag and a time, beside the URL that keys them."""


class Site:
    """Settings, templates and the snapshot holder, answering decoded paths."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock = utc_now,
        index_path: Path | None = None,
        *,
        check_files: bool = False,
    ) -> None:
        """``check_files``: every file is checked against the on-disk index before the
        first snapshot, for a caller that serves nothing meanwhile (a build); otherwise a
        start from the index serves at once and leaves the check to the first reload."""
        self.settings = settings
        self.clock = clock
        self.index_path = index_path
        """The on-disk index the site starts from and keeps (None: in memory only)."""
        compiled = templates_path(index_path) if index_path is not None else None
        self.environment: Environment = make_environment(settings, compiled)
        cache = ParseCache()
        index = DiskIndex(index_path, settings) if index_path is not None else None
        # From the index, no file is opened: an article whose file changed is left out
        # until the first reload, just after, reads it again. Each folder's files are
        # checked (by a child process, on a large site) while the next is read, so the
        # snapshot is built once, with or without changes.
        check = FileCheck()
        try:
            self.indexed = index is not None and index.restore(
                cache, None if check_files else check.add
            )
            """Whether the parse cache came from the on-disk index."""
            self.restored = self.indexed and not check_files
            """Whether the first snapshot came from the on-disk index, with files unchecked."""
            if self.restored:
                catalog = read_catalog(settings, cache, ())
                catalog = without_files(catalog, check.changed())
                snapshot = build_snapshot(settings, catalog, clock())
            else:
                if index is not None and self.indexed:
                    # A snapshot from the index alone would only be replaced: one from
                    # every file checked saves building two (0.08 s at 10,000 articles).
                    index.restore_entries(cache)
                snapshot, catalog = load_site(settings, clock(), cache)
        finally:
            check.close()
        log_problems(catalog.problems)
        self.holder: SnapshotHolder[SnapshotCaches] = SnapshotHolder(
            snapshot, catalog, lambda _: SnapshotCaches.within(settings)
        )
        self.reloader = Reloader(settings, self.holder, clock, cache, index)
        self.pacer = Pacer()
        """Paces the work done beside the server by the requests it answers."""
        searched = None if settings.exporting else index_path
        self.search = SearchIndex(search_index_path(searched) if searched else None)
        """Full-text search; kept in step with each new snapshot, and brought up to date
        by a search that finds it behind (a static build's is never filled)."""
        self._searching = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search")
        self._told_searchable = self._told_resized = False
        self.renditions = Renditions(renditions_path(index_path) if index_path else None)
        """Resized lead images, made beside the server after each load."""
        self._resizing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="images")
        if not settings.exporting:
            # A static build makes its images itself, before its pages, and has no search
            # of its own (its form leads to ``search_url``): a search index written beside
            # it took 0.8 s of a 10,000-article rebuild's cores from its renderers.
            self.reloader.listeners.append(self._index_for_search)
            self.reloader.listeners.append(lambda old, new: self.make_renditions())
        self.notifier: Notifier | None = None
        if settings.hub:
            self.notifier = Notifier(
                settings.hub, lambda snap, path: self.answer_from(snap, path).etag
            )
            self.reloader.listeners.append(self.notifier.snapshot_changed)
        self.translations: Translations | None = None
        """A multilingual site's: this page's path in every language that has it."""
        # URL -> (ETag, first served): Last-Modified moves only when a URL's bytes change.
        # Bounded: a forgotten URL restarts from its snapshot's time, later than any change.
        self._first_served: SizedLRU[tuple[str, datetime]] = SizedLRU(FIRST_SERVED_BYTES)

    def _index_for_search(self, old: Snapshot, new: Snapshot) -> None:
        # Beside the reload, never in it: a sync can take minutes (the first one on a large
        # site), and the watcher waits for each reload before it sees the next edit. Each
        # sync brings the index to the snapshot current then, so queued ones cost nothing.
        self._searching.submit(self._sync_search)

    def index_for_search(self) -> None:
        """Bring the search index to the current snapshot, giving way to requests; on the
        search thread, waiting for it."""
        self._searching.submit(self._sync_search).result()

    def warm_search(self) -> None:
        """Build what a first pinyin search would (the pinyin tables), giving way to
        requests, on the search thread; waiting for it."""
        self._searching.submit(lambda: warm_pinyin(self.pacer.run())).result()

    def _sync_search(self) -> None:
        started = time.perf_counter()
        indexed = self.search.sync(self.holder.current, pause=self.pacer.run())
        if indexed:
            give_back_freed()  # the texts indexed, all of the articles' after a cold start
        if indexed or not self._told_searchable:
            # Said once after a start, and when there was work: an operator (and the bench)
            # learns when the background work after a start is over.
            self._told_searchable = True
            took = time.perf_counter() - started
            log.info("search index up to date: %d indexed again in %.1f s", indexed, took)

    def save_index(self) -> None:
        """Write the on-disk index after a start from scratch, giving way to requests."""
        self.reloader.save_index(self.pacer.run())

    def make_renditions(self) -> None:
        """Resize the current snapshot's lead images beside the server, never in a request;
        once some are made, the snapshot's caches start afresh, so the images' addresses
        answer with them rather than the originals kept so far."""

        def make() -> None:
            snapshot = self.holder.current
            started = time.perf_counter()
            made = self.renditions.make(snapshot.articles, self.pacer.run())
            if made:
                self.holder.fresh_caches(snapshot)
            if made or not self._told_resized:
                self._told_resized = True
                took = time.perf_counter() - started
                log.info("lead images ready: %d resized copies made in %.1f s", made, took)

        self._resizing.submit(make)

    def answer(self, path: str, query: str = "") -> Rendered:
        """The response for a decoded path and raw query, from one snapshot, cached with it."""
        state = self.holder.state
        if query and path == "/":
            moved = old_query_address(state.snapshot, query)
            if moved is not None:
                return moved
        return self.answer_from(state.snapshot, path, query, caches=state.caches)

    def answer_from(
        self,
        snapshot: Snapshot,
        path: str,
        query: str = "",
        *,
        caches: SnapshotCaches | None = None,
        keep: bool = True,
    ) -> Rendered:
        """The response a given snapshot gives; cacheable answers are kept with it.

        ``caches`` must be that snapshot's (without them, the current snapshot's are used
        if it is current, else nothing is kept). ``keep=False`` is for a static build,
        which asks for each path once: keeping the page would only push out the feed
        entries that other pages reuse, and its files carry no Last-Modified.
        """
        if caches is None:
            state = self.holder.state
            caches = (
                state.caches if state.snapshot is snapshot else SnapshotCaches.within(self.settings)
            )
        # The hot path (also taken in front of this, by the ASGI layer): one lookup by path.
        cached = caches.responses.get(path) or caches.missing.get(path)
        if cached is not None:
            return cached
        if not path.isascii() and not unicodedata.is_normalized("NFC", path):
            # Names are URLs in NFC (loader.url_name): a decomposed spelling is sent there.
            composed = quote(unicodedata.normalize("NFC", path), safe="/")
            return responses.redirect(snapshot.settings, composed)
        settings = snapshot.settings
        in_variant = variant_at(settings, path)
        match = resolve(in_variant[1] if in_variant else path, settings.taxonomy_names)
        route = ROUTE[match.route]
        key: ResponseKey = path
        kept_in = caches.responses
        if route.query:
            key, kept_in = (path, _normal_query(query)), caches.queries
            answered = kept_in.get(key)
            if answered is not None:
                return answered
        partial = self.search.partial
        if in_variant is not None:
            variant, inner = in_variant
            rendered = self._in_variant(snapshot, caches, variant, inner, match, query)
        else:
            asked = self._asked(snapshot, caches, match, query)
            rendered = ENDPOINTS[match.route].answer(asked) or self.not_found(snapshot, caches)
        if self.search.partial != partial:
            keep = False  # found in an index still catching up: asked again, it finds more
        if keep and rendered.status in (200, 301) and not route.query:
            # An answer to a query carries no Last-Modified: queries are endless, and
            # remembering when each was first answered would grow with them.
            rendered = replace(rendered, modified=self._modified(key, rendered, snapshot))
        if not keep or (rendered.file is not None and not rendered.body):
            return rendered
        if _is_shared_not_found(caches, rendered):
            # Every unknown path shares one not-found page, in a cache of its own: a scanner
            # trying a million paths costs a small entry each, and pushes no page out.
            caches.missing.put(key, rendered, SHARED_ENTRY_BYTES)
        else:
            kept_in.put(key, rendered, rendered.memory)
        return rendered

    def _asked(self, snapshot: Snapshot, caches: SnapshotCaches, match: Match, query: str) -> Asked:
        """A request as the endpoints see it, with what this site lends them."""
        return Asked(
            snapshot,
            caches,
            self.environment,
            match,
            query,
            search=self.search,
            translations=self.translations,
            renditions=self.renditions,
        )

    def _in_variant(
        self,
        snapshot: Snapshot,
        caches: SnapshotCaches,
        variant: Version,
        path: str,
        match: Match,
        query: str,
    ) -> Rendered:
        """An answer in a script variant: the original's, with the variant's settings,
        converted; or the variant's not-found page (which, like the original's, is shared)."""
        settings = snapshot.settings
        made = caches.in_variant.get(variant.segment)
        if made is None:
            made = (replace(snapshot, settings=variant_settings(settings, variant)), None)
        own, not_found = made
        rendered = None
        if variant.serves(ROUTE[match.route]):
            rendered = ENDPOINTS[match.route].answer(self._asked(own, caches, match, query))
        if rendered is not None:
            caches.in_variant[variant.segment] = made
            kept = caches.variant_markup
            return in_variant_response(
                settings, variant, rendered, path, kept, caches.feeds.entries
            )
        if not_found is None:
            not_found = in_variant_response(settings, variant, self._not_found_page(own), "/")
        caches.in_variant[variant.segment] = (own, not_found)
        return not_found

    def cached_query(self, path: str, query: str) -> Rendered | None:
        """The current snapshot's kept answer to a path whose query matters, if any."""
        return self.holder.state.caches.queries.get((path, _normal_query(query)))

    def personal(
        self, path: str, query: str, cookie: str | None, form: Mapping[str, str] | None
    ) -> Rendered:
        """An answer for one reader, never shared: their settings page, stylesheet or the
        saving of their settings, or an article shown through a signed preview link."""
        state = self.holder.state
        match = resolve(path)
        asked = Asked(
            state.snapshot,
            state.caches,
            self.environment,
            match,
            query,
            cookie,
            form,
            catalog=state.catalog,
            now=self.clock(),
        )
        rendered = ENDPOINTS[match.route].answer(asked)
        return rendered if rendered is not None else self.not_found(state.snapshot, state.caches)

    def not_found(self, snapshot: Snapshot, caches: SnapshotCaches | None = None) -> Rendered:
        """The not-found page, rendered once per snapshot."""
        if caches is None:
            return self._not_found_page(snapshot)
        if caches.not_found is None:
            caches.not_found = self._not_found_page(snapshot)
        return caches.not_found

    def _not_found_page(self, snapshot: Snapshot) -> Rendered:
        return responses.page(self.environment, views.not_found_page(snapshot), status=404)

    def _modified(self, key: ResponseKey, rendered: Rendered, snapshot: Snapshot) -> datetime:
        # The time a snapshot was built is after every change it holds, so a new body's
        # Last-Modified is later than any value sent for the old one, even after a restart;
        # an unchanged body keeps its date, so If-Modified-Since keeps matching. HTTP dates
        # count whole seconds, and libcurl-based readers (newsboat) discard a 200 whose
        # Last-Modified is not newer than theirs, so a change always moves it a second on.
        known = self._first_served.get(key)
        if known is not None and known[0] == rendered.etag:
            return known[1]
        since = snapshot.built_at.replace(microsecond=0)
        if known is not None and since <= known[1]:
            since = known[1] + timedelta(seconds=1)
        self._first_served.put(key, (rendered.etag, since), FIRST_SERVED_ENTRY_BYTES)
        return since


def link_translations(sites: Sequence[Site]) -> None:
    """Let each language of a multilingual site name the others' versions of its pages,
    and start each one's caches afresh when another's content changes, since its pages
    name those versions."""
    for site in sites:
        site.translations = functools.partial(_translations, sites)

        def refresh(old: Snapshot, new: Snapshot, changed: Site = site) -> None:
            for other in sites:
                if other is not changed:
                    other.holder.fresh_caches(other.holder.current)

        site.reloader.listeners.append(refresh)


def _translations(sites: Sequence[Site], path: str) -> tuple[Translation, ...]:
    """A page's versions in each language that has it published (its own included).

    An article's translations are the files named alike in each language (``news/a.md``,
    ``news/a.en.md``, or ``content/en/news/a.md``), as Hugo pairs them, whatever slug
    each has; a section's and the home page's are at the same path in each language.
    """
    found = []
    wanted: str | None = None
    for site in sites:
        snapshot = site.holder.current
        article = _article_at(snapshot, path)
        if article is not None:
            wanted = translation_key(snapshot.settings, article)
            break
    for site in sites:
        settings, snapshot = site.settings, site.holder.current
        if wanted is not None:
            own = snapshot.translation(wanted)
            url = absolute(settings, article_path(own)) if own is not None else None
        else:
            url = absolute(settings, path) if has_page(snapshot, path) else None
        if url is not None:
            found.append(Translation(settings.language, language_name(settings), url))
    return tuple(found) if len(found) > 1 else ()


def has_page(snapshot: Snapshot, path: str) -> bool:
    """Whether a home, section or article page is published at this path of a snapshot."""
    match = resolve(path, snapshot.settings.taxonomy_names)
    if match.route is RouteName.HOME:
        return True
    if match.route is not RouteName.CONTENT:
        return False
    key = match.params.path
    return snapshot.article(key) is not None or snapshot.section(key) is not None


def _article_at(snapshot: Snapshot, path: str) -> Article | None:
    match = resolve(path, snapshot.settings.taxonomy_names)
    return snapshot.article(match.params.path) if match.route is RouteName.CONTENT else None


QUERY_ADDRESSES = ("p", "page_id")
"""WordPress's addresses of a post and a page (``/?p=123``), which an import keeps as
aliases: the one kind of old address with a query."""


def old_query_address(snapshot: Snapshot, query: str) -> Rendered | None:
    """The redirect from a WordPress address (``/?p=123``) to the article now there."""
    for key, value in parse_qsl(query):
        if key in QUERY_ADDRESSES and value.isdigit():
            article = snapshot.alias_target(f"/?{key}={value}")
            if article is not None:
                return responses.redirect(snapshot.settings, article_path(article))
    return None


def templates_path(parse_index: Path) -> Path:
    """Where a site's templates are kept compiled: beside its parse index."""
    return parse_index.with_name(parse_index.stem + "-templates")


def renditions_path(parse_index: Path) -> Path:
    """Where a site's resized lead images are kept: beside its parse index."""
    return parse_index.with_name(parse_index.stem + "-images")


def is_personal(path: str) -> bool:
    """Whether a path's answer depends on the reader's cookie (and so is never shared)."""
    return ROUTE[resolve(path).route].personal


def _is_shared_not_found(caches: SnapshotCaches, rendered: Rendered) -> bool:
    """Whether an answer is the snapshot's one not-found page (or a variant's)."""
    if rendered is caches.not_found:
        return True
    return any(rendered is not_found for _, not_found in caches.in_variant.values())


def _normal_query(query: str) -> str:
    return urlencode(sorted(parse_qsl(query, keep_blank_values=True)))
