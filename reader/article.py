"""Front matter to Article: the declared fields an article may have, and their checks.

Every field the reader understands is declared once in ``FIELDS``, with the spellings it
is read under (ours first, then Hugo's) and its documentation, from which the table in
docs/store.md is made. The builder reads front matter only through these declarations.
"""

from __future__ import annotations

import mimetypes
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from reader.config import Settings, normalize_language
from reader.dates import is_date_only, parse_date
from reader.frontmatter import Document
from reader.hygiene import glued_kicker, script_of, script_of_language
from reader.model import Article, MenuEntry, Problem, SectionKey, Severity
from reader.scripts import term_in_script

SUMMARY_LENGTH = 160
_CLEARLY_FALSE = frozenset({"false", "no", "off", "0"})
_CLEARLY_TRUE = frozenset({"true", "yes", "on", "1"})


@dataclass(frozen=True)
class Field:
    """One front matter field: the names it is read under, and what it means."""

    names: tuple[str, ...]
    """Ours first; then the other spellings read too (Hugo's), in order of preference."""
    doc: str
    required: bool = False

    @property
    def name(self) -> str:
        """The field's own name."""
        return self.names[0]

    def spelling(self, meta: dict[str, Any]) -> str | None:
        """The first of the field's names the front matter uses, if any."""
        return next((name for name in self.names if name in meta), None)

    def raw(self, meta: dict[str, Any]) -> Any:
        """The value under the first name that holds one that is not empty."""
        for name in self.names:
            value = meta.get(name)
            if value not in (None, ""):
                return value
        return None

    def text(self, meta: dict[str, Any]) -> str:
        """The value as one line of text ("" when absent or not text)."""
        return _text(self.raw(meta))


