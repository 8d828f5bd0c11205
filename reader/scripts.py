"""Chinese text from one script into the other (OpenCC), and HTML whose text alone is converted.

Conversion is phrase-level (OpenCC's dictionaries), so 頭髮 and 發展 each get their own 发,
and regional where the site says so (Taiwan's 軟體 is the mainland's 软件). Markup, URLs,
code and the site's glossary of names are never touched.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import opencc

SKIPPED_ELEMENTS = frozenset({"code", "pre", "kbd", "samp", "var", "script", "style", "textarea"})
"""Elements whose text is left as written: code, and what is not text at all."""
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
TEXT_ATTRIBUTES = ("alt", "title", "aria-label", "aria-description", "placeholder", "content")
"""Attributes that hold words a person reads (``content`` on ``meta``: the description)."""

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_TOKEN = re.compile(r"<!--.*?-->|<[^<>]*>|[^<]+|<", re.DOTALL)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_TEXT_ATTRIBUTE = re.compile(rf'(\s(?:{"|".join(TEXT_ATTRIBUTES)})=")([^"]*)(")')
_UNTRANSLATED = re.compile(r'\stranslate="no"')


def _left_as_written(name: str, tag: str) -> bool:
    if name == "script":
        return _STRUCTURED_DATA not in tag  # JSON-LD is words for search engines: converted
    return name in SKIPPED_ELEMENTS or _UNTRANSLATED.search(tag) is not None


_STRUCTURED_DATA = 'type="application/ld+json"'


@functools.lru_cache(maxsize=8)
def _opencc(conversion: str) -> opencc.OpenCC:
    return opencc.OpenCC(f"{conversion}.json")


@dataclass(frozen=True)
class ScriptConverter:
    """One direction of conversion (an OpenCC configuration), sparing the glossary's names."""

    conversion: str
    """OpenCC's name for it: ``t2s``, ``tw2sp``, ``s2twp``..."""
    glossary: tuple[str, ...] = ()

    @functools.cached_property
    def _names(self) -> re.Pattern[str] | None:
        names = sorted({name for name in self.glossary if name}, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, names))) if names else None

    def may_change(self, text: str) -> bool:
        """Whether converting ``text`` may change it: it has Han characters to convert."""
        return bool(self.conversion) and _HAN.search(text) is not None

    def text(self, text: str) -> str:
        """Plain text converted; names in the glossary, and anything not Han, kept."""
        if not self.may_change(text):
            return text
        names = self._names
        if names is None:
            return str(_opencc(self.conversion).convert(text))
        kept, at = [], 0
        for found in names.finditer(text):
            kept += [self._convert(text[at : found.start()]), found[0]]
            at = found.end()
        kept.append(self._convert(text[at:]))
        return "".join(kept)

    def _convert(self, text: str) -> str:
        return str(_opencc(self.conversion).convert(text)) if _HAN.search(text) else text

    def html(self, html: str, lang: Callable[[str], str] = lambda tag: tag) -> str:
        """HTML with its text and readable attributes converted; code, scripts and elements
        marked ``translate="no"`` left as written. ``lang`` rewrites each start tag once
        more (the variant's ``lang`` attributes)."""

        return html_text_mapped(html, self.text, lambda token: self.start_tag(lang(token)))

    def start_tag(self, tag: str) -> str:
        """A start tag with its readable attributes (``alt``, ``title``...) converted."""
        return _TEXT_ATTRIBUTE.sub(lambda m: m[1] + self.text(m[2]) + m[3], tag)


def html_text_mapped(
    html: str,
    text: Callable[[str], str],
    tag: Callable[[str], str] = lambda token: token,
    *,
    within: str = "",
) -> str:
    """HTML with ``text`` applied to its text and ``tag`` to its start tags, except in code,
    scripts and elements marked ``translate="no"``; only inside the element ``within``
    (``main``) when one is named."""
    out: list[str] = []
    skipping, depth = "", 0
    inside = not within
    for token in _TOKEN.findall(html):
        if not token.startswith("<") or token == "<":
            out.append(text(token) if inside and not skipping else token)
            continue
        name_match = _TAG_NAME.match(token)
        if name_match is None:  # a comment or a declaration
            out.append(token)
            continue
        name = name_match[1].lower()
        if token.startswith("</"):
            if skipping == name:
                depth -= 1
                if depth == 0:
                    skipping = ""
            inside = inside and name != within
            out.append(token)
            continue
        opens = name not in VOID_ELEMENTS and not token.endswith("/>")
        if skipping:
            depth += name == skipping and opens
            out.append(token)
            continue
        inside = inside or name == within
        token = tag(token) if inside else token
        if opens and _left_as_written(name, token):
            skipping, depth = name, 1
        out.append(token)
    return "".join(out)


_TERM_CONVERSIONS = {
    ("zh-Hant", ""): "s2t",
    ("zh-Hant", "tw"): "s2tw",
    ("zh-Hant", "hk"): "s2hk",
    ("zh-Hans", ""): "t2s",
    ("zh-Hans", "tw"): "t2s",
    ("zh-Hans", "hk"): "t2s",
}
"""Characters only (no regional vocabulary): a keyword keeps its words."""


def term_in_script(term: str, language: str, region: str = "") -> str:
    """A keyword written in the site's script, so 环保 and 環保 are one keyword.

    On a Traditional site, a term already holding Traditional characters is kept as the
    editor wrote it (台灣 stays, though converting would give 臺灣); one written wholly in
    Simplified is converted. On a Simplified site every term is. Other sites keep theirs.
    """
    conversion = _TERM_CONVERSIONS.get((language, region))
    if conversion is None or _HAN.search(term) is None:
        return term
    if conversion.startswith("s2") and _convert(term, "t2s") != term:
        return term
    return _convert(term, conversion)


def simplified(text: str) -> str:
    """Text in Simplified characters, phrase by phrase (for looking up readings)."""
    return _convert(text, "t2s") if _HAN.search(text) else text


def term_in_other_script(term: str, language: str) -> str:
    """A keyword as the other script writes it (環保 on a Traditional site: 环保), which
    old addresses may name; the term itself on a site that is not Chinese."""
    conversion = {"zh-Hant": "t2s", "zh-Hans": "s2t"}.get(language)
    return _convert(term, conversion) if conversion and _HAN.search(term) else term


def converted(text: str, conversion: str) -> str:
    """Any length of text converted (``t2s``, ``s2t``), not kept: for judging a script."""
    return str(_opencc(conversion).convert(text))


@functools.lru_cache(maxsize=65536)
def _convert(text: str, conversion: str) -> str:
    return str(_opencc(conversion).convert(text))
