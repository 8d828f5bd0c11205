"""A least-recently-used map bounded in bytes (keys, values and bookkeeping), thread-safe.

Not cachetools' ``LRUCache``: that one needs a lock around every read to be used from
several threads, and the cache-hit path of every request reads here; this one reads
without a lock (see ``SizedLRU``).
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


ENTRY_OVERHEAD = 120
"""What the map's node and the (value, size) pair cost per entry, in bytes."""


def key_bytes(key: Hashable) -> int:
    """About what a key costs in memory: itself and, for a tuple, what it holds."""
    if isinstance(key, tuple):
        return sys.getsizeof(key) + sum(key_bytes(part) for part in key)
    return sys.getsizeof(key)


class SizedLRU(Generic[Value]):
    """Keeps the most recently used entries whose sizes add up to at most ``max_size`` bytes.

    An entry's size is the value's size as the caller states it, plus its key's and the
    bookkeeping's, so a flood of long keys with small values is bounded too. An entry
    larger than the whole bound is never kept. Reads take no lock: a lookup
    and its move to the recent end are each atomic in CPython, and a race between two
    readers only changes which of two entries is evicted first.
    """

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self.size = 0
        self._entries: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self._write = threading.Lock()

    def get(self, key: Hashable) -> Value | None:
        """The value for ``key``, marked as just used; None when absent."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        # Another thread may have evicted it since the lookup; the answer is still valid.
        # (try, not contextlib.suppress: this is every cached request's path.)
        try:  # noqa: SIM105
            self._entries.move_to_end(key)
        except KeyError:
            pass
        return entry[0]

    def put(self, key: Hashable, value: Value, size: int) -> None:
        """Keep ``value`` (of ``size`` bytes), evicting the least recently used to make room."""
        size += key_bytes(key) + ENTRY_OVERHEAD
        if size > self.max_size:
            return
        with self._write:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (value, size)
            self.size += size
            while self.size > self.max_size:
                _, (_, evicted) = self._entries.popitem(last=False)
                self.size -= evicted

    def entries(self) -> list[tuple[Hashable, Value, int]]:
        """Every key, value and value size, least recently used first (to ``put`` elsewhere)."""
        with self._write:
            return [
                (key, value, size - key_bytes(key) - ENTRY_OVERHEAD)
                for key, (value, size) in self._entries.items()
            ]

    def clear(self) -> None:
        """Forget every value."""
        with self._write:
            self._entries.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries
