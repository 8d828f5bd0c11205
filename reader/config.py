"""Settings: one frozen object, read from site.toml (or a Hugo config) and passed in."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reader.model import Problem, Severity

SITE_FILE = "site.toml"
HUGO_FILES = ("hugo.toml", "config.toml")
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"

# Hugo and browsers use region subtags; we want script subtags, which say what readers see.
_LANGUAGE_ALIASES = {
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh-mo": "zh-Hant",
    "zh-hant": "zh-Hant",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-hans": "zh-Hans",
    "zh": "zh-Hans",
}


@dataclass(frozen=True)
class Settings:
    """Everything configurable about one site; every field is documented in docs/store.md."""

    site_dir: Path
    title: str = "News"
    base_url: str = DEFAULT_BASE_URL
    language: str = "en"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    description: str = ""
    footer: tuple[str, ...] = ()
    copyright: str = ""
    contact: str = ""
    feed_length: int = 50
    page_size: int = 20
    cache_mb: int = 256
    """Memory for rendered pages, feeds and bodies; the least recently used go first."""
    id_authority: str = ""
    license: str = ""
    license_name: str = ""
    usage_terms: str = ""
    hub: str = ""
    link_allowlist: tuple[str, ...] = ()
    base_url_configured: bool = False
    watch: bool = True
    preview: bool = False
    """Editors' preview: visible markers for what needs fixing (never unpublished articles)."""

    @property
    def content_dir(self) -> Path:
        """The folder of sections and articles."""
        return self.site_dir / "content"

    @property
    def static_dir(self) -> Path:
        """The site's own static files, served from the site root (as Hugo does)."""
        return self.site_dir / "static"

    @property
    def templates_dir(self) -> Path:
        """Templates here override the bundled theme's, file by file."""
        return self.site_dir / "templates"

    @property
    def body_cache_bytes(self) -> int:
        """A quarter of ``cache_mb`` keeps rendered article bodies, shared by pages and feeds."""
        return self.cache_mb * 1024 * 1024 // 4

    @property
    def response_cache_bytes(self) -> int:
        """The rest of ``cache_mb`` keeps finished responses (and their compressed forms)."""
        return self.cache_mb * 1024 * 1024 - self.body_cache_bytes

    @property
    def authority(self) -> str:
        """The tag-URI authority for entry ids: configured, else the base URL's host."""
        return self.id_authority or (urlsplit(self.base_url).hostname or "localhost")

    @property
    def trusted_hosts(self) -> frozenset[str]:
        """Hosts whose links in content keep their search-engine credit: ours and the allowlist."""
        own = urlsplit(self.base_url).hostname or ""
        return frozenset({own, *self.link_allowlist} - {""})


# site.toml key -> the type its value must have; each key is documented in docs/store.md.
SITE_KEYS: dict[str, type] = {
    "title": str,
    "base_url": str,
    "language": str,
    "timezone": str,
    "description": str,
    "footer": list,
    "copyright": str,
    "contact": str,
    "feed_length": int,
    "page_size": int,
    "cache_mb": int,
    "id_authority": str,
    "license": str,
    "license_name": str,
    "usage_terms": str,
    "hub": str,
    "link_allowlist": list,
}


def normalize_language(tag: str) -> str:
    """Return a BCP 47 tag with a script subtag for Chinese (zh-TW becomes zh-Hant)."""
    cleaned = tag.strip().replace("_", "-")
    return _LANGUAGE_ALIASES.get(cleaned.lower(), cleaned)


def normalize_base_url(url: str) -> str:
    """Return the base URL with exactly one trailing slash."""
    return url.rstrip("/") + "/"


def load_settings(site_dir: Path, *, base_url: str | None = None) -> tuple[Settings, list[Problem]]:
    """Read site.toml, or a Hugo config when there is none; problems never stop the site."""
    site_dir = site_dir.resolve()
    problems: list[Problem] = []
    site_file = site_dir / SITE_FILE
    if site_file.is_file():
        raw = _read_toml(site_file, problems)
        values = _site_values(raw, site_file, problems)
    else:
        values = {}
        for name in HUGO_FILES:
            hugo_file = site_dir / name
            if hugo_file.is_file():
                values = _hugo_values(_read_toml(hugo_file, problems))
                break
    settings = _build(site_dir, values, problems, site_file)
    if base_url:
        settings = replace(
            settings, base_url=normalize_base_url(base_url), base_url_configured=True
        )
    return settings, problems


