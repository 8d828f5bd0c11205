"""What a reader of an old site makes of one article, before it is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


class NotArticle(str):
    """Why a page of the source is no article (an index, a menu): passed over, not failed."""


@dataclass(frozen=True)
class ImageRef:
    """An image of the article: where it is (a URL, or a file of a saved copy) and its alt."""

    src: str
    alt: str
    local: Path | None = None
    """The file in a saved copy or mirror, when it holds the image."""


@dataclass(frozen=True)
class Imported:
    """One article read from a source, ready to be written as Markdown with front matter."""

    origin: str
    """Where it was read from (a file, or a file and an item), for the summary."""
    title: str
    date: datetime | None
    body: str
    """Markdown; its images are named by ``ImageRef.src``."""
    canonical: str = ""
    """Its address on the old site: its id, and an alias so old links redirect."""
    kicker: str = ""
    source: str = ""
    author: str = ""
    crumbs: tuple[str, ...] = ()
    """The section trail as the old site named it (home and the page itself left out)."""
    section: tuple[str, ...] | None = None
    """Folder names, when the source gives them already (a WordPress category)."""
    section_titles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
    images: tuple[ImageRef, ...] = ()
    lead: ImageRef | None = None
    aliases: tuple[str, ...] = ()
    """More old addresses (a WordPress ``?p=123``)."""
    draft: bool = False
    page: bool = False
    """A page (About), not news: written without a date into no section."""
    slug: str = ""
    previous: str = ""
    next: str = ""
    """The titles the old page named as its neighbours, to check the order."""
    notes: tuple[str, ...] = field(default=())
    """What the reader noticed (glued pinyin removed, a link farm dropped)."""
