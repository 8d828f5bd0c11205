"""Walk a site's content folder into a catalog of sections and articles, and its problems."""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import os
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from reader import parsing
from reader.article import (
    Source,
    build_article,
    is_rendered,
    last_good_version,
    menu_entry,
    section_aliases,
    section_text,
)
from reader.bodies import BodyRenderer
from reader.config import Settings
from reader.images import intrinsic_size, local_file
from reader.memory import collector_paused, give_back_freed
from reader.model import Article, Problem, Section, SectionKey, Severity, newest_first
from reader.parsecache import Entry, Folder, ParseCache
from reader.parsing import MARKDOWN_SUFFIXES, SECTION_INDEX, parse_ahead, unreadable
from reader.urls import NUMBERED_TOP_LEVEL, RESERVED_TOP_LEVEL, is_tag_id_dated

BUNDLE_INDEX = "index.md"


@dataclass(frozen=True)
class Catalog:
    """Everything the content folder holds, published or not, in file order."""

    sections: dict[SectionKey, Section]
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    bodies: BodyRenderer
    """Renders the articles' bodies when a page or feed first needs them."""
    read: frozenset[str] = frozenset()
    """The files this load read and parsed (the rest came from the parse cache)."""
    read_ahead: frozenset[str] = frozenset()
    """Those of them parsed before the walk, by one worker process per core."""
    listed: frozenset[str] = frozenset()
    """The section folders this load listed again (the rest came from the parse cache)."""