def _read_toml(path: Path, problems: list[Problem]) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(path, None, f"cannot read the file ({error})", "save it as UTF-8"))
    except tomllib.TOMLDecodeError as error:
        problems.append(
            Problem(
                path,
                _toml_error_line(error),
                f"invalid TOML: {error}",
                "correct the syntax; defaults are used until then",
            )
        )
    return {}


def _toml_error_line(error: tomllib.TOMLDecodeError) -> int | None:
    lineno = getattr(error, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    text = str(error)
    marker = "(at line "
    if marker in text:
        digits = text.split(marker, 1)[1].split(",", 1)[0]
        if digits.isdigit():
            return int(digits)
    return None


def _site_values(raw: dict[str, Any], path: Path, problems: list[Problem]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        expected = SITE_KEYS.get(key)
        if expected is None:
            problems.append(
                Problem(
                    path,
                    None,
                    f"unknown setting {key!r}",
                    f"remove it, or use one of: {', '.join(SITE_KEYS)}",
                    Severity.WARNING,
                )
            )
        elif not isinstance(value, expected) or isinstance(value, bool):
            problems.append(
                Problem(
                    path,
                    None,
                    f"setting {key!r} must be a {expected.__name__}, not {type(value).__name__}",
                    f"write {key} as a TOML {expected.__name__}",
                )
            )
        else:
            values[key] = value
    return values


def _hugo_values(raw: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for hugo_key, key in (
        ("title", "title"),
        ("baseURL", "base_url"),
        ("baseurl", "base_url"),
        ("languageCode", "language"),
        ("timeZone", "timezone"),
        ("copyright", "copyright"),
    ):
        if isinstance(raw.get(hugo_key), str) and raw[hugo_key]:
            values[key] = raw[hugo_key]
    params = raw.get("params")
    if isinstance(params, dict) and isinstance(params.get("description"), str):
        values["description"] = params["description"]
    return values


def _build(site_dir: Path, values: dict[str, Any], problems: list[Problem], path: Path) -> Settings:
    kwargs: dict[str, Any] = {}
    for key in (
        "title",
        "description",
        "copyright",
        "contact",
        "id_authority",
        "license_name",
        "usage_terms",
    ):
        if key in values:
            kwargs[key] = values[key].strip()
    for key, example in (
        ("base_url", "https://news.example.org/"),
        ("license", "https://creativecommons.org/licenses/by/4.0/"),
        ("hub", "https://pubsubhubbub.appspot.com/"),
    ):
        if key in values:
            url = values[key].strip()
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc:
                kwargs[key] = url
            else:
                problems.append(
                    Problem(
                        path,
                        None,
                        f"{key} {url!r} is not an absolute http(s) URL",
                        f'write it like {key} = "{example}"',
                    )
                )
    if "base_url" in kwargs:
        kwargs["base_url"] = normalize_base_url(kwargs["base_url"])
        kwargs["base_url_configured"] = True
    if "link_allowlist" in values:
        kwargs["link_allowlist"] = tuple(
            str(host).strip().lower() for host in values["link_allowlist"]
        )
    if "language" in values:
        kwargs["language"] = normalize_language(values["language"])
    if "timezone" in values:
        try:
            kwargs["timezone"] = ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(
                Problem(
                    path,
                    None,
                    f"unknown time zone {values['timezone']!r}",
                    'use an IANA name such as "Asia/Shanghai"; UTC is used until then',
                )
            )
    if "footer" in values:
        kwargs["footer"] = tuple(str(line) for line in values["footer"])
    for key in ("feed_length", "page_size", "cache_mb"):
        if key in values:
            if values[key] >= 1:
                kwargs[key] = values[key]
            else:
                problems.append(
                    Problem(path, None, f"{key} must be at least 1", f"set {key} = 20 or more")
                )
    return Settings(site_dir=site_dir, **kwargs)