TITLE = Field(("title",), "The headline.", required=True)
DATE = Field(
    ("date",),
    "When it was published (see *Dates*). An article dated in the future is not shown "
    "anywhere until then. A page without one (or with an empty one) is a plain page "
    "(served, in no list or feed; a note says so): its `lastmod`, else its file's time, "
    "stands in.",
)
UPDATED = Field(
    ("updated", "lastmod"),
    "When it was last changed in substance. Hugo's `lastmod` is read too. Shown, and fed "
    "out, only when it differs from `date`.",
)
SUMMARY = Field(
    ("summary", "description"),
    "A sentence for lists and feeds. Hugo's `description` is read too. Without either, the "
    "start of the body is used.",
)
SOURCE = Field(
    ("source",),
    'Where the story comes from ("來源"). Shown only when given: never an empty label.',
)
AUTHOR = Field(
    ("author", "authors"), "Who wrote it; a list (Hugo's `authors`) is joined with commas."
)
TAGS = Field(
    ("tags", "keywords", "categories"),
    "Keywords, as a list (or a comma-separated string). Hugo's `keywords` are merged in, and "
    "`categories` too on a site whose `taxonomies` leave categories out; case is ignored "
    "when merging (`Harbour` = `harbour`).",
)
TERMS = Field(
    ("categories", "series"),
    "The terms of each other taxonomy of the site (see `taxonomies`), under its plural name, "
    "as a list: `categories: [Local]`. Each term has its own page and feeds.",
)
SLUG = Field(
    ("slug",),
    "The last URL segment. Defaults to the file name without `.md`, or the bundle's folder "
    "name. Chinese is fine; it is percent-encoded in links.",
)
URL = Field(
    ("url",),
    "Hugo's: the page's whole URL path (`/about-us/`). Pages keep the reader's URLs, which "
    "follow the folders; this address redirects to the page, like an alias.",
)
MENU = Field(
    ("menu", "menus"),
    "Hugo's: `main` (or `[main]`, or `{main: {name: ..., weight: 2}}`) puts the page, or "
    "the section of an `_index.md`, in the site's main menu, by weight then name.",
)
DRAFT = Field(
    ("draft",),
    "Keeps the article out of every output unless it is clearly false (`false`, or the "
    'text `"false"`, `"no"`, `"off"` or `"0"`); anything else, `"true"` and typing '
    "mistakes included, holds it back.",
)
PUBLISH_DATE = Field(
    ("publishDate", "publishdate", "pubdate", "published"),
    "Hugo's: the article is held back until then, whatever `date` says, and appears by "
    "itself when the time comes.",
)
EXPIRY_DATE = Field(
    ("expiryDate", "expirydate", "unpublishdate"),
    "Hugo's: the article is withdrawn from every output from then on, by itself.",
)
KICKER = Field(("kicker",), "A series label shown above the headline.")
FEATURED = Field(
    ("featured",),
    "`true` pins the article as the front page's lead story (the newest pinned one leads), "
    "for the site's `featured_days` after its date unless `featured_until` is given.",
)
FEATURED_UNTIL = Field(
    ("featured_until",),
    "When the pin ends (a date, as `date`); the lead story then goes back to the newest "
    "article with a lead image, by itself.",
)
IMAGE = Field(
    ("image", "images", "featured_image", "featuredImage", "featuredimage", "cover"),
    "A lead image (relative to the article, or an absolute path or URL). Hugo's `images` "
    "list gives the first; themes' `featured_image`, `featuredImage` (LoveIt) and `cover` "
    "(PaperMod's `cover.image`, with `cover.alt`) are read too. Without any, a bundle's "
    "image named like `*feature*`, else `*cover*` or `*thumbnail*`, is the lead image, as "
    "Hugo finds one for link previews.",
)
IMAGE_ALT = Field(
    ("image_alt",), "The lead image's text alternative. An image without one is a warning."
)
ALIASES = Field(
    ("aliases",),
    "Old URLs that redirect here with `301`. A path without a leading `/` is relative to "
    "the article's section, as in Hugo.",
)
LANG = Field(
    ("lang",),
    "The article's language when it differs from the site's (`en`, `zh-Hans`, ...); it "
    "becomes the page's `<html lang>`.",
)
ID = Field(("id",), "A permanent entry id for feeds (see *Entry ids*).")
HEADLESS = Field(
    ("headless",),
    "Hugo's: `true` in a bundle's `index.md` makes the bundle a store of resources for other "
    "pages, not a page; it is not served.",
)
BUILD = Field(
    ("_build",),
    "Hugo's build options: `render: never` (or `false`) makes no page of the file; "
    "`list: never` makes it a plain page, served but in no list or feed.",
)
LAYOUT = Field(
    ("layout", "type"),
    "Hugo's: the theme layout to render with. There are no layouts here: such a page is a "
    "plain page, and without a title it is named after its file.",
)
FIELDS = (
    TITLE,
    DATE,
    UPDATED,
    SUMMARY,
    SOURCE,
    AUTHOR,
    TAGS,
    TERMS,
    SLUG,
    URL,
    MENU,
    DRAFT,
    PUBLISH_DATE,
    EXPIRY_DATE,
    KICKER,
    FEATURED,
    FEATURED_UNTIL,
    IMAGE,
    IMAGE_ALT,
    ALIASES,
    LANG,
    ID,
    HEADLESS,
    BUILD,
    LAYOUT,
)
"""Every front matter field of an article, in the order docs/store.md lists them."""


def front_matter_table() -> str:
    """The front matter table of docs/store.md, made from ``FIELDS``."""
    rows = ["| field | required | meaning |", "| --- | --- | --- |"]
    for field in FIELDS:
        rows.append(f"| `{field.name}` | {'yes' if field.required else ''} | {field.doc} |")
    return "\n".join(rows) + "\n"


@dataclass(frozen=True)
class Source:
    """Where an article's front matter comes from, and what the parse found in its body."""

    path: Path
    document: Document
    stamp: tuple[int, int]
    lead: str
    """The body's first paragraph as plain text, for a summary."""
    body_problems: tuple[Problem, ...]
    lead_whole: bool = False
    """Whether ``lead`` is what comes before ``<!--more-->``: the editor's summary, whole."""


def is_rendered(meta: dict[str, Any]) -> bool:
    """Whether Hugo would make a page of this file: not a headless bundle (``headless:
    true``, a bundle of resources for other pages) nor ``_build: {render: never}``."""
    if HEADLESS.raw(meta) is True:
        return False
    build = BUILD.raw(meta)
    render = build.get("render") if isinstance(build, dict) else None
    return render not in (False, "never", "false")


