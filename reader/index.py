"""The parse cache on disk (SQLite), so a restart with unchanged files reads none of them.

One row per section folder holds that folder's section, articles and problems and, apart,
each file's version (modification time and size) with its parse. A restart builds its
first snapshot from the folders alone without opening a file, leaving out every article
whose file's version is not the indexed one (``reader.filecheck``); the files'
entries are read just before the first reload, which re-reads what changed while the
server was down.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import pickle
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from reader import __version__
from reader.config import Settings
from reader.memory import collector_paused
from reader.model import Article
from reader.pacing import Pause, unpaced
from reader.parsecache import Entry, Folder, ParseCache

log = logging.getLogger("reader")

FORMAT_VERSION = 6
"""Raised whenever what a stored record holds changes shape (2: the parse cache's records
moved to reader.parsecache, and the article's fields to reader.article)."""
_SHAPING_MODULES = (
    "model",
    "loader",
    "parsecache",
    "article",
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


def language_index_path(index_path: Path | None, settings: Settings) -> Path | None:
    """Where one language of a multilingual site keeps its index: beside the root
    language's (which keeps ``index_path``), named for the language."""
    if index_path is None or settings.language_key == settings.root_language:
        return index_path
    return index_path.with_name(f"{index_path.stem}-{settings.language_key}{index_path.suffix}")


class DiskIndex:
    """Saves and restores a ParseCache, folder by folder."""

    def __init__(self, path: Path, settings: Settings) -> None:
        self.path = path
        self._fingerprint = _fingerprint(settings)
        self._lock = threading.Lock()
        self._unread: dict[str, Sequence[Article]] = {}
        """The articles of restored folders whose files' entries are still on disk."""
        self._staged: dict[str, tuple[Folder, dict[str, Entry]] | None] = {}
        """Folders' records taken for the next write (None: the folder is gone)."""
        self._kept: frozenset[str] | None = None
        """The folders there were when records were last staged (None: nothing staged)."""
        self._writing = threading.Lock()

    def restore(
        self, cache: ParseCache, restored_folder: Callable[[Sequence[Article]], None] | None = None
    ) -> bool:
        """Fill ``cache`` with every folder; False without an index by this code for this site.

        The files' entries, a quarter of the reading, wait for ``restore_entries``: the
        first snapshot is made from the folders alone. ``restored_folder`` is given each
        folder's articles as soon as they are read (to check their files meanwhile).
        """
        if not self.path.exists():
            return False  # a first start: nothing to restore, and nothing wrong
        threading.Thread(target=_read_through, args=(self.path,), daemon=True).start()
        try:
            with contextlib.closing(self._connect()) as db:
                row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
                if row is None or row[0] != self._fingerprint:
                    return False
                restored: dict[str, Any] = {}
                with collector_paused():
                    for folder, blob in db.execute("SELECT folder, own FROM sections"):
                        restored[folder] = pickle.loads(blob)
                        if restored_folder is not None:
                            restored_folder(restored[folder].articles)
        except Exception as error:  # unpickling damaged bytes can raise almost anything
            # A damaged or foreign index costs one slow start, never the site.
            log.warning("%s: the index cannot be read (%s); reading every file", self.path, error)
            return False
        for folder, own in restored.items():
            cache.adopt(folder, own, {})
        with self._lock:
            self._unread = {folder: own.articles for folder, own in restored.items()}
        return True

    def restore_entries(self, cache: ParseCache) -> None:
        """Give ``cache`` the restored folders' file entries, before it checks any file.

        Without them every file would be parsed again, which is slow but still right; so
        a damaged row only costs time.
        """
        with self._lock:
            unread, self._unread = self._unread, {}
            if not unread:
                return
            try:
                with contextlib.closing(self._connect()) as db, collector_paused():
                    for folder, blob in db.execute("SELECT folder, entries FROM sections"):
                        articles = unread.get(folder)
                        if articles is not None:
                            cache.adopt_entries(_EntriesUnpickler(blob, articles).load())
            except Exception as error:  # as in restore: damaged bytes raise almost anything
                log.warning("%s: the index's file entries cannot be read (%s)", self.path, error)

    def stage(self, cache: ParseCache, folders: Iterable[str] | None = None) -> None:
        """Take these folders' records (every folder's when None) for the next ``write``.

        Called by the cache's owner between loads. The records are the cache's own
        objects, so ``write`` may pickle them in another thread while the next load runs:
        a folder is replaced, never changed; an entry only gains its article once built,
        or an article with its lead image looked at again, each a valid entry either
        way; and a folder the next load changes is staged again and written after.
        """
        self.restore_entries(cache)  # else a folder's row would be written without them
        names = list(cache.folders) if folders is None else folders
        taken = {name: cache.folder_records(name) for name in names}
        with self._lock:
            self._staged.update(taken)
            self._kept = frozenset(cache.folders)

    def write(self, pause: Pause = unpaced) -> bool:
        """Write the rows staged so far and drop rows of folders gone by then, with
        ``pause`` between folders; writes happen one at a time, in the order staged.
        False when the disk refused (said in the log)."""
        with self._writing:
            with self._lock:
                staged, self._staged = self._staged, {}
                kept, self._kept = self._kept, None
            if kept is None:
                return True  # nothing staged since the last write
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with contextlib.closing(self._connect()) as db, db:
                    db.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)",
                        (self._fingerprint,),
                    )
                    for name, records in staged.items():
                        if records is not None:
                            own, entries = records
                            blobs = (
                                pickle.dumps(own, _PROTOCOL),
                                _entries_blob(entries, own.articles),
                            )
                            db.execute(
                                "INSERT OR REPLACE INTO sections VALUES (?, ?, ?)", (name, *blobs)
                            )
                        pause()
                    stored = {row[0] for row in db.execute("SELECT folder FROM sections")}
                    gone = [(name,) for name in stored - kept]
                    db.executemany("DELETE FROM sections WHERE folder = ?", gone)
            except (OSError, sqlite3.Error) as error:
                log.warning("%s: the index cannot be written (%s)", self.path, error)
                return False
            return True

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS sections (folder TEXT PRIMARY KEY, own BLOB, entries BLOB)"
        )
        db.execute("DROP TABLE IF EXISTS folders")  # an earlier version's rows
        return db


