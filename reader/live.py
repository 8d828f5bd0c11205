"""Keep the snapshot current: rebuild on file changes and when a future article comes due."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from reader.config import Settings
from reader.index import DiskIndex
from reader.load import changes_matter, load_site
from reader.memory import give_back_freed
from reader.model import Problem
from reader.pacing import Pause, unpaced
from reader.parsecache import ParseCache
from reader.store import Snapshot, SnapshotHolder, build_snapshot

if TYPE_CHECKING:  # imported where the server runs them: a build has no event loop
    import asyncio

log = logging.getLogger("reader")
Clock = Callable[[], datetime]
Listener = Callable[[Snapshot, Snapshot], None]
"""Told (old, new) after each swap, in the reload thread."""
WATCH_DEBOUNCE_MS = 150
"""Short, so an edit shows within a second; editors' save bursts still coalesce."""
MAX_SLEEP_SECONDS = 1.0
"""Wake at least this often, so a reload that brings an earlier due time is noticed."""


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def log_problems(problems: tuple[Problem, ...] | list[Problem]) -> None:
    """Report diagnostics in the server log, one line each."""
    for problem in problems:
        log.warning("%s", problem)


class Reloader:
    """Rebuilds the holder's snapshot off the event loop; on failure the old one stays."""

    def __init__(
        self,
        settings: Settings,
        holder: SnapshotHolder[Any],
        clock: Clock = utc_now,
        cache: ParseCache | None = None,
        index: DiskIndex | None = None,
    ) -> None:
        self.settings = settings
        self.holder = holder
        self.clock = clock
        self.cache = cache if cache is not None else ParseCache()
        self.index = index
        # Reloads and republishes run in worker threads; one at a time, so a republish built
        # from an older catalog can never replace a newer reload.
        self._lock = threading.Lock()
        self.listeners: list[Listener] = []
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index")
        """Writes reloaded folders' rows of the on-disk index, in the order reloaded."""

    def reload(self, changed: Iterable[str] | None = None) -> None:
        """Re-read the files (those ``changed``, when known) and swap in a new snapshot."""
        if changed is not None:
            changed = tuple(changed)
            if not changes_matter(changed):
                return  # an editor's temporary or backup file: nothing the site reads
        with self._lock:
            if self.index is not None:
                self.index.restore_entries(self.cache)  # a restart's first check needs them
            old, old_catalog = self.holder.current, self.holder.catalog
            before = set(old_catalog.problems)
            snapshot, catalog = load_site(
                self.settings, self.clock(), self.cache, changed, (old, old_catalog)
            )
            self.holder.swap(snapshot, catalog)
            if self.index is not None:
                self.index.stage(self.cache, self.cache.take_scanned())
        if self.index is not None:
            # Written beside the next reloads, not before them: a large folder's row takes
            # seconds to pickle (2 s for 25,000 articles), and the watcher waits for each
            # reload before it sees the next edit. A row not written costs only time: a
            # restart checks every file against the index.
            self._writer.submit(self._write_index)
        log_problems([p for p in catalog.problems if p not in before])
        log.info("reloaded: %d published articles", len(snapshot.articles))
        self._tell(old, snapshot)

    def save_index(self, pause: Pause = unpaced, *, changed_only: bool = False) -> None:
        """Write the parse cache to the on-disk index: every folder (after a start from
        scratch) or, ``changed_only``, those read again since the index was last written;
        with ``pause`` between folders; reloads go on meanwhile."""
        if self.index is not None:
            with self._lock:
                scanned = self.cache.take_scanned()
                self.index.stage(self.cache, scanned if changed_only else None)
            written = self.index.write(pause)
            give_back_freed()  # the rows' pickles (14 MB at 100,000 articles)
            if written:
                log.info("index saved: %s", self.index.path)

    def index_written(self) -> None:
        """Wait until every reload so far is in the on-disk index."""
        if self.index is not None:
            self._writer.submit(self._write_index).result()

    def _write_index(self) -> None:
        assert self.index is not None
        try:
            self.index.write()
        except Exception:  # pickling can raise almost anything; the next restart reads files
            log.exception("%s: the index cannot be written", self.index.path)

    def republish(self) -> None:
        """Re-decide publication from the files already read (a future article came due)."""
        with self._lock:
            old, catalog = self.holder.current, self.holder.catalog
            snapshot = build_snapshot(self.settings, catalog, self.clock())
            self.holder.swap(snapshot, catalog)
        self._tell(old, snapshot)

    def _tell(self, old: Snapshot, new: Snapshot) -> None:
        for listener in self.listeners:
            try:
                listener(old, new)
            except Exception:  # a listener's failure must not undo or stop a reload
                log.exception("a reload listener failed")

    async def watch_files(self, stop: asyncio.Event) -> None:
        """Reload whenever something under the site folder changes."""
        import asyncio

        from watchfiles import awatch  # here: a build, which watches nothing, never loads it

        async for changes in awatch(
            self.settings.site_dir, debounce=WATCH_DEBOUNCE_MS, step=50, stop_event=stop
        ):
            try:
                await asyncio.to_thread(self.reload, {path for _, path in changes})
            except Exception:  # a reload must never kill the watcher; the old snapshot stays
                log.exception("reload failed; still serving the previous snapshot")

    async def publish_when_due(self, stop: asyncio.Event) -> None:
        """Sleep until the next scheduled article is due, then republish."""
        import asyncio

        while not stop.is_set():
            due = self.holder.current.refresh_at
            delay = MAX_SLEEP_SECONDS
            if due is not None:
                delay = min(max((due - self.clock()).total_seconds(), 0.0), MAX_SLEEP_SECONDS)
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay + 0.05)
            except TimeoutError:
                if due is not None and due <= self.clock():
                    await asyncio.to_thread(self.republish)
