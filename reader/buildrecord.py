"""The record a static build leaves beside the on-disk index, so the next one can do less.

It holds every output's reads of the snapshot, by name (noted as it was rendered,
``reader.reads``), with a digest of what each name found: an article's body (its file
version), the article at a key (its front matter and place), a section's or keyword's
list (its articles' front matter, in order), the menu. Beside them, a fingerprint of
everything else an output can depend on: settings, sections, the other languages, and
every other file of the site and theme (templates, static files, images, section pages,
drafts). When the next build finds that fingerprint unchanged, it looks every name up
again, and renders only the outputs that read a name whose digest changed, and the
outputs that are new. An edit of one article's text reaches the outputs that embed it; a
new or retagged article, the lists it joins or leaves, every page of them. Any change to
the fingerprint (a template, an image, a new section) builds everything: the record never
guesses.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import marshal
import operator
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader import __version__
from reader.memory import collector_paused
from reader.model import Article, ArticleKey
from reader.reads import ReadName
from reader.store import READ_KINDS, Neighbours, Snapshot, Tag

log = logging.getLogger("reader")

FORMAT = 6
"""What the record's fields mean; a record of another format is ignored (6: an old
address of a file, ``/about.html``, is no longer written as a folder)."""

_HEADER = ("accessible-reader build record", FORMAT, sys.version_info[:2])
"""What a record file begins with: marshal's format may change with Python's version."""


def record_path(parse_index: Path) -> Path:
    """Where a site's build record lives: beside its parse index."""
    return parse_index.with_name(parse_index.stem + "-build.marshal")


def layout_path(record: Path) -> Path:
    """Where a record keeps its layout (``BuildRecord.layout``): beside it."""
    return record.with_name(record.stem + "-layout.marshal")


@dataclass(frozen=True)
class BuildRecord:
    """What one complete build read and wrote."""

    out: str
    precompress: bool
    rest: str
    """The fingerprint of everything but the published articles (``rest``)."""
    placement: str
    """A digest of every published article's front matter and place (``placement``):
    while it is unchanged, so are the outputs' addresses and the redirects."""
    manifest: str
    """A digest of the build's list of files, so a tree changed since is built afresh."""
    names: tuple[ReadName, ...]
    """Every name an output read."""
    digests: tuple[bytes, ...]
    """What each name found, as a digest (``Digests``), in the order of ``names``."""
    paths: tuple[str, ...]
    """The URL paths of the outputs, not-found page and redirects aside."""
    reads: tuple[tuple[int, ...], ...]
    """For each output of ``paths``, what it read: indexes into ``names``."""
    moved: Mapping[str, str]
    """The redirect pages written: each old path and where it leads."""
    fronts: Mapping[str, tuple[Recheck, bytes]]
    """Each published article's file, with what ``recheck`` found of it and its front's
    digest (``Digests``), for the next build to take unless the article differs."""
    layout: str = ""
    """Names the layout (``names``, ``paths``, ``reads`` and ``moved``, two thirds of the
    record), which is kept in a file of its own, written only when it changes (not after
    a text edit: ``save``). The record and its layout name the same."""


_LAYOUT_FIELDS = ("names", "paths", "reads", "moved")