def load_catalog(
    settings: Settings,
    cache: ParseCache | None = None,
    *,
    thorough: bool = False,
    dirty: Mapping[str, set[str]] | None = None,
    bodies: BodyRenderer | None = None,
) -> Catalog:
    """Read every section and article below the content folder; never raise on bad files.

    ``thorough`` renders every body to report its problems, as ``reader check`` does.
    With ``dirty`` (from ``ParseCache.dirty_folders``), only those section folders are
    read again, and of a folder whose only changes are edits of its articles' files, only
    those files; the others are taken whole from the cache. ``bodies`` renders the
    articles' bodies: a reload passes the one before, whose cache outlives snapshots.
    """
    cache = cache if cache is not None else ParseCache()
    if bodies is None:
        bodies = BodyRenderer(settings, settings.body_cache_bytes)
    ahead: set[str] = set()
    if not len(cache) and not cache.folders:
        # A cold start: parse every file on all cores first; the walk finds them cached.
        parsed_ahead = parse_ahead(settings.content_dir, thorough, settings.trusted_hosts)
        for name, stamp, parsed in parsed_ahead:
            cache.store(name, Entry(stamp, parsed))
            ahead.add(name)
    walker = _Walker(settings, cache, thorough, dirty)
    with collector_paused():
        _walk(walker, settings)
    if walker.forgets:
        cache.retain(set().union(*walker.files), walker.walked)
    articles = _assign_unique_ids(walker.articles, walker.problems, settings)
    if thorough:
        walker.problems += _shared_old_addresses(articles, settings.content_dir)
    if ahead:
        give_back_freed()
    return Catalog(
        walker.sections,
        tuple(articles),
        tuple(walker.problems),
        bodies,
        read=frozenset(ahead | walker.read),
        read_ahead=frozenset(ahead),
        listed=frozenset(walker.listed),
    )


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
        self,
        settings: Settings,
        cache: ParseCache,
        thorough: bool,
        dirty: Mapping[str, set[str]] | None,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.thorough = thorough
        self.dirty = dirty
        self._located: dict[tuple[str, Path | None], Path | None] = {}
        self._measured: dict[Path, tuple[int, int, int, str, int, str]] = {}
        self._site_root = settings.site_dir.resolve()
        self.seen: set[str] = set()
        """The files of the folder being listed."""
        self.files: list[frozenset[str]] = []
        """The files of each folder walked."""
        self.forgets = dirty is None
        """Whether the cache may hold files or folders that are gone: after a walk of
        every folder, or when a folder listed again lost a file or a subfolder (finding
        out otherwise took 0.9 s at a million files)."""
        self.read: set[str] = set()
        self.listed: set[str] = set()
        self.root = os.path.realpath(settings.content_dir)
        self.languages = FileLanguages(settings)
        self._chain: list[str] = []
        """The real paths of the folders being walked, outermost first (for link loops)."""
        self.walked: set[str] = set()
        self.sections: dict[SectionKey, Section] = {}
        self.articles: list[Article] = []
        self.problems: list[Problem] = []
        self.replaced: dict[str, Entry] = {}
        """The entries of files read again, as they were before (for a broken edit)."""

    def walk_section(self, folder: Path, key: SectionKey) -> None:
        name = os.fspath(folder)
        own = self.cache.folders.get(name)
        if own is None or self.dirty is None or name in self.dirty:
            edited = None
            if own is not None and self.dirty is not None:
                edited = self._reread(name, key, own, self.dirty[name])
            before, own = own, edited or self._scan(folder, key)
            self.cache.folders[name] = own
            if before is None or not _same_folder(before, own):
                self.cache.mark_scanned(name)
            if before is not None and not (
                before.files <= own.files and set(before.subfolders) <= set(own.subfolders)
            ):
                self.forgets = True
        self.walked.add(name)
        self.sections[key] = own.section
        self.files.append(own.files)
        self._chain.append(os.path.realpath(folder))
        for path, child in own.subfolders:
            self.walk_section(path, (*key, child))
        self._chain.pop()
        self.articles.extend(own.articles)
        self.problems.extend(own.problems)

    def _scan(self, folder: Path, key: SectionKey) -> Folder:
        """List one folder and read its own files (from the cache where unchanged)."""
        self.listed.add(os.fspath(folder))
        outer = self.articles, self.problems, self.seen
        self.articles, self.problems, self.seen = [], [], set()
        try:
            section = self._section(folder, key)
            if key:
                self._section_with_bundle_index(folder)
            inside = [*self._chain, os.path.realpath(folder)]
            entries = [e for e in _visible_entries(folder) if self._confined(e, inside)]
            languages = self.languages
            bundles = {e.name for e in entries if _is_dir(e) and languages.is_bundle(e.path)}
            taken: dict[str, str] = {}
            subfolders = []
            for entry in entries:
                if _is_dir(entry) and entry.name not in bundles:
                    path = Path(entry.path)
                    if languages.is_other_language(path):
                        continue
                    if not key and entry.name in self.settings.taxonomy_names:
                        self._taxonomy_folder(path)
                        continue
                    if not key and entry.name in RESERVED_TOP_LEVEL - NUMBERED_TOP_LEVEL:
                        self._reserved(path)
                        continue
                    if self._numbered(key, url_name(entry.name), path):
                        continue
                    taken[url_name(entry.name)] = entry.path
                    subfolders.append((path, url_name(entry.name)))
            for entry in entries:
                if entry.name in bundles:
                    bundle = Path(entry.path)
                    index = languages.index_file(bundle, BUNDLE_INDEX)
                    if index is not None:  # a bundle with no page in this language is not here
                        self._add_article(
                            os.fspath(index), key, url_name(entry.name), bundle, taken
                        )
                elif _is_article_file(entry):
                    stem, language = languages.split(entry.name)
                    if languages.mine(language) and stem not in _INDEX_STEMS:
                        self._add_article(entry.path, key, url_name(stem), None, taken)
            return Folder(
                section,
                tuple(subfolders),
                # Newest first, as every list is: the snapshot's sort of all articles then
                # merges the folders' runs (0.09 s against 0.04 s at 100,000 articles).
                tuple(sorted(self.articles, key=newest_first, reverse=True)),
                tuple(self.problems),
                frozenset(self.seen),
            )
        finally:
            self.articles, self.problems, self.seen = outer

    def _reread(
        self, folder: str, key: SectionKey, own: Folder, changed: set[str]
    ) -> Folder | None:
        """The folder with its edited articles read again, when its only changes are edits
        of files it serves without a problem, each still a plain file, and each edit keeps
        its article's slug and brings no problem; otherwise None, and it is listed again.

        Listing and checking a folder of 25,000 files took 1.5 s of an edit's reload.
        """
        at = {article.file: n for n, article in enumerate(own.articles)}
        if not changed.isdisjoint(os.fspath(problem.path) for problem in own.problems):
            return None
        articles = list(own.articles)
        outer = self.articles, self.problems, self.seen
        try:
            for path in changed:
                if path not in at or os.path.dirname(path) != folder:
                    return None  # new, gone, in a bundle, or the section's own file
                with contextlib.suppress(OSError):
                    if not stat.S_ISREG(os.lstat(path).st_mode):
                        return None  # a link now, or a folder: the listing decides
                stem = self.languages.split(os.path.basename(path))[0]
                self.articles, self.problems, self.seen = [], [], set()
                before = articles[at[path]]
                self._add_article(path, key, url_name(stem), None, {})
                if self.problems or len(self.articles) != 1 or self.articles[0].slug != before.slug:
                    return None
                articles[at[path]] = self.articles[0]
        finally:
            self.articles, self.problems, self.seen = outer
        return replace(own, articles=tuple(articles))

    def _confined(self, entry: os.DirEntry[str], chain: list[str]) -> bool:
        """Whether to follow an entry: a link must stay in the content folder and not loop."""
        if not entry.is_symlink():
            return True
        real = os.path.realpath(entry.path)
        if not _within(real, self.root):
            message = "a symbolic link to a place outside the content folder is ignored"
            fix = "put the file or folder itself here, or remove the link"
        elif real in chain:
            message = "a symbolic link to a folder that holds it is ignored: it loops"
            fix = "remove the link"
        else:
            return True
        self.problems.append(Problem(Path(entry.path), None, message, fix))
        return False

    def _numbered(self, key: SectionKey, name: str, path: Path) -> bool:
        """Whether ``name`` in section ``key`` is an address of ours (``/page/2/``, the
        front page's second page), said as an error: then it is not served."""
        if len(key) != 1 or key[0] not in NUMBERED_TOP_LEVEL:
            return False
        if not (name.isascii() and name.isdigit()):
            return False
        self.problems.append(
            Problem(
                path,
                None,
                f"/{key[0]}/{name}/ is the front page's page {name}; this is not served",
                "give it a name that is not a number alone",
            )
        )
        return True

    def _section_with_bundle_index(self, folder: Path) -> None:
        """Say so when a section's folder has an article's ``index.md`` too: Hugo reads the
        folder as the section and leaves the article out, and so does this reader."""
        index = self.languages.bundle_index(os.fspath(folder))
        if index is not None:
            self.problems.append(
                Problem(
                    folder / index,
                    None,
                    "not an article: the folder's _index.md makes it a section, as Hugo reads "
                    "it, and the section's pages are the folders and files inside it",
                    "move the article into a folder of its own (news/story/index.md)",
                    Severity.WARNING,
                )
            )

    def _reserved(self, entry: Path) -> None:
        self.problems.append(
            Problem(
                entry,
                None,
                f"a top-level section may not be called {entry.name!r}; its URL is taken",
                "rename the folder",
            )
        )

    def _ugly_address(self, key: SectionKey) -> tuple[str, ...]:
        """A section's address on a Hugo site with uglyURLs (``/posts.html``): an alias."""
        return ("/" + "/".join(key) + ".html/",) if self.settings.ugly_urls and key else ()

    def _taxonomy_folder(self, folder: Path) -> None:
        # Hugo reads a taxonomy's folder for its pages' titles (_index.md); here the
        # interface names them. Anything else in it would be lost, so it is said.
        stray = [
            p
            for p in folder.rglob("*")
            if p.name.lower().endswith(MARKDOWN_SUFFIXES) and p.stem.split(".")[0] != "_index"
        ]
        if stray:
            self.problems.append(
                Problem(
                    folder,
                    None,
                    f"{folder.name!r} is a taxonomy of the site: its folder is not a section, "
                    f"and {len(stray)} article(s) in it are not served",
                    "move them to a section, or rename the taxonomy in the config",
                )
            )

    def _section(self, folder: Path, key: SectionKey) -> Section:
        title = folder.name if key else self.settings.title
        if key and self.settings.capitalize_titles:  # as Hugo names it: "posts" is Posts
            title = title[:1].upper() + title[1:]
        index = self.languages.index_file(folder, SECTION_INDEX)
        if index is None:
            return Section(key, title, aliases=self._ugly_address(key))
        entry = self._read(os.fspath(index))
        if entry is None or entry.parsed.document is None:
            return Section(key, title, source=index, aliases=self._ugly_address(key))
        document = entry.parsed.document
        meta = document.meta
        weight = meta.get("weight", 0)
        if not isinstance(weight, int) or isinstance(weight, bool):
            self._warn(index, document.line_of("weight"), "weight must be a whole number", "")
            weight = 0
        return Section(
            key,
            section_text(meta, "title") or title,
            section_text(meta, "description"),
            weight,
            index,
            section_aliases(meta, key) + self._ugly_address(key),
            menu_entry(meta),
        )

    def _read(self, name: str) -> Entry | None:
        """The parsed file, from the cache while its modification time and size are unchanged.

        By name, not ``Path``: a walk checks every file, and making a ``Path`` of each was a
        fifth of a walk under the profiler (0.04 s of a build's check of 10,000 files).
        """
        try:
            status = os.stat(name)
        except OSError as error:
            self.problems.append(unreadable(Path(name), error))
            return None
        stamp = (status.st_mtime_ns, status.st_size)
        self.seen.add(name)
        entry = self.cache.lookup(name, stamp)
        if entry is None:
            before = self.cache.entry(name)
            if before is not None:
                self.replaced[name] = before
            parsed = parsing.parse_file(
                Path(name), self.thorough, self.settings.content_dir, self.settings.trusted_hosts
            )
            entry = Entry(stamp, parsed)
            self.read.add(name)
            self.cache.store(name, entry)
        self.problems.extend(entry.parsed.problems)
        return entry

    def _last_good_version(self, path: Path, said: Iterable[tuple[str, Any]]) -> Article | None:
        """After an edit that breaks the file, the version read before, if there was one."""
        before = self.replaced.get(os.fspath(path))
        last = before.built[0] if before is not None and before.built is not None else None
        if last is None:
            return None
        kept = last_good_version(last, said, self.settings.timezone)
        if kept.draft:
            message = "the article is withdrawn until the file is fixed: the new text holds it back"
        elif (kept.publish_date, kept.expiry_date) != (last.publish_date, last.expiry_date):
            message = (
                "the version read before is kept until the file is fixed, held back or "
                "expiring by the dates the new text sets"
            )
        else:
            message = "the version read before this edit stays published until the file is fixed"
        self.problems.append(Problem(path, None, message, "fix the errors above", Severity.WARNING))
        return kept

    def _warn(self, path: Path, line: int | None, message: str, fix: str) -> None:
        self.problems.append(Problem(path, line, message, fix or "correct it", Severity.WARNING))

    def _add_article(
        self,
        name: str,
        section: SectionKey,
        default_slug: str,
        bundle: Path | None,
        taken: dict[str, str],
    ) -> None:
        """Add the article of the file at ``name`` unless it is unpublishable or its
        address is ``taken`` (by an earlier file or a subfolder, named by path)."""
        entry = self._read(name)
        if entry is None:
            return
        kept = entry.built
        if kept is None:
            before = len(self.problems)
            document = entry.parsed.document
            built = None
            said: Iterable[tuple[str, Any]] = entry.parsed.lenient
            rendered = document is None or is_rendered(document.meta)
            if document is not None and rendered:
                parsed = entry.parsed
                source = Source(
                    Path(name),
                    document,
                    entry.stamp,
                    parsed.lead,
                    parsed.body_problems,
                    parsed.lead_whole,
                )
                built, problems = build_article(
                    self.settings, source, section, default_slug, bundle
                )
                self.problems.extend(problems)
                said = document.meta.items()
            if built is None and rendered:
                built = self._last_good_version(Path(name), said)
            # The front matter and the first paragraph, read into the article, can go.
            slug_line = document.line_of("slug") if document is not None else None
            kept = (built, tuple(self.problems[before:]))
            entry.settle(kept, slug_line)
        else:
            self.problems.extend(kept[1])
        article = kept[0]
        if article is None:
            return
        if bundle is not None:
            # A bundle's files change without its index.md changing: list them every time.
            resources = frozenset(bundle_files(bundle))
            if resources != article.resources:
                article = replace(article, resources=resources)
            article = _with_bundle_cover(article)
            if article.image_from_bundle and not article.image_alt:
                self.problems.append(
                    Problem(
                        Path(name),
                        None,
                        f"the lead image (the bundle's {article.image}) has no alt text",
                        "add 'image_alt: ...' describing what the image shows",
                        Severity.WARNING,
                    )
                )
        if article.image:
            # The lead image may be replaced without its article changing: look every time.
            facts = self._lead_image_facts(self._locate(article.image, bundle))
            known = (
                article.image_length,
                article.image_width,
                article.image_height,
                article.image_file,
                article.image_mtime,
                article.image_key,
            )
            if facts != known:
                length, width, height, file, mtime, key = facts
                article = replace(
                    article,
                    image_length=length,
                    image_width=width,
                    image_height=height,
                    image_file=file,
                    image_mtime=mtime,
                    image_key=key,
                )
        if article is not kept[0]:
            entry.built = (article, kept[1])
        if self._numbered(article.section, article.slug, Path(name)):
            return
        clash = taken.get(article.slug)
        if clash is not None:
            # Both files are named, and which one is served, so the editor knows what the
            # readers see: the first in file-name order, which no later file can displace.
            url = "/" + "/".join((*article.section, article.slug)) + "/"
            fix = "give one of them another slug in its front matter, or rename one"
            line = entry.parsed.document.line_of("slug") if entry.parsed.document else None
            path, first = Path(name), Path(clash)
            self.problems.append(
                Problem(
                    path, line, f"{url} is already {first.name}'s; this file is not served", fix
                )
            )
            self.problems.append(
                Problem(
                    first,
                    None,
                    f"{url} is also claimed by {path.name}; this file is served, being first "
                    "in file-name order",
                    fix,
                    Severity.WARNING,
                )
            )
            return
        taken[article.slug] = name
        self.articles.append(article)

    def _locate(self, src: str, bundle: Path | None) -> Path | None:
        """The file behind an image address, looked up once per walk (many articles share)."""
        key = (src, bundle)
        if key not in self._located:
            self._located[key] = local_file(src, bundle, self.settings.static_dir)
        return self._located[key]

    def _lead_image_facts(self, path: Path | None) -> tuple[int, int, int, str, int, str]:
        """Size in bytes, width, height, file, its modification time and the key naming its
        renditions, of a lead image we serve; zeros when unknown."""
        if path is None:
            return 0, 0, 0, "", 0, ""
        if path in self._measured:  # many articles share an image; look once per walk
            return self._measured[path]
        try:
            status = path.stat()
        except OSError:
            return 0, 0, 0, "", 0, ""
        stamp = (status.st_mtime_ns, status.st_size)
        known = self.cache.images.get(path)
        if known is not None and known[0] == stamp:
            size = known[1]
        else:
            width, height = intrinsic_size(path) or (0, 0)
            size = (status.st_size, width, height)
            self.cache.images[path] = (stamp, size)
        # Not the file time: a git checkout sets it, so no two machines would agree.
        place = Path(os.path.relpath(path.resolve(), self._site_root)).as_posix()
        key = hashlib.sha256(f"{place}\0{size[0]}\0{size[1]}\0{size[2]}".encode()).hexdigest()
        facts = (*size, os.fspath(path), status.st_mtime_ns, key[:20])
        self._measured[path] = facts
        return facts


