"""Variants of an answer: a Chinese site's pages and feeds in the other script, and its
pages with the pinyin reading aid, each at its prefix (``/zh-hans/``, ``/pinyin/``).

A variant is the original answer, rendered with the variant's settings (its interface
words, its ``lang``), then with its text converted (``reader.scripts``) or annotated
(``reader.ruby``) and its links to pages and feeds moved under the variant's prefix, so a
reader who chose it stays in it with no cookie. Canonical links, ``hreflang`` alternates,
entry ids, files and the API's ids keep naming the original (../shared/DECISIONS.md,
"Languages").
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import quote, unquote, urljoin, urlsplit

from lxml import etree

from feeds.xml import EntriesApart, cut_at_marks, entries_apart, parse, serialise
from reader.config import Settings
from reader.languages import Version, original_language
from reader.lru import SizedLRU
from reader.rendered import Rendered
from reader.ruby import ruby_text
from reader.scripts import ScriptConverter, html_text_mapped
from reader.urls import ROUTE, Kind, in_variant, resolve, variant_path


def converter(settings: Settings, variant: Version) -> ScriptConverter:
    """What turns the original's text into the variant's (nothing, in the same script)."""
    return ScriptConverter(variant.conversion, settings.glossary)


# --- a response in a variant ------------------------------------------------------------


def in_variant_response(
    settings: Settings,
    variant: Version,
    rendered: Rendered,
    path: str,
    kept: SizedLRU[str] | None = None,
    entries: SizedLRU[bytes] | None = None,
) -> Rendered:
    """An answer the variant's settings gave for the original's ``path``, converted: text
    in its script, links in it. ``kept`` keeps the pieces of pages already converted, and
    ``entries`` the feeds' entries, for the next answer (``_Converting``)."""
    convert = _Converting(converter(settings, variant), kept, variant.segment, entries)
    original = original_language(settings)
    aid = ruby_text if variant.ruby else None
    if rendered.kind is Kind.REDIRECT:
        location = rendered.location
        if location is not None:
            location = _moved_path(settings, variant, location)
        return replace(rendered, location=location)
    body = rendered.body.decode("utf-8")
    if rendered.kind is Kind.PAGE or rendered.content_type.startswith("text/html"):
        page = settings.base_path + quote(path)
        converted = _converted_page(settings, variant, convert, body, page)
        if aid is not None:
            converted = html_text_mapped(converted, aid, within="main")
        return replace(rendered, body=converted.encode("utf-8"))
    if "json" in rendered.content_type:
        document = json.loads(body)
        mapped = _Mapped(
            convert,
            lambda url: _moved_url(settings, variant, url),
            lambda lang: variant.lang if lang == original else lang,
        )
        moved = mapped.json(document, "")
        indent = 1 if body.startswith("{\n") else None
        return replace(rendered, body=json.dumps(moved, ensure_ascii=False, indent=indent).encode())
    return replace(rendered, body=_converted_feed(settings, variant, convert, rendered.body))


@dataclass(frozen=True)
class _Converting:
    """A variant's conversion that keeps what it made for the next answer: pages repeat
    their menus, footers and (lists) teasers, and feeds and archives each article's content
    (an article is in a dozen)."""

    convert: ScriptConverter
    kept: SizedLRU[str] | None
    segment: str
    """The variant's path segment (no "/"): keys are segment, kind and value."""
    entries: SizedLRU[bytes] | None = None
    """Feeds' entries converted, by segment and a digest of the original's bytes."""

    def text(self, text: str) -> str:
        """Plain text converted (``ScriptConverter.text``)."""
        if not self.convert.may_change(text):
            return text
        return self.remembered("t", text, self.convert.text)

    def html(self, html: str) -> str:
        """HTML's text converted (``ScriptConverter.html``), its links as they are."""
        if not self.convert.may_change(html):
            return html  # nothing Han: no text and no attribute it would change
        return self.remembered("h", html, self.convert.html)

    def remembered(
        self, kind: str, value: str, make: Callable[[str], str], keep: bool = True
    ) -> str:
        """What ``make`` makes of ``value``, kept under ``kind`` (if ``keep``) for the next
        time it is asked; only a value's own conversion may be kept so."""
        kept = self.kept
        if kept is None:
            return make(value)
        key = f"{self.segment}/{kind}/{value}"
        found = kept.get(key)
        if found is None:
            found = make(value)
            if keep:
                kept.put(key, found, sys.getsizeof(found))
        return found


