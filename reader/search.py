"""The search index: SQLite FTS5 over the published articles, kept in step with the snapshot.

The index holds exactly what a snapshot publishes (news articles, not plain pages); each
search is also filtered through the snapshot it answers for, so a lagging index can miss a
new article for a moment but never show one that is no longer published. It lives on disk
beside the parse index, so a restart indexes only the files that changed; without one (a
test, ``--no-index``) it lives in memory.
"""

from __future__ import annotations

import html
import logging
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.model import Article, ArticleKey
from reader.pacing import Pause, unpaced
from reader.searchstore import IndexRow, TokenStore
from reader.searchtext import Query, index_tokens
from reader.store import Snapshot

log = logging.getLogger("reader")

MAX_CANDIDATES = 1000
"""The matches a search ranks, the most recent: a one-character query in a large store
matches most articles, and ranking them all would take seconds."""
BATCH = 200
"""Articles written per transaction: searches go on between batches."""
MIN_DEAD_TO_REBUILD = 1000
"""Replaced versions kept before the index is built afresh, however small the site."""
CATCH_UP_SECONDS = 2.0
"""How long a search waits for an update of the index under way before it searches what is
indexed so far (the first indexing of a large site takes minutes)."""

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_HIDDEN = re.compile(
    r"\]\(\s*<?[^\s)>]*>?"  # a link's or image's address (a title after it stays)
    r"|\]\[[^\]\n]*\]"  # a reference link's label
    r"|^ {0,3}\[[^\]\n]+\]:.*$"  # a reference definition
    r"|<(?P<autolink>(?:https?|mailto):[^>\s]*)>"  # an autolink: its address is its text
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^>\n]*)?/?>"  # an HTML tag (List<T> is text)
    r"|(?P<shortcode>\{\{[<%].*?[%>]\}\})",  # a Hugo shortcode
    re.MULTILINE,
)
_QUOTED = re.compile(r'"([^"\n]*)"')
_CODE_MARKS = ("`", "~~~", "\n    ", "\n\t")
"""What every piece of code ``_CODE`` finds holds (or starts the text)."""
_CODE = re.compile(
    r"^ {0,3}(?P<fence>`{3,}|~{3,}).*?(?:^ {0,3}(?P=fence)[`~]*[ \t]*$|\Z)"  # a fenced block
    r"|^(?:(?: {4}|\t)[^\n]*(?:\n|\Z))+"  # an indented block (or a list's: kept whole too)
    r"|(?P<ticks>`+)[^`].*?(?P=ticks)",  # a code span
    re.MULTILINE | re.DOTALL,
)
BodyText = Callable[[Article], str]


def search_index_path(parse_index: Path) -> Path:
    """Where the search index of a site lives: beside its parse index."""
    return parse_index.with_name(parse_index.stem + "-search.sqlite")


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, on one line."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def markdown_text(source: str) -> str:
    """The words of a Markdown body as a search reads them, without rendering it: link and
    image addresses, reference definitions and HTML tags left out; link text, alt text,
    titles, autolinks and shortcodes' quoted values (but paths) kept; entities decoded.
    Code is read as written: a page shows its tags and addresses."""
    if not any(mark in source for mark in _CODE_MARKS) and not source.startswith(("    ", "\t")):
        # Most articles hold no code: asking the pattern at every character cost 70 µs.
        return html.unescape(_HIDDEN.sub(_kept, source))
    parts: list[str] = []
    written = 0
    for code in _CODE.finditer(source):
        parts += (html.unescape(_HIDDEN.sub(_kept, source[written : code.start()])), code[0])
        written = code.end()
    parts.append(html.unescape(_HIDDEN.sub(_kept, source[written:])))
    return " ".join(parts)


def _kept(match: re.Match[str]) -> str:
    if match["autolink"]:
        return f" {match['autolink']} "
    if match["shortcode"]:
        values = _QUOTED.findall(match["shortcode"])
        return " " + " ".join(v for v in values if "/" not in v) + " "  # not paths
    return " "  # what was between stays apart: a<br>b is two words


@dataclass(frozen=True)
class Found:
    """The articles that match a query in one snapshot, best first (at most
    ``MAX_CANDIDATES``)."""

    articles: tuple[Article, ...]
    capped: bool
    """Whether there were more matches than were ranked."""


