"""Walk a site's content folder into a catalog of sections and articles, and its problems."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from reader import parsing
from reader.bodies import BodyRenderer
from reader.config import Settings, normalize_language
from reader.dates import parse_date
from reader.frontmatter import Document
from reader.images import intrinsic_size, local_file
from reader.memory import collector_paused
from reader.model import Article, Problem, Section, SectionKey, Severity
from reader.parsing import SECTION_INDEX, Parsed, parse_ahead, unreadable
from reader.urls import RESERVED_TOP_LEVEL

BUNDLE_INDEX = "index.md"
SUMMARY_LENGTH = 160


@dataclass(frozen=True)
class Catalog:
    """Everything the content folder holds, published or not, in file order."""

    sections: dict[SectionKey, Section]
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    bodies: BodyRenderer
    """Renders the articles' bodies when a page or feed first needs them."""


class ParseCache:
    """Parsed files by path, reused while a file's modification time and size are unchanged.

    A reload then re-reads only what changed, so an edit shows up quickly in a large store.
    """

    def __init__(self, settings: Settings) -> None:
        self._entries: dict[str, _Entry] = {}
        self.folders: dict[str, _Folder] = {}
        """Each section folder's own results, reused by reloads that did not touch it."""
        self._scanned: set[str] = set()
        self.bodies = BodyRenderer(settings, settings.body_cache_bytes)
        """Rendered bodies outlive a reload: they are keyed by file version."""
        self.images: dict[Path, tuple[tuple[int, int], tuple[int, int, int]]] = {}
        """Lead images' (size, width, height) by file, with the file version they were read at."""

    def lookup(self, path: str, stamp: tuple[int, int]) -> _Entry | None:
        """The cached entry of ``path`` if it was made from the same file version."""
        entry = self._entries.get(path)
        return entry if entry is not None and entry.stamp == stamp else None

    def store(self, path: str, entry: _Entry) -> None:
        """Remember the parse of one file version."""
        self._entries[path] = entry

    def retain(self, paths: set[str], folders: set[str]) -> None:
        """Forget files and folders that are gone."""
        for path in self._entries.keys() - paths:
            del self._entries[path]
        for folder in self.folders.keys() - folders:
            del self.folders[folder]

    def mark_scanned(self, folder: str) -> None:
        """Note a folder whose records changed, for the on-disk index to save."""
        self._scanned.add(folder)

    def take_scanned(self) -> set[str]:
        """The folders listed again since the last call (for the on-disk index to save)."""
        scanned, self._scanned = self._scanned, set()
        return scanned

    def folder_records(self, folder: str) -> tuple[_Folder, dict[str, _Entry]] | None:
        """One folder's results and its files' entries, as the on-disk index keeps them."""
        own = self.folders.get(folder)
        if own is None:
            return None
        entries = {path: self._entries[path] for path in own.files if path in self._entries}
        return own, entries

    def adopt(self, folder: str, own: _Folder, entries: dict[str, _Entry]) -> None:
        """Take one folder's records back from the on-disk index."""
        self.folders[folder] = own
        self._entries.update(entries)

    def adopt_entries(self, entries: dict[str, _Entry]) -> None:
        """Take files' entries back from the on-disk index, where none was made since."""
        for path, entry in entries.items():
            self._entries.setdefault(path, entry)

    def dirty_folders(self, settings: Settings, changed: Iterable[str]) -> set[str] | None:
        """The section folders whose own files or listing ``changed`` touches.

        None when a change lies outside the content folder (a static image, a template),
        which may matter to any article: then every folder is listed again.
        """
        content = os.fspath(settings.content_dir)
        dirty: set[str] = set()
        for path in changed:
            if not path.startswith(content + os.sep):
                return None
            if path in self.folders:
                dirty.add(path)
            # A file in a page bundle belongs to the section folder that holds the bundle.
            parent = os.path.dirname(path)
            while parent not in self.folders and len(parent) > len(content):
                parent = os.path.dirname(parent)
            dirty.add(parent)
        return dirty

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class _Folder:
    """What one section folder holds itself, not counting its subfolders."""

    section: Section
    subfolders: tuple[tuple[Path, str], ...]
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    files: frozenset[str]


