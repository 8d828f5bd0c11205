"""The content vocabulary: frozen records with no I/O."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import Enum
from pathlib import Path

TAGS = "tags"
"""The keyword taxonomy's name: its URL segment and front matter key."""
SectionKey = tuple[str, ...]
"""A section's path segments below the content root; ``()`` is the root."""
ArticleKey = tuple[str, ...]
"""An article's path segments: its section's, then its slug."""


class Severity(Enum):
    """How bad a problem is: errors skip the file, warnings only inform."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"
    """Nothing wrong: what a reader of ``reader check`` should know (an article held back)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A diagnostic about one input file, with a way to fix it."""

    path: Path
    line: int | None
    message: str
    fix: str
    severity: Severity = Severity.ERROR

    def location(self) -> str:
        """Return ``path:line`` (or just the path when the line is unknown)."""
        return f"{self.path}:{self.line}" if self.line is not None else str(self.path)

    def __str__(self) -> str:
        message, fix = _one_line(self.message), _one_line(self.fix)
        return f"{self.location()}: {self.severity.value}: {message}. Fix: {fix}"


def _one_line(text: str) -> str:
    # One diagnostic, one line, whatever a parser's message or a file's bytes hold: line
    # breaks become spaces and other control characters are shown escaped.
    flat = " ".join(text.split())
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in flat)


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """A page's place in the site's main menu (Hugo's ``menu: main``)."""

    name: str = ""
    """The menu's text; "" for the page's title."""
    weight: int = 0


@dataclass(frozen=True, slots=True)
class Section:
    """A folder of articles, possibly nested in other sections."""

    key: SectionKey
    title: str
    description: str = ""
    weight: int = 0
    source: Path | None = None
    aliases: tuple[str, ...] = ()
    """Old URL paths of the section (``aliases`` in its ``_index.md``), each ending in ``/``."""
    menu: MenuEntry | None = None

    @property
    def parent_key(self) -> SectionKey | None:
        """The enclosing section's key, or None for the root."""
        return self.key[:-1] if self.key else None


NO_RESOURCES: frozenset[str] = frozenset()
"""The resources of an article that is no bundle: one set for all (each article's own
empty set took 216 bytes, 216 MB at a million articles)."""


@dataclass(frozen=True, slots=True)
class Article:
    """One article as written, published or not; the snapshot decides visibility."""

    section: SectionKey
    slug: str
    title: str
    date: datetime
    file: str
    """The source file's path; kept as text, which a large store restores much faster."""
    id: str
    """The front matter's ``id``, else one derived from section path and publication time
    (the entry id of articles before ``tag_ids_before``; see docs/store.md)."""
    body_line: int = 1
    """The file line on which the body starts; the body is rendered only when asked for."""
    stamp: tuple[int, int] = (0, 0)
    """The source file's (modification time in ns, size) when it was read."""
    updated: datetime | None = None
    date_only: bool = False
    """``date`` was written as a day alone (``2019-03-11``): it is shown without a time."""
    updated_date_only: bool = False
    """The same for ``updated``."""
    summary: str = ""
    source: str = ""
    author: str = ""
    tags: tuple[str, ...] = ()
    terms: tuple[tuple[str, str], ...] = ()
    """Terms of the site's other taxonomies, as (taxonomy, term): ``("categories", "Local")``."""
    draft: bool = False
    """Held back by its ``draft`` flag: anything but a clear "false" holds it back."""
    publish_date: datetime | None = None
    """Not before this moment (Hugo's ``publishDate``), whatever its ``date`` says."""
    expiry_date: datetime | None = None
    """Not from this moment on (Hugo's ``expiryDate``)."""
    kicker: str = ""
    image: str = ""
    image_alt: str = ""
    image_type: str = ""
    """The lead image's media type, guessed from its name."""
    image_length: int = 0
    """The lead image's size in bytes when it is served from the site; 0 if unknown."""
    image_width: int = 0
    image_height: int = 0
    """The lead image's intrinsic size when it is served from the site; 0 if unknown."""
    image_file: str = ""
    """The lead image's file when the site serves it (a bundle's or static/'s); "" if not."""
    image_mtime: int = 0
    """That file's modification time in ns: the version its renditions on disk were made of."""
    image_from_bundle: bool = False
    """The lead image is its bundle's cover (``bundle_cover``), the front matter naming
    none: looked for again whenever the bundle is listed."""
    image_key: str = ""
    """What names the image's renditions in addresses (``/_img/KEY/``): its file's place in
    the site, its size and dimensions, so every machine serving the same files writes the
    same addresses (file times differ between checkouts)."""
    featured: bool = False
    """Pinned by an editor as the front page's lead story (``featured: true``)."""
    featured_until: datetime | None = None
    """Until when it is pinned; without it, ``featured_days`` after its date."""
    aliases: tuple[str, ...] = ()
    hugo_address: str = ""
    """Where a Hugo site published it (its ``url``, its ``permalinks`` pattern's address, or
    its lower-case or ``.html`` form), when that is not the reader's URL; "" otherwise. Its
    feed entry id is that address, as Hugo's feeds gave it."""
    lang: str = ""
    bundle: str | None = None
    """The page bundle's folder, for an article written as ``slug/index.md``."""
    resources: frozenset[str] = NO_RESOURCES
    """A page bundle's other files, by their names in it."""
    id_pinned: bool = False
    """Whether ``id`` was written in the front matter, rather than derived."""
    menu: MenuEntry | None = None
    """Its place in the main menu, if its front matter gives one."""
    plain: bool = False
    """A plain page (About, Contact), not news: served at its URL and in the sitemap, but
    in no list, feed, count or keyword page, and with no previous or next."""

    key: tuple[str, ...] = field(init=False, compare=False)
    """The article's path segments: its section's, then its slug."""

    def __post_init__(self) -> None:
        # Computed once: every index in the snapshot is keyed by it.
        object.__setattr__(self, "key", (*self.section, self.slug))

    def __hash__(self) -> int:
        # Equal articles have equal keys. The generated hash took every field (datetimes,
        # frozensets, a menu entry): 5 µs each time an article was looked up in a cache
        # keyed by it, twenty times a list page.
        return hash(self.key)

    def __reduce__(self) -> tuple[Callable[[tuple[object, ...]], Article], tuple[object, ...]]:
        # Rebuilt from its values in __init__'s order, each set straight into its slot:
        # the on-disk index does it for every article at start, and through __init__ (an
        # object.__setattr__ a field) it took 4.5 µs of an article's 7.6 (100,000 articles).
        return _restored, (_init_values(self),)

    @property
    def taxonomy_terms(self) -> tuple[tuple[str, str], ...]:
        """Every term the article carries, keywords first, as (taxonomy, term)."""
        return (*((TAGS, tag) for tag in self.tags), *self.terms)

    @property
    def source_path(self) -> Path:
        """The Markdown file the article was read from."""
        return Path(self.file)

    @property
    def bundle_dir(self) -> Path | None:
        """The page bundle's folder, whose other files are served beside the article."""
        return Path(self.bundle) if self.bundle is not None else None

    @property
    def last_modified(self) -> datetime:
        """When the article last changed: its update date, else its publication date."""
        return self.updated or self.date


_init_values = operator.attrgetter(*(f.name for f in fields(Article) if f.init))
"""An article's values in ``__init__``'s order, in one call: pickling 25,000 articles took
0.76 s field by field (a folder's row of the on-disk index, written after each edit)."""
_SLOT_SETTERS: tuple[Callable[[Article, object], None], ...] = tuple(
    getattr(Article, f.name).__set__ for f in fields(Article) if f.init
)


def _restored(values: tuple[object, ...]) -> Article:
    """An article from its values in ``__init__``'s order, as ``__reduce__`` gives them."""
    article: Article = object.__new__(Article)
    for set_slot, value in zip(_SLOT_SETTERS, values, strict=True):
        set_slot(article, value)
    article.__post_init__()  # the fields __init__ does not take
    return article


newest_first: Callable[[Article], tuple[datetime, ArticleKey]] = operator.attrgetter("date", "key")
"""The sort key of every list of articles (with ``reverse``): by date, ties by path."""
