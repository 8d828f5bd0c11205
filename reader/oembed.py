"""oEmbed (https://oembed.com/): an accessible headline card for one of our articles."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from reader.i18n import Labels
from reader.jsontext import json_bytes
from reader.presentation import byline
from reader.store import Snapshot
from reader.urls import RouteName, absolute, article_path, resolve

DEFAULT_WIDTH = 550
DEFAULT_HEIGHT = 240
CACHE_AGE = 3600
_PAGES = (RouteName.CONTENT, RouteName.FILE)
"""Routes an article's URL resolves to: as linked, or without its trailing slash."""


def answer(snapshot: Snapshot, query: str) -> tuple[int, bytes]:
    """The oEmbed response for ``?url=...``; 404 for a URL that is not one of our articles."""
    params = {name: values[0] for name, values in parse_qs(query).items()}
    if params.get("format", "json") != "json":
        return 501, json_bytes({"error": "only format=json is offered"})
    settings = snapshot.settings
    url = params.get("url", "")
    if not url.startswith(settings.base_url):
        return 404, json_bytes({"error": f"not a page of {settings.base_url}"})
    match = resolve(
        "/" + unquote(urlsplit(url).path).removeprefix(urlsplit(settings.base_url).path),
        settings.taxonomy_names,
    )
    article = snapshot.article(match.params.path) if match.route in _PAGES else None
    if article is None:
        return 404, json_bytes({"error": "no published article at this URL"})
    width = _bounded(params.get("maxwidth"), DEFAULT_WIDTH)
    height = _bounded(params.get("maxheight"), DEFAULT_HEIGHT)
    lang = article.lang or settings.language
    labels = Labels(lang)
    local = article.date.astimezone(settings.timezone)
    page = absolute(settings, article_path(article))
    summary = f"<p>{escape(article.summary)}</p>" if article.summary else ""
    card = (
        f'<blockquote class="reader-embed" lang="{escape(lang)}" cite="{escape(page)}">'
        f'<p><a href="{escape(page)}">{escape(article.title)}</a></p>{summary}'
        f"<footer>{escape(settings.title)}, "
        f'<time datetime="{local.isoformat()}">{escape(labels.datetime(local))}</time>'
        "</footer></blockquote>"
    )
    document: dict[str, Any] = {
        "version": "1.0",
        "type": "rich",
        "title": article.title,
        "author_name": byline(snapshot, article),
        "provider_name": settings.title,
        "provider_url": settings.base_url,
        "cache_age": CACHE_AGE,
        "html": card,
        "width": width,
        "height": height,
    }
    return 200, json_bytes(document)


def _bounded(value: str | None, default: int) -> int:
    # Only plain ASCII digits are a number here; ten of them or more exceed any bound.
    if value is None or not (value.isascii() and value.isdigit()):
        return default
    number = int(value) if len(value) < 10 else default
    return min(number, default) if number > 0 else default