_PROTOCOL = pickle.HIGHEST_PROTOCOL


def _read_through(path: Path) -> None:
    """Read the whole file once, in large pieces, so that it is in the page cache.

    SQLite reads a page at a time. When the index has left the page cache (written a
    while ago), that took 0.56 s for the 84 MB of a 100,000-article site, where reading it
    straight through takes 0.15 s; done beside the restore, it costs the restore nothing.
    """
    with contextlib.suppress(OSError), path.open("rb", buffering=0) as file:
        piece = bytearray(1 << 20)
        while file.readinto(piece):
            pass


def _entries_blob(entries: dict[str, Any], articles: Sequence[Article]) -> bytes:
    """The entries, naming the folder's own articles by position rather than storing them twice."""
    buffer = io.BytesIO()
    _EntriesPickler(buffer, articles).dump(entries)
    return buffer.getvalue()


class _EntriesPickler(pickle.Pickler):
    """Pickles a folder's entries with its articles as references to the folder's row."""

    def __init__(self, file: io.BytesIO, articles: Sequence[Article]) -> None:
        super().__init__(file, _PROTOCOL)
        self._positions = {id(article): number for number, article in enumerate(articles)}

    def persistent_id(self, obj: Any) -> int | None:
        """An article of the folder's own, by position; anything else is pickled."""
        return self._positions.get(id(obj)) if type(obj) is Article else None


class _EntriesUnpickler(pickle.Unpickler):
    """Reads what ``_EntriesPickler`` wrote, against the folder's restored articles."""

    def __init__(self, blob: bytes, articles: Sequence[Article]) -> None:
        super().__init__(io.BytesIO(blob))
        self._articles = articles

    def persistent_load(self, pid: Any) -> Article:
        """The folder's article at that position."""
        return self._articles[int(pid)]


def _fingerprint(settings: Settings) -> str:
    """What a stored record depends on besides its file: this code, and the site's settings."""
    digest = hashlib.sha256(f"{__version__} {FORMAT_VERSION}".encode())
    here = Path(__file__).parent
    for name in _SHAPING_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    # Settings that only change how a run serves (not what a file means) do not count:
    # a build and a server of one site share the index (each made it the other's way).
    shaping = replace(
        settings,
        base_url="",
        base_url_configured=False,
        watch=True,
        preview=False,
        exporting=False,
        cache_mb=0,
        preview_secret="",
    )
    digest.update(repr(shaping).encode())
    return digest.hexdigest()
