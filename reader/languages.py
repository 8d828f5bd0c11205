"""The versions of a site: its original language and the script variants it is also
served in, each at its path prefix (../shared/DECISIONS.md, "Languages")."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import quote

from reader.config import Settings
from reader.urls import (
    PINYIN_SEGMENT,
    VARIANT_SEGMENTS,
    Kind,
    Route,
    in_variant,
    is_variant_route,
)

_CONVERSIONS = {
    ("zh-Hant", "zh-Hans"): {"": "t2s", "tw": "tw2sp", "hk": "hk2s"},
    ("zh-Hans", "zh-Hant"): {"": "s2t", "tw": "s2twp", "hk": "s2hk"},
}
"""OpenCC's configuration for each direction and region (see ``Settings.region``)."""
ENDONYMS = {"zh-Hant": "繁體中文", "zh-Hans": "简体中文", "en": "English"}
"""Each version's name as its own readers write it, for the switch between them."""


@dataclass(frozen=True)
class Version:
    """One version of every page: the original (no prefix), a script variant, or either
    with the pinyin reading aid."""

    lang: str
    segment: str
    """Its path prefix without its outer slashes (``zh-hans/pinyin``); "" for the original."""
    conversion: str = ""
    """OpenCC's configuration that makes it from the original; "" for the original's script."""
    ruby: bool = False
    """Pinyin over the characters of the page's content (the reading aid)."""

    @property
    def name(self) -> str:
        """What the switch calls it: the language's own name."""
        return ENDONYMS.get(self.lang, self.lang)

    def serves(self, route: Route) -> bool:
        """Whether this version has a route: every page and feed; with the reading aid,
        pages only (a feed reader shows no ruby)."""
        if not is_variant_route(route):
            return False
        return not self.ruby or route.kind in (Kind.PAGE, Kind.REDIRECT)


def original_language(settings: Settings) -> str:
    """The language the site is written in (a variant's settings name another)."""
    return settings.variant_of or settings.language


def versions(settings: Settings) -> tuple[Version, ...]:
    """The original and each script variant of the site, the original first."""
    original = original_language(settings)
    found = [Version(original, "")]
    # A multilingual site that has the other script as a language of its own publishes it.
    published = {language.code for language in settings.languages}
    if settings.script_variants:
        for (source, target), by_region in _CONVERSIONS.items():
            if source == original and target not in published:
                found.append(Version(target, VARIANT_SEGMENTS[target], by_region[settings.region]))
    return tuple(found)


def variants(settings: Settings) -> tuple[Version, ...]:
    """The script variants alone."""
    return versions(settings)[1:]


def reading_aids(settings: Settings) -> tuple[Version, ...]:
    """Each script version with the pinyin reading aid (a Chinese site's)."""
    if original_language(settings) not in VARIANT_SEGMENTS:
        return ()
    return tuple(
        replace(version, segment=_joined(version.segment, PINYIN_SEGMENT), ruby=True)
        for version in versions(settings)
    )


def reading_aid_of(settings: Settings, version: Version) -> Version | None:
    """A script version's counterpart with the reading aid (or without, for one with it)."""
    if version.ruby:
        return next((v for v in versions(settings) if v.lang == version.lang), None)
    return next((v for v in reading_aids(settings) if v.lang == version.lang), None)


def current_version(settings: Settings) -> Version:
    """The version these settings render (see ``variant_settings``)."""
    found = reading_aids(settings) if settings.ruby else versions(settings)
    return next((v for v in found if v.lang == settings.language), versions(settings)[0])


def _joined(*segments: str) -> str:
    return "/".join(segment for segment in segments if segment)


def variant_at(settings: Settings, path: str) -> tuple[Version, str] | None:
    """The variant a request path is in, and the original's path; None for the original."""
    found = (*variants(settings), *reading_aids(settings))
    for variant in sorted(found, key=lambda v: len(v.segment), reverse=True):
        inner = in_variant(variant.segment, path)
        if inner is not None:
            return variant, inner
    return None


def variant_settings(settings: Settings, variant: Version) -> Settings:
    """The settings a variant's pages are rendered with: its language, the same site."""
    return replace(
        settings,
        language=variant.lang,
        variant_of=original_language(settings),
        ruby=variant.ruby,
    )


def language_settings(settings: Settings) -> tuple[Settings, ...]:
    """A multilingual site as one set of settings per language, the root language's first:
    each with its language, its title, its base URL (``/en/`` below the site's) and its
    share of the cache memory; the site's own settings alone when it has one language."""
    root = settings.root_language
    if not root:
        return (settings,)
    site_url = settings.base_url  # the root language's, also from another language's settings
    if settings.language_key and settings.language_key != root:
        site_url = site_url.removesuffix(quote(settings.language_key) + "/")
    ordered = sorted(settings.languages, key=lambda language: language.key != root)
    # The site's memory for caches is the site's, whatever its languages (shared out once).
    share = (
        settings.cache_mb if settings.language_key else max(1, settings.cache_mb // len(ordered))
    )
    return tuple(
        replace(
            settings,
            **dict(language.own),
            language=language.code,
            base_url=site_url + ("" if language.key == root else quote(language.key) + "/"),
            language_key=language.key,
            cache_mb=share,
        )
        for language in ordered
    )


def language_name(settings: Settings) -> str:
    """A language's own name for itself, for the switch (``languageName``, else its tag's)."""
    own = settings.site_language
    return (own.name if own else "") or ENDONYMS.get(settings.language, settings.language)
