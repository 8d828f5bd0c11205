"""The search index: SQLite FTS5 over the published articles, kept in step with the snapshot.

The index holds exactly what a snapshot publishes (news articles, not plain pages); each
search is also filtered through the snapshot it answers for, so a lagging index can miss a
new article for a moment but never show one that is no longer published. It lives on disk
beside the parse index, so a restart indexes only the files that changed; without one (a
test, ``--no-index``) it lives in memory.
"""

from __future__ import annotations

import contextlib
import html
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.model import Article, ArticleKey
from reader.pacing import Pause, unpaced
from reader.searchtext import Query, index_tokens
from reader.store import Snapshot

log = logging.getLogger("reader")

FORMAT = "3"
"""What the stored tokens mean; a stored index of another format is built afresh."""
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
TITLE_WEIGHT = 10.0
"""How much more a hit in the title counts than one in the text (BM25 column weight)."""

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
BodyText = Callable[[Article], str]


def search_index_path(parse_index: Path) -> Path:
    """Where the search index of a site lives: beside its parse index."""
    return parse_index.with_name(parse_index.stem + "-search.sqlite")


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, on one line."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


@dataclass(frozen=True)
class IndexRow:
    """One article as the index stores it: its tokens, and the version they came from."""

    key: str
    version: str
    date: float
    title: str
    text: str
    """Tokens (``searchtext.index_tokens``) of the title, and of everything else read."""


@dataclass(frozen=True)
class Found:
    """The articles that match a query in one snapshot, best first (at most
    ``MAX_CANDIDATES``)."""

    articles: tuple[Article, ...]
    capped: bool
    """Whether there were more matches than were ranked."""


class SearchIndex:
    """FTS5 tables of the published articles' tokens, and the version each was made from."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        """Guards the connection: one statement or transaction at a time."""
        self._syncing = threading.Lock()
        """One sync at a time, so two never index the same edit twice."""
        self._db = self._open(path)
        self._synced: Snapshot | None = None
        self.partial = 0
        """Searches answered while the index was still catching up: such an answer is not
        kept, since the same search may soon find more (a count: threads only add)."""

    def _open(self, path: Path | None) -> sqlite3.Connection:
        target = ":memory:" if path is None else str(path)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = self._connect(target)
        except sqlite3.DatabaseError as error:  # a damaged file: built afresh
            log.warning("%s: the search index cannot be read (%s); building it again", path, error)
            if path is not None:
                path.unlink(missing_ok=True)
            db = self._connect(target)
        return db

    def _connect(self, target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        found = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if found is None or found[0] != FORMAT:
            db.execute("DROP TABLE IF EXISTS docs")
            db.execute("DROP TABLE IF EXISTS fts")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT,))
        db.execute(
            "CREATE TABLE IF NOT EXISTS docs "
            "(id INTEGER PRIMARY KEY, key TEXT UNIQUE, version TEXT NOT NULL, date REAL)"
        )
        db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5("
            "title, text, content='', tokenize='unicode61 remove_diacritics 0', prefix='4')"
        )
        return db

    def close(self) -> None:
        """Let go of the database."""
        with self._lock:
            self._db.close()

    def sync(
        self,
        snapshot: Snapshot,
        body_text: BodyText | None = None,
        pause: Pause = unpaced,
        wait: float | None = None,
    ) -> int:
        """Bring the index to what ``snapshot`` publishes; how many articles were (re)indexed.

        A contentless FTS5 table cannot forget one document's tokens, so a changed or
        withdrawn article's row is dropped from ``docs`` (the searches' join) and its tokens
        stay until the next full rebuild, which happens when they outnumber the live ones.
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
        text_of = body_text or (lambda a: plain_text(snapshot.body_html(a)))
        wanted = {_key_text(a.key): a for a in snapshot.articles}
        with self._lock:
            stored = dict(self._db.execute("SELECT key, version FROM docs"))
            dead = int(self._meta("dead") or 0)
        gone = [key for key, version in stored.items() if key not in wanted]
        changed = [a for key, a in wanted.items() if stored.get(key) != _version(a)]
        if dead + len(gone) + len(changed) > max(len(wanted), MIN_DEAD_TO_REBUILD):
            self._rebuild()
            stored, gone, changed, dead = {}, [], list(wanted.values()), 0
        with self._lock, self._transaction():
            self._db.executemany("DELETE FROM docs WHERE key = ?", [(k,) for k in gone])
            replaced = sum(1 for a in changed if _key_text(a.key) in stored)
            self._set_meta("dead", str(dead + len(gone) + replaced))
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
            self.write(rows)
            pause()
        return len(changed)

    def write(self, rows: list[IndexRow]) -> None:
        """Index these articles' tokens in one transaction, replacing earlier versions."""
        with self._lock, self._transaction():
            for row in rows:
                self._db.execute("DELETE FROM docs WHERE key = ?", (row.key,))
                cursor = self._db.execute(
                    "INSERT INTO docs (key, version, date) VALUES (?, ?, ?)",
                    (row.key, row.version, row.date),
                )
                self._db.execute(
                    "INSERT INTO fts (rowid, title, text) VALUES (?, ?, ?)",
                    (cursor.lastrowid, row.title, row.text),
                )

    def ranked(self, query: Query) -> tuple[list[str], bool]:
        """The keys of the matches, best first: of the ``MAX_CANDIDATES`` most recent, title
        hits above text hits (BM25), newer above older when they rank alike; and whether
        there were more matches than that."""
        with self._lock:
            # The candidates are the most recent matches (rows are written oldest first, so
            # a higher rowid is a newer article or a fresh edit): FTS5 walks its lists from
            # the end and stops, where ranking every match of a common character would
            # score most of the store.
            rows = self._db.execute(
                "SELECT docs.key, bm25(fts, ?, 1.0), docs.date FROM fts "
                "JOIN docs ON docs.id = fts.rowid WHERE fts MATCH ? "
                "ORDER BY fts.rowid DESC LIMIT ?",
                (TITLE_WEIGHT, query.match(), MAX_CANDIDATES + 1),
            ).fetchall()
        capped = len(rows) > MAX_CANDIDATES
        rows = rows[:MAX_CANDIDATES]
        # BM25 scores (negative: lower is better) a tenth of the best apart count as alike:
        # then the newer comes first.
        best = min((score for _, score, _ in rows), default=-1.0) or -1.0
        rows.sort(key=lambda row: (-round(row[1] / best, 1), -(row[2] or 0.0)))
        return [key for key, _, _ in rows], capped

    def search(self, snapshot: Snapshot, query: Query) -> Found:
        """The published articles of ``snapshot`` that match, best first; the index is
        brought up to date first, unless an update under way takes longer than
        ``CATCH_UP_SECONDS`` (what it has indexed so far is searched then)."""
        if self._synced is not snapshot:
            self.sync(snapshot, wait=CATCH_UP_SECONDS)
            if self._synced is not snapshot:
                self.partial += 1
        keys, capped = self.ranked(query)
        found = [a for key in keys if (a := snapshot.article(_key_of(key))) is not None]
        return Found(tuple(a for a in found if not a.plain), capped)

    def size(self) -> int:
        """The index's bytes on disk (0 in memory)."""
        if self.path is None or not self.path.exists():
            return 0
        return self.path.stat().st_size

    def _rebuild(self) -> None:
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM docs")
            self._db.execute("INSERT INTO fts (fts) VALUES ('delete-all')")
            self._set_meta("dead", "0")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


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
