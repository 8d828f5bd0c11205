"""Keep Python's cyclic garbage collector from rescanning a large store again and again."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector while building many long-lived objects, then hide them.

    Loading a store makes millions of objects and frees few, so each automatic collection
    would rescan them all: a large store would load several times slower, and the first
    collection after loading would still scan everything made meanwhile. So what is alive
    at the end is frozen (moved where the collector never looks) before it resumes.
    Reference counting still frees all of it once unused; only reference cycles made
    during a load would outlive it, and the loader makes none.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
