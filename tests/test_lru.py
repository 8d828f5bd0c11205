"""The size-bounded LRU that keeps rendered pages and bodies."""

from __future__ import annotations

from reader.lru import ENTRY_OVERHEAD, SizedLRU, key_bytes

ENTRY = key_bytes("a") + ENTRY_OVERHEAD
"""What a one-letter key and its bookkeeping cost beside the value."""


def test_the_least_recently_used_go_first_and_the_bound_holds() -> None:
    cache: SizedLRU[str] = SizedLRU(2 * (ENTRY + 4) + 2)
    cache.put("a", "A", 4)
    cache.put("b", "B", 4)
    assert cache.get("a") == "A"  # now b is the least recently used
    cache.put("c", "C", 4)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")
    assert cache.size == 2 * (ENTRY + 4)
    cache.put("huge", "H", cache.max_size)
    assert cache.get("huge") is None and len(cache) == 2


def test_long_keys_count_against_the_bound() -> None:
    # A scanner's 60 KB paths with tiny answers: the keys are what fills memory.
    cache: SizedLRU[bytes] = SizedLRU(1_000_000)
    for n in range(1000):
        cache.put(f"/{n}/" + "x" * 60_000, b"", 0)
    assert len(cache) < 20
    assert cache.size <= cache.max_size


def test_entries_can_be_handed_to_another_cache_and_cleared() -> None:
    source: SizedLRU[bytes] = SizedLRU(1000)
    source.put(("rss-entry", "x"), b"<item/>", 7)
    source.put("page", b"<html/>", 7)
    target: SizedLRU[bytes] = SizedLRU(1000)
    for key, value, size in source.entries():
        target.put(key, value, size)
    assert target.entries() == source.entries()
    assert target.get(("rss-entry", "x")) == b"<item/>" and target.size == source.size
    source.clear()
    assert (len(source), source.size, source.get("page")) == (0, 0, None)