def build_article(
    settings: Settings,
    source: Source,
    section: SectionKey,
    default_slug: str,
    bundle: Path | None,
) -> tuple[Article | None, list[Problem]]:
    """The article a file's front matter describes, or None; and every problem found."""
    builder = _Builder(settings, source)
    return builder.article(section, default_slug, bundle), builder.problems


def _listed(meta: dict[str, Any]) -> bool:
    """Whether Hugo lists the page (``_build: {list: never}`` keeps it out of lists)."""
    build = BUILD.raw(meta)
    listed = build.get("list") if isinstance(build, dict) else None
    return listed not in (False, "never", "false")


class _Builder:
    def __init__(self, settings: Settings, source: Source) -> None:
        self.settings = settings
        self.source = source
        self.meta = source.document.meta
        self.problems: list[Problem] = []

    def line(self, field: Field) -> int | None:
        spelling = field.spelling(self.meta)
        return self.source.document.line_of(spelling) if spelling else None

    def warn(self, field: Field, message: str, fix: str) -> None:
        self.problems.append(
            Problem(self.source.path, self.line(field), message, fix, Severity.WARNING)
        )

    def article(
        self, section: SectionKey, default_slug: str, bundle: Path | None
    ) -> Article | None:
        meta, path, document = self.meta, self.source.path, self.source.document
        title = TITLE.text(meta)
        if not title and LAYOUT.raw(meta):
            # A page Hugo renders with a layout of the theme's (an archive, a search page):
            # here a plain page, named after its file.
            title = default_slug.replace("-", " ").replace("_", " ").capitalize()
            self.warn(
                TITLE,
                f"the page names a layout of its own and no title; it is shown as a plain "
                f"page called {title!r}",
                "add a line 'title: ...' to name it yourself",
            )
        if not title:
            fix = "add a line 'title: ...' to the front matter"
            self.problems.append(
                Problem(path, self.line(TITLE) or 2, "the article has no title", fix)
            )
            return None
        # As Hugo themes list only their main sections: a page in the content root, or
        # one that names a layout of its own, is not news.
        plain = not section or bool(LAYOUT.raw(meta)) or not _listed(meta)
        updated = self.date(UPDATED) if UPDATED.raw(meta) is not None else None
        # An empty date ('date: ""', as a template leaves it) is no date, as in Hugo.
        dated = DATE.raw(meta) is not None
        if not dated and not plain:
            # As Hugo serves an undated page (a wiki's, a manual's): a page, not news.
            plain = True
            empty = DATE.spelling(meta) is not None
            self.problems.append(
                Problem(
                    path,
                    self.line(DATE) if empty else 2,
                    f"the page {'has an empty date' if empty else 'has no date'}, so it is a "
                    "plain page: at its address, in no list or feed",
                    "write a date such as 'date: 2026-11-28T09:30:00+08:00' if it is news",
                    Severity.NOTE,
                )
            )
        # A plain page (About) needs no date, as in Hugo: it was last changed when its file was.
        date = self.date(DATE) if dated else updated or self.file_time()
        if date is None:
            return None
        publish_date = self.date(PUBLISH_DATE) if PUBLISH_DATE.raw(meta) is not None else None
        expiry_date = self.date(EXPIRY_DATE) if EXPIRY_DATE.raw(meta) is not None else None
        if publish_date is None and PUBLISH_DATE.raw(meta) is not None:
            return None  # an unreadable embargo holds the article back: when in doubt, wait
        if expiry_date is None and EXPIRY_DATE.raw(meta) is not None:
            return None
        slug = unicodedata.normalize("NFC", SLUG.text(meta)) or default_slug
        if "/" in slug or slug in (".", ".."):
            self.problems.append(
                Problem(
                    path,
                    self.line(SLUG),
                    f"the slug {slug!r} is not a single URL segment",
                    "use a slug without '/' such as 'harbour-opens'",
                )
            )
            return None
        self.problems.extend(self.source.body_problems)
        image, image_alt = _named_image(meta)
        if image and not _is_image_address(image):
            self.warn(
                IMAGE,
                f"the lead image {image!r} is neither a path on the site nor an http(s) URL; "
                "it is left out",
                "give a file of the bundle, a path such as /images/x.jpg, or an https:// URL",
            )
            image = ""
        image_alt = IMAGE_ALT.text(meta) or image_alt
        if image and not image_alt:
            self.warn(
                IMAGE,
                "the lead image has no alt text",
                "add 'image_alt: ...' describing what the image shows",
            )
        lang = LANG.text(meta)
        self.check_hygiene(title, lang)
        hugo_permalink = self.hugo_permalink(section, slug, title, date)
        hugo_url = self.hugo_url()
        return Article(
            section=section,
            slug=slug,
            title=title,
            date=date,
            updated=updated if updated and updated != date else None,
            date_only=DATE.spelling(meta) is not None and is_date_only(DATE.raw(meta)),
            updated_date_only=is_date_only(UPDATED.raw(meta)),
            file=os.fspath(path),
            body_line=document.body_line,
            stamp=self.source.stamp,
            id=ID.text(meta) or _derived_id(section, date),
            id_pinned=bool(ID.text(meta)),
            plain=plain,
            summary=SUMMARY.text(meta)
            or (self.source.lead if self.source.lead_whole else _summarize(self.source.lead)),
            source=SOURCE.text(meta),
            author=_people(AUTHOR.raw(meta)),
            tags=self.tags(),
            terms=self.terms(),
            draft=self.draft(),
            publish_date=publish_date,
            expiry_date=expiry_date,
            kicker=KICKER.text(meta),
            featured=self.featured(),
            featured_until=self.date(FEATURED_UNTIL)
            if FEATURED_UNTIL.raw(meta) is not None
            else None,
            image=image,
            image_alt=image_alt,
            image_type=(mimetypes.guess_type(urlsplit(image).path)[0] or "") if image else "",
            aliases=self.aliases(section) + hugo_permalink + hugo_url,
            hugo_address=(*hugo_url, *hugo_permalink, "")[0],
            lang=normalize_language(lang) if lang else "",
            menu=menu_entry(meta),
            bundle=os.fspath(bundle) if bundle is not None else None,
        )

    def file_time(self) -> datetime:
        """When the file was last modified, in the site's zone, to the second."""
        moment = datetime.fromtimestamp(self.source.stamp[0] // 1_000_000_000, UTC)
        return moment.astimezone(self.settings.timezone)

    def draft(self) -> bool:
        """Whether the draft flag holds the article back: unless it is clearly false."""
        if DRAFT.name not in self.meta:
            return False
        value = self.meta[DRAFT.name]
        if _clearly_false(value):
            return False
        if value is not True and not (
            isinstance(value, str) and value.strip().lower() in _CLEARLY_TRUE
        ):
            self.warn(
                DRAFT,
                f"draft: {value!r} is neither true nor false; the article is held back",
                "write 'draft: true' or 'draft: false'",
            )
        return True

    def check_hygiene(self, title: str, lang: str) -> None:
        """Warn of what an old CMS or a careless copy leaves: text in the other script than
        the article's language, an empty source label, a series name glued to the title."""
        expected = script_of_language(lang or self.settings.language)
        found = script_of(title + self.source.lead) if expected else None
        if expected and found and found != expected:
            written = "Simplified" if found == "zh-Hans" else "Traditional"
            self.warn(
                LANG,
                f"the text is in {written} characters, but the article's language is "
                f"{lang or self.settings.language}",
                f"add 'lang: {found}' to the front matter (or convert the text)",
            )
        if SOURCE.spelling(self.meta) is not None and not SOURCE.text(self.meta):
            self.warn(
                SOURCE,
                "the source is empty, so none is shown",
                "name the source ('source: 海灣市交通局') or delete the line",
            )
        glued = glued_kicker(title) if not KICKER.text(self.meta) else None
        if glued is not None:
            self.warn(
                TITLE,
                f"the title starts with a series name glued to it: {title!r}",
                f"write 'kicker: {glued[0]}' and 'title: {glued[1]}'",
            )

    def featured(self) -> bool:
        """Whether an editor pinned the article: only when clearly so, as a flag that
        promotes must not be read from a typing mistake."""
        value = FEATURED.raw(self.meta)
        if value is None or _clearly_false(value):
            return False
        if value is True or (isinstance(value, str) and value.strip().lower() in _CLEARLY_TRUE):
            return True
        self.warn(
            FEATURED,
            f"featured: {value!r} is neither true nor false; the article is not pinned",
            "write 'featured: true' or 'featured: false'",
        )
        return False

    def date(self, field: Field) -> datetime | None:
        try:
            return parse_date(field.raw(self.meta), self.settings.timezone)
        except ValueError as error:
            key = field.spelling(self.meta) or field.name
            self.problems.append(
                Problem(
                    self.source.path,
                    self.line(field),
                    f"the {key} is not a date: {error}",
                    f"write it like '{key}: 2026-11-28T09:30:00+08:00' (ISO 8601)",
                )
            )
            return None

    def tags(self) -> tuple[str, ...]:
        """The keywords, every spelling merged; a key that is a taxonomy of its own is not."""
        own = set(self.settings.taxonomy_names)
        return self.terms_under(tuple(k for k in TAGS.names if k == TAGS.name or k not in own))

    def terms(self) -> tuple[tuple[str, str], ...]:
        """The terms of the site's other taxonomies, as (taxonomy, term)."""
        return tuple(
            (name, term)
            for name in self.settings.taxonomy_names[1:]
            for term in self.terms_under((name,))
        )

    def terms_under(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """The terms listed under these front matter keys, merged, case and script ignored
        (each in the site's script)."""
        seen: dict[str, str] = {}
        for key in keys:  # all spellings are merged, not the first one only
            value = self.meta.get(key)
            if value is None:
                continue
            if isinstance(value, str):
                items: list[Any] = value.split(",")
            elif isinstance(value, list):
                items = value
            else:
                line = self.source.document.line_of(key)
                self.problems.append(
                    Problem(
                        self.source.path,
                        line,
                        f"{key} must be a list",
                        f"write {key}: [a, b]",
                        Severity.WARNING,
                    )
                )
                continue
            for item in items:
                written = " ".join(str(item).split())
                term = term_in_script(written, self.settings.language, self.settings.region)
                if term and term.casefold() not in seen:
                    seen[term.casefold()] = term
        return tuple(seen.values())

    def hugo_permalink(
        self, section: SectionKey, slug: str, title: str, date: datetime
    ) -> tuple[str, ...]:
        """The address Hugo gave the article, when it is not the reader's own: an alias, so
        that old links keep working. It follows the section's ``permalinks`` pattern, else
        the folders; Hugo makes it lower case and, with ``uglyURLs``, ends it in ``.html``."""
        own = "/" + "".join(f"{part}/" for part in (*section, slug))
        patterns = {name.lower(): pattern for name, pattern in self.settings.permalinks}
        pattern = patterns.get(section[0].lower()) if section else None
        if pattern is None:
            return self._hugo_form(_hugo_path(own), own, explicit_suffix=False)
        local = date  # as Hugo formats it: in the zone the date was written in
        base_name = self._content_base_name()
        title_slug = _urlized(title)
        given_slug = SLUG.text(self.meta)
        values = {
            "year": f"{local.year:04d}",
            "month": f"{local.month:02d}",
            "monthname": local.strftime("%B").lower(),
            "day": f"{local.day:02d}",
            "weekday": str(local.isoweekday() % 7),
            "weekdayname": local.strftime("%A").lower(),
            "yearday": str(local.timetuple().tm_yday),
            "section": section[0] if section else "",
            "sections": "/".join(section),
            "title": title_slug,
            "slug": given_slug or title_slug,
            "filename": base_name,
            "contentbasename": base_name,
            "slugorfilename": given_slug or base_name,
            "slugorcontentbasename": given_slug or base_name,
        }

        def token(found: re.Match[str]) -> str:
            if found[2] is not None:  # :sections[1:], [:last], [last], [0]: a slice of them
                sliced = _sliced(section, found[2])
                return found[0] if sliced is None else "/".join(sliced)
            return values.get(found[1], found[0])

        address = _PERMALINK_TOKEN.sub(token, pattern)
        if ":" in address:
            return ()  # a token Hugo has and the reader does not: no address to keep
        address = _hugo_path(re.sub("/{2,}", "/", "/" + address))  # an empty slice: no folder
        suffix = "." in pattern.rstrip("/").rsplit("/", 1)[-1]
        return self._hugo_form(address, own, explicit_suffix=suffix)

    def _content_base_name(self) -> str:
        """Hugo's content base name: the file's name, or its bundle's (``post/index.md``:
        ``post``), without a language's suffix (``about.en.md``, ``post/index.en.md``)."""
        path = self.source.path
        stem = path.name.rsplit(".", 1)[0]
        base, dot, suffix = stem.rpartition(".")
        if dot and suffix.lower() in {language.key for language in self.settings.languages}:
            stem = base
        return path.parent.name if stem == "index" else stem

    def _hugo_form(self, address: str, own: str, *, explicit_suffix: bool) -> tuple[str, ...]:
        """Hugo's address as its uglyURLs writes it (``.html`` unless the pattern names a
        suffix of its own); nothing when it is the reader's own."""
        if self.settings.ugly_urls and not explicit_suffix:
            address = address.rstrip("/") + ".html"
        return (address,) if address.rstrip("/") != own.rstrip("/") else ()

    def hugo_url(self) -> tuple[str, ...]:
        """The address Hugo's ``url`` gave the page: an alias, so that links to it work."""
        raw = URL.raw(self.meta)
        # Only ASCII spaces around it are not Hugo's: an ideographic one is part of the address.
        url = raw.strip(" \t\r\n") if isinstance(raw, str) else _text(raw)
        if "://" in url or url.startswith("//") or not url.strip("/"):
            return ()  # the home page, or a page on another host: not an address to take
        address = "/" + url.lstrip("/")
        last = address.rstrip("/").rsplit("/", 1)[-1]
        return (address if address.endswith("/") or "." in last else address + "/",)

    def aliases(self, section: SectionKey) -> tuple[str, ...]:
        value = self.meta.get(ALIASES.name)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.warn(ALIASES, "aliases must be a list", "aliases: [/old/url/]")
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


def _is_image_address(value: str) -> bool:
    """A path on the site (relative or absolute) or an http(s) URL: never javascript:,
    data: or another scheme, which would reach feeds, the API and JSON-LD as they are."""
    parts = urlsplit(value)
    if parts.scheme:
        return parts.scheme in ("http", "https") and bool(parts.netloc)
    return not parts.netloc and not value.startswith("\\")


def section_aliases(meta: dict[str, Any], key: SectionKey) -> tuple[str, ...]:
    """A section's old addresses (``aliases`` in its ``_index.md``); a relative one is read
    from the enclosing section, as Hugo reads it."""
    value = ALIASES.raw(meta)
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    parent = "/" + "".join(f"{s}/" for s in key[:-1])
    found = []
    for item in items:
        alias = str(item).strip()
        if alias:
            found.append((alias if alias.startswith("/") else parent + alias).rstrip("/") + "/")
    return tuple(found)


MAIN_MENU = "main"
"""The menu the reader shows: Hugo's conventional name for a site's main menu."""


def menu_entry(meta: dict[str, Any]) -> MenuEntry | None:
    """The page's entry in the main menu from its ``menu`` front matter, if it has one."""
    value = MENU.raw(meta)
    if value == MAIN_MENU or (isinstance(value, list) and MAIN_MENU in value):
        return MenuEntry()
    if not isinstance(value, dict) or MAIN_MENU not in value:
        return None
    entry = value[MAIN_MENU]
    if not isinstance(entry, dict):
        return MenuEntry()
    if entry.get("parent"):
        return None  # only the menu's top level is shown
    weight = entry.get("weight", 0)
    return MenuEntry(
        _text(entry.get("name")),
        weight if isinstance(weight, int) and not isinstance(weight, bool) else 0,
    )


def section_text(meta: dict[str, Any], name: str) -> str:
    """A section's ``_index.md`` field as one line of text."""
    return _text(meta.get(name))


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(str(value).split())


def _named_image(meta: dict[str, Any]) -> tuple[str, str]:
    """The lead image the front matter names, under the first of its names that names one
    (``images: []`` names none), and the alt text that comes with it (PaperMod's cover's)."""
    for name in IMAGE.names:
        value: Any = meta.get(name)
        if isinstance(value, list):  # Hugo's images: the first
            value = value[0] if value else None
        alt = ""
        if isinstance(value, dict):  # PaperMod's cover: {image, alt, caption}
            value, alt = value.get("image"), _text(value.get("alt"))
        if _text(value):
            return _text(value), alt
    return "", ""


def _people(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value if _text(v))
    return _text(value)


def _summarize(text: str) -> str:
    """The first paragraph's text, shortened; never a run of table cells or captions."""
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[:SUMMARY_LENGTH].rstrip() + "…"


_PERMALINK_TOKEN = re.compile(r":(\w+)(?:\[([^\]]*)\])?")
"""A token of a ``permalinks`` pattern (``:slug``), with its index if it has one
(``:sections[1:]``)."""


def _sliced(parts: tuple[str, ...], index: str) -> tuple[str, ...] | None:
    """Hugo's index into a page's sections (``1:``, ``:last``, ``last``, ``0``); None when it
    cannot be read."""

    def number(text: str, default: int) -> int | None:
        text = text.strip()
        if not text:
            return default
        if text == "last":
            return len(parts) - 1
        return int(text) if text.isdigit() else None

    if ":" not in index:
        at = number(index, -1)
        return (parts[at],) if at is not None and 0 <= at < len(parts) else None
    start_text, _, end_text = index.partition(":")
    start, end = number(start_text, 0), number(end_text, len(parts))
    return parts[start:end] if start is not None and end is not None else None


_HUGO_PATH_DROPPED = re.compile(r"[^\w\s./\\%#+~-]")


def _hugo_path(path: str) -> str:
    """A path as Hugo writes it: characters it does not keep dropped, spaces as hyphens,
    lower case (Hugo's default, unless a site sets disablePathToLower)."""
    return _HUGO_PATH_DROPPED.sub("", path).replace(" ", "-").lower()


def _urlized(title: str) -> str:
    """A title as Hugo's ``urlize`` makes it: lower case, hyphens, letters of any script."""
    words = re.sub(r"[^\w\s-]", "", title.lower()).split()
    return "-".join(words)


def _derived_id(section: SectionKey, date: datetime) -> str:
    """An authority-free id from section path and publication time (see docs/store.md)."""
    path = "/".join(quote(s, safe="") for s in section)
    return f"{path}@{date.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}"


def last_good_version(article: Article, fields: Iterable[tuple[str, Any]], zone: tzinfo) -> Article:
    """The article as last read well, held to what a broken edit of its file seems to say.

    ``fields`` are the broken text's (key, value) pairs, read leniently. A draft flag that
    is not clearly false, or a date, ``publishDate`` or ``expiryDate`` that cannot be
    read, holds the article back; a readable date or ``publishDate`` becomes its embargo
    and an ``expiryDate`` its expiry, which the snapshot applies as for any article. When
    in doubt, the article is withdrawn until its file is fixed.
    """
    draft, embargo, expiry = article.draft, article.publish_date, article.expiry_date
    for key, value in fields:
        name = key.lower()
        if name in _LOWER_NAMES[DRAFT]:
            draft = draft or not _clearly_false(value)
        elif name in _LOWER_NAMES[DATE] | _LOWER_NAMES[PUBLISH_DATE]:
            moment = _lenient_date(value, zone)
            draft = draft or moment is None
            if moment is not None and (embargo is None or moment > embargo):
                embargo = moment
        elif name in _LOWER_NAMES[EXPIRY_DATE]:
            moment = _lenient_date(value, zone)
            draft = draft or moment is None
            if moment is not None and (expiry is None or moment < expiry):
                expiry = moment
    return replace(article, draft=draft, publish_date=embargo, expiry_date=expiry)


_LOWER_NAMES = {
    field: frozenset(name.lower() for name in field.names)
    for field in (DRAFT, DATE, PUBLISH_DATE, EXPIRY_DATE)
}


def _clearly_false(value: Any) -> bool:
    if value is False or (type(value) is int and value == 0):
        return True
    return isinstance(value, str) and value.strip().lower() in _CLEARLY_FALSE


def _lenient_date(value: Any, zone: tzinfo) -> datetime | None:
    try:
        return parse_date(value, zone)
    except ValueError:
        return None