def _opened(path: Path | None) -> TokenStore:
    """The token store at ``path``; in memory when the disk refuses it (full, read-only),
    so that the site is served and searched all the same."""
    try:
        return TokenStore(path)
    except (sqlite3.Error, OSError) as error:
        if path is None:
            raise
        log.warning(
            "%s: the search index cannot be kept on disk (%s); searching from memory",
            path,
            error,
        )
        return TokenStore(None)


class SearchIndex:
    """The published articles' tokens (``searchstore``), kept in step with the snapshot."""

    def __init__(self, path: Path | None) -> None:
        self.store = _opened(path)
        self._syncing = threading.Lock()
        """One sync at a time, so two never index the same edit twice."""
        self._synced: Snapshot | None = None
        self._catching_up: threading.Thread | None = None
        """The thread a search started to bring the index up to date, while it runs."""
        self._starting = threading.Lock()
        self.partial = 0
        """Searches answered while the index was still catching up: such an answer is not
        kept, since the same search may soon find more (a count: threads only add)."""

    def close(self) -> None:
        """Let go of the database."""
        self.store.close()

    def sync(
        self,
        snapshot: Snapshot,
        body_text: BodyText | None = None,
        pause: Pause = unpaced,
        wait: float | None = None,
    ) -> int:
        """Bring the index to what ``snapshot`` publishes; how many articles were (re)indexed.

        A contentless FTS5 table cannot forget one document's tokens, so a changed or
        withdrawn article's row is dropped from the searches' join and its tokens stay until
        the next full rebuild, which happens when they outnumber the live ones.
        ``pause`` is called between articles: background work gives way to requests there.
        With ``wait``, a sync already under way is waited for that many seconds at most,
        and nothing is done if it is not over by then.
        """
        if not self._syncing.acquire(timeout=-1 if wait is None else wait):
            return 0
        try:
            if self._synced is snapshot:
                return 0
            indexed = self._sync(snapshot, body_text, pause)
            self._synced = snapshot
            return indexed
        finally:
            self._syncing.release()

    def _sync(self, snapshot: Snapshot, body_text: BodyText | None, pause: Pause) -> int:
        # Read from the Markdown, not rendered: rendering every body took most of a first
        # indexing (0.9 ms an article against 0.1 ms), for the same words.
        text_of = body_text or (lambda a: markdown_text(snapshot.bodies.source(a) or ""))
        if self._synced is None:
            gone, changed, replaced = self._differences_from_stored(snapshot)
        else:
            gone, changed, replaced = _differences_since(self._synced, snapshot)
        dead = int(self.store.meta("dead") or 0)
        if dead + len(gone) + len(changed) > max(len(snapshot.articles), MIN_DEAD_TO_REBUILD):
            self.store.clear()
            gone, changed, replaced, dead = [], list(snapshot.articles), 0, 0
        self.store.forget(gone, dead + len(gone) + replaced)
        changed.sort(key=lambda a: a.date)  # oldest first: rowids follow recency
        for batch in _batches(changed, BATCH):
            rows = []
            for a in batch:
                rows.append(
                    IndexRow(
                        _key_text(a.key),
                        _version(a),
                        a.date.timestamp(),
                        index_tokens(a.title),
                        index_tokens(_searchable(a, text_of)),
                    )
                )
                pause()
            # The shards are written at once, on as many threads; this thread waits, so the
            # pause after it pays for the whole write (``pacing``).
            self.store.write(rows)
            pause()
        if changed:
            self.store.checkpoint()
        return len(changed)

    def _differences_from_stored(self, snapshot: Snapshot) -> tuple[list[str], list[Article], int]:
        """What the index holds that ``snapshot`` does not publish, what it publishes in
        another version, and how many of those the index holds an earlier version of: by
        the versions stored (2.5 s to read at a million articles)."""
        wanted = {_key_text(a.key): a for a in snapshot.articles}
        stored = self.store.versions()
        gone = [key for key in stored if key not in wanted]
        changed = [a for key, a in wanted.items() if stored.get(key) != _version(a)]
        return gone, changed, sum(1 for a in changed if _key_text(a.key) in stored)

    def ranked(self, query: Query) -> tuple[list[str], bool]:
        """The keys of the matches, best first: of the ``MAX_CANDIDATES`` most recent, those
        with more of the query's terms in their title first, then the newer; and whether
        there were more matches than that."""
        # The candidates are the most recent matches (rows are written oldest first, so a
        # higher row id is a newer article or a fresh edit): ranking every match of a
        # common character would read most of the store.
        rows = self.store.candidates(query.match(), MAX_CANDIDATES + 1)
        capped = len(rows) > MAX_CANDIDATES
        rows = rows[:MAX_CANDIDATES]
        if not rows:
            return [], capped
        in_title: Counter[int] = Counter()
        for expression in query.in_title():
            in_title.update(self.store.matching_rows(expression, rows[-1].row))
        rows.sort(key=lambda row: (-in_title[row.row], -row.date))
        return [row.key for row in rows], capped

    def search(self, snapshot: Snapshot, query: Query) -> Found:
        """The published articles of ``snapshot`` that match, best first; the index is
        brought up to date first, unless an update under way takes longer than
        ``CATCH_UP_SECONDS`` (what it has indexed so far is searched then)."""
        if self._synced is not snapshot:
            self._catch_up(snapshot)
            if self._synced is not snapshot:
                self.partial += 1
        keys, capped = self.ranked(query)
        found = [a for key in keys if (a := snapshot.article(_key_of(key))) is not None]
        return Found(tuple(a for a in found if not a.plain), capped)

    def _catch_up(self, snapshot: Snapshot) -> None:
        """Bring the index to ``snapshot`` on a thread of its own, one at a time, waiting
        ``CATCH_UP_SECONDS`` at most for it (and for any update under way before it).

        Not in the search's own time: after a restart the first update compares every
        stored version with the snapshot, and at a million articles, beside the first
        reload, a search that happened to start it waited 17 s.
        """
        with self._starting:
            helper = self._catching_up
            if helper is None or not helper.is_alive():
                # A daemon: a process that ends meanwhile leaves the update to the next
                # start, as when it ends during the background's own.
                helper = threading.Thread(
                    target=self._sync_or_say, args=(snapshot,), name="search-catch-up", daemon=True
                )
                self._catching_up = helper
                helper.start()
        helper.join(CATCH_UP_SECONDS)

    def _sync_or_say(self, snapshot: Snapshot) -> None:
        # On the catch-up thread no request is there to fail: the operator is told, and
        # searches go on from the index as stored.
        try:
            self.sync(snapshot)
        except Exception:
            log.exception("the search index could not be brought up to date")

    def size(self) -> int:
        """The index's bytes on disk (0 in memory)."""
        return self.store.size()


