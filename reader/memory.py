"""Keep Python's cyclic garbage collector from rescanning a large store again and again,
and give memory a large load freed back to the system."""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator


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


def give_back_freed() -> None:
    """Return to the system the pages the C allocator holds free (glibc; elsewhere nothing).

    glibc gives back only the free memory at the top of its heap; what a cold start freed
    below what it kept (the workers' parses, each taken apart and let go as its article was
    built) stayed resident: 97 MB at 100,000 articles.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    import ctypes  # only once a large load is over: importing it takes 1.7 ms of a start

    with contextlib.suppress(OSError):
        trim: Callable[[int], int] | None = getattr(ctypes.CDLL(None), "malloc_trim", None)
        return trim
    return None
