"""What an output reads of the snapshot, noted as it is rendered.

A static build renders each page and feed once and, while it does, notes every read it
makes of the snapshot by name: an article's body, the article at a key, a section's
list, a keyword's list, the menu (``reader.store`` names them; see ``Snapshot.read``).
The next build looks each name up again; only the outputs that read a name whose value
changed can differ. Nothing is noted outside a build: serving never opens a record, so
noting costs a context lookup.
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable, Iterator
from contextvars import ContextVar

from reader.model import ArticleKey

ReadName = tuple[Hashable, ...]
"""What one read of the snapshot looked up: ``("body", key)``, ``("tree", section)``."""

_NOTED: ContextVar[set[ReadName] | None] = ContextVar("reader_snapshot_reads", default=None)


def note(name: ReadName) -> None:
    """Note that the output being rendered read this from the snapshot."""
    noted = _NOTED.get()
    if noted is not None:
        noted.add(name)


def note_body(key: ArticleKey) -> None:
    """Note that the output being rendered embeds this article's body."""
    note(("body", key))


@contextlib.contextmanager
def noting() -> Iterator[set[ReadName]]:
    """Collect, into the set yielded, the names of what the work inside reads."""
    noted: set[ReadName] = set()
    token = _NOTED.set(noted)
    try:
        yield noted
    finally:
        _NOTED.reset(token)
