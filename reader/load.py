"""From the site folder to what is published: files, then catalog, then snapshot.

The one step both a start and a reload take; ``reader.live`` decides when.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from reader.config import Settings
from reader.loader import Catalog, is_ignored, load_catalog
from reader.parsecache import ParseCache
from reader.parsing import MARKDOWN_SUFFIXES
from reader.store import Snapshot, build_snapshot, update_snapshot


def load_site(
    settings: Settings,
    now: datetime,
    cache: ParseCache | None = None,
    changed: Iterable[str] | None = None,
    previous: tuple[Snapshot, Catalog] | None = None,
) -> tuple[Snapshot, Catalog]:
    """Read the content folder and decide what is published at ``now``.

    With ``changed`` paths (from the watcher) and a cache, only the section folders
    they touch are read again; with the ``previous`` snapshot and its catalog, an edit
    that moves no article is swapped into it rather than the snapshot built afresh.
    """
    catalog = read_catalog(settings, cache, changed, previous)
    if previous is not None:
        return update_snapshot(*previous, catalog, now), catalog
    return build_snapshot(settings, catalog, now), catalog


def read_catalog(
    settings: Settings,
    cache: ParseCache | None = None,
    changed: Iterable[str] | None = None,
    previous: tuple[Snapshot, Catalog] | None = None,
) -> Catalog:
    """Read the content folder into a catalog, the first half of ``load_site``."""
    if changed is not None:
        changed = tuple(path for path in changed if not _ignored(path))
    bodies = previous[1].bodies if previous is not None else None
    if bodies is not None and (changed is None or not all(map(_is_markdown, changed))):
        # Bodies are kept by their file's version, but carry the sizes of their images.
        bodies.images_changed()
    if bodies is not None and (changed is None or any(_come_or_gone(p, cache) for p in changed)):
        # A body linking another content file points at that page only while it is there.
        bodies.files_changed()
    dirty = (
        cache.dirty_folders(settings, changed)
        if cache is not None and changed is not None
        else None
    )
    return load_catalog(settings, cache, dirty=dirty, bodies=bodies)


def changes_matter(changed: Iterable[str]) -> bool:
    """Whether any changed path is one the site reads (not a hidden or backup file)."""
    return not all(map(_ignored, changed))


def _ignored(path: str) -> bool:
    # By its own name only: the site folder itself may sit below a hidden folder.
    return is_ignored(os.path.basename(path))


def _is_markdown(path: str) -> bool:
    return path.lower().endswith(MARKDOWN_SUFFIXES)


def _come_or_gone(path: str, cache: ParseCache | None) -> bool:
    """Whether a changed path may be a content file that came or went, not only an edit:
    a Markdown file new to the cache or gone, or a folder (or what was one)."""
    if _is_markdown(path):
        return cache is None or cache.entry(path) is None or not os.path.exists(path)
    return not os.path.isfile(path)


def without_files(catalog: Catalog, files: frozenset[str]) -> Catalog:
    """The catalog less the articles read from these files."""
    if not files:
        return catalog
    kept = tuple(article for article in catalog.articles if article.file not in files)
    return replace(catalog, articles=kept)
