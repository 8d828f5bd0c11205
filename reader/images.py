"""Images in sanitised article HTML: intrinsic sizes, lazy loading, and missing alt text."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

# nh3 writes every attribute value in double quotes and escapes the quotes inside it.
_IMG = re.compile(r'<img((?:\s+[\w-]+="[^"]*")*)\s*/?>')
_ATTRIBUTE = re.compile(r'\s([\w-]+)="([^"]*)"')
_NEXT_WORDS = re.compile(r"(?:\s|<br\s*/?>)*([^<\n]*)")
"""The words right after an image, up to the next tag or line."""


def _said_beside(alt: str, fragment: str, end: int) -> bool:
    """Whether the words right after an image are its alt text (an escaped attribute)."""
    following = _NEXT_WORDS.match(fragment, end)
    said = html.unescape(following[1]).strip() if following else ""
    return bool(said) and said == html.unescape(alt).strip()


Locate = Callable[[str], Path | None]
"""Maps an image's ``src`` to the file we serve for it, or None if it lives elsewhere."""


def intrinsic_size(path: Path | None) -> tuple[int, int] | None:
    """The width and height in CSS pixels of an image file (raster or SVG), if readable."""
    if path is None:
        return None
    import imagesize  # here: it takes 40 ms to load, and a restart needs no image until served

    try:
        width, height = imagesize.get(path)
    except Exception:  # a damaged image file must cost its size, never the site
        return None
    if width <= 0 or height <= 0:
        return None
    return round(width), round(height)


def local_file(src: str, base: Path | None, static_dir: Path) -> Path | None:
    """The file behind a relative or site-absolute ``src``; None for another host's image."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    relative = unquote(parts.path)
    root = static_dir if relative.startswith("/") else base
    if root is None:
        return None
    try:
        candidate = (root / relative.lstrip("/")).resolve()
        # Only what the site serves: a bundle's own files, or static/'s.
        inside = candidate.is_relative_to(root.resolve())
        return candidate if inside and candidate.is_file() else None
    except (OSError, ValueError):
        return None


def finish_images(fragment: str, locate: Locate, *, eager_first: bool, missing_alt: str) -> str:
    """Give each image its size (no layout shift), lazy loading below the first, and alt.

    An image without alt text gets ``alt=""``, so screen readers skip it rather than read its
    file name; ``reader check`` reports it. With ``missing_alt`` set (preview), a visible
    marker before the image tells the editor too.
    """
    seen = 0

    def finish(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        attributes = dict(_ATTRIBUTE.findall(match[1]))
        src = html.unescape(attributes.get("src", ""))
        if "width" not in attributes and "height" not in attributes:
            size = intrinsic_size(locate(src))
            if size is not None:
                attributes["width"], attributes["height"] = str(size[0]), str(size[1])
        if seen == 1 and eager_first:
            attributes.pop("loading", None)
        else:
            attributes.setdefault("loading", "lazy")
        attributes.setdefault("decoding", "async")
        marker = ""
        if not attributes.get("alt", "").strip():
            attributes["alt"] = ""
            if missing_alt:
                marker = f'<mark class="missing-alt">{html.escape(missing_alt)}</mark>'
        elif _said_beside(attributes["alt"], match.string, match.end()):
            # ``<img alt="图/pixabay"> 图/pixabay``: the words beside it say it already, and a
            # screen reader would say them twice.
            attributes["alt"] = ""
        rendered = "".join(f' {name}="{value}"' for name, value in attributes.items())
        return f"{marker}<img{rendered}>"

    return _IMG.sub(finish, fragment)