def _same_folder(old: Folder, new: Folder) -> bool:
    """Whether a folder listed again holds what it held (unchanged articles are reused)."""
    return (
        old.files == new.files
        and old.section == new.section
        and old.subfolders == new.subfolders
        and old.problems == new.problems
        and len(old.articles) == len(new.articles)
        and all(a is b for a, b in zip(old.articles, new.articles, strict=True))
    )


def is_ignored(name: str) -> bool:
    """Whether a file or folder name is one the site ignores: hidden, or an editor's backup
    (and so an editor's temporary file, which it saves through before renaming)."""
    return name.startswith(".") or name.endswith("~")


def _visible_entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as scan:
            entries = [e for e in scan if not is_ignored(e.name)]
    except OSError:
        return []
    return sorted(entries, key=lambda e: e.name)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link into a loop of links: not a folder we can walk
        return False


_INDEX_STEMS = frozenset(name.rsplit(".", 1)[0] for name in (SECTION_INDEX, BUNDLE_INDEX))


class FileLanguages:
    """Which content files are in the language being loaded, on a multilingual site.

    Hugo's two ways: a language with a ``contentDir`` of its own has every file there
    (``about.md``); languages sharing ``content/`` tell theirs by a suffix (``about.en.md``),
    a file without one being the root language's. On a site with one language every file
    is its own.
    """

    def __init__(self, settings: Settings) -> None:
        self.key = settings.language_key or settings.root_language
        self.keys = frozenset(language.key for language in settings.languages) if self.key else ()
        own = settings.site_language
        self.unsuffixed = bool(own and own.content_dir) or self.key == settings.root_language
        self.others = frozenset(
            os.path.realpath(settings.site_dir / language.content_dir)
            for language in settings.languages
            if language.content_dir and language.key != self.key
        )
        """Other languages' own content folders, which may sit inside this one's."""

    def split(self, name: str) -> tuple[str, str | None]:
        """A file's name without its Markdown suffix, and the language its suffix names."""
        stem = name.rsplit(".", 1)[0]
        base, dot, suffix = stem.rpartition(".")
        if dot and suffix.lower() in self.keys:
            return base, suffix.lower()
        return stem, None

    def mine(self, language: str | None) -> bool:
        """Whether a file of this language (None: no suffix) is in the language loaded."""
        return language == self.key if language is not None else self.unsuffixed

    def index_file(self, folder: Path, name: str) -> Path | None:
        """A section's or bundle's index in this language (``_index.en.md``), if it has one."""
        if self.key:
            own = folder / name.replace(".md", f".{self.key}.md")
            if own.is_file():
                return own
        plain = folder / name
        return plain if self.unsuffixed and plain.is_file() else None

    def is_other_language(self, folder: Path) -> bool:
        """Whether a folder is another language's content (``content/en`` inside
        ``content``): that language's, never a section of this one."""
        return bool(self.others) and os.path.realpath(folder) in self.others

    def is_bundle(self, folder: str) -> bool:
        """Whether a folder is a page bundle, in any language (then it is never a section):
        it has an ``index.md`` and no ``_index.md`` (with both, Hugo reads a section)."""
        return self.bundle_index(folder) is not None and not self._has_any(folder, SECTION_INDEX)

    def bundle_index(self, folder: str) -> str | None:
        """A folder's ``index.md``, in any language, if it has one."""
        names = [BUNDLE_INDEX, *(f"index.{key}.md" for key in self.keys)]
        return next((n for n in names if os.path.isfile(os.path.join(folder, n))), None)

    def _has_any(self, folder: str, index: str) -> bool:
        stem = index.removesuffix(".md")
        names = [index, *(f"{stem}.{key}.md" for key in self.keys)]
        return any(os.path.isfile(os.path.join(folder, name)) for name in names)


