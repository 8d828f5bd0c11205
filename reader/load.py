"""From the site folder to what is published: files, then catalog, then snapshot.

The one step both a start and a reload take; ``reader.live`` decides when.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from reader.config import Settings
from reader.loader import Catalog, load_catalog
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
    if changed is not None:
        changed = tuple(changed)
    bodies = previous[1].bodies if previous is not None else None
    if bodies is not None and (changed is None or not all(map(_is_markdown, changed))):
        # Bodies are kept by their file's version, but carry the sizes of their images.
        bodies.images_changed()
    dirty = (
        cache.dirty_folders(settings, changed)
        if cache is not None and changed is not None
        else None
    )
    catalog = load_catalog(settings, cache, dirty=dirty, bodies=bodies)
    if previous is not None:
        return update_snapshot(*previous, catalog, now), catalog
    return build_snapshot(settings, catalog, now), catalog


def _is_markdown(path: str) -> bool:
    return path.lower().endswith(MARKDOWN_SUFFIXES)
