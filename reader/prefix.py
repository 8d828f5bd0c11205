"""A site served under a path of its host (``base_url = "https://example.org/news/"``).

Routes, caches and templates know only the site's own paths (``/topics/``); the prefix is
taken off each request here and put on each root-relative link of the HTML we send, so a
site moves under a path, or out of one, by its ``base_url`` alone.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_LINK_ATTRIBUTE = re.compile(r'(\s(?:href|src|action|poster)=")/(?!/)')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)(")')


def inner_path(prefix: str, path: str) -> str | None:
    """The site's own path of a request path under ``prefix`` ("" for none); None when the
    path is outside it."""
    if not prefix:
        return path
    if path.startswith(prefix) and path[len(prefix) : len(prefix) + 1] == "/":
        return path[len(prefix) :]
    return None


def prefixed_html(html: str, prefix: str) -> str:
    """HTML whose root-relative links (``href``, ``src``, ``action``, ``poster``,
    ``srcset``) name paths under ``prefix``; text and other URLs are left as they are."""
    if not prefix:
        return html
    return _TAG.sub(lambda tag: _prefixed_tag(tag[0], prefix), html)


def _prefixed_tag(tag: str, prefix: str) -> str:
    tag = _LINK_ATTRIBUTE.sub(lambda m: m[1] + prefix + "/", tag)
    return _SRCSET.sub(lambda m: m[1] + _prefixed_srcset(m[2], prefix) + m[3], tag)


def _prefixed_srcset(value: str, prefix: str) -> str:
    candidates = []
    for candidate in value.split(","):
        stripped = candidate.lstrip()
        if stripped.startswith("/") and not stripped.startswith("//"):
            candidate = candidate[: len(candidate) - len(stripped)] + prefix + stripped
        candidates.append(candidate)
    return ",".join(candidates)