def rest(
    snapshot: Snapshot,
    folders: Iterable[Path],
    outside: Iterable[Path],
    companions: Iterable[Snapshot] = (),
) -> str:
    """A digest of what outputs depend on besides the published articles: settings,
    sections, and every file of the site and of ``folders`` (the theme) that is not a
    published article's own file; paths under ``outside`` (the output) aside.
    ``companions`` are the other languages of a multilingual site, whose pages this one's
    name: all of theirs counts (their articles too)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{FORMAT}\0{__version__}\0".encode())
    digest.update(repr(_canonical(snapshot.settings)).encode())
    for key in sorted(snapshot.sections):
        digest.update(repr(_canonical(snapshot.sections[key])).encode())
    own = {a.file for a in (*snapshot._articles, *snapshot._pages)}
    for other in companions:
        _digest_companion(digest, other)
        own |= {a.file for a in (*other._articles, *other._pages)}
    skipped = [os.fspath(path) for path in outside]
    for folder in (snapshot.settings.site_dir, *folders):
        for name, version in _files(folder, own, skipped):
            digest.update(f"{name}\0{version}\0".encode())
    return digest.hexdigest()


def _digest_companion(digest: Any, snapshot: Snapshot) -> None:
    digest.update(repr(_canonical(snapshot.settings)).encode())
    for article in (*snapshot._articles, *snapshot._pages):
        digest.update(repr(_front(article)).encode())
    for key in sorted(snapshot.sections):
        digest.update(repr(_canonical(snapshot.sections[key])).encode())
    digest.update(repr([a.key for a in snapshot._pinned]).encode())
    digest.update(repr([a.key for a in snapshot._recent]).encode())


Recheck = tuple[int, int, str, float | None, float | None]
"""What of an article ``recheck`` compares: its file's version, its id, its embargo and
its expiry."""


def recheck(article: Article) -> Recheck:
    """What an article's front digest from the previous build depends on beyond its file
    and everything ``rest`` covers (``Digests``)."""
    embargo, expiry = article.publish_date, article.expiry_date
    return (
        *article.stamp,
        article.id,
        embargo.timestamp() if embargo else None,
        expiry.timestamp() if expiry else None,
    )


class Digests:
    """What each noted name finds in one snapshot, as a short digest, made once per name.

    An article counts by its front matter and place (every field but its file's version,
    which changes with its text alone: its body is a name of its own); a list, by its
    articles in order; a keyword, by its spelling and list; anything else, by its repr.

    ``previous`` are the previous build's article digests, made under the same ``rest``:
    an article whose file is at the same version has the same front matter and place,
    but for what the loader may change of an article after reading it (``recheck``): its
    id (another article may now claim it), its embargo and expiry (a broken edit keeps
    the version before, held back by the new text's dates); the lead image's facts and a
    bundle's files it also looks at again are files of the site, which ``rest`` covers.
    Such an article's digest is taken rather than made (0.1 s at 10,000 articles).
    """

    def __init__(
        self, snapshot: Snapshot, previous: Mapping[str, tuple[Recheck, bytes]] | None = None
    ) -> None:
        self.snapshot = snapshot
        self.fronts: dict[ArticleKey, bytes] = {}
        self.kept: dict[str, tuple[Recheck, bytes]] = {}
        """The published articles' digests, for the next build (``BuildRecord.fronts``)."""
        before = previous or {}
        self._same_version: set[ArticleKey] = set()
        """Articles whose file is at the version the previous build read (and ``recheck``
        finds the same): their bodies' digests are the previous build's."""
        for article in (*snapshot._articles, *snapshot._pages):
            check = recheck(article)
            found = before.get(article.file)
            if found is None or found[0] != check:
                found = check, _hashed(repr(_front(article)).encode())
            else:
                self._same_version.add(article.key)
            self.fronts[article.key] = found[1]
            self.kept[article.file] = found
        self._made: dict[ReadName, bytes] = {}
        self._carried: tuple[tuple[bytes, ...], set[int]] | None = None
        """The previous build's digests and the numbers of those that differ now, when
        ``changed`` found every other one the same without looking (``of_names``)."""

    def placement(self) -> str:
        """A digest of every published article's and page's front matter, in order, and
        of what the moment decides beside publication (what is news, what is pinned),
        which decides whether some outputs exist (the news sitemap)."""
        snapshot = self.snapshot
        digest = hashlib.blake2b(digest_size=20)
        for article in (*snapshot._articles, *snapshot._pages):
            digest.update(self.fronts[article.key])
        digest.update(repr([a.key for a in snapshot._recent]).encode())
        digest.update(repr([a.key for a in snapshot._pinned]).encode())
        return digest.hexdigest()

    def changed(self, previous: BuildRecord, same_placement: bool) -> set[int]:
        """The numbers of the previous build's names whose digest differs now.

        With ``same_placement`` (a snapshot whose ``rest`` and ``placement`` are the
        previous one's), every name but the articles' bodies finds what it found before
        (every list, key and term is made of those alone): those digests are carried over
        unlooked, and only the bodies are compared."""
        compared = enumerate(zip(previous.names, previous.digests, strict=True))
        if not same_placement:
            return {number for number, (name, digest) in compared if self.of(name) != digest}
        changed = set()
        same_version = self._same_version
        for number, (name, digest) in compared:
            kind = name[0]
            if kind == "body" or kind not in READ_KINDS:
                if kind == "body" and len(name) == 2 and name[1] in same_version:
                    continue  # a digest of its file's version, which is as it was
                if self.of(name) != digest:
                    changed.add(number)
        self._carried = previous.digests, changed
        return changed

    def of_names(self, names: Sequence[ReadName]) -> list[bytes]:
        """The digest of each of ``names``, which begin with the previous build's names
        (numbered as they were) when ``changed`` compared with that build."""
        if self._carried is None:
            return [self.of(name) for name in names]
        # Only the names found changed differ from the previous build's digests: at
        # 100,000 articles, looking each of 420,000 names up again took 0.5 s.
        before, changed = self._carried
        digests = list(before)
        for number in changed:
            digests[number] = self.of(names[number])
        digests += [self.of(name) for name in names[len(before) :]]
        return digests

    def of(self, name: ReadName) -> bytes:
        """The digest of what ``name`` finds in the snapshot."""
        made = self._made.get(name)
        if made is None:
            if name[0] == "body" and len(name) == 2:
                # A file's version (or None): one name an article, none carried from the
                # build before, so made directly (the general read and walk took 0.1 s
                # at 10,000 articles).
                key = name[1]
                article = self.snapshot._by_key.get(key) if isinstance(key, tuple) else None
                made = _hashed(repr(article.stamp if article else None).encode())
                self._made[name] = made
                return made
            try:
                found = self.snapshot.read(name)
            except (KeyError, TypeError):
                # A name this version does not know (a record of another): no digest, so
                # whatever read it is rendered again.
                return b""
            digest = hashlib.blake2b(digest_size=16)
            self._feed(digest, found)
            made = digest.digest()
            self._made[name] = made
        return made

    def _feed(self, digest: Any, value: object) -> None:
        if isinstance(value, Article):
            digest.update(self._front(value))
        elif isinstance(value, Tag):
            digest.update(repr((value.slug, value.name, value.taxonomy)).encode())
            self._feed(digest, value.articles)
        elif isinstance(value, Neighbours):
            self._feed(digest, (value.previous, value.next))
        elif isinstance(value, tuple):
            digest.update(f"({len(value)}\0".encode())
            if all(type(item) is Article for item in value):  # a list: the usual, made fast
                digest.update(b"".join([self._front(article) for article in value]))
            else:
                for item in value:
                    self._feed(digest, item)
            digest.update(b")")
        else:
            digest.update(repr(_canonical(value)).encode() + b"\0")

    def _front(self, article: Article) -> bytes:
        front = self.fronts.get(article.key)
        if front is None:  # not published (never noted so): counted in full all the same
            front = self.fronts[article.key] = _hashed(repr(_front(article)).encode())
        return front


def _hashed(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _front(article: Article) -> object:
    """The article as its front matter and place make it: every field but its file's
    version (which changes with its text alone)."""
    # The init fields in one getter: a generic walk of every field of every article took
    # a second at 10,000 articles.
    values = list(_INIT_VALUES(article))
    values[_STAMP] = None
    values[_RESOURCES] = tuple(sorted(article.resources))
    if article.menu is not None:
        values[_MENU] = _canonical(article.menu)
    return values


_INIT_FIELDS = [field.name for field in dataclasses.fields(Article) if field.init]
_INIT_VALUES = operator.attrgetter(*_INIT_FIELDS)
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
    """The record at ``path``, or None when there is none of this format, or its layout
    is not the one it names."""
    try:
        with collector_paused():  # a hundred thousand tuples, all kept for the build
            header, values = marshal.loads(path.read_bytes())
            if header != _HEADER:
                return None
            layout_header, token, layout = marshal.loads(layout_path(path).read_bytes())
        if layout_header != _HEADER or token != values.get("layout"):
            return None  # a build stopped between writing the two: start from scratch
        return BuildRecord(**values, **dict(zip(_LAYOUT_FIELDS, layout, strict=True)))
    except (OSError, EOFError, ValueError, TypeError, AttributeError):
        return None


def save(path: Path, record: BuildRecord, *, same_layout: bool = False) -> None:
    """Write the record, and its layout unless ``same_layout`` (the one loaded with the
    record before, as it was); or leave none (a build then starts from scratch)."""
    # marshal, not pickle: a record is tuples of strings, numbers and bytes, which it
    # writes three times as fast (0.013 against 0.041 s at 10,000 articles).
    values = {
        field.name: dict(value) if isinstance(value, Mapping) else value
        for field in dataclasses.fields(record)
        if field.name not in _LAYOUT_FIELDS
        for value in (getattr(record, field.name),)
    }
    try:
        # A name marshal cannot write (ValueError) leaves no record: the next build renders
        # everything, never less than it should.
        path.parent.mkdir(parents=True, exist_ok=True)
        if not (same_layout and record.layout):
            values["layout"] = os.urandom(16).hex()
            layout = tuple(
                dict(value) if isinstance(value, Mapping) else value
                for value in (getattr(record, name) for name in _LAYOUT_FIELDS)
            )
            write_whole(layout_path(path), marshal.dumps((_HEADER, values["layout"], layout)))
        write_whole(path, marshal.dumps((_HEADER, values)))
        # The record as versions before 2026-12-03 pickled it: megabytes no build reads.
        path.with_name(path.name.replace(".marshal", ".pickle")).unlink(missing_ok=True)
    except (OSError, ValueError) as error:
        log.warning("%s: the build record cannot be written (%s)", path, error)
        forget(path)


def write_whole(path: Path, data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` whole: a reader sees the old or the new."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except BaseException:  # a full disk, Ctrl-C: no half file left behind either
        temporary.unlink(missing_ok=True)
        raise


def forget(path: Path) -> None:
    """Remove the record: the next build renders everything (its layout stays, for the
    record that names it again)."""
    path.unlink(missing_ok=True)