def _converted_page(
    settings: Settings, variant: Version, convert: _Converting, html: str, page: str
) -> str:
    """A page's HTML in the variant: its text converted, its start tags' links moved and
    their readable attributes converted."""
    lang = _lang_rewriter(original_language(settings), variant.lang)

    def moved(token: str) -> str:
        return convert.convert.start_tag(_moved_tag(settings, variant, page, lang(token)))

    def tag(token: str) -> str:
        # A start tag becomes the same on every page, unless a relative link in it is
        # resolved against the page.
        return convert.remembered("m", token, moved, _RELATIVE_LINK.search(token) is None)

    return html_text_mapped(html, convert.text, tag)


def _lang_rewriter(original: str, target: str) -> Callable[[str], str]:
    pattern = re.compile(rf'(\s(?:xml:)?lang="){re.escape(original)}(")', re.IGNORECASE)
    return lambda tag: pattern.sub(lambda m: m[1] + target + m[2], tag) if "lang=" in tag else tag


_LINK = re.compile(r'(\s(?:href|action|src|poster)=")([^"#][^"]*)(")')
_RELATIVE_LINK = re.compile(r'\s(?:href|action|src|poster)="(?![/#"]|[A-Za-z][A-Za-z0-9+.-]*:)')
"""A link ``_moved_link`` resolves against the page: neither rooted, nor a fragment, nor
with a scheme."""
_KEPT_LINK = re.compile(r'\sdata-version="|\shreflang="|\srel="canonical"')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _moved_tag(settings: Settings, variant: Version, page: str, tag: str) -> str:
    """A tag whose links to pages and feeds name the variant's and whose relative links
    name the original's files; the switch between versions (``hreflang``) and the
    canonical link keep naming what they name."""
    if "=" not in tag or _KEPT_LINK.search(tag):
        return tag
    return _LINK.sub(lambda m: m[1] + _moved_link(settings, variant, page, m[2]) + m[3], tag)


def _moved_link(settings: Settings, variant: Version, page: str, link: str) -> str:
    if link.startswith("//") or _SCHEME.match(link):
        return link
    # A relative link (a photo beside its article) is resolved against the original's
    # page: the variant serves pages, and the files stay at their one address.
    return _moved_path(settings, variant, link if link.startswith("/") else urljoin(page, link))


def _moved_path(settings: Settings, variant: Version, link: str) -> str:
    """A root-relative link (under the base path) moved into the variant if it names a
    page or feed of ours; anything else (a file, the API, a fragment) as it was."""
    base = settings.base_path
    if link.startswith("//") or not link.startswith(base + "/"):
        return link
    inner = link[len(base) :]
    path = unquote(urlsplit(inner).path)
    if in_variant(variant.segment, path) is not None:
        return link
    if not _serves(variant, path, settings.taxonomy_names):
        return link
    return base + variant_path(variant.segment, inner)


@functools.lru_cache(maxsize=65536)
def _serves(variant: Version, path: str, taxonomies: tuple[str, ...]) -> bool:
    # Every page links to the same menus, sections and feeds: resolve each path once.
    return variant.serves(ROUTE[resolve(path, taxonomies).route])


def _moved_url(settings: Settings, variant: Version, url: str) -> str:
    """An absolute URL of ours moved into the variant if it names a page or feed."""
    origin = settings.base_url.removesuffix(settings.base_path + "/")
    if not url.startswith(settings.base_url):
        return url
    return origin + _moved_path(settings, variant, url[len(origin) :])


