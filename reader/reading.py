"""Reading preferences (text size, colour theme) kept in a cookie: no JavaScript needed.

Pages stay the same bytes for everyone, so they can be cached; only a tiny stylesheet and
the settings page itself depend on the cookie.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Final
from urllib.parse import quote

COOKIE: Final = "reading"
SIZES: Final = {"small": 0.875, "medium": 1.0, "large": 1.25, "largest": 1.5}
"""Text size steps, as a factor of the reader's own browser font size."""
THEMES: Final = ("auto", "light", "dark")
PALETTE: Final = (
    "text",
    "muted",
    "bg",
    "link",
    "rule",
    "focus",
    "mark",
    *(f"code-{kind}" for kind in ("keyword", "string", "comment", "number", "name", "builtin")),
)
"""The colour variables each theme of style.css defines as --light-NAME and --dark-NAME."""


@dataclass(frozen=True)
class Preferences:
    """One reader's choices; the defaults follow the browser and the system."""

    size: str = "medium"
    theme: str = "auto"

    @property
    def cookie_value(self) -> str:
        """How the choice is stored: ``size.theme``."""
        return f"{self.size}.{self.theme}"

    @property
    def is_default(self) -> bool:
        """Whether nothing differs from the defaults."""
        return self == Preferences()


def from_cookie_header(header: str | None) -> Preferences:
    """The preferences in a Cookie header; anything unknown falls back to the defaults."""
    if not header:
        return Preferences()
    try:
        cookies = SimpleCookie(header)
    except CookieError:
        return Preferences()
    morsel = cookies.get(COOKIE)
    if morsel is None:
        return Preferences()
    size, _, theme = morsel.value.partition(".")
    return Preferences(size if size in SIZES else "medium", theme if theme in THEMES else "auto")


def from_form(fields: Mapping[str, str]) -> tuple[Preferences, str]:
    """The preferences and the local path to return to, from the settings form's fields."""
    size = fields.get("size", "medium")
    theme = fields.get("theme", "auto")
    preferences = Preferences(
        size if size in SIZES else "medium", theme if theme in THEMES else "auto"
    )
    return preferences, safe_return_path(fields.get("back"))


def safe_return_path(path: str | None) -> str:
    """A path on this site to go back to; anything else (another host) becomes the home page.

    Control characters are refused, not dropped: browsers drop tabs and line breaks from
    a URL, which would make ``/\t/evil.example`` another host. What is left is sent as
    ASCII, percent-encoded, so it is always a valid ``Location``.
    """
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in path):
        return "/"
    return quote(path, safe="/%?=&;:@!$'()*+,-._~#")


def stylesheet(preferences: Preferences) -> str:
    """The CSS that applies a reader's choices on top of the theme's stylesheet."""
    rules = [f"/* reading preferences: {preferences.cookie_value} */"]
    scale = SIZES[preferences.size]
    if scale != 1.0:
        rules.append(f":root {{ --text-scale: {scale}; }}")
    if preferences.theme != "auto":
        theme = preferences.theme
        colours = " ".join(f"--{name}: var(--{theme}-{name});" for name in PALETTE)
        rules.append(f":root {{ color-scheme: {theme}; {colours} }}")
    return "\n".join(rules) + "\n"