def _is_article_file(entry: os.DirEntry[str]) -> bool:
    if not entry.name.lower().endswith(MARKDOWN_SUFFIXES):
        return False
    try:
        return entry.name not in (SECTION_INDEX, BUNDLE_INDEX) and entry.is_file()
    except OSError:  # a link into a loop of links
        return False


def _with_bundle_cover(article: Article) -> Article:
    """The article with its bundle's cover as its lead image when its front matter names
    none, and without one that is gone."""
    if article.image and not article.image_from_bundle:
        return article
    cover = bundle_cover(article.resources)
    if cover == article.image:
        return article
    return replace(
        article,
        image=cover,
        image_from_bundle=bool(cover),
        image_type=mimetypes.guess_type(cover)[0] or "" if cover else "",
        image_length=0,
        image_width=0,
        image_height=0,
        image_file="",
        image_mtime=0,
        image_key="",
    )


_COVER_NAMES = (("feature",), ("cover", "thumbnail"))
"""What a bundle's image is named to be its page's image, as Hugo looks for one for link
previews: ``*feature*``, else ``*cover*`` or ``*thumbnail*``."""


def bundle_cover(resources: Iterable[str]) -> str:
    """The image among a bundle's files (its own, not in a folder of it) named as its page's
    cover, the shortest name first (``featured-image.jpg`` before its ``-preview``); ""."""
    images = sorted(
        (name for name in resources if "/" not in name and _is_image(name)),
        key=lambda name: (len(name), name),
    )
    for words in _COVER_NAMES:
        found = next((n for n in images if any(w in n.lower() for w in words)), None)
        if found is not None:
            return found
    return ""


