"""Interface text from the gettext catalogues (reader/locale) and dates, in the page's language."""

from __future__ import annotations

import functools
import gettext
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from reader.model import TAGS

LOCALE_DIR = Path(__file__).parent / "locale"
"""The gettext catalogues, one folder per language: ``zh_Hant/LC_MESSAGES/messages.po``
(and the ``.mo`` that ``make`` and the package build compile from it)."""
DOMAIN = "messages"
SUPPORTED = ("en", "zh-Hant", "zh-Hans")
"""The interface languages; English is also what a missing message falls back to."""


def catalogue_path(lang: str, suffix: str = ".po") -> Path:
    """Where a language's catalogue is (its ``.po``, or with ``suffix=".mo"`` compiled)."""
    return LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@functools.lru_cache(maxsize=8)
def translations(lang: str) -> gettext.GNUTranslations:
    """A language's messages: its compiled ``.mo``, or the ``.po`` compiled here when the
    ``.mo`` is missing or older (a checkout whose catalogue was just edited)."""
    po, mo = catalogue_path(lang), catalogue_path(lang, ".mo")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as compiled:
            return gettext.GNUTranslations(compiled)
    with po.open("rb") as source:
        catalog = read_po(source, locale=lang.replace("-", "_"))
    made = io.BytesIO()
    write_mo(made, catalog)
    made.seek(0)
    return gettext.GNUTranslations(made)


def interface_language(lang: str) -> str:
    """The supported interface language closest to ``lang`` (English when none is)."""
    if lang in SUPPORTED:
        return lang
    if lang.lower().startswith("zh"):
        return "zh-Hant" if "hant" in lang.lower() else "zh-Hans"
    return "en"


@dataclass(frozen=True)
class Labels:
    """The interface words of one language, and its way of writing dates."""

    lang: str

    def __getitem__(self, key: str) -> str:
        found = self.get(key)
        if found is None:
            raise KeyError(f"no message {key!r}: add it to {catalogue_path('en')}")
        return found

    def format(self, key: str, **values: object) -> str:
        """A label with its ``%(placeholders)s`` filled in."""
        return self[key] % values

    def taxonomy(self, name: str) -> str:
        """A taxonomy's heading: "All keywords", "Categories", or a site's own name as written."""
        if name == TAGS:
            return self["all_tags"]
        return self.get(f"taxonomy_{name}") or name.replace("-", " ").replace("_", " ").title()

    def term(self, taxonomy: str, term: str) -> str:
        """A term's heading: "Keyword: harbour", "Category: Local"."""
        if taxonomy == TAGS:
            return self.format("tag_title", tag=term)
        own = self.get(f"term_{taxonomy}")
        if own is not None:
            return own % {"term": term}
        return self.format("term_other", taxonomy=self.taxonomy(taxonomy), term=term)

    def get(self, key: str) -> str | None:
        """A label, or None when there is none by that key (in English, if this language
        lacks it: the catalogue test says so)."""
        for lang in (interface_language(self.lang), "en"):
            found = translations(lang).gettext(key)
            if found != key:
                return found
        return None

    def date(self, day: date) -> str:
        """A day as readers of this language write it compactly, with no time."""
        return _day(self.lang, day)

    def datetime(self, moment: datetime) -> str:
        """A date and time as readers of this language write it compactly (2024年8月30日
        16:27), in the moment's own zone, which pages do not name: it is the site's."""
        # The time as Babel's "HH:mm" writes it in every locale; the day, Babel's words.
        return f"{_day(self.lang, moment.date())} {moment.hour:02d}:{moment.minute:02d}"


@functools.lru_cache(maxsize=4096)
def _day(lang: str, day: date) -> str:
    # Babel takes about 40 µs a day; a list shows dozens of articles of the same few days,
    # and every list shows each article again.
    return format_date(day, "medium", locale=_locale(lang))


@functools.lru_cache(maxsize=64)
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")
