"""Writes imported articles as page bundles inside ``content/``, and only there.

Every folder and file name is made here from letters, digits and hyphens (pinyin for
Chinese), so no title, slug or path of the source can name a place outside ``content/``.
What was written is recorded with a hash of its text (``.reader-import.json`` in the site
folder), so importing again updates the same file, never a second copy, and never a file an
editor has changed since.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from reader.hygiene import script_of, script_of_language
from reader.importing.record import ImageRef, Imported
from reader.tidy import write_atomically

MANIFEST = ".reader-import.json"
JOURNAL = ".reader-import.journal"
"""Each article written since the manifest was, a JSON line each: an import stopped half
way (a full disk, Ctrl-C) is known to the next, which would otherwise write it all again
under new names."""
MAX_IMAGE_BYTES = 20 * 1024 * 1024
"""A downloaded image larger than this is not kept (its address stays in the text)."""
IMAGE_TIMEOUT_SECONDS = 10.0
_IMAGE_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/avif": ".avif",
    "image/svg+xml": ".svg",
}


class Outcome(Enum):
    """What became of one article."""

    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    """Its file was changed by an editor since it was imported: left as it is."""


@dataclass
class Written:
    """One article's outcome, where, and what to tell the editor about it."""

    outcome: Outcome
    path: Path
    problems: list[str] = field(default_factory=list)


