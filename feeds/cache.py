"""What feed building keeps per snapshot: each article's serialised entries and entry HTML."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.lru import SizedLRU
from reader.model import ArticleKey
from reader.urls import FeedFormat

UNBOUNDED = 1 << 62


@dataclass(frozen=True, eq=False)
class FeedCache:
    """Per-snapshot work shared by every feed, archive and API answer holding an article.

    An article is in a dozen feeds and archives (the site's, its sections', its tags'), so
    its entry HTML is made once and its entry serialised once per format; both caches are
    bounded in bytes. Only valid for the snapshot it was made with.
    """

    entries: SizedLRU[bytes] = field(default_factory=lambda: SizedLRU(UNBOUNDED))
    """Serialised RSS or Atom entries by (format, article key); and, converted into a
    script variant, by (the variant's path segment, a digest of the original entry)."""
    entry_html: SizedLRU[str] = field(default_factory=lambda: SizedLRU(UNBOUNDED))
    """Each article's full HTML with absolute links, by article key."""

    @classmethod
    def within(cls, entries_bytes: int, entry_html_bytes: int) -> FeedCache:
        """Caches bounded to these sizes."""
        return cls(SizedLRU(entries_bytes), SizedLRU(entry_html_bytes))

    def entry(self, fmt: FeedFormat, key: ArticleKey) -> bytes | None:
        """The article's serialised entry in this format, if made."""
        return self.entries.get((fmt.value, key))

    def keep_entry(self, fmt: FeedFormat, key: ArticleKey, entry: bytes) -> None:
        """Remember an article's serialised entry."""
        self.entries.put((fmt.value, key), entry, len(entry) + 33)