@dataclass
class _Entry:
    """One file version's parse, and the article built from it once asked for."""

    stamp: tuple[int, int]
    parsed: Parsed
    built: tuple[Article | None, tuple[Problem, ...]] | None = None


def load_catalog(
    settings: Settings,
    cache: ParseCache | None = None,
    *,
    thorough: bool = False,
    dirty: set[str] | None = None,
) -> Catalog:
    """Read every section and article below the content folder; never raise on bad files.

    ``thorough`` renders every body to report its problems, as ``reader check`` does.
    With ``dirty`` (from ``ParseCache.dirty_folders``), only those section folders are
    listed again; the others are taken whole from the cache.
    """
    cache = cache if cache is not None else ParseCache(settings)
    if not len(cache) and not cache.folders:
        # A cold start: parse every file on all cores first; the walk finds them cached.
        for name, stamp, parsed in parse_ahead(settings.content_dir, thorough):
            cache.store(name, _Entry(stamp, parsed))
    walker = _Walker(settings, cache, thorough, dirty)
    with collector_paused():
        _walk(walker, settings)
    cache.retain(walker.seen, walker.walked)
    articles = _assign_unique_ids(walker.articles, walker.problems)
    return Catalog(walker.sections, tuple(articles), tuple(walker.problems), cache.bodies)


def _walk(walker: _Walker, settings: Settings) -> None:
    root = settings.content_dir
    if not root.is_dir():
        walker.problems.append(
            Problem(
                root,
                None,
                "the content folder does not exist",
                "create it and put Markdown articles in section folders inside it",
            )
        )
    else:
        walker.walk_section(root, ())