_URL_KEYS = frozenset({"url", "external_url", "home_page_url", "feed_url", "next_url", "href"})
_HTML_KEYS = frozenset({"content_html", "body_html", "html"})
_KEPT_KEYS = frozenset({"id", "uri", "guid", "version", "type", "mime_type", "rel"})


@dataclass(frozen=True)
class _Mapped:
    """How a JSON document's values go into the variant."""

    convert: _Converting
    move: Callable[[str], str]
    lang: Callable[[str], str]

    def json(self, value: object, key: str) -> object:
        """The value under ``key`` in the variant: words converted, our page URLs moved,
        languages named anew, ids kept."""
        if isinstance(value, dict):
            if value.get("contenttype") == "text/html":  # a ninjs body
                return {k: self.json(v, "html" if k == "value" else k) for k, v in value.items()}
            return {k: self.json(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(item, key) for item in value]
        if not isinstance(value, str) or key in _KEPT_KEYS:
            return value
        if key in _URL_KEYS:
            return self.move(value)
        if key == "language":
            return self.lang(value)
        return self.convert.html(value) if key in _HTML_KEYS else self.convert.text(value)


_HTML_ELEMENTS = frozenset({"description", "encoded", "content", "summary"})
_URL_ELEMENTS = frozenset({"link", "comments"})
_KEPT_ELEMENTS = frozenset({"guid", "id", "language", "generator", "docs"})
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _converted_feed(
    settings: Settings, variant: Version, convert: _Converting, document: bytes
) -> bytes:
    """An RSS or Atom document in the variant: its language, words and links."""
    apart = entries_apart(document) if convert.entries is not None else None
    if apart is not None:
        converted = _converted_by_entries(settings, variant, convert, apart)
        if converted is not None:
            return converted
    root = parse(document)
    _convert_elements(settings, variant, convert, root)
    return serialise(root)


def _converted_by_entries(
    settings: Settings, variant: Version, convert: _Converting, apart: EntriesApart
) -> bytes | None:
    """The document converted with each entry converted once per snapshot, as it is
    serialised once (an article's entry is in a dozen feeds and archives): the same bytes
    as converting the whole; None if the document cannot be cut so."""
    kept = convert.entries
    assert kept is not None
    keys = [
        (convert.segment, hashlib.blake2b(entry, digest_size=16).digest())
        for entry in apart.entries
    ]
    found = [kept.get(key) for key in keys]
    missing = [entry for entry, made in zip(apart.entries, found, strict=True) if made is None]
    try:
        root = parse(apart.marked(missing))
    except etree.XMLSyntaxError:
        return None
    _convert_elements(settings, variant, convert, root)
    pieces = cut_at_marks(serialise(root), len(missing))
    if pieces is None:
        return None
    fresh = iter(pieces[1:-1])
    converted = [pieces[0]]
    for key, made in zip(keys, found, strict=True):
        if made is None:
            made = next(fresh)
            kept.put(key, made, len(made))
        converted.append(made)
    converted.append(pieces[-1])
    return b"".join(converted)


def _convert_elements(
    settings: Settings, variant: Version, convert: _Converting, root: etree._Element
) -> None:
    """Every element of a feed in the variant, in place."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        for name in ("term", "label", "title"):
            if name in element.attrib:
                element.set(name, convert.text(element.attrib[name]))
        if "href" in element.attrib:
            element.set("href", _moved_url(settings, variant, element.attrib["href"]))
        if _XML_LANG in element.attrib:
            element.set(_XML_LANG, variant.lang)
        text = element.text
        if not text or not text.strip():
            continue
        if local == "language":
            element.text = variant.lang
        elif local in _URL_ELEMENTS and not len(element):
            element.text = _moved_url(settings, variant, text.strip())
        elif local in _HTML_ELEMENTS:
            element.text = convert.html(text)
        elif local not in _KEPT_ELEMENTS:
            element.text = convert.text(text)
