"""The check of every article's file after a start from the on-disk index, in a process of its own.

A start from the index reads no file. Before the first snapshot each article's file is
looked at (one ``stat``) so that what was edited or withdrawn while the server was down stays
out until the first reload reads it. A thread did that beside the index's unpickling, and a
million files took it 10 s where alone they take 2: each ``stat`` lets go of the interpreter
and then waits for the unpickler to let go in turn. A child process, sent each folder's files
as the index yields them, checks them on another core and answers which changed; should it
fail in any way, the files are checked here instead.

Run as a script (``python -I -S reader/filecheck.py``: it imports nothing of reader's), it
reads ``(paths, stamps)`` pairs in ``marshal``, each after its size, from standard input
until its end, then writes the changed paths.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from reader.model import Article

CHILD_FROM = 5_000
"""Files below which they are checked here after all (10 ms): a child takes 25 ms to start."""
Stamp = tuple[int, int]
"""A file's version as the index knows it: modification time (ns) and size."""


def changed_paths(paths: Sequence[str], stamps: Sequence[Stamp]) -> list[str]:
    """The paths whose files are gone or at another version than their stamps say."""
    by_folder: dict[str, list[int]] = {}
    for number, path in enumerate(paths):
        by_folder.setdefault(os.path.dirname(path), []).append(number)
    changed: list[str] = []
    for folder, numbers in by_folder.items():
        # Relative to the folder, each stat skips walking the whole path again.
        try:
            descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            changed.extend(paths[n] for n in numbers)
            continue
        try:
            changed.extend(paths[n] for n in numbers if _version(paths[n], descriptor) != stamps[n])
        finally:
            os.close(descriptor)
    return changed


def changed_files(articles: Iterable[Article]) -> frozenset[str]:
    """The articles' files that are gone or differ from the version they were read at,
    checked in this process."""
    listed = list(articles)
    return frozenset(changed_paths([a.file for a in listed], [a.stamp for a in listed]))


def _version(path: str, folder: int) -> Stamp | None:
    try:
        status = os.stat(os.path.basename(path), dir_fd=folder, follow_symlinks=True)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class FileCheck:
    """Articles' files checked by a child process while the caller goes on (started once
    there are ``CHILD_FROM``), or in this process: fewer, or should the child fail."""

    def __init__(self) -> None:
        self._given: list[Sequence[Article]] = []
        self._count = 0
        self._child: subprocess.Popen[bytes] | None = None
        self._failed = False

    def add(self, articles: Sequence[Article]) -> None:
        """Check these articles' files (a folder's, as the index yields them)."""
        self._given.append(articles)
        self._count += len(articles)
        if self._failed or self._count < CHILD_FROM:
            return
        try:
            if self._child is None:
                self._child = subprocess.Popen(
                    # This file alone, isolated: it needs only the standard library, and
                    # nothing in the working folder or the environment can stand in for it.
                    [sys.executable, "-I", "-S", os.path.abspath(__file__)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
                for given in self._given:
                    self._send(given)
            else:
                self._send(articles)
        except (OSError, ValueError):  # no process to be had, or it died: checked here
            self._give_up()

    def _send(self, articles: Sequence[Article]) -> None:
        assert self._child is not None and self._child.stdin is not None
        frame = marshal.dumps(([a.file for a in articles], [a.stamp for a in articles]))
        # Sized, so the child takes it in one read and the write does not wait on it.
        self._child.stdin.write(len(frame).to_bytes(8, "big") + frame)
        self._child.stdin.flush()

    def changed(self) -> frozenset[str]:
        """The files of the articles given that are gone or changed since read."""
        child, self._child = self._child, None
        if child is not None and not self._failed:
            try:
                assert child.stdin is not None and child.stdout is not None
                child.stdin.close()
                answer = child.stdout.read()
                if child.wait() == 0:
                    found = marshal.loads(answer)
                    if isinstance(found, list) and all(type(p) is str for p in found):
                        return frozenset(found)
            except (OSError, ValueError, EOFError, TypeError):
                pass
            finally:
                _end(child)
        return changed_files(chain.from_iterable(self._given))

    def close(self) -> None:
        """End the child, if it still runs (the index could not be read after all)."""
        child, self._child = self._child, None
        if child is not None:
            _end(child)

    def _give_up(self) -> None:
        self._failed = True
        self.close()


def _end(child: subprocess.Popen[bytes]) -> None:
    """Stop a child that may still run, and close its pipes."""
    with contextlib.suppress(OSError):
        if child.poll() is None:
            child.kill()
        child.wait()
    for pipe in (child.stdin, child.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def _serve(given: BinaryIO, answer: BinaryIO) -> None:
    """The child's work: read folders' files until the end of ``given``, write the changed."""
    changed: list[str] = []
    while size := int.from_bytes(given.read(8), "big"):
        paths, stamps = marshal.loads(given.read(size))
        changed += changed_paths(paths, stamps)
    marshal.dump(changed, answer)
    answer.flush()


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