def _journalled(path: Path) -> dict[str, dict[str, str]]:
    """The articles an import stopped half way wrote, by key (none without a journal); a
    line the stop cut short is left out."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    found: dict[str, dict[str, str]] = {}
    for line in lines:
        try:
            key, entry = json.loads(line)
            found[str(key)] = {"path": str(entry["path"]), "sha256": str(entry["sha256"])}
        except (ValueError, TypeError, KeyError):
            continue
    return found


@functools.lru_cache(maxsize=4096)
def slug(text: str, limit: int = 5) -> str:
    """A URL-safe name of at most ``limit`` words: Latin words as they are (lower case),
    Chinese as pinyin, two syllables a word as most Chinese words are (新聞資訊 is
    ``xinwen-zixun``); "" when nothing readable is left."""
    from pypinyin import lazy_pinyin

    words: list[str] = []
    for part in re.findall(r"[\u3400-\u9fff]+|[A-Za-z0-9]+", unicodedata.normalize("NFKC", text)):
        if part.isascii():
            words.append(part.lower())
            continue
        syllables = [s.replace("ü", "v") for s in lazy_pinyin(part)]
        words += ["".join(syllables[i : i + 2]) for i in range(0, len(syllables), 2)]
    return "-".join(w for w in words[:limit] if re.fullmatch(r"[a-z0-9]+", w))


class Writer:
    """Writes articles into one site's ``content/`` (or says what it would, dry)."""

    def __init__(
        self,
        site: Path,
        *,
        section: tuple[str, ...] = (),
        mapping: dict[str, str] | None = None,
        dry_run: bool = False,
        download: bool = True,
        language: str = "",
    ) -> None:
        self.site = site
        self.language = language
        self.content = (site / "content").resolve()
        self.section = section
        self.mapping = mapping or {}
        self.dry_run = dry_run
        self.download = download
        self.manifest_path = site / MANIFEST
        self.journal_path = site / JOURNAL
        self.manifest: dict[str, dict[str, str]] = {}
        if self.manifest_path.is_file():
            try:
                self.manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.manifest = {}
        self.manifest.update(_journalled(self.journal_path))
        self._taken: set[Path] = {self.content / e["path"] for e in self.manifest.values()}
        """Articles' bundle folders: this import's, and the imports' before it."""
        self._section_dirs: set[Path] = set()
        """Section folders this import has named, to keep articles' bundles out of them."""

    def write(self, article: Imported) -> Written:
        """Write one article as ``content/SECTION/SLUG/index.md`` with its images."""
        key = article.canonical or article.origin
        known = self.manifest.get(key)
        folder = self.content / known["path"] if known else self._new_folder(article)
        index = folder / "index.md"
        self._inside(index)
        problems: list[str] = []
        if known and index.is_file() and _digest(index.read_bytes()) != known["sha256"]:
            skipped = f"{index}: changed since it was imported; left as it is"
            return Written(Outcome.SKIPPED, index, [skipped])
        images = self._images(article, folder, problems)
        text = _document(article, images, self.content, folder, self.language)
        outcome = Outcome.IMPORTED
        if known and index.is_file():
            outcome = (
                Outcome.UNCHANGED if index.read_text(encoding="utf-8") == text else Outcome.UPDATED
            )
        if self.dry_run or outcome is Outcome.UNCHANGED:
            return Written(outcome, index, problems)
        self._sections(article, folder)
        write_atomically(index, text.encode())
        entry = {
            "path": folder.relative_to(self.content).as_posix(),
            "sha256": _digest(text.encode()),
        }
        self.manifest[key] = entry
        # Once the article is there: a line about an article not written would have the
        # next import take the older text for an editor's change, and leave it.
        try:
            with self.journal_path.open("a", encoding="utf-8") as journal:
                journal.write(json.dumps([key, entry], ensure_ascii=False) + "\n")
        except OSError as error:
            problems.append(
                f"{index}: written, but not noted for an import that follows a stop "
                f"({error.strerror}); if this one stops too, the next writes it again"
            )
        return Written(outcome, index, problems)

    def save_manifest(self) -> None:
        """Record what was written, for the next import (the journal's lines with it)."""
        if not self.dry_run:
            data = json.dumps(self.manifest, ensure_ascii=False, indent=1, sort_keys=True)
            write_atomically(self.manifest_path, data.encode())
            self.journal_path.unlink(missing_ok=True)

    def _section_names(self, article: Imported) -> list[tuple[str, str]]:
        """(folder name, title) of each section of the article, outermost first."""
        if article.page:
            return self._given_section()
        if article.section is not None:
            titles = article.section_titles or article.section
            named = list(zip(article.section, titles, strict=False))
        else:
            named = [(self.mapping.get(c) or slug(c), c) for c in article.crumbs]
        named = [(_safe_name(n), t) for n, t in named]
        return self._given_section() + [(n, t) for n, t in named if n]

    def _given_section(self) -> list[tuple[str, str]]:
        """``--section``'s folders, made safe like any other name."""
        return [(_safe_name(s), s) for s in self.section if _safe_name(s)]

    def _section_folders(self, article: Imported) -> list[tuple[Path, str]]:
        """Each section's folder and title, outermost first. A name an article's bundle has
        already (新闻动态, an article's and a section's) is numbered: a folder holding an
        ``index.md`` is that article's, and nothing under it is read."""
        current, folders = self.content, []
        for name, title in self._section_names(article):
            folder, number = current / name, 1
            while folder in self._taken or (folder / "index.md").exists():
                number += 1
                folder = current / f"{name}-{number}"
            self._section_dirs.add(folder)
            folders.append((folder, title))
            current = folder
        return folders

    def _new_folder(self, article: Imported) -> Path:
        sections = self._section_folders(article)
        parent = sections[-1][0] if sections else self.content
        base = (
            _safe_name(article.slug)
            or slug(article.title)
            or (article.date.strftime("%Y%m%d") if article.date else "article")
        )
        folder, number = parent / base, 1
        while (
            folder in self._taken
            or folder in self._section_dirs
            or (folder / "index.md").exists()
            or (folder / "_index.md").exists()
            or folder.with_suffix(".md").exists()
        ):
            number += 1
            folder = parent / f"{base}-{number}"
        self._taken.add(folder)
        return folder

    def _sections(self, article: Imported, folder: Path) -> None:
        """Give each new section folder an ``_index.md`` with its title as the old site had
        it; an existing one is the editors' and is left alone."""
        for section, title in self._section_folders(article):
            index = section / "_index.md"
            self._inside(index)
            if not index.exists():
                section.mkdir(parents=True, exist_ok=True)
                front = _yaml({"title": title})
                write_atomically(index, f"---\n{front}---\n".encode())
        folder.mkdir(parents=True, exist_ok=True)

    def _images(self, article: Imported, folder: Path, problems: list[str]) -> dict[str, str]:
        """Each image's new name in the bundle, by its old address; one not fetched keeps
        its address, and is said (and tried again on the next import)."""
        names: dict[str, str] = {}
        seen: set[str] = set()
        for number, image in enumerate(article.images, start=1):
            if image.src in seen:
                continue
            seen.add(image.src)
            data, media = self._fetch(image, problems, article.origin)
            if data is None:
                continue
            suffix = _IMAGE_TYPES.get(media) or Path(urlsplit(image.src).path).suffix.lower()
            if suffix not in _IMAGE_TYPES.values():
                problems.append(f"{article.origin}: {image.src} is not an image; left out")
                continue
            name = f"image-{number}{suffix}"
            names[image.src] = name
            if not image.alt:
                problems.append(
                    f"{article.origin}: {image.src} has no alt text; "
                    f"add it in {folder.name}/index.md"
                )
            if not self.dry_run:
                folder.mkdir(parents=True, exist_ok=True)
                self._inside(folder / name)
                write_atomically(folder / name, data)
        return names

    def _fetch(self, image: ImageRef, problems: list[str], origin: str) -> tuple[bytes | None, str]:
        if image.local is not None:
            try:
                return image.local.read_bytes()[: MAX_IMAGE_BYTES + 1], _guess(image.local.name)
            except OSError as error:
                problems.append(f"{origin}: {image.local} cannot be read ({error.strerror})")
                return None, ""
        if not self.download or not image.src.startswith(("http://", "https://")):
            problems.append(f"{origin}: {image.src} not fetched; its address is kept")
            return None, ""
        import httpx

        try:
            with httpx.stream(
                "GET", image.src, timeout=IMAGE_TIMEOUT_SECONDS, follow_redirects=True
            ) as response:
                response.raise_for_status()
                data = b""
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > MAX_IMAGE_BYTES:
                        raise ValueError(f"larger than {MAX_IMAGE_BYTES // 2**20} MB")
                media = response.headers.get("content-type", "").split(";")[0].strip()
                return data, media
        except (httpx.HTTPError, ValueError) as error:
            problems.append(
                f"{origin}: {image.src} could not be fetched ({error}); its address is kept, "
                "and the next import tries again"
            )
            return None, ""

    def _inside(self, path: Path) -> None:
        """Refuse any write outside ``content/``, through a symbolic link too."""
        resolved = path.parent.resolve() / path.name
        if not resolved.is_relative_to(self.content) or path.is_symlink():
            raise ValueError(f"{path} is outside {self.content}; nothing written there")