def _is_image(name: str) -> bool:
    kind = mimetypes.guess_type(name)[0]
    return kind is not None and kind.startswith("image/")


def bundle_files(bundle: Path) -> Iterator[str]:
    """A page bundle's files that are served beside its article, relative to the bundle.

    Its sources (Markdown) are not, nor hidden files, nor anything a link leads to outside
    the bundle: only what really is in the bundle's folder.
    """
    root = os.path.realpath(bundle)
    for directory, folders, names in os.walk(bundle):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(names):
            path = os.path.join(directory, name)
            real = os.path.realpath(path)
            hidden = name.startswith(".")
            source = name.lower().endswith(MARKDOWN_SUFFIXES) or real.lower().endswith(
                MARKDOWN_SUFFIXES
            )
            if not hidden and not source and _within(real, root) and os.path.isfile(real):
                yield Path(path).relative_to(bundle).as_posix()


def url_name(name: str) -> str:
    """A file or folder name as a URL segment: in NFC, so that ``café`` saved decomposed
    (as macOS writes names) and composed is one URL."""
    return name if name.isascii() else unicodedata.normalize("NFC", name)


def _within(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _shared_old_addresses(articles: Sequence[Article], content: Path) -> list[Problem]:
    """A warning for each article whose old address (``aliases``, ``url``, a Hugo
    permalink) another file claims too: it leads to the oldest of them (``build_snapshot``),
    which an editor should know. Only ``reader check`` looks: a pass over every address."""
    claimants: dict[str, list[Article]] = {}
    for article in articles:
        for alias in () if article.draft else article.aliases:  # a draft claims nothing yet
            claimants.setdefault(alias.rstrip("/") + "/", []).append(article)
    problems = []
    for address, claiming in claimants.items():
        if len({article.key for article in claiming}) < 2:
            continue
        oldest = min(claiming, key=newest_first)
        for article in sorted(
            {a.key: a for a in claiming if a.key != oldest.key}.values(), key=newest_first
        ):
            problems.append(
                Problem(
                    article.source_path,
                    None,
                    f"its old address {address} is also "
                    f"{os.path.relpath(oldest.file, content)}'s, and leads there (to the "
                    "oldest of the articles claiming it)",
                    "give one of them another 'url' or 'aliases' in its front matter",
                    Severity.WARNING,
                )
            )
    return problems


def _assign_unique_ids(
    articles: list[Article], problems: list[Problem], settings: Settings
) -> list[Article]:
    """Keep the ``tag:`` ids of old articles what earlier versions made them; warn of clashes.

    Entry ids are canonical URLs, unique by construction, except for two kinds: an ``id``
    pinned in two files, which is reported and left alone, and the derived ids kept for
    articles dated before ``tag_ids_before``, which earlier versions made unique by
    appending the slug, in file order, over every article; they are kept exactly so.
    """
    if settings.tag_ids_before is None:
        # Then only pinned ids are kept, and few articles pin one: when none clash, every
        # article stays as it is, without the pass below (0.6 s for a million articles).
        pinned = [a.id for a in articles if a.id_pinned]
        if len(set(pinned)) == len(pinned):
            return articles
    seen: dict[str, str] = {}
    result = []
    for article in articles:
        kept = article.id_pinned or is_tag_id_dated(settings, article)
        if kept and article.id in seen:
            problems.append(
                Problem(
                    article.source_path,
                    None,
                    f"its feed id {article.id!r} is also the id of {seen[article.id]}",
                    "give one of them a unique 'id: ...' line in the front matter",
                    Severity.WARNING,
                )
            )
            if not article.id_pinned:
                article = replace(article, id=f"{article.id}-{quote(article.slug, safe='')}")
        if kept:
            seen[article.id] = article.file
        result.append(article)
    return result
