"""The parse cache: each file's parse and each folder's results, kept while unchanged.

A reload then re-reads only what changed, so an edit shows up quickly in a large store;
the on-disk index (``reader.index``) saves and restores it whole, for fast restarts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reader.config import Settings
from reader.model import Article, Problem, Section
from reader.parsing import Parsed


class ParseCache:
    """Parsed files by path, reused while a file's modification time and size are unchanged.

    A reload then re-reads only what changed, so an edit shows up quickly in a large store.
    """

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self.folders: dict[str, Folder] = {}
        """Each section folder's own results, reused by reloads that did not touch it."""
        self._scanned: set[str] = set()
        self.images: dict[Path, tuple[tuple[int, int], tuple[int, int, int]]] = {}
        """Lead images' (size, width, height) by file, with the file version they were read at."""

    def lookup(self, path: str, stamp: tuple[int, int]) -> Entry | None:
        """The cached entry of ``path`` if it was made from the same file version."""
        entry = self._entries.get(path)
        return entry if entry is not None and entry.stamp == stamp else None

    def entry(self, path: str) -> Entry | None:
        """The cached entry of ``path``, whatever file version it was made from."""
        return self._entries.get(path)

    def store(self, path: str, entry: Entry) -> None:
        """Remember the parse of one file version."""
        self._entries[path] = entry

    def retain(self, paths: set[str], folders: set[str]) -> None:
        """Forget files and folders that are gone."""
        for path in self._entries.keys() - paths:
            del self._entries[path]
        for folder in self.folders.keys() - folders:
            del self.folders[folder]

    def mark_scanned(self, folder: str) -> None:
        """Note a folder whose records changed, for the on-disk index to save."""
        self._scanned.add(folder)

    def take_scanned(self) -> set[str]:
        """The folders listed again since the last call (for the on-disk index to save)."""
        scanned, self._scanned = self._scanned, set()
        return scanned

    def folder_records(self, folder: str) -> tuple[Folder, dict[str, Entry]] | None:
        """One folder's results and its files' entries, as the on-disk index keeps them."""
        own = self.folders.get(folder)
        if own is None:
            return None
        entries = {path: self._entries[path] for path in own.files if path in self._entries}
        return own, entries

    def adopt(self, folder: str, own: Folder, entries: dict[str, Entry]) -> None:
        """Take one folder's records back from the on-disk index."""
        self.folders[folder] = own
        self._entries.update(entries)

    def adopt_entries(self, entries: dict[str, Entry]) -> None:
        """Take files' entries back from the on-disk index, where none was made since."""
        for path, entry in entries.items():
            self._entries.setdefault(path, entry)

    def dirty_folders(
        self, settings: Settings, changed: Iterable[str]
    ) -> dict[str, set[str]] | None:
        """The section folders whose own files or listing ``changed`` touches, each with
        the changed paths that touch it.

        None when a change lies outside the content folder (a static image, a template),
        which may matter to any article: then every folder is listed again.
        """
        content = os.fspath(settings.content_dir)
        dirty: dict[str, set[str]] = {}
        for path in changed:
            if not path.startswith(content + os.sep):
                return None
            if path in self.folders:
                dirty.setdefault(path, set()).add(path)
            # A file in a page bundle belongs to the section folder that holds the bundle.
            parent = os.path.dirname(path)
            while parent not in self.folders and len(parent) > len(content):
                parent = os.path.dirname(parent)
            dirty.setdefault(parent, set()).add(path)
        return dirty

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class Folder:
    """What one section folder holds itself, not counting its subfolders."""

    section: Section
    subfolders: tuple[tuple[Path, str], ...]
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    files: frozenset[str]


@dataclass
class Entry:
    """One file version's parse, and the article built from it once asked for."""

    stamp: tuple[int, int]
    parsed: Parsed
    built: tuple[Article | None, tuple[Problem, ...]] | None = None
