"""Which articles' bodies an output embeds, noted as it is rendered.

A static build renders each page and feed once and, while it does, notes every article
whose body (or full feed entry) goes into it. After an edit of one article's text, only
the outputs that noted it can differ. Nothing is noted outside a build: serving never
opens a record, so noting costs a context lookup.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from reader.model import ArticleKey

_NOTED: ContextVar[set[ArticleKey] | None] = ContextVar("reader_bodies_read", default=None)


def note_body(key: ArticleKey) -> None:
    """Note that the output being rendered embeds this article's body."""
    noted = _NOTED.get()
    if noted is not None:
        noted.add(key)


@contextlib.contextmanager
def noting() -> Iterator[set[ArticleKey]]:
    """Collect, into the set yielded, the articles whose bodies the work inside embeds."""
    noted: set[ArticleKey] = set()
    token = _NOTED.set(noted)
    try:
        yield noted
    finally:
        _NOTED.reset(token)