def _document(
    article: Imported, images: dict[str, str], content: Path, folder: Path, language: str
) -> str:
    """The article's Markdown file: front matter, then the body with its images renamed;
    its ``lang`` when it is written in the other script than the site's."""
    body = article.body
    for src, name in images.items():
        body = body.replace(f"]({src})", f"]({name})")
    meta: dict[str, Any] = {"title": article.title}
    if article.date is not None and not article.page:
        meta["date"] = article.date.isoformat()
    for key in ("kicker", "source", "author", "summary"):
        value = getattr(article, key)
        if value:
            meta[key] = value
    if article.tags:
        meta["tags"] = list(article.tags)
    lead = article.lead
    if lead is not None and lead.src in images:
        meta["image"] = images[lead.src]
        if lead.alt:
            meta["image_alt"] = lead.alt
    if article.canonical:
        meta["id"] = article.canonical
    aliases = [*([urlsplit(article.canonical).path] if article.canonical else []), *article.aliases]
    own = "/" + folder.relative_to(content).as_posix() + "/"
    aliases = [a for a in dict.fromkeys(aliases) if a and a != own and a != "/"]
    if aliases:
        meta["aliases"] = aliases
    expected = script_of_language(language)
    written = script_of(article.title + article.body) if expected else None
    if written and written != expected:
        meta["lang"] = written
    if article.draft:
        meta["draft"] = True
    front = _yaml(meta)
    return f"---\n{front}---\n\n{body.strip()}\n"


def _yaml(meta: dict[str, Any]) -> str:
    """Front matter as YAML, with libyaml's emitter where PyYAML has it (five times faster)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(meta, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000)


def _safe_name(name: str) -> str:
    """A folder name of letters, digits and hyphens only: no dots, no slashes, ever."""
    return re.sub(r"[^a-z0-9-]", "", name.lower())[:60].strip("-")


def _guess(name: str) -> str:
    import mimetypes

    return mimetypes.guess_type(name)[0] or ""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
