"""Where the search index's tokens are kept: SQLite FTS5 tables split over shards.

The articles' tokens are spread over ``SHARDS`` FTS5 tables, each in its own file with its
own connection for writing, so a large first indexing runs on as many cores: SQLite works
outside the interpreter's lock. A main database holds which version of which article each
row came from; a search asks every shard through one connection that attaches them all,
joined with that table, so a row no longer live is never found. Without a path (tests,
``--no-index``) everything lives in memory, in one connection, and the shards are written
one after the other.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("reader")

FORMAT = "5"
"""What the stored tokens mean and how they are laid out; another format is built afresh."""
OPEN_ATTEMPTS = 10
"""Tries at opening an index another process holds busy, before the error is the caller's."""
SHARDS = 2
"""FTS5 tables the rows are spread over (by row id). Two let a first indexing of 100,000
articles write on both of this machine's cores: 50 s against 105 s for one table
(docs/search.md); a one-character search asks both, about a fifth slower."""

_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
    "title, text, content='', tokenize='unicode61 remove_diacritics 0', prefix='4')"
)


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
class Candidate:
    """A live row that matched a search."""

    row: int
    key: str
    date: float


class TokenStore:
    """The FTS5 shards and the table of which article version each row holds."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        """Guards the main connection: one statement or transaction at a time."""
        self._db, self._writers = self._open()
        self._pool = ThreadPoolExecutor(max_workers=SHARDS, thread_name_prefix="search-shard")

    def shard_paths(self) -> list[Path]:
        """The files of the shards (none in memory)."""
        if self.path is None:
            return []
        return [
            self.path.with_name(f"{self.path.stem}-{n}{self.path.suffix}") for n in range(SHARDS)
        ]

    def _open(self) -> tuple[sqlite3.Connection, list[sqlite3.Connection]]:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(OPEN_ATTEMPTS):
            try:
                return self._connect()
            except sqlite3.OperationalError:
                # Busy, not damaged: another server process is opening or writing it (a
                # fresh file's first moments are not covered by SQLite's busy wait).
                if attempt == OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
            except sqlite3.DatabaseError as error:
                return self._afresh(error)
        raise AssertionError("unreachable")

    def _afresh(
        self, error: sqlite3.DatabaseError
    ) -> tuple[sqlite3.Connection, list[sqlite3.Connection]]:
        """A damaged file: every part built afresh."""
        log.warning("%s: the search index cannot be read (%s); building it again", self.path, error)
        for file in [self.path, *self.shard_paths()] if self.path else []:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{file}{suffix}").unlink(missing_ok=True)
        return self._connect()

    def _connect(self) -> tuple[sqlite3.Connection, list[sqlite3.Connection]]:
        db = _connection(":memory:" if self.path is None else str(self.path))
        try:
            shard_files = [str(p) for p in self.shard_paths()] or [":memory:"] * SHARDS
            for n, file in enumerate(shard_files):
                db.execute(f"ATTACH DATABASE ? AS s{n}", (file,))
                if self.path is not None:
                    db.execute(f"PRAGMA s{n}.journal_mode=WAL")
            # Judged and made in one transaction that writes first: two server processes
            # opening the index at once take turns, and never make it afresh over each other.
            with _transaction(db):
                _settle(db)
            # Each shard on disk is written through its own connection, in its own thread.
            writers = [_connection(str(p)) for p in self.shard_paths()]
            return db, writers
        except BaseException:
            db.close()
            raise

    def close(self) -> None:
        """Let go of the databases."""
        self._pool.shutdown()
        with self._lock:
            for db in (self._db, *self._writers):
                db.close()

    def versions(self) -> dict[str, str]:
        """The article version each key's tokens came from.

        On disk, read through a connection of its own, so that searches go on meanwhile:
        at a million articles, beside a restart's first reload, it held the main one for
        seconds, and a search waited for it.
        """
        query = "SELECT key, version FROM docs"
        if self.path is None:
            with self._lock:
                return dict(self._db.execute(query))
        with contextlib.closing(_connection(str(self.path))) as db:
            return dict(db.execute(query))

    def meta(self, key: str) -> str | None:
        """A value kept beside the index."""
        with self._lock:
            return _value(self._db, "SELECT value FROM meta WHERE key = ?", key)

    def forget(self, keys: Sequence[str], dead: int) -> None:
        """Drop these keys' rows from the searches' join, and record how many dead rows the
        shards hold (a contentless FTS5 table cannot forget one row's tokens)."""
        with self._lock, _transaction(self._db):
            self._db.executemany("DELETE FROM docs WHERE key = ?", [(k,) for k in keys])
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('dead', ?)", (str(dead),))

    def clear(self) -> None:
        """Empty the index: every row, and every shard's tokens."""
        with self._lock, _transaction(self._db):
            self._db.execute("DELETE FROM docs")
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('dead', '0')")
            for n in range(SHARDS):
                self._db.execute(f"INSERT INTO s{n}.fts (fts) VALUES ('delete-all')")

    def write(self, rows: list[IndexRow]) -> None:
        """Index these articles' tokens, replacing earlier versions: the shards first, each
        in its own thread where it has its own file, then the versions they hold."""
        with self._lock, _transaction(self._db):
            # Row ids are never used twice, not even the last one's after it is deleted:
            # a reused id would join a dead row's tokens to a new article.
            first = int(_value(self._db, "SELECT value FROM meta WHERE key = 'next'") or 1)
            self._db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('next', ?)", (str(first + len(rows)),)
            )
        numbered = list(enumerate(rows, start=first))
        parts = [
            [(i, r.title, r.text) for i, r in numbered if i % SHARDS == n] for n in range(SHARDS)
        ]
        if self._writers:
            writes = [
                self._pool.submit(_insert, db, "fts", part)
                for db, part in zip(self._writers, parts, strict=True)
            ]
            for write in writes:
                write.result()
        else:
            with self._lock:
                for n, part in enumerate(parts):
                    _insert(self._db, f"s{n}.fts", part)
        # Recorded last: a row is live only once its tokens are all written.
        with self._lock, _transaction(self._db):
            for row_id, row in numbered:
                self._db.execute("DELETE FROM docs WHERE key = ?", (row.key,))
                self._db.execute(
                    "INSERT INTO docs (id, key, version, date) VALUES (?, ?, ?, ?)",
                    (row_id, row.key, row.version, row.date),
                )

    def candidates(self, expression: str, limit: int) -> list[Candidate]:
        """The ``limit`` most recently written live rows matching an FTS5 expression, the
        most recent first.

        FTS5 walks its lists from the end and stops, so each shard gives its most recent
        matches without reading the rest; the most recent of those are the answer. Nothing
        is scored: BM25 would first count every row of the whole index that holds each
        phrase, which took 195 ms for a common one at a million articles (docs/search.md).
        """
        per_shard = (
            f"SELECT * FROM (SELECT docs.id, docs.key, docs.date "
            f"FROM s{n}.fts JOIN docs ON docs.id = fts.rowid "
            f"WHERE fts MATCH ? ORDER BY fts.rowid DESC LIMIT ?)"
            for n in range(SHARDS)
        )
        sql = f"SELECT * FROM ({' UNION ALL '.join(per_shard)}) ORDER BY 1 DESC LIMIT ?"
        parameters = (expression, limit) * SHARDS + (limit,)
        with self._lock:
            rows = self._db.execute(sql, parameters).fetchall()
        return [Candidate(row, key, date or 0.0) for row, key, date in rows]

    def matching_rows(self, expression: str, lowest: int) -> list[int]:
        """The rows from ``lowest`` on that match an FTS5 expression, live or not: FTS5
        reads only that end of its lists."""
        per_shard = (
            f"SELECT rowid FROM s{n}.fts WHERE fts MATCH ? AND rowid >= ?" for n in range(SHARDS)
        )
        with self._lock:
            rows = self._db.execute(
                " UNION ALL ".join(per_shard), (expression, lowest) * SHARDS
            ).fetchall()
        return [row for (row,) in rows]

    def checkpoint(self) -> None:
        """Move what the write-ahead logs hold into the databases and empty the logs: after
        a large indexing they would otherwise keep the size of its largest write."""
        with self._lock:
            for schema in ["main", *(f"s{n}" for n in range(SHARDS))]:
                self._db.execute(f"PRAGMA {schema}.wal_checkpoint(TRUNCATE)")

    def size(self) -> int:
        """The index's bytes on disk, write-ahead logs included (0 in memory)."""
        if self.path is None:
            return 0
        files = [self.path, *self.shard_paths()]
        return sum(
            p.stat().st_size for file in files for p in (file, Path(f"{file}-wal")) if p.exists()
        )


