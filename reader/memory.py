"""Keep Python's cyclic garbage collector from rescanning a large store again and again."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector while building many long-lived objects.

    Loading a store makes millions of objects and frees few, so each automatic collection
    would rescan them all and make a large store load several times slower. Reference
    counting still frees everything else at once.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def settle() -> None:
    """Move everything alive now out of the collector's sight (after the first load).

    The startup store then costs nothing at each later collection, so requests never
    pause for a scan of a hundred thousand articles.
    """
    gc.freeze()
