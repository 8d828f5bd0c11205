"""The size-bounded LRU that keeps rendered pages and bodies."""

from __future__ import annotations

from reader.lru import SizedLRU


def test_the_least_recently_used_go_first_and_the_bound_holds() -> None:
    cache: SizedLRU[str] = SizedLRU(10)
    cache.put("a", "A", 4)
    cache.put("b", "B", 4)
    assert cache.get("a") == "A"  # now b is the least recently used
    cache.put("c", "C", 4)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")
    assert cache.size == 8
    cache.put("huge", "H", 11)
    assert cache.get("huge") is None and len(cache) == 2


def test_entries_can_be_handed_to_another_cache_and_cleared() -> None:
    source: SizedLRU[bytes] = SizedLRU(100)
    source.put(("rss-entry", "x"), b"<item/>", 7)
    source.put("page", b"<html/>", 7)
    target: SizedLRU[bytes] = SizedLRU(100)
    for key, value, size in source.entries():
        target.put(key, value, size)
    assert target.entries() == source.entries()
    assert target.get(("rss-entry", "x")) == b"<item/>" and target.size == 14
    source.clear()
    assert (len(source), source.size, source.get("page")) == (0, 0, None)