def _settle(db: sqlite3.Connection) -> None:
    """Make the tables, and everything afresh unless every part is of this format and of
    one generation."""
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    for n in range(SHARDS):
        db.execute(f"CREATE TABLE IF NOT EXISTS s{n}.shard (key TEXT PRIMARY KEY, value TEXT)")
    generation = _value(db, "SELECT value FROM meta WHERE key = 'generation'")
    shards = [
        _value(db, f"SELECT value FROM s{n}.shard WHERE key = 'generation'") for n in range(SHARDS)
    ]
    fresh = (
        _value(db, "SELECT value FROM meta WHERE key = 'format'") != FORMAT
        or generation is None
        or any(s != generation for s in shards)
    )
    if fresh:
        # A missing, older or mismatched part: every part is built afresh, so an article
        # recorded as indexed always has its tokens in its shard.
        generation = uuid.uuid4().hex
        db.execute("DROP TABLE IF EXISTS docs")
        db.execute("DROP TABLE IF EXISTS main.fts")  # where format 3 kept its tokens
        db.execute("DELETE FROM meta")
        db.execute("INSERT INTO meta VALUES ('format', ?), ('generation', ?)", (FORMAT, generation))
        for n in range(SHARDS):
            db.execute(f"DROP TABLE IF EXISTS s{n}.fts")
            db.execute(f"INSERT OR REPLACE INTO s{n}.shard VALUES ('generation', ?)", (generation,))
    db.execute(
        "CREATE TABLE IF NOT EXISTS docs "
        "(id INTEGER PRIMARY KEY, key TEXT UNIQUE, version TEXT NOT NULL, date REAL)"
    )
    for n in range(SHARDS):
        db.execute(_FTS.format(table=f"s{n}.fts"))


def _connection(target: str) -> sqlite3.Connection:
    db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    return db


def _insert(db: sqlite3.Connection, table: str, rows: list[tuple[int, str, str]]) -> None:
    with _transaction(db):
        db.executemany(f"INSERT INTO {table} (rowid, title, text) VALUES (?, ?, ?)", rows)


def _value(db: sqlite3.Connection, sql: str, *parameters: str) -> str | None:
    row = db.execute(sql, parameters).fetchone()
    return None if row is None else str(row[0])


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    # Every transaction here writes: taking the write lock first lets SQLite's busy wait
    # queue it behind another process's, where a read turning into a write would fail.
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
