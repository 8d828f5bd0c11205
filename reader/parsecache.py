"""The parse cache: each file's parse and each folder's results, kept while unchanged.

A reload then re-reads only what changed, so an edit shows up quickly in a large store;
the on-disk index (``reader.index``) saves and restores it whole, for fast restarts.
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from reader.config import Settings
from reader.frontmatter import Document
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
            parent = self._section_folder(os.path.dirname(path), content)
            dirty.setdefault(parent, set()).add(path)
            # An index.md or _index.md coming or going in a section's folder may make it a
            # bundle: the folder that holds it lists it again (an edit of one does not, and a
            # bundle's folder is listed by its holder already).
            came_or_went = (path in self._entries) != os.path.exists(path)
            own_index = os.path.dirname(path) == parent != content
            if came_or_went and own_index and _INDEX_FILE.match(os.path.basename(path)):
                above = self._section_folder(os.path.dirname(parent), content)
                dirty.setdefault(above, set()).add(path)
        return dirty

    def _section_folder(self, folder: str, content: str) -> str:
        """The nearest section folder at or above ``folder`` (the content folder at most)."""
        while folder not in self.folders and len(folder) > len(content):
            folder = os.path.dirname(folder)
        return folder

    def __len__(self) -> int:
        return len(self._entries)


_INDEX_FILE = re.compile(r"_?index(?:\.[\w-]+)?\.md$")
"""A section's or bundle's index, in any language (``_index.md``, ``index.en.md``)."""


@dataclass(frozen=True)
class Folder:
    """What one section folder holds itself, not counting its subfolders."""

    section: Section
    subfolders: tuple[tuple[Path, str], ...]
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    files: frozenset[str]


Built = tuple[Article | None, tuple[Problem, ...]]
"""A file's article (None if it gives none) and the problems its building found."""

SETTLED = Parsed(Document({}, "", 1), ())
"""What an entry keeps of a parse that said nothing once its article is built: one object
shared by all such entries. Each with its own (and its own copy of the article's version),
the entries read back from the on-disk index took 99 MB at 100,000 articles; now 24 MB."""


class Entry:
    """One file version's parse, and the article built from it once asked for."""

    __slots__ = ("_parse", "built", "stamp")

    def __init__(
        self, stamp: tuple[int, int], parse: Parsed | bytes, built: Built | None = None
    ) -> None:
        self.stamp = stamp
        # Pickled when a cold start's worker parsed the file: taken apart when the walk
        # reaches it and let go once its article is built, so one parse is whole at a time.
        # All whole at once, then let go, they left 135 MB at 100,000 articles in the holes
        # between the articles, kept by Python's allocator.
        self._parse = parse
        self.built = built

    @property
    def parsed(self) -> Parsed:
        """The file's parse, or what ``settle`` kept of it."""
        parse = self._parse
        if isinstance(parse, bytes):
            parse = self._parse = pickle.loads(parse)
        return parse

    def settle(self, built: Built, slug_line: int | None) -> None:
        """Keep the article built and, of the parse, only what a later walk reads: its
        problems and the line of the slug (for a clash)."""
        self.built = built
        problems = self.parsed.problems
        if problems or slug_line is not None:
            key_lines = {"slug": slug_line} if slug_line is not None else {}
            self._parse = Parsed(Document({}, "", 1, key_lines), problems)
        else:
            self._parse = SETTLED

    def __reduce__(self) -> tuple[Callable[..., Entry], tuple[object, ...]]:
        # Restored sharing what the live entry shares: the article's stamp, the settled parse.
        article = self.built[0] if self.built is not None else None
        stamp = None if article is not None and article.stamp == self.stamp else self.stamp
        parsed = self.parsed
        return _restored_entry, (stamp, None if parsed is SETTLED else parsed, self.built)


def _restored_entry(
    stamp: tuple[int, int] | None, parsed: Parsed | None, built: Built | None
) -> Entry:
    """An entry as ``Entry.__reduce__`` gives it."""
    if stamp is None:
        article = built[0] if built is not None else None
        assert article is not None  # __reduce__ leaves the stamp out only for an article's
        stamp = article.stamp
    return Entry(stamp, SETTLED if parsed is None else parsed, built)
