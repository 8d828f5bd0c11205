"""Walk a site's content folder into a catalog of sections and articles, and its problems."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nh3

from reader.config import Settings, normalize_language
from reader.dates import parse_date
from reader.frontmatter import Document, FrontMatterError, parse_document
from reader.markdown import RenderedBody, render_markdown
from reader.model import Article, Problem, Section, SectionKey, Severity

SECTION_INDEX = "_index.md"
BUNDLE_INDEX = "index.md"
SUMMARY_LENGTH = 160
RESERVED_TOP_LEVEL = frozenset({"tags", "_assets"})
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


@dataclass(frozen=True)
class Catalog:
    """Everything the content folder holds, published or not, in file order."""

    sections: dict[SectionKey, Section]
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]


class ParseCache:
    """Parsed files by path, reused while a file's modification time and size are unchanged.

    A reload then re-reads only what changed, so an edit shows up quickly in a large store.
    """

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[int, int], _Parsed]] = {}

    def lookup(self, path: Path, stamp: tuple[int, int]) -> _Parsed | None:
        """The cached parse of ``path`` if it was made from the same file version."""
        entry = self._entries.get(path)
        return entry[1] if entry is not None and entry[0] == stamp else None

    def store(self, path: Path, stamp: tuple[int, int], parsed: _Parsed) -> None:
        """Remember a parse of one file version."""
        self._entries[path] = (stamp, parsed)

    def retain(self, paths: set[Path]) -> None:
        """Forget files that are gone."""
        for path in self._entries.keys() - paths:
            del self._entries[path]

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class _Parsed:
    """One file read, split and rendered; or why it could not be."""

    document: Document | None
    body: RenderedBody | None
    problems: tuple[Problem, ...]


def _parse_file(path: Path) -> _Parsed:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problem = Problem(path, None, f"the file is not UTF-8 ({error.reason})", "save it as UTF-8")
        return _Parsed(None, None, (problem,))
    except OSError as error:
        return _Parsed(None, None, (_unreadable(path, error),))
    try:
        document = parse_document(text)
    except FrontMatterError as error:
        return _Parsed(None, None, (Problem(path, error.line, error.message, error.fix),))
    body = render_markdown(document.body, path=path, first_line=document.body_line)
    return _Parsed(document, body, ())


def _unreadable(path: Path, error: OSError) -> Problem:
    return Problem(path, None, f"cannot read the file ({error.strerror})", "check its permissions")


def load_catalog(settings: Settings, cache: ParseCache | None = None) -> Catalog:
    """Read every section and article below the content folder; never raise on bad files."""
    cache = cache if cache is not None else ParseCache()
    walker = _Walker(settings, cache)
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
    cache.retain(walker.seen)
    articles = _assign_unique_ids(walker.articles, walker.problems)
    return Catalog(walker.sections, tuple(articles), tuple(walker.problems))


class _Walker:
    def __init__(self, settings: Settings, cache: ParseCache) -> None:
        self.settings = settings
        self.cache = cache
        self.seen: set[Path] = set()
        self.sections: dict[SectionKey, Section] = {}
        self.articles: list[Article] = []
        self.problems: list[Problem] = []

    def walk_section(self, folder: Path, key: SectionKey) -> None:
        self.sections[key] = self._section(folder, key)
        taken: dict[str, Path] = {}
        for entry in _visible_entries(folder):
            if entry.is_dir() and not (entry / BUNDLE_INDEX).is_file():
                if not key and entry.name in RESERVED_TOP_LEVEL:
                    self._reserved(entry)
                    continue
                taken[entry.name] = entry
                self.walk_section(entry, (*key, entry.name))
        for entry in _visible_entries(folder):
            if entry.is_dir() and (entry / BUNDLE_INDEX).is_file():
                self._add_article(entry / BUNDLE_INDEX, key, entry.name, entry, taken)
            elif _is_article_file(entry):
                self._add_article(entry, key, entry.stem, None, taken)

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
        parsed = self._read(index)
        if parsed is None or parsed.document is None:
            return Section(key, title, source=index)
        document = parsed.document
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

    def _read(self, path: Path) -> _Parsed | None:
        """The parsed file, from the cache while its modification time and size are unchanged."""
        try:
            status = path.stat()
        except OSError as error:
            self.problems.append(_unreadable(path, error))
            return None
        stamp = (status.st_mtime_ns, status.st_size)
        self.seen.add(path)
        parsed = self.cache.lookup(path, stamp)
        if parsed is None:
            parsed = _parse_file(path)
            self.cache.store(path, stamp, parsed)
        self.problems.extend(parsed.problems)
        return parsed if parsed.document is not None else None

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
        parsed = self._read(path)
        if parsed is None or parsed.document is None or parsed.body is None:
            return
        document = parsed.document
        article = self._article(document, parsed.body, path, section, default_slug, bundle)
        if article is None:
            return
        clash = taken.get(article.slug)
        if clash is not None:
            self.problems.append(
                Problem(
                    path,
                    document.line_of("slug"),
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
        body: RenderedBody,
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
        self.problems.extend(body.problems)
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
            body_html=body.html,
            source_path=path,
            id=_text(meta.get("id")),
            summary=_text(meta.get("summary") or meta.get("description")) or _summarize(body.html),
            source=_text(meta.get("source")),
            author=_people(meta.get("author") or meta.get("authors")),
            tags=self._tags(meta, path, document),
            draft=meta.get("draft") is True,
            kicker=_text(meta.get("kicker")),
            image=image,
            image_alt=image_alt,
            aliases=self._aliases(meta.get("aliases"), section, path, document),
            lang=normalize_language(_text(meta.get("lang"))) if meta.get("lang") else "",
            bundle_dir=bundle,
            resources=frozenset(_bundle_files(bundle)) if bundle else frozenset(),
        )

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


def _visible_entries(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return iter(())
    return (e for e in entries if not e.name.startswith(".") and not e.name.endswith("~"))


def _is_article_file(entry: Path) -> bool:
    return (
        entry.is_file()
        and entry.suffix.lower() in (".md", ".markdown")
        and entry.name not in (SECTION_INDEX, BUNDLE_INDEX)
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


def _summarize(body_html: str) -> str:
    """The first paragraph's text, shortened; never a run of table cells or captions."""
    first = _FIRST_PARAGRAPH.search(body_html)
    fragment = first.group(1) if first else ""
    text = " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[:SUMMARY_LENGTH].rstrip() + "…"


def _assign_unique_ids(articles: list[Article], problems: list[Problem]) -> list[Article]:
    """Give every article a stable id: its ``id`` field, else one derived from its date."""
    seen: dict[str, Path] = {}
    result = []
    for article in articles:
        candidate = article.id or _derived_id(article)
        if candidate in seen:
            problems.append(
                Problem(
                    article.source_path,
                    None,
                    f"its feed id {candidate!r} is also derived for {seen[candidate]}",
                    "add a unique 'id: ...' line to the front matter, "
                    "or give the two articles different publication times",
                    Severity.WARNING,
                )
            )
            candidate = f"{candidate}-{quote(article.slug, safe='')}"
        seen[candidate] = article.source_path
        result.append(replace(article, id=candidate))
    return result


def _derived_id(article: Article) -> str:
    """A provisional, authority-free id: section path and publication time (see docs/store.md)."""
    section = "/".join(quote(s, safe="") for s in article.section)
    moment = article.date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{section}@{moment}"
