"""The caches that live and die with one snapshot: one typed object, one memory budget."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from feeds.cache import FeedCache
from reader.config import Settings
from reader.lru import SizedLRU
from reader.rendered import Rendered

if TYPE_CHECKING:
    from reader.store import Snapshot

RESPONSES_SHARE = 13
MISSING_SHARE = 1
QUERIES_SHARE = 1
ENTRIES_SHARE = 12
ENTRY_HTML_SHARE = 4
VARIANT_MARKUP_SHARE = 1
"""How the response budget is split (in 32nds): finished responses, paths that answer
404, answers to queries (the API, oEmbed), serialised feed entries, entry HTML, and the
pieces of pages already converted into a script variant. Entries are what a feed or
archive is spliced from, so a build or a crawl of every feed needs them as much as the
answers."""
_PARTS = (
    RESPONSES_SHARE
    + MISSING_SHARE
    + QUERIES_SHARE
    + ENTRIES_SHARE
    + ENTRY_HTML_SHARE
    + VARIANT_MARKUP_SHARE
)

ResponseKey = str | tuple[str, str]
"""A decoded path, or a path and its normalised query for routes whose query matters."""


@dataclass(eq=False)
class SnapshotCaches:
    """What one snapshot's answers reuse; made fresh with each snapshot, never shared."""

    responses: SizedLRU[Rendered]
    """Finished responses by path (or path and query), with their compressed forms."""
    missing: SizedLRU[Rendered]
    """Paths that answer 404, apart: a scanner's flood of them cannot push pages out."""
    queries: SizedLRU[Rendered]
    """Answers to a path and a query, apart: queries are endless, and cannot push pages out."""
    feeds: FeedCache
    """Feed entries and entry HTML, shared by every feed, archive and API answer."""
    variant_markup: SizedLRU[str]
    """Start tags and texts of pages as a script variant has them (``reader.variants``)."""
    not_found: Rendered | None = field(default=None)
    """The not-found page, rendered once: every unknown path shares it."""
    in_variant: dict[str, tuple[Snapshot, Rendered | None]] = field(default_factory=dict)
    """Per version (by its path prefix): the snapshot rendered with its settings, and
    its not-found page once made."""

    @classmethod
    def within(cls, settings: Settings) -> SnapshotCaches:
        """Caches that together stay within the settings' response budget."""
        part = settings.response_cache_bytes // _PARTS
        return cls(
            SizedLRU(part * RESPONSES_SHARE),
            SizedLRU(part * MISSING_SHARE),
            SizedLRU(part * QUERIES_SHARE),
            FeedCache.within(part * ENTRIES_SHARE, part * ENTRY_HTML_SHARE),
            SizedLRU(part * VARIANT_MARKUP_SHARE),
        )

    @property
    def size(self) -> int:
        """The bytes held, by the caches' own accounting."""
        feeds = self.feeds
        held = self.responses.size + self.missing.size + self.queries.size
        held += self.variant_markup.size
        return held + feeds.entries.size + feeds.entry_html.size
