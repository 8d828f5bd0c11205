"""``reader fix``: clean what is already in the store, file by file, showing each change."""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.hygiene import without_glued_pinyin
from reader.parsing import MARKDOWN_SUFFIXES


@dataclass(frozen=True)
class Change:
    """A file's text before and after a fix, and how many things the fix took out."""

    path: Path
    before: str
    after: str
    count: int

    def diff(self) -> str:
        """The change as a unified diff, as ``git diff`` shows one."""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.path}",
                tofile=f"b/{self.path}",
            )
        )


def markdown_files(content: Path) -> Iterator[Path]:
    """Every Markdown file below ``content``, never through a symbolic link."""
    for folder, folders, names in os.walk(content):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(names):
            path = Path(folder) / name
            if name.lower().endswith(MARKDOWN_SUFFIXES) and not path.is_symlink():
                yield path


def pinyin_changes(content: Path) -> Iterator[Change | Path]:
    """Each Markdown file's change with its glued pinyin taken out; a file that is not
    UTF-8 is given as its path alone (it must be saved as UTF-8 first)."""
    for path in markdown_files(content):
        try:
            before = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            yield path
            continue
        except OSError:
            continue
        after, count = without_glued_pinyin(before)
        if count:
            yield Change(path, before, after, count)


def write(change: Change) -> None:
    """Write a change's text in place of the file, whole or not at all."""
    write_atomically(change.path, change.after.encode("utf-8"))


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` as ``path`` through a temporary file renamed into place, so a reader
    (the server's watcher, an editor) never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