def _differences_since(
    synced: Snapshot, snapshot: Snapshot
) -> tuple[list[str], list[Article], int]:
    """What ``synced``, the snapshot the index was last brought to, publishes that
    ``snapshot`` does not, the articles ``snapshot`` holds in another version, and how
    many of those ``synced`` held: an article not read again is the same object in both,
    so a saved edit is found without reading or comparing a million versions."""
    before = {a.key: a for a in synced.articles}
    changed = []
    replaced = 0
    for article in snapshot.articles:
        was = before.pop(article.key, None)
        if was is not article:
            changed.append(article)
            replaced += was is not None
    return [_key_text(key) for key in before], changed, replaced


def _searchable(article: Article, text_of: BodyText) -> str:
    """What a search reads besides the title: summary, kicker, source, keywords, body."""
    terms = " ".join(term for _, term in article.taxonomy_terms)
    parts = (article.kicker, article.summary, article.source, article.author, terms)
    return " ".join((*parts, text_of(article)))


def _version(article: Article) -> str:
    # The file's version and what the index reads from its front matter.
    return f"{article.file}\0{article.stamp}\0{article.title}\0{article.summary}\0{article.tags}"


def _key_text(key: ArticleKey) -> str:
    return "/".join(key)


def _key_of(text: str) -> ArticleKey:
    return tuple(text.split("/"))


def _batches(items: list[Article], size: int) -> Iterator[list[Article]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