class _Walker:
    def __init__(
        self, settings: Settings, cache: ParseCache, thorough: bool, dirty: set[str] | None
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.thorough = thorough
        self.dirty = dirty
        self._located: dict[tuple[str, Path | None], Path | None] = {}
        self._measured: dict[Path, tuple[int, int, int]] = {}
        self.seen: set[str] = set()
        self.walked: set[str] = set()
        self.sections: dict[SectionKey, Section] = {}
        self.articles: list[Article] = []
        self.problems: list[Problem] = []

    def walk_section(self, folder: Path, key: SectionKey) -> None:
        name = os.fspath(folder)
        own = self.cache.folders.get(name)
        if own is None or self.dirty is None or name in self.dirty:
            before, own = own, self._scan(folder, key)
            self.cache.folders[name] = own
            if before is None or not _same_folder(before, own):
                self.cache.mark_scanned(name)
        self.walked.add(name)
        self.sections[key] = own.section
        self.seen.update(own.files)
        for path, child in own.subfolders:
            self.walk_section(path, (*key, child))
        self.articles.extend(own.articles)
        self.problems.extend(own.problems)

    def _scan(self, folder: Path, key: SectionKey) -> _Folder:
        """List one folder and read its own files (from the cache where unchanged)."""
        outer = self.articles, self.problems, self.seen
        self.articles, self.problems, self.seen = [], [], set()
        try:
            section = self._section(folder, key)
            entries = _visible_entries(folder)
            bundles = {
                e.name
                for e in entries
                if e.is_dir() and os.path.isfile(os.path.join(e.path, BUNDLE_INDEX))
            }
            taken: dict[str, Path] = {}
            subfolders = []
            for entry in entries:
                if entry.is_dir() and entry.name not in bundles:
                    path = Path(entry.path)
                    if not key and entry.name in RESERVED_TOP_LEVEL:
                        self._reserved(path)
                        continue
                    taken[entry.name] = path
                    subfolders.append((path, entry.name))
            for entry in entries:
                if entry.name in bundles:
                    bundle = Path(entry.path)
                    self._add_article(bundle / BUNDLE_INDEX, key, entry.name, bundle, taken)
                elif _is_article_file(entry):
                    slug = entry.name.rsplit(".", 1)[0]
                    self._add_article(Path(entry.path), key, slug, None, taken)
            return _Folder(
                section,
                tuple(subfolders),
                tuple(self.articles),
                tuple(self.problems),
                frozenset(self.seen),
            )
        finally:
            self.articles, self.problems, self.seen = outer

    def _reserved(self, entry: Path) -> None:
        self.problems.append(
            Problem(
                entry,
                None,
                f"a top-level section may not be called {entry.name!r}; its URL is taken",
                "rename the folder",
            )
        )

    def _section(self, folder: Path, key: SectionKey) -> Section:
        title = folder.name if key else self.settings.title
        index = folder / SECTION_INDEX
        if not index.is_file():
            return Section(key, title)
        entry = self._read(index)
        if entry is None or entry.parsed.document is None:
            return Section(key, title, source=index)
        document = entry.parsed.document
        meta = document.meta
        weight = meta.get("weight", 0)
        if not isinstance(weight, int) or isinstance(weight, bool):
            self._warn(index, document.line_of("weight"), "weight must be a whole number", "")
            weight = 0
        return Section(
            key,
            _text(meta.get("title")) or title,
            _text(meta.get("description")),
            weight,
            index,
        )

    def _read(self, path: Path) -> _Entry | None:
        """The parsed file, from the cache while its modification time and size are unchanged."""
        try:
            status = path.stat()
        except OSError as error:
            self.problems.append(unreadable(path, error))
            return None
        stamp = (status.st_mtime_ns, status.st_size)
        name = os.fspath(path)
        self.seen.add(name)
        entry = self.cache.lookup(name, stamp)
        if entry is None:
            entry = _Entry(stamp, parsing.parse_file(path, self.thorough))
            self.cache.store(name, entry)
        self.problems.extend(entry.parsed.problems)
        return entry

    def _warn(self, path: Path, line: int | None, message: str, fix: str) -> None:
        self.problems.append(Problem(path, line, message, fix or "correct it", Severity.WARNING))

    def _add_article(
        self,
        path: Path,
        section: SectionKey,
        default_slug: str,
        bundle: Path | None,
        taken: dict[str, Path],
    ) -> None:
        entry = self._read(path)
        if entry is None:
            return
        if entry.built is None:
            before = len(self.problems)
            document = entry.parsed.document
            built = None
            if document is not None:
                built = self._article(document, entry, path, section, default_slug, bundle)
                # Only the slug's line is needed again (for a clash); the front matter
                # and the first paragraph, read into the article, can go.
                line = document.line_of("slug")
                slug_line = {"slug": line} if line else {}
                slim = Document({}, "", document.body_line, slug_line)
                entry.parsed = replace(entry.parsed, document=slim, lead="")
            entry.built = (built, tuple(self.problems[before:]))
        else:
            self.problems.extend(entry.built[1])
        article = entry.built[0]
        if article is None:
            return
        if bundle is not None:
            # A bundle's files change without its index.md changing: list them every time.
            resources = frozenset(_bundle_files(bundle))
            if resources != article.resources:
                article = replace(article, resources=resources)
        if article.image:
            # The lead image may be replaced without its article changing: look every time.
            facts = self._lead_image_facts(self._locate(article.image, bundle))
            if facts != (article.image_length, article.image_width, article.image_height):
                length, width, height = facts
                article = replace(
                    article, image_length=length, image_width=width, image_height=height
                )
        if article is not entry.built[0]:
            entry.built = (article, entry.built[1])
        clash = taken.get(article.slug)
        if clash is not None:
            self.problems.append(
                Problem(
                    path,
                    entry.parsed.document.line_of("slug") if entry.parsed.document else None,
                    f"the URL slug {article.slug!r} is already used by {clash}",
                    "give one of them another slug in its front matter",
                )
            )
            return
        taken[article.slug] = path
        self.articles.append(article)

    def _article(
        self,
        document: Document,
        entry: _Entry,
        path: Path,
        section: SectionKey,
        default_slug: str,
        bundle: Path | None,
    ) -> Article | None:
        meta = document.meta
        title = _text(meta.get("title"))
        if not title:
            self.problems.append(
                Problem(
                    path,
                    document.line_of("title") or 2,
                    "the article has no title",
                    "add a line 'title: ...' to the front matter",
                )
            )
            return None
        if "date" not in meta:
            self.problems.append(
                Problem(
                    path,
                    2,
                    "the article has no date",
                    "add a line 'date: 2026-11-28T09:30:00+08:00' to the front matter",
                )
            )
            return None
        date = self._date(meta["date"], path, document.line_of("date"), "date")
        if date is None:
            return None
        updated_key = "updated" if "updated" in meta else "lastmod"
        updated = None
        if updated_key in meta and meta[updated_key] not in (None, ""):
            updated = self._date(
                meta[updated_key], path, document.line_of(updated_key), updated_key
            )
        slug = _text(meta.get("slug")) or default_slug
        if "/" in slug or slug in (".", ".."):
            self.problems.append(
                Problem(
                    path,
                    document.line_of("slug"),
                    f"the slug {slug!r} is not a single URL segment",
                    "use a slug without '/' such as 'harbour-opens'",
                )
            )
            return None
        self.problems.extend(entry.parsed.body_problems)
        lang = normalize_language(_text(meta.get("lang"))) if meta.get("lang") else ""
        image = _text(meta.get("image")) or _first_text(meta.get("images"))
        image_alt = _text(meta.get("image_alt"))
        if image and not image_alt:
            self._warn(
                path,
                document.line_of("image"),
                "the lead image has no alt text",
                "add 'image_alt: ...' describing what the image shows",
            )
        return Article(
            section=section,
            slug=slug,
            title=title,
            date=date,
            updated=updated if updated and updated != date else None,
            file=os.fspath(path),
            body_line=document.body_line,
            stamp=entry.stamp,
            id=_text(meta.get("id")) or _derived_id(section, date),
            summary=_text(meta.get("summary") or meta.get("description"))
            or _summarize(entry.parsed.lead),
            source=_text(meta.get("source")),
            author=_people(meta.get("author") or meta.get("authors")),
            tags=self._tags(meta, path, document),
            draft=meta.get("draft") is True,
            kicker=_text(meta.get("kicker")),
            image=image,
            image_alt=image_alt,
            image_type=(mimetypes.guess_type(urlsplit(image).path)[0] or "") if image else "",
            aliases=self._aliases(meta.get("aliases"), section, path, document),
            lang=lang,
            bundle=os.fspath(bundle) if bundle is not None else None,
        )

    def _locate(self, src: str, bundle: Path | None) -> Path | None:
        """The file behind an image address, looked up once per walk (many articles share)."""
        key = (src, bundle)
        if key not in self._located:
            self._located[key] = local_file(src, bundle, self.settings.static_dir)
        return self._located[key]

    def _lead_image_facts(self, path: Path | None) -> tuple[int, int, int]:
        """Size in bytes, width and height of a lead image we serve; zeros when unknown."""
        if path is None:
            return 0, 0, 0
        if path in self._measured:  # many articles share an image; look once per walk
            return self._measured[path]
        try:
            status = path.stat()
        except OSError:
            return 0, 0, 0
        stamp = (status.st_mtime_ns, status.st_size)
        known = self.cache.images.get(path)
        if known is not None and known[0] == stamp:
            facts = known[1]
        else:
            width, height = intrinsic_size(path) or (0, 0)
            facts = (status.st_size, width, height)
            self.cache.images[path] = (stamp, facts)
        self._measured[path] = facts
        return facts

    def _date(self, value: Any, path: Path, line: int | None, key: str) -> datetime | None:
        try:
            return parse_date(value, self.settings.timezone)
        except ValueError as error:
            self.problems.append(
                Problem(
                    path,
                    line,
                    f"the {key} is not a date: {error}",
                    f"write it like '{key}: 2026-11-28T09:30:00+08:00' (ISO 8601)",
                )
            )
            return None

    def _tags(self, meta: dict[str, Any], path: Path, document: Document) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for key in ("tags", "keywords", "categories"):
            value = meta.get(key)
            if value is None:
                continue
            if isinstance(value, str):
                items: list[Any] = value.split(",")
            elif isinstance(value, list):
                items = value
            else:
                self._warn(
                    path, document.line_of(key), f"{key} must be a list", f"write {key}: [a, b]"
                )
                continue
            for item in items:
                tag = " ".join(str(item).split())
                if tag and tag.casefold() not in seen:
                    seen[tag.casefold()] = tag
        return tuple(seen.values())

    def _aliases(
        self, value: Any, section: SectionKey, path: Path, document: Document
    ) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self._warn(
                path, document.line_of("aliases"), "aliases must be a list", "aliases: [/old/url/]"
            )
            return ()
        aliases = []
        for item in value:
            alias = str(item).strip()
            if not alias:
                continue
            if not alias.startswith("/"):
                # Hugo reads a relative alias from the page's own section.
                alias = "/" + "".join(f"{s}/" for s in section) + alias
            aliases.append(alias)
        return tuple(aliases)


def _same_folder(old: _Folder, new: _Folder) -> bool:
    """Whether a folder listed again holds what it held (unchanged articles are reused)."""
    return (
        old.files == new.files
        and old.section == new.section
        and old.subfolders == new.subfolders
        and old.problems == new.problems
        and len(old.articles) == len(new.articles)
        and all(a is b for a, b in zip(old.articles, new.articles, strict=True))
    )


def _visible_entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as scan:
            entries = [e for e in scan if not e.name.startswith(".") and not e.name.endswith("~")]
    except OSError:
        return []
    return sorted(entries, key=lambda e: e.name)


def _is_article_file(entry: os.DirEntry[str]) -> bool:
    return (
        entry.name.lower().endswith((".md", ".markdown"))
        and entry.name not in (SECTION_INDEX, BUNDLE_INDEX)
        and entry.is_file()
    )


def _bundle_files(bundle: Path) -> Iterator[str]:
    for path in sorted(bundle.rglob("*")):
        relative = path.relative_to(bundle)
        hidden = any(part.startswith(".") for part in relative.parts)
        if path.is_file() and relative.suffix != ".md" and not hidden:
            yield relative.as_posix()


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(str(value).split())


def _first_text(value: Any) -> str:
    return _text(value[0]) if isinstance(value, list) and value else ""


def _people(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value if _text(v))
    return _text(value)


def _summarize(text: str) -> str:
    """The first paragraph's text, shortened; never a run of table cells or captions."""
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[:SUMMARY_LENGTH].rstrip() + "…"


def _assign_unique_ids(articles: list[Article], problems: list[Problem]) -> list[Article]:
    """Keep ids unique: a clash gets the slug appended, and a warning asks for an ``id``."""
    seen: dict[str, str] = {}
    result = []
    for article in articles:
        if article.id in seen:
            problems.append(
                Problem(
                    article.source_path,
                    None,
                    f"its feed id {article.id!r} is also derived for {seen[article.id]}",
                    "add a unique 'id: ...' line to the front matter, "
                    "or give the two articles different publication times",
                    Severity.WARNING,
                )
            )
            article = replace(article, id=f"{article.id}-{quote(article.slug, safe='')}")
        seen[article.id] = article.file
        result.append(article)
    return result


def _derived_id(section: SectionKey, date: datetime) -> str:
    """An authority-free id from section path and publication time (see docs/store.md)."""
    path = "/".join(quote(s, safe="") for s in section)
    return f"{path}@{date.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}"
