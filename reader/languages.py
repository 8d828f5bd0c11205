"""The versions of a site: its original language and the script variants it is also
served in, each at its path prefix (../shared/DECISIONS.md, "Languages")."""

from __future__ import annotations

from dataclasses import dataclass, replace

from reader.config import Settings
from reader.urls import VARIANT_SEGMENTS, in_variant

_CONVERSIONS = {
    ("zh-Hant", "zh-Hans"): {"": "t2s", "tw": "tw2sp", "hk": "hk2s"},
    ("zh-Hans", "zh-Hant"): {"": "s2t", "tw": "s2twp", "hk": "s2hk"},
}
"""OpenCC's configuration for each direction and region (see ``Settings.region``)."""
ENDONYMS = {"zh-Hant": "繁體中文", "zh-Hans": "简体中文", "en": "English"}
"""Each version's name as its own readers write it, for the switch between them."""


@dataclass(frozen=True)
class Version:
    """One version of every page: the original (no prefix) or a script variant."""

    lang: str
    segment: str
    """Its path prefix without slashes; "" for the original."""
    conversion: str = ""
    """OpenCC's configuration that makes it from the original; "" for the original."""

    @property
    def name(self) -> str:
        """What the switch calls it: the language's own name."""
        return ENDONYMS.get(self.lang, self.lang)


def original_language(settings: Settings) -> str:
    """The language the site is written in (a variant's settings name another)."""
    return settings.variant_of or settings.language


def versions(settings: Settings) -> tuple[Version, ...]:
    """The original and each script variant of the site, the original first."""
    original = original_language(settings)
    found = [Version(original, "")]
    if settings.script_variants:
        for (source, target), by_region in _CONVERSIONS.items():
            if source == original:
                found.append(Version(target, VARIANT_SEGMENTS[target], by_region[settings.region]))
    return tuple(found)


def variants(settings: Settings) -> tuple[Version, ...]:
    """The script variants alone."""
    return versions(settings)[1:]


def variant_at(settings: Settings, path: str) -> tuple[Version, str] | None:
    """The variant a request path is in, and the original's path; None for the original."""
    for variant in variants(settings):
        inner = in_variant(variant.segment, path)
        if inner is not None:
            return variant, inner
    return None


def variant_settings(settings: Settings, variant: Version) -> Settings:
    """The settings a variant's pages are rendered with: its language, the same site."""
    return replace(settings, language=variant.lang, variant_of=original_language(settings))
