"""The record a static build leaves beside the on-disk index, so the next one can do less.

It holds which outputs embed which articles' bodies (noted as they were rendered,
``reader.reads``), each article's file version, and a fingerprint of everything else an
output can depend on: settings, every article's and section's front matter and place,
what is pinned, and every other file of the site and theme (templates, static files,
images, section pages, drafts). When the next build finds that fingerprint unchanged,
the only changes are in the text of some articles, and only the outputs that embed
those articles are rendered again. Any other change (a new, moved, deleted, retagged or
redated article; a template; an image) builds everything: the record never guesses.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader import __version__
from reader.model import Article, ArticleKey
from reader.store import Snapshot

log = logging.getLogger("reader")

FORMAT = 1
"""What the record's fields mean; a record of another format is ignored."""


def record_path(parse_index: Path) -> Path:
    """Where a site's build record lives: beside its parse index."""
    return parse_index.with_name(parse_index.stem + "-build.pickle")


@dataclass(frozen=True)
class BuildRecord:
    """What one complete build read and wrote."""

    out: str
    precompress: bool
    structure: str
    """The fingerprint of everything but the articles' text (``structure``)."""
    manifest: str
    """A digest of the build's list of files, so a tree changed since is built afresh."""
    stamps: Mapping[ArticleKey, tuple[int, int]]
    """Each published article's file version, as built."""
    readers: Mapping[ArticleKey, tuple[str, ...]]
    """For each article, the URL paths of the outputs that embed its body."""
    format: int = FORMAT


def structure(
    snapshot: Snapshot,
    folders: Iterable[Path],
    outside: Iterable[Path],
    companions: Iterable[Snapshot] = (),
) -> str:
    """A digest of what outputs depend on besides the articles' text: settings, front
    matter, sections, pins, and every file of the site and of ``folders`` (the theme) that
    is not a published article's own file; paths under ``outside`` (the output) aside.
    ``companions`` are the other languages of a multilingual site, whose pages this one's
    name: their front matter and sections count too."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{FORMAT}\0{__version__}\0".encode())
    own: set[str] = set()
    for each in (snapshot, *companions):
        _digest_snapshot(digest, each)
        own |= {a.file for a in (*each.articles, *each.pages)}
    skipped = [os.fspath(path) for path in outside]
    for folder in (snapshot.settings.site_dir, *folders):
        for name, version in _files(folder, own, skipped):
            digest.update(f"{name}\0{version}\0".encode())
    return digest.hexdigest()


def _digest_snapshot(digest: Any, snapshot: Snapshot) -> None:
    digest.update(repr(_canonical(snapshot.settings)).encode())
    for article in (*snapshot.articles, *snapshot.pages):
        digest.update(repr(_front(article)).encode())
    for key in sorted(snapshot.sections):
        digest.update(repr(_canonical(snapshot.sections[key])).encode())
    # What the moment of the build decides beside publication: the lead story, and what
    # counts as recent (the news sitemap).
    digest.update(repr([a.key for a in snapshot.pinned]).encode())
    digest.update(repr([a.key for a in snapshot.recent]).encode())


def _front(article: Article) -> object:
    """The article as its front matter and place make it: every field but its file's
    version (which changes with its text alone)."""
    # Field by field through __reduce__'s values (the positional fields): a generic walk
    # of every field of every article took a second at 10,000 articles.
    values = list(article.__reduce__()[1])
    values[_STAMP] = None
    values[_RESOURCES] = tuple(sorted(article.resources))
    if article.menu is not None:
        values[_MENU] = _canonical(article.menu)
    return values


_INIT_FIELDS = [field.name for field in dataclasses.fields(Article) if field.init]
_STAMP, _RESOURCES, _MENU = (_INIT_FIELDS.index(n) for n in ("stamp", "resources", "menu"))


def _canonical(value: Any) -> Any:
    """``value`` in a form whose repr is the same in every process (sets sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(
            (field.name, _canonical(getattr(value, field.name)))
            for field in dataclasses.fields(value)
        )
    if isinstance(value, frozenset | set):
        return tuple(sorted(repr(_canonical(item)) for item in value))
    if isinstance(value, tuple | list):
        return tuple(_canonical(item) for item in value)
    if isinstance(value, Mapping):
        return tuple(sorted((repr(key), _canonical(item)) for key, item in value.items()))
    return value


def _files(folder: Path, own: set[str], skipped: list[str]) -> list[tuple[str, str]]:
    """Every file below ``folder`` but the articles' own and hidden ones, with its version."""
    found = []
    for parent, folders, names in os.walk(folder):
        folders[:] = sorted(
            name
            for name in folders
            if not name.startswith(".") and os.path.join(parent, name) not in skipped
        )
        for name in sorted(names):
            path = os.path.join(parent, name)
            if name.startswith(".") or path in own:
                continue
            try:
                status = os.stat(path)
            except OSError:
                continue  # gone between the listing and now: the build reports it
            found.append((path, f"{status.st_mtime_ns}:{status.st_size}"))
    return found


def manifest_digest(manifest: Path) -> str:
    """A digest of a build's list of files (empty when there is none)."""
    try:
        return hashlib.blake2b(manifest.read_bytes(), digest_size=20).hexdigest()
    except OSError:
        return ""


def load(path: Path) -> BuildRecord | None:
    """The record at ``path``, or None when there is none of this format."""
    try:
        with path.open("rb") as file:
            record = pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(record, BuildRecord) or record.format != FORMAT:
        return None
    return record


def save(path: Path, record: BuildRecord) -> None:
    """Write the record whole, or leave none (a build then starts from scratch)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as file:
            pickle.dump(record, file, pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
    except OSError as error:
        log.warning("%s: the build record cannot be written (%s)", path, error)
        temporary.unlink(missing_ok=True)


def forget(path: Path) -> None:
    """Remove the record: the next build renders everything."""
    path.unlink(missing_ok=True)
