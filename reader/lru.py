"""A least-recently-used map bounded by the total size of its values, safe across threads."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class SizedLRU(Generic[Value]):
    """Keeps the most recently used values whose sizes add up to at most ``max_size``.

    A value larger than the whole bound is never kept. Reads take no lock: a lookup
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
        """Keep ``value`` (of ``size`` units), evicting the least recently used to make room."""
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
        """Every kept key, value and size, least recently used first (to ``put`` elsewhere)."""
        with self._write:
            return [(key, value, size) for key, (value, size) in self._entries.items()]

    def clear(self) -> None:
        """Forget every value."""
        with self._write:
            self._entries.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries
