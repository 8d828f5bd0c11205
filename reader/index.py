"""The parse cache on disk (SQLite), so a restart with unchanged files reads none of them.

One row per section folder holds that folder's section, articles and problems, and each
file's version (modification time and size). A restart builds its first snapshot from
these rows without opening a file, then checks every file's version in the background,
as a reload does, and re-reads what changed while the server was down.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from reader import __version__
from reader.config import Settings
from reader.loader import ParseCache
from reader.memory import collector_paused

log = logging.getLogger("reader")

_SHAPING_MODULES = (
    "model",
    "loader",
    "parsing",
    "frontmatter",
    "markdown",
    "dates",
    "config",
    "index",
)
"""The modules whose code decides what a stored record holds; editing one voids the index."""


def default_index_path(settings: Settings) -> Path:
    """Where a site's index lives: the user's cache folder, never the editors' site folder."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(os.fsencode(settings.site_dir)).hexdigest()[:16]
    return root / "accessible-reader" / f"{settings.site_dir.name}-{digest}.sqlite"


class DiskIndex:
    """Saves and restores a ParseCache, folder by folder."""

    def __init__(self, path: Path, settings: Settings) -> None:
        self.path = path
        self._fingerprint = _fingerprint(settings)
        self._lock = threading.Lock()

    def restore(self, cache: ParseCache) -> bool:
        """Fill ``cache`` from disk; False without an index by this code for this site."""
        try:
            with contextlib.closing(self._connect()) as db:
                row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
                if row is None or row[0] != self._fingerprint:
                    return False
                with collector_paused():
                    for folder, blob in db.execute("SELECT folder, records FROM folders"):
                        own, entries = pickle.loads(blob)
                        cache.adopt(folder, own, entries)
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError) as error:
            # A damaged or foreign index costs one slow start, never the site.
            log.warning("%s: the index cannot be read (%s); reading every file", self.path, error)
            return False
        return True

    def save(self, cache: ParseCache, folders: Iterable[str] | None = None) -> None:
        """Write these folders' rows (every folder when None) and drop rows of vanished ones."""
        with self._lock:
            names = set(cache.folders) if folders is None else set(folders)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with contextlib.closing(self._connect()) as db, db:
                    db.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)",
                        (self._fingerprint,),
                    )
                    for name in names:
                        records = cache.folder_records(name)
                        if records is not None:
                            blob = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
                            db.execute("INSERT OR REPLACE INTO folders VALUES (?, ?)", (name, blob))
                    stored = {row[0] for row in db.execute("SELECT folder FROM folders")}
                    gone = [(name,) for name in stored - set(cache.folders)]
                    db.executemany("DELETE FROM folders WHERE folder = ?", gone)
            except (OSError, sqlite3.Error) as error:
                log.warning("%s: the index cannot be written (%s)", self.path, error)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS folders (folder TEXT PRIMARY KEY, records BLOB)")
        return db


def _fingerprint(settings: Settings) -> str:
    """What a stored record depends on besides its file: this code, and the site's settings."""
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    for name in _SHAPING_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    # Settings that only change how a run serves (not what a file means) do not count.
    shaping = replace(
        settings, base_url="", base_url_configured=False, watch=True, preview=False, cache_mb=0
    )
    digest.update(repr(shaping).encode())
    return digest.hexdigest()
