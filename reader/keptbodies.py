"""Finished article bodies a static build keeps beside its record, for the next build.

An edit of one article renders again the feeds and archives that hold it, and each of
them embeds a dozen other articles' bodies, unchanged: at 10,000 articles, one text edit
rendered 131 bodies from Markdown, most of its render time. A build keeps every body it
rendered, by file and file version, under a fingerprint of everything else a body depends
on: the build record's ``rest`` (settings, theme, and every other file of the site, images
and bundles included), the code that renders bodies, and the Markdown engine's and the
sanitiser's versions. A body from a build that differs in any of them is never used: the
store is emptied and filled again.

Only a build reads or writes it; a damaged or locked store costs time, never a page.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

import markdown_it
import mdit_py_plugins
import nh3

from reader.bodies import BodyKey

log = logging.getLogger("reader")

_BODY_MODULES = ("bodies", "markdown", "images", "hygiene", "frontmatter", "parsing", "i18n")
"""The modules whose code decides a finished body (besides the libraries below)."""

_BATCH = 500
"""Files asked for in one query: below SQLite's limit on a statement's parameters."""


def kept_bodies_path(record: Path) -> Path:
    """Where a site's kept bodies live: beside its build record."""
    return record.with_name(record.stem.removesuffix("-build") + "-bodies.sqlite")


def fingerprint(rest: str) -> str:
    """What every kept body depends on besides its file: the build's ``rest``, the code
    that renders bodies, and the libraries' versions."""
    digest = hashlib.sha256(rest.encode())
    here = Path(__file__).parent
    for name in _BODY_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    versions = [
        getattr(module, "__version__", "") for module in (markdown_it, mdit_py_plugins, nh3)
    ]
    digest.update(repr(versions).encode())
    return digest.hexdigest()


class KeptBodies:
    """The bodies kept for one fingerprint; opening it with another empties it."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level=None)
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS bodies "
                "(file TEXT PRIMARY KEY, stamp TEXT NOT NULL, html TEXT NOT NULL)"
            )
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            if row is None or row[0] != fingerprint:
                with db:
                    db.execute("BEGIN")
                    db.execute("DELETE FROM bodies")
                    db.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,)
                    )
            self._db = db
        except sqlite3.Error as error:
            log.warning("%s: kept bodies cannot be used (%s); rendering them", path, error)

    def find(self, wanted: Iterable[BodyKey]) -> dict[BodyKey, str]:
        """The kept bodies of these files at these versions (a file kept at another
        version is not found)."""
        if self._db is None:
            return {}
        versions = {file: _version(stamp) for file, stamp in wanted}
        files = list(versions)
        found: dict[BodyKey, str] = {}
        try:
            for start in range(0, len(files), _BATCH):
                batch = files[start : start + _BATCH]
                marks = ",".join("?" * len(batch))
                query = f"SELECT file, stamp, html FROM bodies WHERE file IN ({marks})"
                for file, version, html in self._db.execute(query, batch):
                    if versions.get(file) == version:
                        found[file, _stamp(version)] = html
        except sqlite3.Error as error:
            log.warning("%s: kept bodies cannot be read (%s); rendering them", self.path, error)
            return {}
        return found

    def keep(self, bodies: Mapping[BodyKey, str]) -> None:
        """Keep these bodies, each in place of its file's older one."""
        if self._db is None or not bodies:
            return
        rows = [(file, _version(stamp), html) for (file, stamp), html in bodies.items()]
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)", rows)
        except sqlite3.Error as error:
            log.warning("%s: bodies cannot be kept (%s)", self.path, error)

    def close(self) -> None:
        """Close the store."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _version(stamp: tuple[int, int]) -> str:
    return f"{stamp[0]}:{stamp[1]}"


def _stamp(version: str) -> tuple[int, int]:
    mtime, _, size = version.partition(":")
    return int(mtime), int(size)
